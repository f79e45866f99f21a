"""``beltroad risk country``: explainable country risk scores as of any year the data covers.

>>> scores = country_scores(workspace, year=2023, countries=["PAK"])  # doctest: +SKIP
>>> scores[0].band, [c.name for c in scores[0].components if c.missing]  # doctest: +SKIP
('high', ['gpr'])
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from beltroad.engines.country_risk import (
    Assessment,
    CountryRiskScore,
    Observation,
    UnratedCountry,
    assess_countries,
)
from beltroad.engines.risk_config import RiskConfig, merge, parse_config
from beltroad.errors import DataUnavailable, InvalidInput
from beltroad.services.workspace import Workspace
from beltroad.storage import risk as queries

DEFAULT_CONFIG = "beltroad/config/risk.toml"
WGI_PREFIX = "wgi."


def _read_toml(text: str, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput.at(f"not valid TOML ({exc})", file=source) from None


def default_config_data() -> dict[str, Any]:
    """The packaged ``risk.toml`` as a mapping."""
    text = resources.files("beltroad").joinpath("config/risk.toml").read_text(encoding="utf-8")
    return _read_toml(text, DEFAULT_CONFIG)


def load_config(path: Path | str | None = None) -> RiskConfig:
    """The packaged risk configuration, with the TOML file at ``path`` merged over it."""
    data = default_config_data()
    source = DEFAULT_CONFIG
    if path is not None:
        file = Path(path)
        if not file.is_file():
            raise InvalidInput.at(
                "risk config file not found (expected a TOML file)",
                file=str(file),
                field="risk_config",
            )
        data = merge(data, _read_toml(file.read_text(encoding="utf-8"), str(file)))
        source = f"{file} over {DEFAULT_CONFIG}"
    return parse_config(data, source=source)


@dataclass(frozen=True)
class CountryRiskReport:
    year: int
    config: RiskConfig
    scored: list[CountryRiskScore]
    unrated: list[UnratedCountry]
    names: dict[str, str]

    def items(self) -> list[Assessment]:
        """Scored countries (riskiest first), then unrated ones."""
        return [*self.scored, *self.unrated]

    def top(self, n: int) -> CountryRiskReport:
        """The ``n`` riskiest scored countries (unrated ones left out)."""
        return CountryRiskReport(self.year, self.config, self.scored[:n], [], self.names)

    def as_list(self) -> list[dict[str, Any]]:
        """The ``risk country`` JSON: one object per country, riskiest first, unrated last."""
        return [item.as_dict() | {"name": self.names.get(item.iso3)} for item in self.items()]

    def rows(self) -> list[dict[str, Any]]:
        """One compact row per country: score, band, PD, coverage, the biggest contributions."""
        rows: list[dict[str, Any]] = []
        for item in self.items():
            scored = isinstance(item, CountryRiskScore)
            biggest = sorted(
                (c for c in item.components if not c.missing), key=lambda c: -c.contribution
            )[:3]
            rows.append(
                {
                    "iso3": item.iso3,
                    "score": round(item.score, 1) if isinstance(item, CountryRiskScore) else None,
                    "band": item.band if isinstance(item, CountryRiskScore) else "unrated",
                    "pd": item.pd if isinstance(item, CountryRiskScore) else None,
                    "coverage": round(item.coverage, 2),
                    "top contributions": ", ".join(
                        f"{c.name} {c.contribution:.1f}" for c in biggest
                    )
                    if scored
                    else "",
                    "missing (re-weighted)": ", ".join(item.missing),
                }
            )
        return rows

    def component_table(self) -> list[dict[str, Any]]:
        """The long form, trimmed for a terminal."""
        keep = ("iso3", "score", "component", "value", "normalised", "weight")
        return [
            {k: r[k] for k in keep}
            | {
                "eff. weight": round(r["effective_weight"], 3),
                "contribution": r["contribution"],
                "period": r["period"],
                "vintage or why missing": f"MISSING: {r['note']}" if r["missing"] else r["vintage"],
            }
            for r in self.component_rows()
        ]

    def component_rows(self) -> list[dict[str, Any]]:
        """One row per country and component: the long form a CSV reader can re-add."""
        rows: list[dict[str, Any]] = []
        for item in self.items():
            score = round(item.score, 4) if isinstance(item, CountryRiskScore) else None
            band = item.band if isinstance(item, CountryRiskScore) else "unrated"
            for c in item.components:
                rows.append(
                    {
                        "iso3": item.iso3,
                        "year": item.year,
                        "score": score,
                        "band": band,
                        "component": c.name,
                        "value": c.value,
                        "normalised": None if c.normalised is None else round(c.normalised, 4),
                        "weight": c.weight,
                        "effective_weight": round(c.effective_weight, 6),
                        "contribution": round(c.contribution, 4),
                        "vintage": c.vintage,
                        "period": c.period,
                        "missing": c.missing,
                        "note": c.note,
                        "config_version": self.config.version,
                    }
                )
        return rows

    def note(self) -> str:
        return (
            f"as of {self.year}; {len(self.scored)} scored, {len(self.unrated)} unrated; "
            f"score 0-100 (higher = riskier), platform composite, config {self.config.version}; "
            "contributions in points; missing inputs are re-weighted over the others, never "
            "counted as 0; the components (or the JSON output) show every input"
        )


def _indicators(config: RiskConfig) -> list[str]:
    return sorted({c.indicator for c in config.components})


def _lookback(config: RiskConfig) -> int:
    years = [1]
    for c in config.components:
        for key in ("max_age_years", "window_years"):
            if key in c.params:
                years.append(int(c.params[key]))
    return max(years)


def check_countries(workspace: Workspace, countries: Sequence[str]) -> list[str]:
    """Upper-cased ISO3 codes, each known to the countries table, or InvalidInput naming it."""
    wanted = [c.strip().upper() for c in countries if c.strip()]
    with workspace.reading() as connection:
        known = queries.known_countries(connection, wanted)
    for code in wanted:
        if code not in known:
            raise InvalidInput.at(
                "unknown country (expected an ISO 3166-1 alpha-3 code such as PAK or KEN)",
                field="ISO3",
                value=code,
            )
    return list(dict.fromkeys(wanted))


def default_year(workspace: Workspace, config: RiskConfig) -> tuple[int, tuple[int, int]]:
    """The newest WGI year (the backbone of the score), and the span of all component data."""
    indicators = _indicators(config)
    with workspace.reading() as connection:
        span = queries.yearly_span(connection, indicators)
        wgi = queries.yearly_span(connection, [i for i in indicators if i.startswith(WGI_PREFIX)])
    if span is None:
        raise DataUnavailable(
            "no country indicators in the database: the country risk score needs WGI, GPR, "
            "ND-GAIN or IMF debt data",
            hint="run `beltroad import wgi PATH` (and gpr, ndgain, imf-debt), or `beltroad demo`",
        )
    return (wgi or span)[1], span


def assess(
    workspace: Workspace,
    *,
    year: int | None = None,
    countries: Sequence[str] | None = None,
    config: RiskConfig | None = None,
) -> CountryRiskReport:
    """Scored and unrated countries as of ``year`` (default: the newest WGI year)."""
    config = config or load_config()
    latest, span = default_year(workspace, config)
    if year is None:
        year = latest
    elif not span[0] <= year <= span[1]:
        raise InvalidInput.at(
            f"no indicator data for this year (the data covers {span[0]}-{span[1]})",
            field="year",
            value=year,
        )
    wanted = check_countries(workspace, countries) if countries else None
    with workspace.reading() as connection:
        rows = queries.observations(
            connection,
            _indicators(config),
            first_year=year - _lookback(config),
            last_year=year,
            countries=wanted,
        )
        names = queries.country_names(connection)
    observations = {
        iso3: [Observation(*row) for row in found] for iso3, found in sorted(rows.items())
    }
    for iso3 in wanted or ():
        observations.setdefault(iso3, [])
    results = assess_countries(observations, year, config)
    scored = [r for r in results if isinstance(r, CountryRiskScore)]
    unrated = [r for r in results if isinstance(r, UnratedCountry)]
    return CountryRiskReport(year, config, scored, unrated, names)


def country_scores(
    workspace: Workspace,
    *,
    year: int | None = None,
    countries: Sequence[str] | None = None,
    config: RiskConfig | None = None,
) -> list[CountryRiskScore]:
    """The countries that can be scored as of ``year``, riskiest first.

    Countries with data for less than ``score.min_coverage`` of the weight are left out (see
    :func:`assess` for them and the reason). An unknown ISO3 is an :class:`InvalidInput`.
    """
    return assess(workspace, year=year, countries=countries, config=config).scored


__all__ = [
    "CountryRiskReport",
    "assess",
    "check_countries",
    "country_scores",
    "default_config_data",
    "load_config",
]
