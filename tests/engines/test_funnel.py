"""Funnel stages, conversion, slippage and stalls, computed from project facts."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from beltroad.engines.funnel import (
    LADDER,
    FunnelProject,
    build_funnel,
    months_before,
    stage_of,
)

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
