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
        tags=tags,
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
            "ratios": [r.as_dict() for r in self.ratios],
        }


def assess(
    iso3: str, year: int, observations: Sequence[RatioObservation], config: DebtConfig
) -> DebtSignal:
    """One country's ratios against its thresholds over ``year .. year + horizon``."""
    capacity = config.capacity.get(iso3)
    capacity_source = "configured (published DSA)" if capacity else "default (no CI data) [N]"
    capacity = capacity or config.default_capacity
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
        iso3, year, capacity, capacity_source, signal, tuple(checks), distress, config.label
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
    "HIGH_RISK",
    "RATIOS",
    "DebtConfig",
    "DebtSignal",
    "Exposure",
    "RatioCheck",
    "RatioObservation",
    "assess",
    "exposure",
    "parse_config",
]
