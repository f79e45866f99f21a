"""Blueprint to reality: lifecycle stages, conversion between them, slippage and stalled projects.

Pure: project facts in, a funnel out. A project's stage is, in order of precedence:

1. beltroad's own ``stage`` (``mou`` … ``completion``, ``cancelled``, ``suspended``) when set;
2. IATI ActivityStatus 5 (cancelled) or 6 (suspended);
3. an actual end date, or status 3/4 (finalisation, closed): ``completion``;
4. an actual start date, or status 2: ``implementation``;
5. a commitment transaction: ``commitment``;
6. otherwise ``pipeline`` (status 1, pledges, or nothing known).

A project at a later ladder stage has passed the earlier ones, so ``reached`` counts it at every
stage up to its own; conversion is ``reached[next] / reached[stage]``. Cancelled and suspended
projects leave the ladder and are reported beside it.

>>> p = FunnelProject("P1", "Port", None, 2, None, None, None, None, 10.0, True, None)
>>> stage_of(p)
'implementation'
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

LADDER: tuple[str, ...] = ("mou", "pipeline", "commitment", "implementation", "completion")
OFF_LADDER: tuple[str, ...] = ("cancelled", "suspended")
STAGES: tuple[str, ...] = LADDER + OFF_LADDER


@dataclass(frozen=True)
class FunnelProject:
    """What the funnel needs to know about one project."""

    identifier: str
    title: str
    stage: str | None
    status: int | None  # IATI ActivityStatus
    planned_start: dt.date | None
    actual_start: dt.date | None
    planned_end: dt.date | None
    actual_end: dt.date | None
    amount: float | None  # constant USD
    has_commitment: bool
    last_event: dt.date | None  # latest actual date, transaction or milestone reached


def stage_of(project: FunnelProject) -> str:
    """The project's lifecycle stage (see the module docstring for the precedence)."""
    if project.stage is not None and project.stage in STAGES:
        return project.stage
    if project.status == 5:
        return "cancelled"
    if project.status == 6:
        return "suspended"
    if project.actual_end is not None or project.status in (3, 4):
        return "completion"
    if project.actual_start is not None or project.status == 2:
        return "implementation"
    if project.has_commitment:
        return "commitment"
    return "pipeline"


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` months earlier, clamped to the month's end.

    >>> months_before(dt.date(2024, 3, 31), 1)
    datetime.date(2024, 2, 29)
    """
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    last = (following - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def distribution(days: Sequence[int]) -> dict[str, Any]:
    """Count, mean, median, 90th percentile, extremes, and how many were late, early, on time."""
    if not days:
        return {
            "projects": 0,
            "mean": None,
            "median": None,
            "p90": None,
            "min": None,
            "max": None,
            "late": 0,
            "early": 0,
            "on_time": 0,
        }
    ordered = sorted(days)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * (len(ordered) - 1) + 0.5))]
    return {
        "projects": len(ordered),
        "mean": round(statistics.fmean(ordered), 1),
        "median": statistics.median(ordered),
        "p90": p90,
        "min": ordered[0],
        "max": ordered[-1],
        "late": sum(1 for d in ordered if d > 0),
        "early": sum(1 for d in ordered if d < 0),
        "on_time": sum(1 for d in ordered if d == 0),
    }


@dataclass(frozen=True)
class Funnel:
    stages: list[dict[str, Any]]
    off_ladder: list[dict[str, Any]]
    total: dict[str, Any]
    slippage: dict[str, Any]
    stalled: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "stages": self.stages,
            "off_ladder": self.off_ladder,
            "total": self.total,
            "slippage": self.slippage,
            "stalled": self.stalled,
        }


def build_funnel(
    projects: Sequence[FunnelProject], *, as_of: dt.date, stalled_months: int = 12, worst: int = 10
) -> Funnel:
    """Stage counts and amounts, conversion rates, slippage and stalled projects as of a date."""
    counts = dict.fromkeys(STAGES, 0)
    amounts = dict.fromkeys(STAGES, 0.0)
    staged = [(p, stage_of(p)) for p in projects]
    for project, stage in staged:
        counts[stage] += 1
        amounts[stage] += project.amount or 0.0
    stages: list[dict[str, Any]] = []
    previous: int | None = None
    for i, stage in enumerate(LADDER):
        reached = sum(counts[s] for s in LADDER[i:])
        conversion = round(reached / previous, 4) if previous else None
        stages.append(
            {
                "stage": stage,
                "projects": counts[stage],
                "amount": amounts[stage],
                "reached": reached,
                "conversion_from_previous": conversion,
            }
        )
        previous = reached
    total = len(projects)
    off = [
        {
            "stage": stage,
            "projects": counts[stage],
            "amount": amounts[stage],
            "share": round(counts[stage] / total, 4) if total else None,
        }
        for stage in OFF_LADDER
    ]
    return Funnel(
        stages=stages,
        off_ladder=off,
        total={"projects": total, "amount": sum(amounts.values())},
        slippage=_slippage(projects, worst),
        stalled=_stalled(staged, as_of, stalled_months, worst),
    )


def _slippage(projects: Sequence[FunnelProject], worst: int) -> dict[str, Any]:
    result: dict[str, Any] = {"unit": "days (actual minus planned; positive is late)"}
    for name, planned, actual in (
        ("start", "planned_start", "actual_start"),
        ("end", "planned_end", "actual_end"),
    ):
        slips = [
            (p, (getattr(p, actual) - getattr(p, planned)).days)
            for p in projects
            if getattr(p, planned) is not None and getattr(p, actual) is not None
        ]
        slips.sort(key=lambda item: (-item[1], item[0].identifier))
        result[name] = distribution([d for _, d in slips]) | {
            "worst": [
                {
                    "identifier": p.identifier,
                    "title": p.title,
                    "planned": getattr(p, planned).isoformat(),
                    "actual": getattr(p, actual).isoformat(),
                    "days": d,
                }
                for p, d in slips[:worst]
                if d > 0
            ]
        }
    return result


def _stalled(
    staged: Sequence[tuple[FunnelProject, str]], as_of: dt.date, months: int, worst: int
) -> dict[str, Any]:
    cutoff = months_before(as_of, months)
    open_projects = [(p, s) for p, s in staged if s in LADDER and s != "completion"]
    stalled = sorted(
        ((p, s) for p, s in open_projects if p.last_event is not None and p.last_event < cutoff),
        key=lambda item: (item[0].last_event, item[0].identifier),
    )
    return {
        "months": months,
        "as_of": as_of.isoformat(),
        "cutoff": cutoff.isoformat(),
        "projects": len(stalled),
        "open_projects": len(open_projects),
        "no_event_recorded": sum(1 for p, _ in open_projects if p.last_event is None),
        "longest": [
            {
                "identifier": p.identifier,
                "title": p.title,
                "stage": s,
                "last_event": p.last_event.isoformat() if p.last_event else None,
                "days_since": (as_of - p.last_event).days if p.last_event else None,
            }
            for p, s in stalled[:worst]
        ],
    }
