"""Funnel stages, conversion, slippage and stalls, computed from project facts."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import statistics

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from beltroad.engines.funnel import (
    LADDER,
    OFF_LADDER,
    STAGES,
    FunnelColumns,
    FunnelProject,
    build_funnel,
    months_before,
    stage_codes,
    stage_of,
)
from beltroad.errors import EngineError

D = dt.date


def project(ident: str, **more: object) -> FunnelProject:
    fields: dict[str, object] = {
        "identifier": ident,
        "title": ident,
        "stage": None,
        "status": None,
        "planned_start": None,
        "actual_start": None,
        "planned_end": None,
        "actual_end": None,
        "amount": 10.0,
        "has_commitment": False,
        "last_event": None,
    }
    return FunnelProject(**(fields | more))  # type: ignore[arg-type]


def test_stage_precedence() -> None:
    assert stage_of(project("a", stage="mou", status=2)) == "mou"
    assert stage_of(project("b", status=5, actual_start=D(2020, 1, 1))) == "cancelled"
    assert stage_of(project("c", status=6)) == "suspended"
    assert stage_of(project("d", actual_end=D(2021, 1, 1))) == "completion"
    assert stage_of(project("e", status=4)) == "completion"
    assert stage_of(project("f", actual_start=D(2020, 1, 1))) == "implementation"
    assert stage_of(project("g", has_commitment=True)) == "commitment"
    assert stage_of(project("h", status=1)) == "pipeline"


def test_counts_amounts_and_conversion() -> None:
    projects = [
        project("m", stage="mou"),
        project("p", status=1),
        project("c1", has_commitment=True),
        project("c2", has_commitment=True),
        project("i", status=2, amount=100.0),
        project("x", status=5),
    ]
    funnel = build_funnel(projects, as_of=D(2024, 1, 1))
    by_stage = {s["stage"]: s for s in funnel.stages}
    assert [s["stage"] for s in funnel.stages] == list(LADDER)
    assert by_stage["mou"]["reached"] == 5
    assert by_stage["commitment"]["projects"] == 2
    assert by_stage["commitment"]["reached"] == 3
    assert by_stage["commitment"]["conversion_from_previous"] == 0.75
    assert by_stage["implementation"]["amount"] == 100.0
    assert by_stage["completion"]["conversion_from_previous"] == 0.0
    assert funnel.off_ladder[0] == {
        "stage": "cancelled",
        "projects": 1,
        "amount": 10.0,
        "share": round(1 / 6, 4),
    }
    assert funnel.total == {"projects": 6, "amount": 150.0}


def test_slippage_distribution_and_worst_cases() -> None:
    projects = [
        project("late", planned_start=D(2020, 1, 1), actual_start=D(2020, 3, 1)),
        project("early", planned_start=D(2020, 1, 11), actual_start=D(2020, 1, 1)),
        project("on", planned_start=D(2020, 1, 1), actual_start=D(2020, 1, 1)),
        project("done", planned_end=D(2022, 1, 1), actual_end=D(2023, 1, 1)),
    ]
    slip = build_funnel(projects, as_of=D(2024, 1, 1)).slippage
    assert slip["start"]["projects"] == 3
    assert (slip["start"]["late"], slip["start"]["early"], slip["start"]["on_time"]) == (1, 1, 1)
    assert slip["start"]["median"] == 0
    assert slip["start"]["max"] == 60
    assert [w["identifier"] for w in slip["start"]["worst"]] == ["late"]
    assert slip["end"]["worst"][0]["days"] == 365


def test_stalled_projects_have_no_progress_for_n_months() -> None:
    projects = [
        project("quiet", status=2, last_event=D(2022, 5, 1)),
        project("busy", status=2, last_event=D(2023, 11, 1)),
        project("finished", actual_end=D(2020, 1, 1), last_event=D(2020, 1, 1)),
        project("unknown", status=1),
    ]
    stalled = build_funnel(projects, as_of=D(2024, 1, 1), stalled_months=12).stalled
    assert stalled["cutoff"] == "2023-01-01"
    assert stalled["projects"] == 1
    assert stalled["longest"][0]["identifier"] == "quiet"
    assert stalled["no_event_recorded"] == 1
    assert build_funnel(projects, as_of=D(2024, 1, 1), stalled_months=1).stalled["projects"] == 2


def test_months_before_clamps_to_the_month_end() -> None:
    assert months_before(D(2024, 3, 31), 1) == D(2024, 2, 29)
    assert months_before(D(2024, 1, 15), 13) == D(2022, 12, 15)


@given(st.lists(st.sampled_from([None, 1, 2, 3, 4, 5, 6]), max_size=40))
def test_reached_never_grows_down_the_ladder(statuses: list[int | None]) -> None:
    funnel = build_funnel(
        [project(str(i), status=s) for i, s in enumerate(statuses)], as_of=D(2024, 1, 1)
    )
    reached = [s["reached"] for s in funnel.stages]
    assert reached == sorted(reached, reverse=True)
    on_ladder = sum(s["projects"] for s in funnel.stages)
    assert on_ladder + sum(s["projects"] for s in funnel.off_ladder) == len(statuses)
    for stage in funnel.stages:
        rate = stage["conversion_from_previous"]
        assert rate is None or 0.0 <= rate <= 1.0


# --- the column-wise funnel against the row-by-row definition it replaced ---------------------


def reference_funnel(
    projects: list[FunnelProject], as_of: dt.date, months: int, worst: int
) -> dict[str, object]:
    """The funnel as it was computed before the numpy rewrite: one Python loop per figure."""
    counts = dict.fromkeys(STAGES, 0)
    amounts = dict.fromkeys(STAGES, 0.0)
    staged = [(p, stage_of(p)) for p in projects]
    for p, stage in staged:
        counts[stage] += 1
        amounts[stage] += p.amount or 0.0
    stages, previous = [], None
    for i, stage in enumerate(LADDER):
        reached = sum(counts[s] for s in LADDER[i:])
        stages.append(
            {
                "stage": stage,
                "projects": counts[stage],
                "amount": amounts[stage],
                "reached": reached,
                "conversion_from_previous": round(reached / previous, 4) if previous else None,
            }
        )
        previous = reached
    off = [
        {
            "stage": s,
            "projects": counts[s],
            "amount": amounts[s],
            "share": round(counts[s] / len(projects), 4) if projects else None,
        }
        for s in OFF_LADDER
    ]
    slippage: dict[str, object] = {"unit": "days (actual minus planned; positive is late)"}
    for name in ("start", "end"):
        pairs = [(p, getattr(p, f"planned_{name}"), getattr(p, f"actual_{name}")) for p in projects]
        slips = sorted(
            ((p, plan, act, (act - plan).days) for p, plan, act in pairs if plan and act),
            key=lambda item: (-item[3], item[0].identifier),
        )
        days = [d for *_, d in slips]
        ordered = sorted(days)
        n = len(ordered)
        slippage[name] = {
            "projects": n,
            "mean": round(statistics.fmean(ordered), 1) if n else None,
            "median": statistics.median(ordered) if n else None,
            "p90": ordered[min(n - 1, int(0.9 * (n - 1) + 0.5))] if n else None,
            "min": ordered[0] if n else None,
            "max": ordered[-1] if n else None,
            "late": sum(d > 0 for d in days),
            "early": sum(d < 0 for d in days),
            "on_time": sum(d == 0 for d in days),
            "worst": [
                {
                    "identifier": p.identifier,
                    "title": p.title,
                    "planned": plan.isoformat(),
                    "actual": act.isoformat(),
                    "days": d,
                }
                for p, plan, act, d in slips[:worst]
                if d > 0
            ],
        }
    cutoff = months_before(as_of, months)
    open_projects = [(p, s) for p, s in staged if s in LADDER and s != "completion"]
    stalled = sorted(
        ((p, s) for p, s in open_projects if p.last_event is not None and p.last_event < cutoff),
        key=lambda item: (item[0].last_event, item[0].identifier),
    )
    return {
        "stages": stages,
        "off_ladder": off,
        "total": {"projects": len(projects), "amount": sum(amounts.values())},
        "slippage": slippage,
        "stalled": {
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
                    "last_event": p.last_event.isoformat(),
                    "days_since": (as_of - p.last_event).days,
                }
                for p, s in stalled[:worst]
                if p.last_event is not None
            ],
        },
    }


# Few distinct values, so equal slips and equal last events (ties) are common.
days = st.one_of(st.none(), st.dates(D(1969, 12, 20), D(1970, 1, 10)), st.just(D(1950, 6, 1)))
projects = st.lists(
    st.builds(
        FunnelProject,
        identifier=st.text(alphabet="aAbB1_é", min_size=1, max_size=3),
        title=st.text(max_size=3),
        stage=st.sampled_from([None, *STAGES, "tender"]),
        status=st.sampled_from([None, 1, 2, 3, 4, 5, 6]),
        planned_start=days,
        actual_start=days,
        planned_end=days,
        actual_end=days,
        amount=st.one_of(st.none(), st.floats(-1e12, 1e12)),
        has_commitment=st.booleans(),
        last_event=days,
    ),
    max_size=40,
    unique_by=lambda p: p.identifier,
)


@settings(max_examples=300, deadline=None)
@given(
    projects,
    st.dates(D(1969, 1, 1), D(1972, 12, 31)),
    st.integers(1, 30),
    st.integers(0, 12),
)
def test_column_wise_funnel_is_the_row_by_row_one(
    projects: list[FunnelProject], as_of: dt.date, months: int, worst: int
) -> None:
    funnel = build_funnel(projects, as_of=as_of, stalled_months=months, worst=worst)
    # JSON tells 3 from 3.0 and numpy scalars from Python numbers (it refuses the latter).
    assert json.dumps(funnel.as_dict()) == json.dumps(
        reference_funnel(projects, as_of, months, worst)
    )


def test_column_wise_stages_match_stage_of() -> None:
    sample = [
        project(str(i), stage=stage, status=status, actual_start=start, has_commitment=committed)
        for i, (stage, status, start, committed) in enumerate(
            itertools.product(
                [None, *STAGES, "tender"], [None, 1, 2, 3, 4, 5, 6], [None, D(2020, 1, 1)], [0, 1]
            )
        )
    ]
    codes = stage_codes(FunnelColumns.from_projects(sample))
    assert [STAGES[c] for c in codes] == [stage_of(p) for p in sample]


def test_columns_must_line_up() -> None:
    columns = FunnelColumns.from_projects([project("a"), project("b")])
    with pytest.raises(EngineError, match="different lengths"):
        FunnelColumns(**(vars(columns) | {"amount": np.zeros(3)}))
