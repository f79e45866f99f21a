"""Reconcile a registry figure with an officially reported one, and say the gap plainly.

Pure: figures in, a verdict out. The qualifier of a reported figure says how to read it:

- ``over``: a floor, the registry is consistent when it reaches the value (``>=``: "over 150"
  is a rounded-down floor, so 150 does not contradict it);
- ``under``: a ceiling (``<=``);
- ``about``: a rounded figure, consistent within ``ABOUT_TOLERANCE`` (±10%) of the value;
- ``exact``: equal, up to floating-point noise.

>>> r = reconcile(150, ReportedFigure(150, "over", "countries", "2024-12-03", "Xinhua"))
>>> r.consistent, r.verdict
(True, "registry 150, reported 'over 150': consistent")
>>> reconcile(0, ReportedFigure(17_000, "about", "enterprises", "2023-12-31", "Xinhua")).verdict
"registry 0, reported 'about 17,000': the registry holds no enterprises yet"
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

Qualifier = Literal["over", "about", "exact", "under"]
QUALIFIERS: tuple[str, ...] = ("over", "about", "exact", "under")

ABOUT_TOLERANCE = 0.10
"""How far (relative) a registry figure may sit from an 'about' figure and still agree."""


@dataclass(frozen=True)
class ReportedFigure:
    """A reported statistic as the reconciliation needs it."""

    value: float
    qualifier: str
    unit: str
    as_of: str
    source: str


@dataclass(frozen=True)
class Reconciliation:
    """The registry figure against the reported one: signed gap, agreement and a sentence."""

    registry: float
    reported: float | None
    qualifier: str | None
    gap: float | None  # registry minus reported; None when nothing is reported
    gap_pct: float | None  # gap as a percentage of the reported value
    consistent: bool | None  # None when nothing is reported
    verdict: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "registry": self.registry,
            "reported": self.reported,
            "qualifier": self.qualifier,
            "gap": self.gap,
            "gap_pct": self.gap_pct,
            "consistent": self.consistent,
            "verdict": self.verdict,
        }


def satisfies(registry: float, value: float, qualifier: str) -> bool:
    """Whether ``registry`` agrees with a figure reported as ``qualifier value``.

    >>> satisfies(151, 150, "over"), satisfies(149, 150, "over"), satisfies(16_000, 17_000, "about")
    (True, False, True)
    """
    if qualifier == "over":
        return registry >= value
    if qualifier == "under":
        return registry <= value
    if qualifier == "exact":
        return math.isclose(registry, value, rel_tol=1e-9, abs_tol=1e-9)
    if qualifier == "about":
        return abs(registry - value) <= ABOUT_TOLERANCE * abs(value) + 1e-9
    expected = ", ".join(QUALIFIERS)
    raise ValueError(f"unknown qualifier {qualifier!r} (expected one of {expected})")


def format_figure(value: float, unit: str = "") -> str:
    """A number as a person would say it: '17,000', 'USD 330.0 billion'.

    >>> format_figure(330e9, "USD"), format_figure(150.0, "countries")
    ('USD 330.0 billion', '150')
    """
    if unit == "USD":
        for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
            if abs(value) >= size:
                return f"USD {value / size:,.1f} {word}"
        return f"USD {value:,.0f}"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def reconcile(registry: float, reported: ReportedFigure | None) -> Reconciliation:
    """Compare a registry figure with a reported statistic and state the gap in one sentence."""
    unit = reported.unit if reported else ""
    shown = format_figure(registry, unit)
    if reported is None:
        return Reconciliation(
            registry,
            None,
            None,
            None,
            None,
            None,
            f"registry {shown}; no reported figure to compare",
        )
    value, qualifier = reported.value, reported.qualifier
    claim = f"reported '{qualifier} {format_figure(value, unit)}'"
    gap = registry - value
    gap_pct = round(100.0 * gap / value, 2) if value else None
    ok = satisfies(registry, value, qualifier)
    head = f"registry {shown}, {claim}"
    if ok:
        verdict = f"{head}: consistent"
    elif registry == 0 and value > 0:
        noun = {"": "records", "USD": "investment stock"}.get(unit, unit)
        verdict = f"{head}: the registry holds no {noun} yet"
    else:
        size = format_figure(abs(gap), unit)
        pct = f" ({abs(gap_pct):.1f}%)" if gap_pct is not None else ""
        direction = "below" if gap < 0 else "above"
        if qualifier == "over":
            why = "short of the reported floor; the registry may be incomplete"
        elif qualifier == "under":
            why = "over the reported ceiling"
        elif qualifier == "about":
            why = f"outside the ±{ABOUT_TOLERANCE:.0%} an 'about' figure allows"
        else:
            why = "the figures differ"
        verdict = f"{head}: {size}{pct} {direction}, {why}"
    return Reconciliation(registry, value, qualifier, gap, gap_pct, ok, verdict)
