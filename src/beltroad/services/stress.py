"""``beltroad risk stress``: a Monte Carlo stress test of the registry's portfolio.

Reads the scenario file and ``config/stress.toml``, builds one exposure per project, country and
sector (amounts split by the country and sector percentages, projects selected by the same
aggregation rule as breakdowns), takes each country's PD from its country risk score, runs the
engine on the chosen executor and stores the run in ``scenario_runs``.

>>> run = run_stress_test(workspace, Path("red_sea.toml"), scenarios=20_000)  # doctest: +SKIP
>>> run.as_dict()["var"]["99.9"]  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from beltroad.engines.corridors import RULE as CORRIDOR_RULE
from beltroad.engines.corridors import attribute
from beltroad.engines.scenario import Scenario, parse_scenario
from beltroad.engines.stress import Exposure, StressParameters, StressResult, run_stress
from beltroad.errors import DataUnavailable, InvalidInput, NotFound
from beltroad.executors import DEFAULT_CONNECT_TIMEOUT, Executor, make_executor
from beltroad.reference.countries import load_countries
from beltroad.reference.passages import PASSAGES
from beltroad.services import money
from beltroad.services.overlaps import precedence_label
from beltroad.services.portfolio import portfolio_snapshot
from beltroad.services.workspace import Workspace
from beltroad.storage import exposures as store
from beltroad.storage import overlaps as overlap_store
from beltroad.storage.exposures import ProjectMoney

#: The seven World Bank regions (as Natural Earth and the countries table spell them).
WORLD_BANK_REGIONS = (
    "East Asia & Pacific",
    "Europe & Central Asia",
    "Latin America & Caribbean",
    "Middle East & North Africa",
    "North America",
    "South Asia",
    "Sub-Saharan Africa",
)
#: IATI FinanceType [V] -> instrument (the LGD key of stress.toml).
FINANCE_INSTRUMENTS = {
    110: "grant",
    210: "grant",
    421: "loan",
    422: "loan",
    431: "loan",
    423: "debt_security",
    424: "debt_security",
    425: "debt_security",
    432: "equity",
    433: "equity",
    510: "equity",
    520: "equity",
    530: "equity",
    1100: "guarantee",
}
EXPORT_CREDIT_FLOW = 22  # IATI FlowType: officially supported export credits [V]
MAX_SCENARIOS = 10_000_000
MAX_SEED = 2**31 - 1  # scenario_runs.seed is a 32-bit integer
RULES = ("aiddata", "all")

_CONFIG_KEYS: dict[str, tuple[str, ...]] = {
    "model": (
        "correlation",
        "loadings",
        "chunk_size",
        "size_buckets_per_decade",
        "gap_mean",
        "tags",
    ),
    "pd": ("default", "tags"),
    "lgd": (
        "loan",
        "export_credit",
        "debt_security",
        "guarantee",
        "equity",
        "grant",
        "unspecified",
        "tags",
    ),
    "ead": ("ccf", "tags"),
    "currency": ("hard", "fx_pd_elasticity", "tags"),
    "delay": ("shock_sd", "active_statuses", "tags"),
}


@dataclass(frozen=True)
class StressConfig:
    """``stress.toml``, checked: model parameters, default PD, LGDs, CCF, currencies, delays."""

    version: str
    params: StressParameters
    default_pd: float
    lgd: Mapping[str, float]
    ccf: float
    hard_currencies: frozenset[str]
    active_statuses: frozenset[int]
    source: str


def load_config(path: Path | None = None) -> StressConfig:
    """The packaged ``config/stress.toml``, or the file at ``path`` (checked the same way)."""
    if path is None:
        text = resources.files("beltroad").joinpath("config/stress.toml").read_text("utf-8")
        source = "beltroad/config/stress.toml"
    else:
        text, source = _read(path), str(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput.at(f"not valid TOML ({exc})", file=source) from None
    for section, value in data.items():
        if section == "version":
            continue
        if section not in _CONFIG_KEYS:
            allowed = ", ".join(["version", *_CONFIG_KEYS])
            raise InvalidInput.at(
                f"unknown section (allowed: {allowed})", file=source, field=section
            )
        for key in value:
            if key not in _CONFIG_KEYS[section]:
                raise InvalidInput.at(
                    f"unknown key (allowed: {', '.join(_CONFIG_KEYS[section])})",
                    file=source,
                    field=f"{section}.{key}",
                )

    def number(section: str, key: str, low: float, high: float) -> float:
        value = data.get(section, {}).get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidInput.at(f"expected a number in [{low}, {high}]", file=source,
                                  field=f"{section}.{key}", value=value)  # fmt: skip
        if not low <= float(value) <= high:
            raise InvalidInput.at(f"out of range (allowed: [{low}, {high}])", file=source,
                                  field=f"{section}.{key}", value=value)  # fmt: skip
        return float(value)

    correlation = number("model", "correlation", 0.0, 0.999999)
    loadings = data["model"].get("loadings", {})
    weights = tuple(float(loadings.get(k, 0.0)) for k in ("global", "region", "country"))
    if any(w < 0 for w in weights) or sum(weights) <= 0:
        raise InvalidInput.at("loadings must be >= 0 and not all 0", file=source,
                              field="model.loadings", value=loadings)  # fmt: skip
    lgd = {key: number("lgd", key, 0.0, 1.0) for key in _CONFIG_KEYS["lgd"] if key != "tags"}
    params = StressParameters(
        correlation=correlation,
        loadings=(weights[0], weights[1], weights[2]),
        chunk_size=int(number("model", "chunk_size", 1, 1_000_000)),
        size_buckets_per_decade=int(number("model", "size_buckets_per_decade", 0, 100)),
        fx_pd_elasticity=number("currency", "fx_pd_elasticity", 0.0, 10.0),
        delay_shock_sd=number("delay", "shock_sd", 0.0, 10.0),
        gap_mean=number("model", "gap_mean", 0.0, 1e9),
        config_version=str(data.get("version", "unversioned")),
    )
    return StressConfig(
        version=params.config_version,
        params=params,
        default_pd=number("pd", "default", 0.0, 1.0),
        lgd=lgd,
        ccf=number("ead", "ccf", 0.0, 1.0),
        hard_currencies=frozenset(str(c) for c in data["currency"].get("hard", [])),
        active_statuses=frozenset(int(s) for s in data["delay"].get("active_statuses", [])),
        source=source,
    )


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NotFound(f"no such file: {path}") from None
    except OSError as exc:
        raise InvalidInput.at(f"cannot read it ({exc.strerror})", file=str(path)) from None


def resolve_scenario(path: Path) -> Path:
    """``path`` when it is a file, else the shipped scenario it names (``red_sea_closure``,
    with or without ``.toml``); neither is NotFound listing the shipped scenarios."""
    if path.is_file():
        return path
    from beltroad.scenarios import example_files

    shipped = {Path(f.name).stem: Path(str(f)) for f in example_files()}
    name = path.stem if path.suffix == ".toml" else path.name
    if len(path.parts) == 1 and name in shipped:
        return shipped[name]
    raise NotFound(
        f"no scenario file {path} and no shipped scenario named {name!r} "
        f"(shipped: {', '.join(sorted(shipped))})",
        hint="give the path of a scenario TOML file or the name of a shipped scenario",
    )


def read_scenario(path: Path, *, regions: set[str] | None = None) -> Scenario:
    """Read and check a scenario TOML file (see docs/cli.md for the format); ``path`` may name
    a shipped scenario (:func:`resolve_scenario`)."""
    path = resolve_scenario(path)
    return scenario_from(scenario_data(path), regions=regions, file=str(path))


def scenario_data(path: Path) -> dict[str, Any]:
    """The scenario file's TOML as a mapping (``path`` may name a shipped scenario)."""
    path = resolve_scenario(path)
    try:
        return tomllib.loads(_read(path))
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput.at(f"not valid TOML ({exc})", file=str(path)) from None


