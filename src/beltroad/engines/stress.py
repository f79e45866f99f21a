"""Portfolio stress test: a multi-factor Gaussian copula simulated group by group.

Pure: exposures, parameters and a scenario in; a :class:`StressResult` out. Nothing here knows
the database, the configuration file or Dask; the caller passes an executor with a
``map(fn, items) -> list`` method (``beltroad.executors``), or none for a plain loop.

The model (standards.md §4.5, multi-factor extension):

* Each exposure's latent variable is ``X = √ρ·Y_c + √(1−ρ)·ε`` with the country's factor
  ``Y_c = w_g·G + w_r·R_region(c) + w_c·C_c`` (``w_g² + w_r² + w_c² = 1``, so ``Y_c ~ N(0, 1)``);
  it defaults when ``X < Φ⁻¹(PD)``. A factor shock of ``s`` standard deviations moves the
  region's or country's factor mean to ``−s``.
* Exposures are grouped into cells of exchangeable exposures: same country, rating (PD),
  sector, instrument (LGD), corridor and financiers, chokepoint dependence, currency kind and
  exposure-size bucket. Given the factors, a group's defaults are ``Binomial(n, p(Y_c))``, drawn
  exactly by geometric gaps or by inversion (:mod:`beltroad.engines.stress_sampling`); no
  exposure is drawn on its own.
* A group's loss is ``defaults × average EAD × LGD``. The expected loss is exact whatever the
  EAD spread; the tails treat the EADs within a size bucket as equal (the test suite measures
  that error against a one-group-per-exposure run).

Scenario effects (all only ever add loss):

* PD multipliers and floors raise PDs (capped at 1).
* Sanctions: the frozen share ``severity`` of an exposure is lost in every scenario; the rest stays
  at credit risk.
* Currency shocks (depreciation ``d``): a hard-currency exposure's PD is multiplied by
  ``(1/(1−d))^elasticity`` (the borrower's burden in its own currency) and its LGD becomes
  ``1 − (1 − LGD)(1 − d)`` (recoveries are local assets worth ``1 − d`` as much); a
  local-currency exposure loses ``d`` of its value outright (translation) and the rest stays at
  credit risk.
* Closures: exposures depending on a closed passage get the closure's PD multiplier, and their
  projects count as likely delayed.

>>> result = run_stress([Exposure(1, "PAK", "South Asia", "210", "loan", 100.0, 0.45, 0.02)],
...                     StressParameters(correlation=0.12), Scenario(name="base"),
...                     scenarios=1000, seed=1)
>>> round(result.expected_loss_analytic, 2)
0.9
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import numpy as np
from scipy import sparse
from scipy.special import ndtr, ndtri

from beltroad.engines.loss_distribution import loss_histogram
from beltroad.engines.scenario import Scenario, Target
from beltroad.engines.stress_sampling import ChunkResult, SimulationPlan, simulate_chunk

T = TypeVar("T")
R = TypeVar("R")

LEVELS: tuple[tuple[str, float], ...] = (("95", 0.95), ("99", 0.99), ("99.9", 0.999))
FAMILIES = ("country", "sector", "corridor", "financier")
UNSPECIFIED = "unspecified"


class Executor(Protocol):
    """What the engine needs from an executor: an ordered ``map``."""

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]: ...


class SerialExecutor:
    """A plain loop in this process."""

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        return [fn(item) for item in items]


@dataclass(frozen=True)
class Exposure:
    """One exposure: a project's share in one country and sector.

    ``ead`` in USD; ``lgd`` and ``pd`` as fractions. ``active`` projects (not completed) are the
    ones a scenario can delay. ``local_currency`` marks an exposure in the borrower's own
    currency (most official lending is in hard currency).
    """

    project_id: int
    country: str
    region: str | None
    sector: str | None
    instrument: str
    ead: float
    lgd: float
    pd: float
    rating: str = ""
    corridors: tuple[str, ...] = ()
    financiers: tuple[str, ...] = ()
    passages: frozenset[str] = frozenset()
    local_currency: bool = False
    active: bool = True


@dataclass(frozen=True)
class StressParameters:
    """Model parameters (from ``stress.toml``; see there for their tags and sources)."""

    correlation: float
    loadings: tuple[float, float, float] = (0.5, 0.5, 0.7071067811865476)
    chunk_size: int = 1024
    size_buckets_per_decade: int = 2
    fx_pd_elasticity: float = 1.0
    delay_shock_sd: float = 1.0
    gap_mean: float = 100.0
    config_version: str = ""

    def normalised_loadings(self) -> tuple[float, float, float]:
        g, r, c = self.loadings
        norm = math.sqrt(g * g + r * r + c * c)
        if norm <= 0:
            raise ValueError("factor loadings must not all be zero")
        return (g / norm, r / norm, c / norm)


@dataclass(frozen=True)
class Group:
    """Exchangeable exposures: one key, their count, total EAD and the projects they belong to."""

    key: tuple[Any, ...]
    country: str
    region: str | None
    sector: str | None
    instrument: str
    rating: str
    pd: float
    lgd: float
    corridors: tuple[str, ...]
    financiers: tuple[str, ...]
    passages: frozenset[str]
    local_currency: bool
    n: int
    ead: float
    projects: frozenset[int]
    active_projects: frozenset[int]


def size_bucket(ead: float, per_decade: int) -> int:
    """The exposure-size bucket: ``per_decade`` log-spaced buckets per factor of ten (0: one)."""
    if per_decade <= 0 or ead <= 0:
        return 0
    return math.floor(math.log10(ead) * per_decade)


def group_exposures(exposures: Iterable[Exposure], per_decade: int) -> list[Group]:
    """Cells of exchangeable exposures, in a stable order (sorted by key)."""
    found: dict[tuple[Any, ...], list[Exposure]] = defaultdict(list)
    for e in exposures:
        if e.ead <= 0:
            continue  # no exposure, no loss
        key = (
            e.country,
            e.region or "",
            e.sector or "",
            e.instrument,
            e.rating,
            e.pd,
            e.lgd,
            e.corridors,
            e.financiers,
            tuple(sorted(e.passages)),
            e.local_currency,
            size_bucket(e.ead, per_decade),
        )
        found[key].append(e)
    groups = []
    # Country, PD and size first: groups of one (cell, n) pair sit together, which keeps the
    # kernel's per-group gathers close in memory.
    for key in sorted(found, key=lambda k: (k[0], k[5], len(found[k]), repr(k))):
        members = found[key]
        first = members[0]
        groups.append(
            Group(
                key=key,
                country=first.country,
                region=first.region,
                sector=first.sector,
                instrument=first.instrument,
                rating=first.rating,
                pd=first.pd,
                lgd=first.lgd,
                corridors=first.corridors,
                financiers=first.financiers,
                passages=first.passages,
                local_currency=first.local_currency,
                n=len(members),
                ead=math.fsum(e.ead for e in members),
                projects=frozenset(e.project_id for e in members),
                active_projects=frozenset(e.project_id for e in members if e.active),
            )
        )
    return groups


@dataclass(frozen=True)
class ShockedGroup:
    """A group after the scenario: its PD and LGD, and the share of its EAD lost outright."""

    pd: float
    lgd: float
    lost_share: float
    delayed_by: tuple[str, ...]


def _matches(target: Target, g: Group) -> bool:
    return target.matches(g.country, g.region, g.sector)


def shock_group(g: Group, scenario: Scenario, params: StressParameters) -> ShockedGroup:
    """Apply the scenario's PD, sanction, currency and closure effects to one group."""
    pd, lgd = g.pd, g.lgd
    for m in scenario.pd_multipliers:
        if _matches(m.target, g):
            pd *= m.multiplier
    reasons: list[str] = []
    closed = scenario.closed_passages
    for closure in scenario.closures:
        if g.passages & set(closure.passages):
            pd *= closure.pd_multiplier
    if g.passages & closed:
        reasons.append("closure")
    kept = 1.0
    for shock in scenario.currency_shocks:
        if g.country in shock.countries:
            d = shock.depreciation
            if g.local_currency:
                kept *= 1.0 - d  # translation loss in USD
            else:
                pd *= (1.0 / (1.0 - d)) ** params.fx_pd_elasticity
                lgd = 1.0 - (1.0 - lgd) * (1.0 - d)
    for s in scenario.sanctions:
        if g.country in s.countries:
            kept *= 1.0 - s.severity
            reasons.append("sanctions")
    for floor in scenario.pd_floors:
        if _matches(floor.target, g):
            pd = max(pd, floor.pd)
    shocked = any(
        f.shock_sd >= params.delay_shock_sd
        and (f.country == g.country or (f.region is not None and f.region == g.region))
        for f in scenario.factor_shocks
    )
    if shocked:
        reasons.append("conflict")
    return ShockedGroup(
        pd=min(pd, 1.0), lgd=min(lgd, 1.0), lost_share=1.0 - kept, delayed_by=tuple(reasons)
    )


