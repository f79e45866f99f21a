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

The funnel is computed column-wise (:class:`FunnelColumns`, one numpy array a fact) so a million
projects take a fraction of a second; identifiers and titles are looked up only for the few
projects listed as the worst slippages and the longest stalls.

>>> p = FunnelProject("P1", "Port", None, 2, None, None, None, None, 10.0, True, None)
>>> stage_of(p)
'implementation'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from numpy.typing import NDArray

from beltroad.errors import EngineError

LADDER: tuple[str, ...] = ("mou", "pipeline", "commitment", "implementation", "completion")
OFF_LADDER: tuple[str, ...] = ("cancelled", "suspended")
STAGES: tuple[str, ...] = LADDER + OFF_LADDER
#: ``FunnelColumns.stage`` holds a stage's index in :data:`STAGES`, or this when none is set.
NO_STAGE = -1
PIPELINE, COMMITMENT, IMPLEMENTATION, COMPLETION, CANCELLED, SUSPENDED = (
    STAGES.index(s)
    for s in ("pipeline", "commitment", "implementation", "completion", "cancelled", "suspended")
)
EPOCH = dt.date(1970, 1, 1)

Days = NDArray[np.datetime64]
#: Given project keys, their identifier and title (at least for the keys asked for).
Labels = Callable[[NDArray[np.int64]], Mapping[int, tuple[str, str]]]


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


@dataclass(frozen=True)
class FunnelColumns:
    """The same facts for many projects: one array a fact, all in one project order.

    An unknown date is NaT (``datetime64[D]``), an unknown status 0, an unknown amount 0.0 (it
    adds nothing to a total, as ``None`` adds nothing). ``stage`` is beltroad's own stage as an
    index into :data:`STAGES`, :data:`NO_STAGE` when unset or not a funnel stage. ``key``
    identifies each project to :data:`Labels`.

    >>> c = FunnelColumns.from_projects([FunnelProject("P1", "Port", "mou", None, None, None,
    ...     None, None, None, False, None)])
    >>> c.stage.tolist(), c.amount.tolist()
    ([0], [0.0])
    """

    key: NDArray[np.int64]
    stage: NDArray[np.int8]
    status: NDArray[np.int8]
    planned_start: Days
    actual_start: Days
    planned_end: Days
    actual_end: Days
    amount: NDArray[np.float64]
    has_commitment: NDArray[np.bool_]
    last_event: Days

    def __post_init__(self) -> None:
        lengths = {f.name: len(getattr(self, f.name)) for f in fields(self)}
        if len(set(lengths.values())) > 1:
            raise EngineError(f"funnel columns of different lengths: {lengths}")

    def __len__(self) -> int:
        return len(self.key)

    @classmethod
    def from_projects(cls, projects: Sequence[FunnelProject]) -> FunnelColumns:
        """Columns of ``projects``, keyed by their position in the sequence."""

        def days(name: str) -> Days:
            values = [getattr(p, name) for p in projects]
            return np.array(
                [np.datetime64("NaT") if v is None else np.datetime64(v, "D") for v in values],
                dtype="datetime64[D]",
            )

        return cls(
            key=np.arange(len(projects), dtype=np.int64),
            stage=np.array(
                [STAGES.index(p.stage) if p.stage in STAGES else NO_STAGE for p in projects],
                dtype=np.int8,
            ),
            status=np.array([p.status or 0 for p in projects], dtype=np.int8),
            planned_start=days("planned_start"),
            actual_start=days("actual_start"),
            planned_end=days("planned_end"),
            actual_end=days("actual_end"),
            amount=np.array([p.amount or 0.0 for p in projects], dtype=np.float64),
            has_commitment=np.array([p.has_commitment for p in projects], dtype=np.bool_),
            last_event=days("last_event"),
        )


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