def scenario_from(
    data: Mapping[str, Any], *, regions: set[str] | None = None, file: str | None = None
) -> Scenario:
    """Check a scenario mapping (a file's TOML, or one edited in a form)."""
    return parse_scenario(
        data,
        countries={c.iso3 for c in load_countries()},
        regions=set(WORLD_BANK_REGIONS) | (regions or set()),
        passages={p.key for p in PASSAGES},
        file=file,
    )


def instrument_of(project: ProjectMoney) -> str:
    """The instrument (LGD key) of a project: export credits by flow type, else finance type."""
    if project.flow_type == EXPORT_CREDIT_FLOW:
        return "export_credit"
    if project.finance_type is None:
        return "unspecified"
    return FINANCE_INSTRUMENTS.get(project.finance_type, "unspecified")


def exposure_at_default(project: ProjectMoney, ccf: float) -> float:
    """``(disbursed − repaid) + CCF × (committed − disbursed)``, never below 0.

    The commitment is the sum of commitment transactions, else the project's amount.
    """
    committed = project.committed if project.committed is not None else project.amount
    committed = committed or 0.0
    disbursed = project.disbursed or 0.0
    repaid = project.repaid or 0.0
    drawn = max(disbursed - repaid, 0.0)
    undrawn = max(committed - disbursed, 0.0)
    return drawn + ccf * undrawn