@dataclass
class StressResult:
    """What a stress run found, and everything needed to trace it."""

    scenario: str
    scenarios: int
    seed: int
    expected_loss: float
    expected_loss_analytic: float
    var: dict[str, float]
    es: dict[str, float]
    exposure: float
    deterministic_loss: float
    expected_defaults: float
    delayed_projects: int
    delayed_by: dict[str, int]
    jobs: dict[str, float]
    breakdowns: dict[str, list[dict[str, Any]]]
    parameters: dict[str, Any]
    groups: int
    exposures: int
    projects: int
    chunks: int
    replayed_chunks: int
    elapsed_s: float
    notes: list[str] = field(default_factory=list)
    #: the simulated portfolio losses binned: {"edges": [...], "counts": [...]} (issue #18)
    loss_histogram: dict[str, list[float]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "scenarios": self.scenarios,
            "seed": self.seed,
            "expected_loss": self.expected_loss,
            "expected_loss_analytic": self.expected_loss_analytic,
            "var": self.var,
            "es": self.es,
            "exposure": self.exposure,
            "deterministic_loss": self.deterministic_loss,
            "expected_defaults": self.expected_defaults,
            "delayed_projects": self.delayed_projects,
            "delayed_by": self.delayed_by,
            "jobs": self.jobs,
            "by_country": self.breakdowns.get("country", []),
            "by_sector": self.breakdowns.get("sector", []),
            "by_corridor": self.breakdowns.get("corridor", []),
            "by_financier": self.breakdowns.get("financier", []),
            "parameters": self.parameters,
            "groups": self.groups,
            "exposures": self.exposures,
            "projects": self.projects,
            "chunks": self.chunks,
            "replayed_chunks": self.replayed_chunks,
            "elapsed_s": self.elapsed_s,
            "loss_histogram": self.loss_histogram,
            "notes": self.notes,
        }


