"""Risk pages per role: country scores, the register with review, warnings and incidents; a
partner sees only its own country's entries and reviews only them; a viewer cannot review."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from beltroad.services import incidents, risk_register
from beltroad.services.permissions import Role
from beltroad.services.workspace import Workspace
from beltroad.settings import Settings
from beltroad.web.app import create_app
from tests.services.coordination_world import World, build
from tests.web.pages_support import csrf, log_in


@pytest.fixture
def world(workspace: Workspace) -> World:
    found = build(workspace)
    for subject, title in (
        ("country:PAK", "Currency controls in PAK"),
        ("country:AFG", "Security in AFG"),
        ("project:P-AFG", "Tunnel contractor default"),
    ):
        risk_register.add_entry(
            workspace, subject=subject, category="political", title=title, likelihood=4, impact=4
        )
    incidents.add_incident(
        workspace,
        subject="country:AFG",
        occurred_on="2025-05-01",
        event_type="Riots",
        severity=3,
        source="test",
    )
    return found


@pytest.fixture
def client(settings: Settings, world: World) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _entry_ids(workspace: Workspace) -> dict[str, int]:
    return {e["title"]: e["id"] for e in risk_register.list_entries(workspace).entries}


@pytest.mark.parametrize("role", list(Role))
def test_every_role_reads_risk_within_its_scope(
    client: TestClient, workspace: Workspace, world: World, role: Role
) -> None:
    log_in(client, workspace, world.admin, role.value)
    ids = _entry_ids(workspace)
    for path in ("/risk", "/risk/register", "/risk/warnings"):
        assert client.get(path).status_code == 200, path
    register = client.get("/risk/register").text
    everything = role in (Role.admin, Role.planner)
    assert ("Security in AFG" in register) is everything
    assert ("Tunnel contractor default" in register) is everything
    assert ("Currency controls in PAK" in register) is (role is not Role.coordinator)
    afg = client.get(f"/risk/register/{ids['Security in AFG']}")
    assert afg.status_code == (200 if everything else 404)
    incidents_page = client.get("/risk/warnings").text
    assert ("Riots" in incidents_page) is everything


def test_partner_reviews_its_country_and_viewer_cannot(
    client: TestClient, workspace: Workspace, world: World
) -> None:
    ids = _entry_ids(workspace)
    pak = ids["Currency controls in PAK"]
    log_in(client, workspace, world.admin, Role.viewer.value)
    page = client.get(f"/risk/register/{pak}")
    assert page.status_code == 200
    assert 'id="review-form"' not in page.text
    refused = client.post(
        f"/risk/register/{pak}", data={"csrf_token": csrf(client), "owner": "desk"}
    )
    assert refused.status_code == 403
    log_in(client, workspace, world.admin, Role.partner.value)
    no_token = client.post(f"/risk/register/{pak}", data={"owner": "desk"})
    assert no_token.status_code == 422
    done = client.post(
        f"/risk/register/{pak}",
        data={
            "csrf_token": csrf(client),
            "residual_likelihood": "2",
            "residual_impact": "3",
            "owner": "PAK desk",
            "status": "monitoring",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    entry = next(e for e in risk_register.list_entries(workspace).entries if e["id"] == pak)
    assert entry["owner"] == "PAK desk"
    assert entry["residual"] == 6
    history = client.get(f"/risk/register/{pak}").text
    assert "partner" in history  # the review is recorded under the user's login
    bad = client.post(f"/risk/register/{pak}", data={"csrf_token": csrf(client), "likelihood": "9"})
    assert bad.status_code == 422
    other = client.post(
        f"/risk/register/{ids['Security in AFG']}",
        data={"csrf_token": csrf(client), "owner": "x"},
    )
    assert other.status_code == 404


def test_escalation_is_for_admins_and_planners(
    client: TestClient, workspace: Workspace, world: World
) -> None:
    log_in(client, workspace, world.admin, Role.partner.value)
    page = client.get("/risk/register")
    assert 'id="escalate-form"' not in page.text
    refused = client.post("/risk/register/escalate", data={"csrf_token": csrf(client)})
    assert refused.status_code == 403
    log_in(client, workspace, world.admin, Role.planner.value)
    assert 'id="escalate-form"' in client.get("/risk/register").text
    assert client.post("/risk/register/escalate", data={}).status_code == 422  # no CSRF token
    done = client.post(
        "/risk/register/escalate", data={"csrf_token": csrf(client)}, follow_redirects=False
    )
    assert done.status_code == 303
    statuses = {e["title"]: e["status"] for e in risk_register.list_entries(workspace).entries}
    # likelihood 4 x impact 4 = 16 is past the configured threshold
    assert statuses["Security in AFG"] == "escalated"
