"""Debt sustainability signals per country under the LIC-DSF 2018 thresholds (standards §3.1).

Pure: a parsed ``debt.toml`` and per-country yearly ratio observations in, a
:class:`DebtSignal` per country out. For every ratio the country has data for: the threshold of
its debt-carrying capacity, the worst value over the horizon (projections included, marked), the
distance to the threshold (headroom) and whether it is breached. Ratios without data are listed
as missing; a country with none gets the signal ``no_data``, never a guess.

Signals: ``in_distress`` (a configured distress listing), ``high`` (a threshold breached in the
baseline horizon), ``below_thresholds`` (low or moderate: the stress tests that separate them are
not run), ``no_data``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from beltroad.engines.params import Section

CAPACITIES = ("weak", "medium", "strong")
RATIOS = ("pv_external_gdp", "pv_external_exports", "ds_exports", "ds_revenue", "pv_public_gdp")
HIGH_RISK = ("in_distress", "high")


@dataclass(frozen=True)
class DebtConfig:
    version: str
    label: str
    source: str
    horizon_years: int
    default_capacity: str
    indicators: Mapping[str, str]
    labels: Mapping[str, str]
    thresholds: Mapping[str, Mapping[str, float]]
    capacity: Mapping[str, str]
    distress: Mapping[str, str]
    tags: Mapping[str, str]
    ci: CompositeIndicator | None = None


#: The CI's components (standards §3.1): the 10-year averages it weighs; the squared import
#: coverage is computed from ``reserves_coverage``, not read.
CI_COMPONENTS = (
    "cpia",
    "real_gdp_growth",
    "reserves_coverage",
    "remittances_gdp",
    "world_gdp_growth",
)
CI_TERMS = (*CI_COMPONENTS[:3], "reserves_coverage_squared", *CI_COMPONENTS[3:])


@dataclass(frozen=True)
class CompositeIndicator:
    """The LIC-DSF 2018 Composite Indicator: coefficients, cut-offs and the window of years
    (``years_before`` historical up to the assessment year, ``years_after`` projected)."""

    coefficients: Mapping[str, float]
    indicators: Mapping[str, str]
    weak_below: float
    strong_above: float
    years_before: int
    years_after: int
    min_years: int
    tags: Mapping[str, str]

    def capacity(self, score: float) -> str:
        if score < self.weak_below:
            return "weak"
        return "strong" if score > self.strong_above else "medium"


@dataclass(frozen=True)
class CiScore:
    """A country's CI, or what is missing for it (a component with too few years)."""

    score: float | None
    capacity: str | None
    averages: Mapping[str, float]
    missing: Mapping[str, str]  # component -> why
    first_year: int
    last_year: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "capacity": self.capacity,
            "averages": dict(self.averages),
            "missing": dict(self.missing),
            "years": [self.first_year, self.last_year],
        }


def composite_indicator(
    series: Mapping[str, Mapping[int, float]], year: int, ci: CompositeIndicator
) -> CiScore:
    """The CI of one country for ``year`` from its yearly component values (fractions, CPIA on
    its 1-6 scale): each component averaged over the window, weighted by its coefficient. A
    component with fewer than ``min_years`` values in the window is missing, and so is the
    score: never a partial sum."""
    first, last = year - ci.years_before + 1, year + ci.years_after
    averages: dict[str, float] = {}
    missing: dict[str, str] = {}
    for name in CI_COMPONENTS:
        values = [v for y, v in series.get(name, {}).items() if first <= y <= last]
        if len(values) < ci.min_years:
            missing[name] = f"{len(values)} of {ci.min_years} years in {first}-{last}"
        else:
            averages[name] = sum(values) / len(values)
    if missing:
        return CiScore(None, None, averages, missing, first, last)
    terms = dict(averages)
    terms["reserves_coverage_squared"] = averages["reserves_coverage"] ** 2
    score = sum(ci.coefficients[t] * terms[t] for t in CI_TERMS)
    return CiScore(score, ci.capacity(score), averages, {}, first, last)