def _columns(groups: Sequence[Group]) -> tuple[list[tuple[str, str]], sparse.csr_matrix]:
    """Breakdown columns (family, value) and each group's share of its loss in each column."""
    names: dict[tuple[str, str], int] = {}
    rows: list[int] = []
    cols: list[int] = []
    shares: list[float] = []

    def add(g_index: int, family: str, values: Sequence[str]) -> None:
        values = list(values) or [UNSPECIFIED]
        for value in values:  # several corridors or financiers share a loss equally
            col = names.setdefault((family, value), len(names))
            rows.append(g_index)
            cols.append(col)
            shares.append(1.0 / len(values))

    for i, g in enumerate(groups):
        add(i, "country", [g.country])
        add(i, "sector", [g.sector or UNSPECIFIED])
        add(i, "corridor", g.corridors)
        add(i, "financier", g.financiers)
    matrix = sparse.csr_matrix(
        (np.asarray(shares), (np.asarray(rows), np.asarray(cols))),
        shape=(len(groups), len(names)),
    )
    return list(names), matrix


def build_plan(
    groups: Sequence[Group],
    shocked: Sequence[ShockedGroup],
    scenario: Scenario,
    params: StressParameters,
    *,
    scenarios: int,
    seed: int,
) -> tuple[SimulationPlan, list[tuple[str, str]], np.ndarray[Any, np.dtype[np.float64]]]:
    """Arrays for the kernel, the breakdown columns and each group's deterministic loss."""
    countries = sorted({g.country for g in groups})
    regions = sorted({g.region or "" for g in groups})
    country_index = {c: i for i, c in enumerate(countries)}
    region_of = {g.country: g.region or "" for g in groups}
    w_global, w_region, w_country = params.normalised_loadings()
    shift = np.zeros(len(countries))
    for f in scenario.factor_shocks:
        for c, i in country_index.items():
            if f.country == c:
                shift[i] -= w_country * f.shock_sd
            if f.region is not None and f.region == region_of[c]:
                shift[i] -= w_region * f.shock_sd
    cells: dict[tuple[int, float], int] = {}
    group_cell = np.empty(len(groups), dtype=np.int64)
    for i, (g, s) in enumerate(zip(groups, shocked, strict=True)):
        group_cell[i] = cells.setdefault((country_index[g.country], s.pd), len(cells))
    cell_keys = list(cells)
    ead = np.array([g.ead for g in groups], dtype=np.float64)
    n = np.array([g.n for g in groups], dtype=np.int64)
    lost = np.array([s.lost_share for s in shocked], dtype=np.float64)
    lgd = np.array([s.lgd for s in shocked], dtype=np.float64)
    deterministic = ead * lost
    unit_loss = (ead * (1.0 - lost) / np.maximum(n, 1)) * lgd
    names, matrix = _columns(groups)
    rho = scenario.model.correlation if scenario.model.correlation is not None else None
    plan = SimulationPlan(
        seed=seed,
        scenarios=scenarios,
        chunk_size=params.chunk_size,
        loadings=(w_global, w_region, w_country),
        correlation=params.correlation if rho is None else rho,
        country_region=np.array([regions.index(region_of[c]) for c in countries], dtype=np.int64),
        country_shift=shift,
        n_regions=len(regions),
        cell_country=np.array([c for c, _ in cell_keys], dtype=np.int64),
        cell_threshold=ndtri(np.array([pd for _, pd in cell_keys], dtype=np.float64)),
        group_cell=group_cell,
        group_n=n,
        group_unit_loss=unit_loss,
        deterministic_loss=float(deterministic.sum()),
        columns=matrix,
        gap_mean=params.gap_mean,
    )
    return plan, names, deterministic


