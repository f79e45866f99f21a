"""Country risk score: a transparent composite of WGI, GPR, debt against LIC-DSF and ND-GAIN.

Pure: a country's indicator observations and a :class:`~beltroad.engines.risk_config.RiskConfig`
in, a :class:`CountryRiskScore` (or an :class:`UnratedCountry`) out. The score is 0-100, higher is
riskier, and explains itself: every component lists its raw value, its normalised 0-100 risk,
its configured weight, its effective weight after re-weighting, its contribution and the vintage
and period of the data used.

Missing inputs are never 0. A component with no usable value (no series, or only values older
than ``max_age_years``) is flagged ``missing`` and its weight is shared among the others in
proportion to theirs::

    score = sum(w_i * n_i for available i) / sum(w_i for available i)
    contribution_i = w_i * n_i / sum(w_j for available j)      # contributions sum to the score

A country whose available weight is below ``score.min_coverage`` is not scored at all
(:class:`UnratedCountry`). The band comes from the configured lower bounds and the annual PD from
the band (``[pd]``; illustrative, standards §4.1).

>>> from beltroad.engines.country_risk import normalise_linear
>>> normalise_linear(-2.5, lower=-2.5, upper=2.5, higher_is_riskier=False)
100.0
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from beltroad.engines.risk_config import ComponentSpec, RiskConfig

METHOD_LABEL = "beltroad country risk: platform composite of WGI, GPR, LIC-DSF debt and ND-GAIN"


@dataclass(frozen=True)
class Observation:
    """One stored indicator value: ``period`` is a year (``"2023"``) or a month (``"2023-05"``)."""

    indicator: str
    period: str
    value: float
    vintage: str


@dataclass(frozen=True)
class RiskComponent:
    name: str
    value: float | None
    normalised: float | None
    weight: float  # as configured
    contribution: float  # points of the score; 0 when missing
    vintage: str | None
    missing: bool
    effective_weight: float = 0.0  # after re-weighting over the available components
    period: str | None = None  # the year or months the value is from
    note: str = ""  # how the value was read and normalised, or why it is missing
    label: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "value": _round(self.value, 4),
            "normalised": _round(self.normalised, 2),
            "weight": self.weight,
            "effective_weight": round(self.effective_weight, 4),
            "contribution": round(self.contribution, 2),
            "vintage": self.vintage,
            "period": self.period,
            "missing": self.missing,
            "note": self.note,
        }


@dataclass(frozen=True)
class CountryRiskScore:
    iso3: str
    year: int
    score: float  # 0-100, higher = riskier
    band: str
    pd: float  # annual probability of default, from the config's band -> PD mapping
    components: tuple[RiskComponent, ...]
    missing: tuple[str, ...]
    config_version: str
    coverage: float = 1.0  # share of the configured weight that had data
    method: str = METHOD_LABEL

    def component(self, name: str) -> RiskComponent | None:
        return next((c for c in self.components if c.name == name), None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "iso3": self.iso3,
            "year": self.year,
            "score": round(self.score, 2),
            "band": self.band,
            "pd": self.pd,
            "coverage": round(self.coverage, 4),
            "missing": list(self.missing),
            "reweighted": bool(self.missing),
            "config_version": self.config_version,
            "method": self.method,
            "components": [c.as_dict() for c in self.components],
        }


@dataclass(frozen=True)
class UnratedCountry:
    """A country with too little data to score: what is missing, and why."""

    iso3: str
    year: int
    components: tuple[RiskComponent, ...]
    missing: tuple[str, ...]
    coverage: float
    reason: str
    config_version: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "iso3": self.iso3,
            "year": self.year,
            "score": None,
            "band": "unrated",
            "pd": None,
            "coverage": round(self.coverage, 4),
            "missing": list(self.missing),
            "reweighted": False,
            "reason": self.reason,
            "config_version": self.config_version,
            "method": METHOD_LABEL,
            "components": [c.as_dict() for c in self.components],
        }


Assessment = CountryRiskScore | UnratedCountry


@dataclass(frozen=True)
class _Reading:
    value: float | None
    normalised: float | None
    vintage: str | None = None
    period: str | None = None
    note: str = ""
    extra: dict[str, float] = field(default_factory=dict)


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def clamp(value: float, low: float = 0.0, high: float = 100.0) -> float:
    return max(low, min(high, value))


def normalise_linear(value: float, *, lower: float, upper: float, higher_is_riskier: bool) -> float:
    """``value`` on ``lower..upper`` as 0-100 risk, clamped; inverted when higher is safer."""
    share = (value - lower) / (upper - lower)
    return clamp(100.0 * (share if higher_is_riskier else 1.0 - share))


def year_of(period: str) -> int:
    return int(period[:4])


def month_index(period: str) -> int:
    """``"2023-05"`` -> a running month number (year * 12 + month - 1)."""
    return int(period[:4]) * 12 + int(period[5:7]) - 1


def _latest_yearly(
    observations: Sequence[Observation], year: int, max_age: int
) -> tuple[Observation | None, str]:
    yearly = [o for o in observations if len(o.period) == 4 and year_of(o.period) <= year]
    if not yearly:
        later = [o for o in observations if len(o.period) == 4]
        if later:
            first = min(year_of(o.period) for o in later)
            return None, f"no value at or before {year} (series starts in {first})"
        return None, "no data for this country"
    latest = max(yearly, key=lambda o: o.period)
    age = year - year_of(latest.period)
    if age > max_age:
        return None, (
            f"latest value is from {latest.period}, {age} years before {year} "
            f"(older than max_age_years = {max_age})"
        )
    return latest, ""


def _read_linear(spec: ComponentSpec, obs: Sequence[Observation], year: int) -> _Reading:
    found, why = _latest_yearly(obs, year, int(spec.params["max_age_years"]))
    if found is None:
        return _Reading(None, None, note=why)
    lower, upper = spec.param("lower"), spec.param("upper")
    riskier = bool(spec.params["higher_is_riskier"])
    normalised = normalise_linear(found.value, lower=lower, upper=upper, higher_is_riskier=riskier)
    direction = "higher is riskier" if riskier else "higher is safer, inverted"
    return _Reading(
        found.value,
        normalised,
        found.vintage,
        found.period,
        f"{found.value:g} on {lower:g}..{upper:g} ({direction}), clamped to 0-100",
    )


def _read_debt(
    spec: ComponentSpec, obs: Sequence[Observation], year: int, iso3: str, config: RiskConfig
) -> _Reading:
    found, why = _latest_yearly(obs, year, int(spec.params["max_age_years"]))
    if found is None:
        return _Reading(None, None, note=why)
    capacity, threshold = config.lic_dsf.threshold_for(iso3)
    multiple = spec.param("ceiling_multiple")
    normalised = clamp(100.0 * found.value / (threshold * multiple))
    assumed = "" if iso3 in config.lic_dsf.capacity else " (assumed: no capacity set for it)"
    return _Reading(
        found.value,
        normalised,
        found.vintage,
        found.period,
        f"debt {found.value:.1f}% of GDP vs {config.lic_dsf.label}, {capacity} capacity"
        f"{assumed}: benchmark {threshold:g}% (ratio {found.value / threshold:.2f}); "
        f"100 at {multiple:g} x the benchmark",
        {"threshold": threshold, "ratio": found.value / threshold},
    )


def log_zscore(
    value: float, baseline: Sequence[float], *, offset: float
) -> tuple[float | None, float, float]:
    """z of ``log(value + offset)`` against the logs of ``baseline``: (z, mean, sd); z is None
    when the baseline does not vary."""
    logs = [math.log(v + offset) for v in baseline]
    mean = statistics.fmean(logs)
    sd = statistics.stdev(logs) if len(logs) > 1 else 0.0
    if sd == 0:
        return None, mean, sd
    return (math.log(value + offset) - mean) / sd, mean, sd


def _read_gpr(spec: ComponentSpec, obs: Sequence[Observation], year: int) -> _Reading:
    monthly = [o for o in obs if len(o.period) == 7]
    if not monthly:
        return _Reading(None, None, note="no GPR country series (GPR covers 44 countries)")
    months = [o for o in monthly if year_of(o.period) == year]
    if len(months) < int(spec.params["min_months"]):
        return _Reading(
            None,
            None,
            note=f"{len(months)} months of {year} in the series "
            f"(min_months = {int(spec.params['min_months'])})",
        )
    window = int(spec.params["window_years"])
    baseline = [o.value for o in monthly if year - window <= year_of(o.period) < year]
    if len(baseline) < int(spec.params["min_window_months"]):
        return _Reading(
            None,
            None,
            note=f"{len(baseline)} months in the {year - window}-{year - 1} window "
            f"(min_window_months = {int(spec.params['min_window_months'])})",
        )
    mean_value = statistics.fmean(o.value for o in months)
    z, _, _ = log_zscore(mean_value, baseline, offset=spec.param("log_offset"))
    if z is None:
        return _Reading(mean_value, None, note="the trailing window does not vary: no z-score")
    z_low, z_high = spec.param("z_low"), spec.param("z_high")
    normalised = clamp(100.0 * (z - z_low) / (z_high - z_low))
    first, last = min(o.period for o in months), max(o.period for o in months)
    return _Reading(
        mean_value,
        normalised,
        months[0].vintage,
        f"{first}..{last}",
        f"mean of {len(months)} months = {mean_value:.4g}; log z-score {z:+.2f} vs "
        f"{year - window}-{year - 1} ({len(baseline)} months); {z_low:g}..{z_high:g} -> 0..100",
        {"z": z},
    )


def assess_country(
    iso3: str, year: int, observations: Iterable[Observation], config: RiskConfig
) -> Assessment:
    """Score one country as of ``year`` from its observations (any indicators, any periods;
    values after ``year`` are ignored)."""
    by_indicator: dict[str, list[Observation]] = defaultdict(list)
    for o in observations:
        by_indicator[o.indicator].append(o)
    readings: list[tuple[ComponentSpec, _Reading]] = []
    for spec in config.components:
        obs = by_indicator.get(spec.indicator, [])
        if spec.method == "linear":
            reading = _read_linear(spec, obs, year)
        elif spec.method == "debt_threshold":
            reading = _read_debt(spec, obs, year, iso3, config)
        else:
            reading = _read_gpr(spec, obs, year)
        readings.append((spec, reading))
    total = sum(spec.weight for spec, _ in readings)
    available = sum(spec.weight for spec, r in readings if r.normalised is not None)
    coverage = available / total if total else 0.0
    components = tuple(
        RiskComponent(
            name=spec.key,
            value=r.value,
            normalised=r.normalised,
            weight=spec.weight,
            contribution=(spec.weight * r.normalised / available)
            if r.normalised is not None and available
            else 0.0,
            vintage=r.vintage,
            missing=r.normalised is None,
            effective_weight=spec.weight / available
            if r.normalised is not None and available
            else 0.0,
            period=r.period,
            note=r.note,
            label=spec.label,
        )
        for spec, r in readings
    )
    missing = tuple(c.name for c in components if c.missing)
    if coverage < config.min_coverage or not available:
        return UnratedCountry(
            iso3,
            year,
            components,
            missing,
            coverage,
            f"data for {coverage:.0%} of the weight, below min_coverage {config.min_coverage:.0%}",
            config.version,
        )
    score = sum(c.contribution for c in components)
    band = config.band_of(score)
    return CountryRiskScore(
        iso3=iso3,
        year=year,
        score=score,
        band=band,
        pd=config.pd[band],
        components=components,
        missing=missing,
        config_version=config.version,
        coverage=coverage,
    )


def assess_countries(
    observations: Mapping[str, Sequence[Observation]], year: int, config: RiskConfig
) -> list[Assessment]:
    """:func:`assess_country` for each ISO3 of ``observations``, riskiest first, unrated last."""
    results = [assess_country(iso3, year, obs, config) for iso3, obs in observations.items()]
    return sorted(
        results,
        key=lambda r: (
            isinstance(r, UnratedCountry),
            -(r.score if isinstance(r, CountryRiskScore) else 0),
            r.iso3,
        ),
    )


__all__ = [
    "METHOD_LABEL",
    "Assessment",
    "CountryRiskScore",
    "Observation",
    "RiskComponent",
    "UnratedCountry",
    "assess_countries",
    "assess_country",
    "clamp",
    "log_zscore",
    "month_index",
    "normalise_linear",
]