@dataclass
class StressRun:
    """A stress test result with what it was computed from."""

    result: StressResult
    scenario: Scenario
    scenario_file: str
    rule: str
    executor: str
    config_version: str
    base_years: list[int]
    datasets: list[dict[str, Any]]
    pd_sources: dict[str, int]
    synthetic: bool
    run_id: int | None = None
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        payload = self.result.as_dict()
        payload.update(
            {
                "scenario_file": self.scenario_file,
                "scenario_kind": self.scenario.kind,
                "description": self.scenario.description,
                "rule": self.rule,
                "measure": "EAD in "
                + (f"constant {self.base_years[0]} USD" if self.base_years else "constant USD"),
                "base_year": self.base_years[0] if len(self.base_years) == 1 else self.base_years,
                "executor": self.executor,
                "config_version": self.config_version,
                "data": self.datasets,
                "pd_sources": self.pd_sources,
                "synthetic": self.synthetic,
                "run_id": self.run_id,
                "notes": [*self.result.notes, *self.notes],
            }
        )
        return payload


def _country_pds(
    workspace: Workspace, countries: set[str], notes: list[str]
) -> dict[str, tuple[float, str]]:
    """PD and band per country from the country risk scores (issue #5 part 1), where scored."""
    try:
        from beltroad.services.risk import country_scores
    except ImportError:
        notes.append(
            "country risk scores are not available in this beltroad (services.risk): every "
            "country takes the default PD of stress.toml"
        )
        return {}
    found: dict[str, tuple[float, str]] = {}
    try:
        scores = country_scores(workspace, countries=sorted(countries))
    except DataUnavailable as exc:
        notes.append(f"no country risk scores ({exc.message}): every country takes the default PD")
        return {}
    for score in scores:
        found[score.iso3] = (float(score.pd), str(score.band))
    if scores:
        notes.append(
            f"PDs from the country risk scores ({scores[0].config_version}, year {scores[0].year})"
        )
    return found


def _dependence(
    workspace: Workspace, scenario: Scenario, notes: list[str]
) -> dict[int, frozenset[str]]:
    """Chokepoint dependence per project (issue #6), needed only when passages are closed."""
    if not scenario.closures:
        return {}
    try:
        from beltroad.services.exposure import chokepoint_dependence
    except ImportError:
        notes.append(
            "chokepoint dependence is not available in this beltroad (services.exposure, "
            "issue #6): the closure of "
            + ", ".join(sorted(scenario.closed_passages))
            + " acts on no project"
        )
        return {}
    dependence: dict[int, frozenset[str]] = chokepoint_dependence(workspace)
    return dependence