def with_overrides(params: StressParameters, scenario: Scenario) -> StressParameters:
    """The parameters with the scenario's ``[model]`` overrides applied."""
    if not scenario.model.loadings and scenario.model.correlation is None:
        return params
    weights = dict(zip(("global", "region", "country"), params.loadings, strict=True))
    weights.update(dict(scenario.model.loadings))
    return StressParameters(
        correlation=params.correlation
        if scenario.model.correlation is None
        else scenario.model.correlation,
        loadings=(weights["global"], weights["region"], weights["country"]),
        chunk_size=params.chunk_size,
        size_buckets_per_decade=params.size_buckets_per_decade,
        fx_pd_elasticity=params.fx_pd_elasticity,
        delay_shock_sd=params.delay_shock_sd,
        gap_mean=params.gap_mean,
        config_version=params.config_version,
    )


@dataclass(frozen=True)
class _Replay:
    plan: SimulationPlan
    threshold: float

    def __call__(self, index: int) -> ChunkResult:
        return simulate_chunk(self.plan, index, keep_above=self.threshold)


@dataclass(frozen=True)
class _Chunk:
    plan: SimulationPlan

    def __call__(self, index: int) -> ChunkResult:
        return simulate_chunk(self.plan, index)


def quantile(values: np.ndarray[Any, np.dtype[np.float64]], level: float) -> float:
    """VaR: the smallest loss ``l`` with ``P(L ≤ l) ≥ level`` over the simulated scenarios."""
    return float(np.quantile(values, level, method="inverted_cdf"))


