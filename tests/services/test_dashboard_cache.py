"""The dashboard's figures are computed once per snapshot and scope, and never served stale."""

from __future__ import annotations

from beltroad.services.dashboard import dashboard_figures
from beltroad.services.permissions import Actor, Grant, Role
from beltroad.services.workspace import Workspace
from tests.services.cooperation_data import add_project

READER = Actor(user_id=0, login="reader", grants=(Grant(Role.viewer, "all", None),))
PAK = Actor(user_id=0, login="pak", grants=(Grant(Role.viewer, "country", "PAK"),))


def _country_rows(figures: dict[str, object]) -> dict[str, object]:
    chart = figures["charts"]["country"]  # type: ignore[index]
    return {r["key"]: (r["projects"], r["amount"]) for r in chart["rows"]}


def test_warm_figures_equal_cold_and_an_edit_shows(workspace: Workspace) -> None:
    add_project(workspace, "P-1", "Solar plant", "PAK", 100.0)
    add_project(workspace, "P-2", "Port", "KEN", 50.0)
    cold = dashboard_figures(workspace, READER).as_dict()
    warm = dashboard_figures(workspace, READER).as_dict()
    assert warm == cold
    warm["charts"]["country"]["rows"].clear()  # a caller's edit never reaches the cache
    assert dashboard_figures(workspace, READER).as_dict() == cold
    assert _country_rows(cold)["PAK"] == (1, 100.0)
    add_project(workspace, "P-3", "Road", "PAK", 25.0)
    after = dashboard_figures(workspace, READER).as_dict()
    assert _country_rows(after)["PAK"] == (2, 125.0)
    assert after["charts"]["country"]["total"]["projects"] == 3


def test_each_scope_has_its_own_figures(workspace: Workspace) -> None:
    add_project(workspace, "P-1", "Solar plant", "PAK", 100.0)
    add_project(workspace, "P-2", "Port", "KEN", 50.0)
    everything = dashboard_figures(workspace, READER).as_dict()
    pak = dashboard_figures(workspace, PAK).as_dict()
    assert (everything["scope"], pak["scope"]) == ("all", "PAK")
    assert set(_country_rows(pak)) == {"PAK"}
    assert pak["funnel"] == {}
    assert dashboard_figures(workspace, READER).as_dict() == everything


def test_summary_counts_follow_the_snapshot(workspace: Workspace) -> None:
    from beltroad.services.summary import portfolio_summary

    add_project(workspace, "P-1", "Solar plant", "PAK", 100.0)
    first = portfolio_summary(workspace)
    assert first.counts["projects"] == 1
    assert portfolio_summary(workspace).counts == first.counts  # from the snapshot's cache
    add_project(workspace, "P-2", "Port", "KEN", 50.0)
    assert portfolio_summary(workspace).counts["projects"] == 2
