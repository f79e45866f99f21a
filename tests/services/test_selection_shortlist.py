"""The selection's shortlist (the brief's MILP at 20,000 candidates): densest candidates first,
every candidate still explained, and the same choice when the shortlist holds the optimum."""

from __future__ import annotations

import pytest

from beltroad.errors import InvalidInput
from beltroad.services import green
from beltroad.services import selection as sel
from beltroad.services.workspace import Workspace
from tests.services.cooperation_data import add_project


def test_shortlist_takes_the_densest_then_the_green_and_capped_ones() -> None:
    values = [10.0, 1.0, 8.0, 0.5, 3.0, 9.0]
    costs = [10.0, 10.0, 10.0, 10.0, 10.0, 10.0]  # density = value / 10
    is_green = [False, False, False, True, False, False]
    countries = [{"PAK": 1.0}, {"KEN": 1.0}, {"PAK": 1.0}, {"KEN": 1.0}, {"LAO": 1.0}, {"PAK": 1.0}]
    # budget 10, 2 budgets: the densest adding up to 20 (0, 5); the green one (3), though the
    # least dense, for the green share
    assert sel.shortlist(values, costs, is_green, countries, {}, 10.0, budgets=2) == [0, 3, 5]
    # 1.5 budgets: the one that crosses the line (5) joins
    no_green = [False] * 6
    assert sel.shortlist(values, costs, no_green, countries, {}, 10.0, budgets=1.5) == [0, 5]
    # a capped country's own densest candidates join; policy-excluded never do; keep always
    got = sel.shortlist(
        values, costs, no_green, countries, {"LAO": 0.1}, 10.0,
        budgets=1, keep=frozenset({1}), skip=frozenset({0}),
    )  # fmt: skip
    assert got == [1, 4, 5]
    with pytest.raises(InvalidInput, match="positive"):
        sel.shortlist(values, costs, is_green, countries, {}, 10.0, budgets=0)


@pytest.fixture
def portfolio(workspace: Workspace) -> Workspace:
    add_project(workspace, "P-SOLAR", "50 MW solar plant", "PAK", 100.0)
    add_project(workspace, "P-WIND", "Wind farm", "KEN", 80.0)
    add_project(workspace, "P-COAL", "660 MW coal-fired power plant", "PAK", 300.0, year=2023)
    add_project(workspace, "P-ROAD", "Highway", "KEN", 200.0, sector="210")
    add_project(workspace, "P-SCHOOL", "Primary schools", "KEN", 5.0, sector="112")
    add_project(workspace, "P-HOSP", "District hospital", "LAO", 40.0, sector="121")
    add_project(workspace, "P-PORT", "Container port", "LAO", 500.0, sector="210")
    green.classify(workspace)
    return workspace


def test_a_wide_shortlist_chooses_what_the_full_model_chooses(portfolio: Workspace) -> None:
    full = sel.select(portfolio, sel.SelectionRequest(budget=200.0, min_green_share=0.3))
    wide = sel.select(
        portfolio,
        sel.SelectionRequest(budget=200.0, min_green_share=0.3, shortlist_budgets=100.0),
    )
    assert [d["identifier"] for d in wide.chosen()] == [d["identifier"] for d in full.chosen()]
    assert wide.result.objective == pytest.approx(full.result.objective)
    assert any("shortlist of" in n for n in wide.notes())
    assert not any("shortlist of" in n for n in full.notes())


def test_candidates_left_off_the_shortlist_are_explained(portfolio: Workspace) -> None:
    report = sel.select(
        portfolio, sel.SelectionRequest(budget=60.0, shortlist_budgets=1.0, time_limit_s=10.0)
    )
    assert len(report.decisions) == 7  # every candidate has a decision
    reasons = {d["identifier"]: d["reason"] for d in report.decisions}
    assert reasons["P-COAL"].startswith("policy:")
    assert any(r.startswith("not shortlisted") for r in reasons.values())
    assert sum(d["amount"] for d in report.chosen()) <= 60.0
    chosen = {d["identifier"] for d in report.chosen()}
    assert not any(reasons[i].startswith("not shortlisted") for i in chosen)