def stage_codes(columns: FunnelColumns) -> NDArray[np.int8]:
    """Each project's stage as an index into :data:`STAGES`: :func:`stage_of`, column-wise.

    The rules are applied from the weakest to the strongest, each overwriting the ones before.
    """
    status = columns.status
    codes = np.full(len(columns), PIPELINE, dtype=np.int8)
    codes[columns.has_commitment] = COMMITMENT
    codes[~np.isnat(columns.actual_start) | (status == 2)] = IMPLEMENTATION
    codes[~np.isnat(columns.actual_end) | (status == 3) | (status == 4)] = COMPLETION
    codes[status == 6] = SUSPENDED
    codes[status == 5] = CANCELLED
    own = (columns.stage >= 0) & (columns.stage < len(STAGES))
    codes[own] = columns.stage[own]
    return codes


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


def distribution(days: NDArray[np.int64] | Sequence[int]) -> dict[str, Any]:
    """Count, mean, median, 90th percentile, extremes, and how many were late, early, on time.

    The median is the middle value, or the mean of the two middle ones (then a float); the 90th
    percentile is the value at rank ``round(0.9 * (n - 1))`` (halves up) of the sorted days.

    >>> distribution([3, -1, 10, 0])["median"], distribution([3, -1, 10])["p90"]
    (1.5, 10)
    """
    values = np.asarray(days, dtype=np.int64)
    n = len(values)
    if n == 0:
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
    middle = n // 2
    p90_rank = min(n - 1, int(0.9 * (n - 1) + 0.5))
    # Only these ranks are needed, so a partition instead of a full sort.
    ranked = np.partition(values, sorted({0, max(middle - 1, 0), middle, p90_rank, n - 1}))
    median: int | float = (
        int(ranked[middle]) if n % 2 else (int(ranked[middle - 1]) + int(ranked[middle])) / 2
    )
    return {
        "projects": n,
        # The sum of whole days is exact, so this is statistics.fmean's value to the last bit.
        "mean": round(float(int(values.sum())) / n, 1),
        "median": median,
        "p90": int(ranked[p90_rank]),
        "min": int(ranked[0]),
        "max": int(ranked[n - 1]),
        "late": int(np.count_nonzero(values > 0)),
        "early": int(np.count_nonzero(values < 0)),
        "on_time": int(np.count_nonzero(values == 0)),
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
    """:func:`funnel_of` over project records (small portfolios, tests)."""
    names = {i: (p.identifier, p.title) for i, p in enumerate(projects)}
    return funnel_of(
        FunnelColumns.from_projects(projects),
        lambda _keys: names,
        as_of=as_of,
        stalled_months=stalled_months,
        worst=worst,
    )


def funnel_of(
    columns: FunnelColumns,
    labels: Labels,
    *,
    as_of: dt.date,
    stalled_months: int = 12,
    worst: int = 10,
) -> Funnel:
    """Stage counts and amounts, conversion rates, slippage and stalled projects as of a date.

    ``labels`` is asked only for the projects that may be listed among the ``worst``.
    """
    codes = stage_codes(columns)
    counts = dict(zip(STAGES, np.bincount(codes, minlength=len(STAGES)).tolist(), strict=True))
    # bincount adds the weights one at a time in array order: the same floats as a loop doing
    # ``amount += project.amount`` in that order (a pairwise np.sum could differ in the last bit).
    sums = np.bincount(codes, weights=columns.amount, minlength=len(STAGES))
    sums = sums.astype(np.float64)  # with no projects at all bincount gives integer zeros
    amounts: dict[str, float] = dict(zip(STAGES, sums.tolist(), strict=True))
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
    total = len(columns)
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
        slippage=_slippage(columns, labels, worst),
        stalled=_stalled(columns, codes, labels, as_of, stalled_months, worst),
    )


def _day(value: int) -> dt.date:
    return EPOCH + dt.timedelta(days=value)


def _first(
    order: NDArray[np.int64],
    rows: NDArray[np.intp],
    keys: NDArray[np.int64],
    labels: Labels,
    count: int,
) -> list[tuple[int, str, str]]:
    """The ``count`` rows first when sorted by ``order`` and then identifier: (row, identifier,
    title) each. Only the rows that can make the cut (``order`` up to the count-th smallest,
    ties included) are labelled and sorted in Python."""
    if count <= 0 or len(rows) == 0:
        return []
    if len(rows) > count:
        bound = np.partition(order, count - 1)[count - 1]
        within = order <= bound
        order, rows = order[within], rows[within]
    wanted = keys[rows]
    names = labels(wanted)
    ranked = sorted(
        zip(order.tolist(), wanted.tolist(), rows.tolist(), strict=True),
        key=lambda item: (item[0], names[item[1]][0]),
    )
    return [(row, *names[key]) for _, key, row in ranked[:count]]