def run_stress(
    exposures: Iterable[Exposure],
    params: StressParameters,
    scenario: Scenario,
    *,
    scenarios: int,
    seed: int,
    executor: Executor | None = None,
    jobs_by_country: Mapping[str, float] | None = None,
    clock: Callable[[], float] = time.perf_counter,
) -> StressResult:
    """Simulate ``scenarios`` scenarios of the stressed portfolio and summarise the losses.

    The same ``seed`` gives the same result with any executor or worker count.
    """
    if scenarios < 1:
        raise ValueError("scenarios must be at least 1")
    started = clock()
    params = with_overrides(params, scenario)
    exposures = list(exposures)
    groups = group_exposures(exposures, params.size_buckets_per_decade)
    notes: list[str] = []
    if not groups:
        notes.append("no exposure with a positive EAD: every loss is zero")
        groups = []
    shocked = [shock_group(g, scenario, params) for g in groups]
    runner = executor or SerialExecutor()

    if groups:
        plan, names, deterministic = build_plan(
            groups, shocked, scenario, params, scenarios=scenarios, seed=seed
        )
        chunks = runner.map(_Chunk(plan), list(range(plan.chunks)))
        chunks.sort(key=lambda c: c.index)
        totals = np.concatenate([c.totals for c in chunks])
        group_defaults = np.sum([c.group_defaults for c in chunks], axis=0)
        defaults = math.fsum(c.defaults for c in chunks)
    else:
        plan, names, deterministic = None, [], np.zeros(0)
        chunks, totals, group_defaults, defaults = [], np.zeros(scenarios), np.zeros(0), 0.0

    var = {label: quantile(totals, level) for label, level in LEVELS}
    tails = {label: totals >= var[label] for label, _ in LEVELS}
    es = {label: float(totals[tails[label]].mean()) for label, _ in LEVELS}

    # Breakdown rows of the tail scenarios: redo any chunk whose kept set stops above VaR 95%.
    replayed = 0
    if plan is not None:
        lowest = var["95"]
        redo = [c.index for c in chunks if c.kept_floor >= lowest]
        if redo:
            again = {c.index: c for c in runner.map(_Replay(plan, lowest), redo)}
            chunks = [again.get(c.index, c) for c in chunks]
            replayed = len(redo)
        kept = np.concatenate([c.kept for c in chunks])
        kept_columns = np.concatenate([c.kept_columns for c in chunks])
        det_columns = np.asarray(plan.columns.T @ deterministic, dtype=np.float64)
        unit = plan.group_unit_loss
        el_columns = np.asarray(plan.columns.T @ (group_defaults / scenarios * unit))
        el_columns = el_columns + det_columns
        ead_columns = np.asarray(plan.columns.T @ np.array([g.ead for g in groups]))
        contributions = {}
        for label, _ in LEVELS:
            in_tail = tails[label][kept]
            count = int(tails[label].sum())
            contributions[label] = kept_columns[in_tail].sum(axis=0) / count + det_columns
    analytic = _analytic_el(groups, shocked, plan)

    breakdowns: dict[str, list[dict[str, Any]]] = {f: [] for f in FAMILIES}
    jobs = {"local_jobs": 0.0, "expected_at_risk": 0.0, "at_risk_in_99_tail": 0.0}
    if plan is not None:
        for col, (family, value) in enumerate(names):
            row: dict[str, Any] = {
                family: value,
                "exposure": float(ead_columns[col]),
                "expected_loss": float(el_columns[col]),
                "var": {
                    label: float(contributions[label][col] * var[label] / es[label])
                    if es[label] > 0
                    else 0.0
                    for label, _ in LEVELS
                },
                "es": {label: float(contributions[label][col]) for label, _ in LEVELS},
            }
            breakdowns[family].append(row)
        for family in FAMILIES:
            breakdowns[family].sort(key=lambda r: (-r["expected_loss"], str(r[family])))
        if jobs_by_country:
            for row in breakdowns["country"]:
                local = float(jobs_by_country.get(row["country"], 0.0))
                if local <= 0 or row["exposure"] <= 0:
                    continue
                jobs["local_jobs"] += local
                jobs["expected_at_risk"] += local * row["expected_loss"] / row["exposure"]
                jobs["at_risk_in_99_tail"] += local * row["es"]["99"] / row["exposure"]

    delayed: dict[str, set[int]] = defaultdict(set)
    for g, s in zip(groups, shocked, strict=True):
        for reason in s.delayed_by:
            delayed[reason] |= g.active_projects
    all_delayed = set().union(*delayed.values()) if delayed else set()

    return StressResult(
        scenario=scenario.name,
        scenarios=scenarios,
        seed=seed,
        expected_loss=float(totals.mean()),
        expected_loss_analytic=analytic,
        var=var,
        es=es,
        exposure=math.fsum(g.ead for g in groups),
        deterministic_loss=float(deterministic.sum()),
        expected_defaults=defaults / scenarios,
        delayed_projects=len(all_delayed),
        delayed_by={reason: len(ids) for reason, ids in sorted(delayed.items())},
        jobs=jobs,
        breakdowns=breakdowns,
        parameters={
            "correlation": plan.correlation if plan else params.correlation,
            "loadings": dict(
                zip(("global", "region", "country"), params.normalised_loadings(), strict=True)
            ),
            "chunk_size": params.chunk_size,
            "size_buckets_per_decade": params.size_buckets_per_decade,
            "fx_pd_elasticity": params.fx_pd_elasticity,
            "delay_shock_sd": params.delay_shock_sd,
            "gap_mean": params.gap_mean,
            "config_version": params.config_version,
            "var_allocation": "VaR by column = ES contribution × VaR / ES (Euler ES shares)",
        },
        groups=len(groups),
        exposures=sum(g.n for g in groups),
        projects=len(set().union(*(g.projects for g in groups))) if groups else 0,
        chunks=plan.chunks if plan else 0,
        replayed_chunks=replayed,
        elapsed_s=clock() - started,
        notes=notes,
        loss_histogram=loss_histogram(totals),
    )


def _analytic_el(
    groups: Sequence[Group], shocked: Sequence[ShockedGroup], plan: SimulationPlan | None
) -> float:
    """EL in closed form: ``P(X < a) = Φ(a − √ρ·μ_c)`` when ``Y_c ~ N(μ_c, 1)``."""
    if plan is None:
        return 0.0
    rho = plan.correlation
    mean = plan.country_shift[plan.cell_country[plan.group_cell]]
    threshold = plan.cell_threshold[plan.group_cell]
    with np.errstate(invalid="ignore"):
        p = ndtr(threshold - math.sqrt(rho) * mean)
    p = np.where(np.isposinf(threshold), 1.0, np.where(np.isneginf(threshold), 0.0, p))
    return float(np.sum(p * plan.group_n * plan.group_unit_loss) + plan.deterministic_loss)
