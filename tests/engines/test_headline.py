"""Reconciliation verdicts: a registry figure against a reported one, read by its qualifier."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from beltroad.engines.headline import (
    ABOUT_TOLERANCE,
    ReportedFigure,
    format_figure,
    reconcile,
    satisfies,
)


def reported(value: float, qualifier: str, unit: str = "countries") -> ReportedFigure:
    return ReportedFigure(value, qualifier, unit, "2024-12-03", "Xinhua")


def test_a_floor_is_met_by_the_reported_value_itself() -> None:
    result = reconcile(150, reported(150, "over"))
    assert result.consistent is True
    assert result.verdict == "registry 150, reported 'over 150': consistent"
    assert result.gap == 0


def test_short_of_a_floor_says_by_how_much() -> None:
    result = reconcile(149, reported(150, "over"))
    assert result.consistent is False
    assert result.gap == -1
    assert result.verdict.startswith("registry 149, reported 'over 150': 1 (0.7%) below")


def test_an_empty_registry_says_it_holds_nothing_yet() -> None:
    result = reconcile(0, reported(17_000, "about", "enterprises"))
    assert result.consistent is False
    assert result.verdict == (
        "registry 0, reported 'about 17,000': the registry holds no enterprises yet"
    )


def test_about_allows_ten_percent_either_way() -> None:
    assert reconcile(15_400, reported(17_000, "about", "enterprises")).consistent is True
    far = reconcile(15_000, reported(17_000, "about", "enterprises"))
    assert far.consistent is False
    assert "outside the ±10%" in far.verdict


def test_exact_and_under() -> None:
    assert reconcile(42, reported(42, "exact")).consistent is True
    assert reconcile(43, reported(42, "exact")).consistent is False
    assert reconcile(41, reported(42, "under")).consistent is True
    assert "ceiling" in reconcile(43, reported(42, "under")).verdict


def test_money_is_said_in_billions() -> None:
    result = reconcile(331e9, reported(330e9, "over", "USD"))
    assert result.verdict == (
        "registry USD 331.0 billion, reported 'over USD 330.0 billion': consistent"
    )
    assert format_figure(2.5e6, "USD") == "USD 2.5 million"


def test_nothing_reported_is_not_a_verdict_of_inconsistency() -> None:
    result = reconcile(12, None)
    assert result.consistent is None
    assert result.gap is None
    assert "no reported figure" in result.verdict


def test_an_unknown_qualifier_is_rejected() -> None:
    with pytest.raises(ValueError, match="expected one of"):
        satisfies(1, 1, "roughly")


values = st.integers(min_value=0, max_value=10**9).map(float)


@given(registry=values, value=values.filter(lambda v: v > 0))
def test_consistent_iff_the_registry_satisfies_the_qualifier(registry: float, value: float) -> None:
    expectations = {
        "over": registry >= value,
        "under": registry <= value,
        "exact": registry == value,
        "about": abs(registry - value) <= ABOUT_TOLERANCE * value,
    }
    for qualifier, expected in expectations.items():
        result = reconcile(registry, reported(value, qualifier))
        assert result.consistent is expected
        assert result.verdict.endswith(": consistent") is expected
        assert result.gap == registry - value
