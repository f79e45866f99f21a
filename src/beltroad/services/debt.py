"""``beltroad debt``: LIC-DSF 2018 signals per country and the portfolio's exposure to countries at
high risk of, or in, debt distress.

>>> report = debt_report(workspace, year=2024)  # doctest: +SKIP
>>> report.exposure.high_risk_share  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from beltroad.engines import debt as engine
from beltroad.errors import DataNotImported, InvalidInput
from beltroad.services import basis as basis_rules
from beltroad.services.config_files import load
from beltroad.services.workspace import Workspace
from beltroad.storage import green as projects
from beltroad.storage import risk as queries

PROJECTION = ", projection"


def load_config(path: Path | str | None = None) -> engine.DebtConfig:
    data, source = load("debt", path, field="debt_config")
    return engine.parse_config(data, source=source)


@dataclass(frozen=True)
class DebtReport:
    year: int
    config: engine.DebtConfig
    signals: list[engine.DebtSignal]
    names: dict[str, str]
    exposure: engine.Exposure
    basis: basis_rules.Basis

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "standard": self.config.label,
            "config": {"version": self.config.version, "source": self.config.source},
            "countries": [s.as_dict() | {"name": self.names.get(s.iso3)} for s in self.signals],
            "exposure": self.exposure.as_dict() | {"basis": self.basis.as_dict()},
        }

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for s in self.signals:
            shown = [r for r in s.ratios if not r.missing]
            out.append(
                {
                    "iso3": s.iso3,
                    "signal": s.signal,
                    "capacity": s.capacity,
                    "ratios": "; ".join(
                        f"{r.ratio} {r.worst_value:.1f} in {r.worst_year}"
                        f"{' (proj.)' if r.projection else ''} vs {r.threshold:g}"
                        f" (headroom {r.headroom:+.1f})"
                        for r in shown
                    )
                    or "no data",
                    "coverage": s.coverage,
                }
            )
        return out

    def exposure_rows(self) -> list[dict[str, Any]]:
        e = self.exposure
        return [
            {
                "signal": s,
                "projects": e.projects_by_signal.get(s, 0),
                "amount": e.by_signal.get(s, 0.0),
                "share %": round(100 * e.by_signal.get(s, 0.0) / e.total, 1) if e.total else None,
            }
            for s in ("in_distress", "high", "below_thresholds", "no_data")
        ]

    def _capacity_note(self) -> str:
        kinds = {"configured": 0, "composite": 0, "default": 0}
        for s in self.signals:
            kinds[s.capacity_source.split(" ", 1)[0]] += 1
        return (
            f"{kinds['configured']} from a published DSA, {kinds['composite']} from the "
            f"composite indicator, {kinds['default']} the default "
            f"{self.config.default_capacity} (composite indicator data missing; see each "
            "country's capacity_source)"
        )

    def note(self) -> str:
        return (
            f"{self.config.label} as of {self.year}, horizon {self.config.horizon_years} years "
            f"(config {self.config.version}). Capacity: {self._capacity_note()}. "
            "Missing ratios are listed, never guessed; "
            "'below_thresholds' is low or moderate (stress tests not run). IMF WEO gross debt is "
            "nominal, compared with the PV benchmark. Exposure: " + self.basis.note()
        )


def _observations(
    rows: Sequence[tuple[str, str, float, str]], config: engine.DebtConfig
) -> list[engine.RatioObservation]:
    by_indicator = {v: k for k, v in config.indicators.items()}
    out = []
    for indicator, period, value, vintage in rows:
        if indicator in by_indicator and len(period) == 4:
            out.append(
                engine.RatioObservation(
                    by_indicator[indicator],
                    int(period),
                    float(value),
                    vintage,
                    vintage.endswith(PROJECTION),
                )
            )
    return out


def _ci_series(
    connection: Any, config: engine.DebtConfig, year: int, countries: Sequence[str] | None
) -> dict[str, dict[str, dict[int, float]]]:
    """Per country, the composite indicator's components by year (empty without a CI)."""
    ci = config.ci
    if ci is None:
        return {}
    by_indicator = {v: k for k, v in ci.indicators.items()}
    found = queries.observations(
        connection,
        list(by_indicator),
        first_year=year - ci.years_before + 1,
        last_year=year + ci.years_after,
        countries=countries,
    )
    out: dict[str, dict[str, dict[int, float]]] = {}
    for iso3, rows in found.items():
        for indicator, period, value, _ in rows:
            if len(period) == 4:
                out.setdefault(iso3, {}).setdefault(by_indicator[indicator], {})[int(period)] = (
                    float(value)
                )
    return out


def debt_report(
    workspace: Workspace,
    *,
    year: int | None = None,
    countries: Sequence[str] | None = None,
    config: engine.DebtConfig | None = None,
    dataset: str | None = None,
    base_year: int | None = None,
) -> DebtReport:
    """Signals for every country with data or with projects (or ``countries``), and exposure."""
    config = config or load_config()
    indicators = list(config.indicators.values())
    with workspace.reading() as connection:
        span = queries.yearly_span(connection, indicators)
        if span is None:
            raise DataNotImported(
                "no debt data in the database: the LIC-DSF signal needs IMF debt data",
                hint="run `beltroad import imf-debt PATH` (IMF WEO DataMapper JSON)",
            )
        if year is None:
            year = _latest_actual_year(connection, indicators) or span[1]
        elif not span[0] <= year <= span[1]:
            raise InvalidInput.at(
                f"no debt data for this year (the data covers {span[0]}-{span[1]})",
                field="year",
                value=year,
            )
        wanted = None
        if countries:
            wanted = [c.strip().upper() for c in countries]
            known = queries.known_countries(connection, wanted)
            for code in wanted:
                if code not in known:
                    raise InvalidInput.at(
                        "unknown country (expected an ISO 3166-1 alpha-3 code)",
                        field="countries",
                        value=code,
                    )
        found = queries.observations(
            connection,
            indicators,
            first_year=year - 2,
            last_year=year + config.horizon_years,
            countries=wanted,
        )
        names = queries.country_names(connection)
        ci_series = _ci_series(connection, config, year, wanted)
        rows = projects.project_rows(connection, dataset=dataset, with_text=False)
    basis = basis_rules.choose(rows, base_year)
    portfolio = {iso3 for r in basis.counted for iso3, _ in r["countries"]}
    iso3s = sorted(set(wanted) if wanted else set(found) | portfolio)
    signals = [
        engine.assess(
            iso3,
            year,
            _observations(found.get(iso3, []), config),
            config,
            engine.composite_indicator(ci_series.get(iso3, {}), year, config.ci)
            if config.ci is not None
            else None,
        )
        for iso3 in iso3s
    ]
    order = {"in_distress": 0, "high": 1, "below_thresholds": 2, "no_data": 3}
    signals.sort(key=lambda s: (order[s.signal], s.iso3))
    by_country = {s.iso3: s.signal for s in signals}
    priced = [
        (float(r["amount_usd_constant"]), r["countries"]) for r in basis.priced if r["countries"]
    ]
    return DebtReport(year, config, signals, names, engine.exposure(priced, by_country), basis)


def _latest_actual_year(connection: Any, indicators: Sequence[str]) -> int | None:
    """The newest year with a value that is not an IMF projection."""
    rows = queries.observations(connection, indicators, first_year=1900, last_year=2100)
    years = [
        int(period)
        for found in rows.values()
        for _, period, _, vintage in found
        if len(period) == 4 and not vintage.endswith(PROJECTION)
    ]
    return max(years) if years else None


__all__ = ["DebtReport", "debt_report", "load_config"]
