"""Vessel classes against passage limits: which passages a ship cannot transit."""

from __future__ import annotations

import pytest

from beltroad.engines.vessels import (
    VesselClass,
    VesselConfigError,
    blocked_passages,
    parse_limits,
    parse_vessels,
)

LIMITS = parse_limits(
    {
        "panama": {"max_length_m": 366.0, "max_beam_m": 51.25, "max_draught_m": 15.24},
        "suez": {"max_draught_m": 20.1},
        "gibraltar": {},
    }
)


def ship(length: float, beam: float, draught: float) -> VesselClass:
    return VesselClass("x", "x", length_m=length, beam_m=beam, draught_m=draught)


def test_a_limit_closes_only_when_strictly_exceeded() -> None:
    assert blocked_passages(ship(366.0, 51.25, 15.24), LIMITS) == []
    blocked = blocked_passages(ship(366.0, 51.26, 15.0), LIMITS)
    assert [(b.passage, b.reason) for b in blocked] == [("panama", "beam 51.26 m > 51.25 m")]


def test_each_dimension_closes_and_a_passage_without_limits_never_does() -> None:
    assert [b.passage for b in blocked_passages(ship(367.0, 30.0, 10.0), LIMITS)] == ["panama"]
    assert [b.passage for b in blocked_passages(ship(200.0, 30.0, 21.0), LIMITS)] == [
        "panama",
        "suez",
    ]
    assert blocked_passages(ship(200.0, 30.0, 21.0), LIMITS)[1].reason.startswith("draught")


@pytest.mark.parametrize("bad", [0, -3.0, "wide", float("nan"), True, None])
def test_bad_dimensions_name_the_table_and_key(bad: object) -> None:
    with pytest.raises(VesselConfigError) as caught:
        parse_vessels({"big": {"length_m": 300.0, "beam_m": bad, "draught_m": 10.0}})
    assert caught.value.where == "vessels.big.beam_m"


def test_a_limit_may_be_missing_but_not_bad() -> None:
    assert parse_limits({"suez": {"max_beam_m": None}})["suez"].max_beam_m is None
    with pytest.raises(VesselConfigError):
        parse_limits({"suez": {"max_beam_m": -1}})