def _slippage(columns: FunnelColumns, labels: Labels, worst: int) -> dict[str, Any]:
    result: dict[str, Any] = {"unit": "days (actual minus planned; positive is late)"}
    for name, planned, actual in (
        ("start", columns.planned_start, columns.actual_start),
        ("end", columns.planned_end, columns.actual_end),
    ):
        measured = np.flatnonzero(~np.isnat(planned) & ~np.isnat(actual))
        planned_days = planned[measured].astype(np.int64)
        actual_days = actual[measured].astype(np.int64)
        slips = actual_days - planned_days
        late = np.flatnonzero(slips > 0)  # only late projects are listed among the worst
        listed = _first(-slips[late], late, columns.key[measured], labels, worst)
        result[name] = distribution(slips) | {
            "worst": [
                {
                    "identifier": identifier,
                    "title": title,
                    "planned": _day(int(planned_days[i])).isoformat(),
                    "actual": _day(int(actual_days[i])).isoformat(),
                    "days": int(slips[i]),
                }
                for i, identifier, title in listed
            ]
        }
    return result


def _stalled(
    columns: FunnelColumns,
    codes: NDArray[np.int8],
    labels: Labels,
    as_of: dt.date,
    months: int,
    worst: int,
) -> dict[str, Any]:
    cutoff = months_before(as_of, months)
    open_projects = codes < COMPLETION  # the ladder's stages before completion
    last = columns.last_event
    last_days = last.view(np.int64)  # days since 1970, for the projects that have one
    recorded = ~np.isnat(last)
    stalled = np.flatnonzero(open_projects & recorded & (last < np.datetime64(cutoff, "D")))
    listed = _first(last_days[stalled], stalled, columns.key, labels, worst)
    today = (as_of - EPOCH).days
    return {
        "months": months,
        "as_of": as_of.isoformat(),
        "cutoff": cutoff.isoformat(),
        "projects": len(stalled),
        "open_projects": int(np.count_nonzero(open_projects)),
        "no_event_recorded": int(np.count_nonzero(open_projects & ~recorded)),
        "longest": [
            {
                "identifier": identifier,
                "title": title,
                "stage": STAGES[int(codes[i])],
                "last_event": _day(int(last_days[i])).isoformat(),
                "days_since": today - int(last_days[i]),
            }
            for i, identifier, title in listed
        ],
    }


def milestone_slippage(
    project: NDArray[np.int64],
    planned: Days,
    actual: Days,
    counted: NDArray[np.int64],
    *,
    as_of: dt.date,
) -> dict[str, Any]:
    """Plan against actual of milestones (issue #15): days from ``planned`` to ``actual`` of the
    milestones of the ``counted`` projects that were reached by ``as_of`` (a milestone dated
    later had not happened yet on that day), as a :func:`distribution` with the number of
    milestones and of their projects.

    >>> d = np.array(["2024-01-01", "2024-01-11"], dtype="datetime64[D]")
    >>> r = milestone_slippage(np.array([1, 1]), d, d + 4, np.array([1]), as_of=dt.date(2025, 1, 1))
    >>> r["milestones"], r["projects"], r["median"]
    (2, 1, 4.0)
    """
    project = np.asarray(project, dtype=np.int64)
    keep = np.isin(project, np.asarray(counted, dtype=np.int64))
    keep &= ~np.isnat(planned) & ~np.isnat(actual)
    keep &= actual <= np.datetime64(as_of, "D")
    slips = (actual[keep] - planned[keep]).astype(np.int64)
    found = distribution(slips)
    found["milestones"] = found.pop("projects")
    return {
        "unit": "days (actual minus planned milestone date; positive is late)",
        "projects": int(np.unique(project[keep]).size),
        **found,
    }