def build_exposures(
    projects: list[ProjectMoney],
    config: StressConfig,
    *,
    pds: Mapping[str, tuple[float, str]],
    regions: Mapping[str, str | None],
    corridors: Mapping[str, list[str]],
    dependence: Mapping[int, frozenset[str]],
    points: Mapping[int, Sequence[tuple[float, float]]] | None = None,
) -> tuple[list[Exposure], dict[str, int]]:
    """One exposure per project, country and sector; the count of exposures per PD source."""
    exposures: list[Exposure] = []
    sources = {"country_score": 0, "default": 0}
    for project in projects:
        ead = exposure_at_default(project, config.ccf)
        if ead <= 0 or project.status == 5:  # nothing at risk, or cancelled
            continue
        instrument = instrument_of(project)
        lgd = config.lgd.get(instrument, config.lgd["unspecified"])
        local = project.currency is not None and project.currency not in config.hard_currencies
        active = project.status is not None and project.status in config.active_statuses
        financiers = tuple(sorted(set(project.financiers)))
        sectors: list[tuple[str | None, float]] = list(project.sectors) or [(None, 100.0)]
        for iso3, country_pct in project.countries:
            pd, band = pds.get(iso3, (config.default_pd, "default"))
            sources["country_score" if iso3 in pds else "default"] += len(sectors)
            # The one corridor rule (breakdown and exposure use it too), for this country's part.
            country_corridors = tuple(
                share.corridor
                for share in attribute(
                    [(iso3, 100.0)],
                    members=corridors,
                    points=(points or {}).get(project.id, ()),
                    explicit=project.corridor_id,
                )
            )
            for sector, sector_pct in sectors:
                share = country_pct / 100.0 * sector_pct / 100.0
                exposures.append(
                    Exposure(
                        project_id=project.id,
                        country=iso3,
                        region=regions.get(iso3),
                        sector=sector,
                        instrument=instrument,
                        ead=ead * share,
                        lgd=lgd,
                        pd=pd,
                        rating=band,
                        corridors=country_corridors,
                        financiers=financiers,
                        passages=dependence.get(project.id, frozenset()),
                        local_currency=local,
                        active=active,
                    )
                )
    return exposures, sources


