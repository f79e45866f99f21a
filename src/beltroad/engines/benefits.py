"""Benefit-sharing balance per project and country (standards §6), with its components.

Pure: a parsed ``benefits.toml`` and indicator values in, :class:`Balance` records out. Missing
indicators lower a side's coverage and are listed; they are never counted as 0. Below the
minimum coverage on either side, no index is given (``index is None``) and the reason is said.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from beltroad.engines.params import Section

SIDES = ("host", "investor")


@dataclass(frozen=True)
class Indicator:
    side: str
    key: str
    label: str
    lower: float
    upper: float
    weight: float
    cost: bool


@dataclass(frozen=True)
class BenefitsConfig:
    version: str
    source: str
    min_coverage: float
    indicators: tuple[Indicator, ...]

    def keys(self) -> list[str]:
        return [i.key for i in self.indicators]


def parse_config(data: Mapping[str, Any], *, source: str) -> BenefitsConfig:
    top = Section(data, "", source)
    top.unknown({"version", "min_coverage", *SIDES})
    indicators = []
    for side in SIDES:
        sec = top.section(side)
        for key in sec.data:
            ind = sec.section(str(key))
            ind.unknown({"label", "lower", "upper", "weight", "cost"})
            lower, upper = ind.number("lower"), ind.number("upper")
            if upper <= lower:
                raise ind.fail("upper", upper, "expected upper > lower")
            indicators.append(
                Indicator(
                    side,
                    str(key),
                    ind.get("label", str),
                    lower,
                    upper,
                    ind.number("weight", low=0),
                    ind.get("cost", bool),
                )
            )
    return BenefitsConfig(
        top.get("version", str),
        source,
        top.number("min_coverage", low=0, high=1),
        tuple(indicators),
    )


@dataclass(frozen=True)
class Component:
    side: str
    key: str
    label: str
    value: float | None
    normalised: float | None
    weight: float
    source: str | None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Balance:
    subject: str
    host: float | None
    investor: float | None
    host_coverage: float
    investor_coverage: float
    index: float | None
    gap: float | None
    components: tuple[Component, ...]
    note: str | None

    @property
    def missing(self) -> list[str]:
        return [c.key for c in self.components if c.value is None]

    def as_dict(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "index": self.index,
            "gap": self.gap,
            "host_score": self.host,
            "investor_score": self.investor,
            "host_coverage": self.host_coverage,
            "investor_coverage": self.investor_coverage,
            "missing": self.missing,
            "note": self.note,
            "components": [c.as_dict() for c in self.components],
        }


def normalise(ind: Indicator, value: float) -> float:
    share = (value - ind.lower) / (ind.upper - ind.lower)
    share = min(1.0, max(0.0, share))
    return 100.0 * (1.0 - share if ind.cost else share)


def balance(
    subject: str,
    values: Mapping[str, tuple[float, str] | None],
    config: BenefitsConfig,
) -> Balance:
    """``values``: indicator key -> (value, where it came from), or absent/None when missing."""
    components = []
    sides: dict[str, tuple[float | None, float]] = {}
    for side in SIDES:
        members = [i for i in config.indicators if i.side == side]
        total = sum(i.weight for i in members)
        have = 0.0
        acc = 0.0
        for ind in members:
            found = values.get(ind.key)
            if found is None:
                components.append(Component(side, ind.key, ind.label, None, None, ind.weight, None))
                continue
            value, source = found
            n = normalise(ind, value)
            components.append(Component(side, ind.key, ind.label, value, n, ind.weight, source))
            have += ind.weight
            acc += ind.weight * n
        coverage = have / total if total else 0.0
        sides[side] = (acc / have if have else None, coverage)
    (host, hc), (inv, ic) = sides["host"], sides["investor"]
    index = gap = None
    note = None
    if host is not None and inv is not None and min(hc, ic) >= config.min_coverage:
        gap = host - inv
        index = 100.0 - abs(gap)
    else:
        note = (
            f"no index: coverage host {hc:.0%}, investor {ic:.0%} "
            f"(each needs {config.min_coverage:.0%})"
        )
    return Balance(subject, host, inv, hc, ic, index, gap, tuple(components), note)


__all__ = [
    "SIDES",
    "Balance",
    "BenefitsConfig",
    "Component",
    "Indicator",
    "balance",
    "normalise",
    "parse_config",
]