def _parse_ci(top: Section) -> CompositeIndicator | None:
    if "composite_indicator" not in top.data:
        return None
    sec = top.section("composite_indicator")
    sec.unknown(
        {
            "coefficients",
            "indicators",
            "weak_below",
            "strong_above",
            "years_before",
            "years_after",
            "min_years",
            "tags",
        }
    )
    coefficients = sec.section("coefficients")
    tags = {f"ci.{t}": coefficients.tag(t) for t in CI_TERMS}
    for key in ("weak_below", "strong_above", "years_before", "years_after", "min_years"):
        tags[f"ci.{key}"] = sec.tag(key)
    weak, strong = sec.number("weak_below"), sec.number("strong_above")
    if strong < weak:
        raise sec.fail("strong_above", strong, f"expected at least weak_below ({weak})")
    before = int(sec.number("years_before", low=1, high=20))
    after = int(sec.number("years_after", low=0, high=20))
    indicators = sec.section("indicators")
    return CompositeIndicator(
        coefficients={t: coefficients.number(t) for t in CI_TERMS},
        indicators={c: indicators.get(c, str) for c in CI_COMPONENTS},
        weak_below=weak,
        strong_above=strong,
        years_before=before,
        years_after=after,
        min_years=int(sec.number("min_years", low=1, high=before + after)),
        tags=tags,
    )


def parse_config(data: Mapping[str, Any], *, source: str) -> DebtConfig:
    top = Section(data, "", source)
    top.unknown(
        {
            "version",
            "label",
            "horizon_years",
            "default_capacity",
            "indicators",
            "labels",
            "thresholds",
            "capacity",
            "distress",
            "composite_indicator",
        }
    )
    horizon = int(top.number("horizon_years", low=0, high=20))
    default = top.choice("default_capacity", CAPACITIES)
    top.tag("default_capacity")
    indicators = top.section("indicators")
    labels = top.section("labels")
    thresholds = top.section("thresholds")
    table: dict[str, dict[str, float]] = {}
    tags: dict[str, str] = {}
    for cap in CAPACITIES:
        sec = thresholds.section(cap)
        table[cap] = {r: sec.number(r, low=0) for r in RATIOS}
        tags.update({f"{cap}.{r}": sec.tag(r) for r in RATIOS})
    capacity = top.section("capacity")
    caps = {str(k): capacity.choice(str(k), CAPACITIES) for k in capacity.data}
    distress = {str(k): str(v) for k, v in top.section("distress").data.items()}
    ci = _parse_ci(top)
    return DebtConfig(
        version=top.get("version", str),
        label=top.get("label", str),
        source=source,
        horizon_years=horizon,
        default_capacity=default,
        indicators={r: indicators.get(r, str) for r in RATIOS},
        labels={r: labels.get(r, str) for r in RATIOS},
        thresholds=table,
        capacity=caps,
        distress=distress,
        tags=tags | (dict(ci.tags) if ci else {}),
        ci=ci,
    )


@dataclass(frozen=True)
class RatioObservation:
    ratio: str
    year: int
    value: float
    vintage: str
    projection: bool


@dataclass(frozen=True)
class RatioCheck:
    ratio: str
    label: str
    threshold: float
    worst_value: float | None
    worst_year: int | None
    current_value: float | None
    headroom: float | None  # threshold - worst value, percentage points
    breached: bool | None
    projection: bool
    vintage: str | None
    missing: bool

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class DebtSignal:
    iso3: str
    year: int
    capacity: str
    capacity_source: str
    signal: str
    ratios: tuple[RatioCheck, ...]
    distress_source: str | None
    standard: str
    ci: CiScore | None = None

    @property
    def missing(self) -> list[str]:
        return [r.ratio for r in self.ratios if r.missing]

    @property
    def coverage(self) -> str:
        return f"{sum(not r.missing for r in self.ratios)} of {len(self.ratios)} ratios"

    def as_dict(self) -> dict[str, Any]:
        return {
            "iso3": self.iso3,
            "year": self.year,
            "capacity": self.capacity,
            "capacity_source": self.capacity_source,
            "signal": self.signal,
            "coverage": self.coverage,
            "missing": self.missing,
            "distress_source": self.distress_source,
            "standard": self.standard,
            "composite_indicator": self.ci.as_dict() if self.ci else None,
            "ratios": [r.as_dict() for r in self.ratios],
        }