def run_stress_test(
    workspace: Workspace,
    scenario_path: Path,
    *,
    scenarios: int = 100_000,
    seed: int | None = None,
    executor: Executor | None = None,
    executor_kind: str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    timeout: float = DEFAULT_CONNECT_TIMEOUT,
    rule: str = "aiddata",
    config_path: Path | None = None,
    store_run: bool = True,
    base_year: int | None = None,
    deflator: str | None = None,
    definition: Mapping[str, Any] | None = None,
) -> StressRun:
    """Run the scenario file against the registry's portfolio and store the run.

    ``definition``: an edited scenario (the TOML layout as a mapping) run instead of the file's;
    the file then only names where it came from.
    """
    if not 1 <= scenarios <= MAX_SCENARIOS:
        raise InvalidInput.at(
            f"expected a number of scenarios in [1, {MAX_SCENARIOS:,}]",
            field="scenarios",
            value=scenarios,
        )
    seed = workspace.settings.seed if seed is None else seed
    if not 0 <= seed <= MAX_SEED:
        raise InvalidInput.at(f"expected a seed in [0, {MAX_SEED}]", field="seed", value=seed)
    if rule not in RULES:
        raise InvalidInput.at(
            f"unknown rule (expected one of {', '.join(RULES)})", field="rule", value=rule
        )
    if base_year is not None:
        money.check_base_year(base_year)
    config = load_config(config_path)
    notes: list[str] = []
    scenario_path = resolve_scenario(scenario_path)
    with workspace.reading() as connection:
        regions = store.country_regions(connection)
        known = {r for r in regions.values() if r is not None}
        scenario = (
            read_scenario(scenario_path, regions=known)
            if definition is None
            else scenario_from(definition, regions=known, file=f"{scenario_path} (edited)")
        )
        projects = store.project_money(connection, rule=rule)
        # Exposures on one price basis: commitments and disbursements converted, never mixed.
        snapshot = portfolio_snapshot(workspace, connection)
        keep = np.isin(np.asarray(snapshot.project_ids), [p.id for p in projects])
        _, conversion = money.put_on_one_basis(
            connection, snapshot, projects, base_year=base_year, deflator=deflator, counted=keep
        )
        if conversion is not None:
            notes.extend(conversion.notes)
        corridors = store.corridor_members(connection)
        points = store.project_points(connection)
        set_aside = overlap_store.set_aside_counts(connection)
        jobs = store.local_jobs(connection)
        datasets = store.dataset_vintages(connection)
    countries = {iso3 for p in projects for iso3, _ in p.countries}
    pds = _country_pds(workspace, countries, notes) if countries else {}
    dependence = _dependence(workspace, scenario, notes)
    exposures, pd_sources = build_exposures(
        projects,
        config,
        pds=pds,
        regions=regions,
        corridors=corridors,
        dependence=dependence,
        points=points,
    )
    notes.append(
        f"{sum(set_aside.values()):,} duplicate records set aside (precedence "
        f"{precedence_label(workspace.settings)}); corridors: {CORRIDOR_RULE}"
    )
    no_country = sum(1 for p in projects if not p.countries)
    if no_country:
        notes.append(f"{no_country:,} projects have no recipient country and are left out")
    if pd_sources["default"]:
        notes.append(
            f"{pd_sources['default']:,} exposures take the default PD {config.default_pd:g} "
            "(no country risk score) [N]"
        )
    if not jobs:
        notes.append("no cooperation zone or enterprise jobs are loaded: local jobs at risk are 0")

    owned = executor is None
    runner = executor or make_executor(
        executor_kind, workers=workers, scheduler=scheduler, timeout=timeout
    )
    try:
        started_at = dt.datetime.now(dt.UTC)
        result = run_stress(
            exposures,
            config.params,
            scenario,
            scenarios=scenarios,
            seed=seed,
            executor=runner,
            jobs_by_country=jobs,
        )
        label = getattr(runner, "label", type(runner).__name__)
    finally:
        if owned:
            runner.close()
    base_years = sorted({p.base_year for p in projects if p.base_year is not None})
    run = StressRun(
        result=result,
        scenario=scenario,
        scenario_file=str(scenario_path),
        rule=rule,
        executor=str(label),
        config_version=config.version,
        base_years=base_years,
        datasets=datasets,
        pd_sources=pd_sources,
        synthetic=any(p.is_synthetic for p in projects),
        notes=notes,
    )
    if store_run:
        payload = _finite(run.as_dict())
        with workspace.writing() as connection:
            run.run_id = store.save_run(
                connection,
                name=scenario.name,
                kind=scenario.kind,
                definition=_finite(
                    dict(definition) if definition is not None else scenario_data(scenario_path)
                ),
                started_at=started_at,
                seed=seed,
                parameters={
                    "scenarios": scenarios,
                    "rule": rule,
                    "executor": run.executor,
                    "config_version": config.version,
                    "scenario_file": str(scenario_path),
                },
                result=payload,
            )
    return run


def _finite(value: Any) -> Any:
    """JSON-safe copy: non-finite floats become None (JSON has no NaN or infinity), and values
    JSON cannot hold (TOML dates and times) their text."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    if value is None or isinstance(value, str | int | bool):
        return value
    return str(value)
