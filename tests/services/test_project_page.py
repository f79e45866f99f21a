"""One project's page data: chokepoint dependence for that project alone agrees with the
portfolio computation; transactions, participants, locations and risks are the project's."""

from __future__ import annotations

import pytest

from beltroad.errors import NotFound
from beltroad.services.exposure import chokepoint_dependence
from beltroad.services.permissions import Actor, Grant, Role
from beltroad.services.project_page import project_dependence, project_parts_for
from beltroad.services.workspace import Workspace
from beltroad.storage import connectivity as store
from tests.services.test_connectivity import portfolio  # noqa: F401  (fixture)

ADMIN = Actor(1, "root", (Grant(Role.admin, "all", None),))


def test_one_project_dependence_agrees_with_the_portfolio(
    workspace: Workspace,
    portfolio: dict[str, int],  # noqa: F811
) -> None:
    everyone = chokepoint_dependence(workspace)
    for name, pid in portfolio.items():
        one = project_dependence(workspace, pid)
        assert frozenset(one.passages) == everyone.get(pid, frozenset()), name
    piraeus = project_dependence(workspace, portfolio["piraeus"])
    assert piraeus.port == "GRPIR"
    assert piraeus.how == "nearest"
    assert piraeus.hub is not None
    assert piraeus.lane_km is not None
    assert piraeus.lane_km > 5000
    mombasa = project_dependence(workspace, portfolio["mombasa"])
    assert (mombasa.port, mombasa.how) == ("KEMBA", "explicit")
    inland = project_dependence(workspace, portfolio["astana"])
    assert inland.port is None
    assert inland.passages == ()
    assert project_dependence(workspace, portfolio["piraeus"], max_port_km=0.05).port is None


def test_one_project_is_read_without_the_portfolio_scan(
    workspace: Workspace,
    portfolio: dict[str, int],  # noqa: F811
) -> None:
    with workspace.reading() as connection:
        one = store.project_sites(connection, portfolio["astana"])
    assert [row["identifier"] for row in one] == ["astana"]
    assert one[0]["points"] == [(51.17, 71.45)]
    assert one[0]["country_iso3"] == "KAZ"


def test_parts_are_the_projects_own(
    workspace: Workspace,
    portfolio: dict[str, int],  # noqa: F811
) -> None:
    parts = project_parts_for(workspace, ADMIN, "piraeus")
    assert parts.points == [{"name": "piraeus", "lat": 37.951, "lon": 23.64}]
    assert (parts.transactions, parts.participants, parts.risks) == ([], [], [])
    assert project_parts_for(workspace, ADMIN, "mombasa").points == []
    with pytest.raises(NotFound):
        project_parts_for(workspace, ADMIN, "nowhere")