def _capacity(iso3: str, config: DebtConfig, ci: CiScore | None) -> tuple[str, str]:
    """The debt-carrying capacity and where it comes from: a published DSA's (configured),
    else the Composite Indicator's, else the configured default, saying what the CI lacks."""
    published = config.capacity.get(iso3)
    if published:
        return published, "configured (published DSA)"
    if ci is not None and ci.capacity is not None and ci.score is not None:
        return ci.capacity, f"composite indicator {ci.score:.2f} ({ci.first_year}-{ci.last_year})"
    if ci is None:
        return config.default_capacity, "default [N]: no composite indicator configured"
    lacking = ", ".join(f"{k} ({v})" for k, v in ci.missing.items())
    return config.default_capacity, f"default [N]: composite indicator data missing: {lacking}"


def assess(
    iso3: str,
    year: int,
    observations: Sequence[RatioObservation],
    config: DebtConfig,
    ci: CiScore | None = None,
) -> DebtSignal:
    """One country's ratios against its thresholds over ``year .. year + horizon``; the
    thresholds are those of its debt-carrying capacity (:func:`_capacity`)."""
    capacity, capacity_source = _capacity(iso3, config, ci)
    thresholds = config.thresholds[capacity]
    checks: list[RatioCheck] = []
    last = year + config.horizon_years
    for ratio in RATIOS:
        found = [o for o in observations if o.ratio == ratio and o.year <= last]
        window = [o for o in found if o.year >= year]
        current = max((o for o in found if o.year <= year), key=lambda o: o.year, default=None)
        if current is not None and current.year < year - 1:
            current = None  # too old to stand for the assessment year
        candidates = window + ([current] if current is not None and current not in window else [])
        if not candidates:
            checks.append(
                RatioCheck(
                    ratio,
                    config.labels[ratio],
                    thresholds[ratio],
                    None,
                    None,
                    None,
                    None,
                    None,
                    False,
                    None,
                    True,
                )
            )
            continue
        worst = max(candidates, key=lambda o: (o.value, -o.year))
        checks.append(
            RatioCheck(
                ratio=ratio,
                label=config.labels[ratio],
                threshold=thresholds[ratio],
                worst_value=worst.value,
                worst_year=worst.year,
                current_value=current.value if current is not None else None,
                headroom=thresholds[ratio] - worst.value,
                breached=worst.value > thresholds[ratio],
                projection=worst.projection,
                vintage=worst.vintage,
                missing=False,
            )
        )
    distress = config.distress.get(iso3)
    if distress is not None:
        signal = "in_distress"
    elif all(c.missing for c in checks):
        signal = "no_data"
    elif any(c.breached for c in checks):
        signal = "high"
    else:
        signal = "below_thresholds"
    return DebtSignal(
        iso3, year, capacity, capacity_source, signal, tuple(checks), distress, config.label, ci
    )


@dataclass(frozen=True)
class Exposure:
    """Amounts (one basis) in countries by signal; a project split over countries by share."""

    by_signal: Mapping[str, float]
    projects_by_signal: Mapping[str, int]
    total: float

    @property
    def high_risk_share(self) -> float | None:
        at_risk = sum(self.by_signal.get(s, 0.0) for s in HIGH_RISK)
        return at_risk / self.total if self.total else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "by_signal": dict(self.by_signal),
            "projects_by_signal": dict(self.projects_by_signal),
            "total": self.total,
            "high_risk_or_distress_share": self.high_risk_share,
        }


def exposure(
    projects: Sequence[tuple[float, Sequence[tuple[str, float]]]],
    signals: Mapping[str, str],
) -> Exposure:
    """``projects``: (amount, [(iso3, percentage)]). A country without a signal is ``no_data``."""
    by: dict[str, float] = {}
    count: dict[str, int] = {}
    total = 0.0
    for amount, countries in projects:
        touched = set()
        for iso3, pct in countries:
            signal = signals.get(iso3, "no_data")
            by[signal] = by.get(signal, 0.0) + amount * pct / 100.0
            touched.add(signal)
        for signal in touched:
            count[signal] = count.get(signal, 0) + 1
        total += amount * sum(p for _, p in countries) / 100.0
    return Exposure(by, count, total)


__all__ = [
    "CAPACITIES",
    "CI_COMPONENTS",
    "HIGH_RISK",
    "RATIOS",
    "CiScore",
    "CompositeIndicator",
    "DebtConfig",
    "DebtSignal",
    "Exposure",
    "RatioCheck",
    "RatioObservation",
    "assess",
    "composite_indicator",
    "exposure",
    "parse_config",
]
