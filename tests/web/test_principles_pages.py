"""#17 pages per role: green classes with overrides, integrity flags with dismissal, debt
signals, benefit balance and flagship selection; partners see their own country only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from beltroad.services import green, registry_access
from beltroad.services.permissions import Role
from beltroad.services.workspace import Workspace
from beltroad.settings import Settings
from beltroad.storage import green as green_store
from beltroad.web.app import create_app
from tests.services.coordination_world import World, build
from tests.web.pages_support import csrf, log_in


@pytest.fixture
def world(workspace: Workspace) -> World:
    found = build(workspace)
    # The world's projects carry no procurement facts for a scan to flag, so the flags are
    # stored as a scan stores them (storage.green.upsert_flags).
    flags = []
    for identifier in ("P-PAK", "P-AFG"):
        project = registry_access.read_project(workspace, found.admin, identifier)
        flags.append(
            {
                "key": f"single_bidder:{identifier}",
                "project_id": project["id"],
                "subject": identifier,
                "kind": "single_bidder",
                "severity": "warning",
                "message": f"{identifier}: one bid received",
                "explanation": {"bids": 1},
            }
        )
    with workspace.writing() as connection:
        green_store.upsert_flags(connection, flags, dt.datetime.now(dt.UTC))
    return found


@pytest.fixture
def client(settings: Settings, world: World) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _flags(workspace: Workspace) -> dict[str, int]:
    from beltroad.services import principles_views
    from beltroad.services.users import resolve_actor

    rows = principles_views.integrity_flags(workspace, resolve_actor(workspace), status=None)
    return {f"{r['kind']}:{r['subject']}": int(r["id"]) for r in rows}


@pytest.mark.parametrize("role", list(Role))
def test_every_role_reads_the_principles_pages_in_scope(
    client: TestClient, workspace: Workspace, world: World, role: Role
) -> None:
    log_in(client, workspace, world.admin, role.value)
    for path in ("/green", "/integrity", "/debt", "/benefits", "/select"):
        assert client.get(path).status_code == 200, path
    classes = client.get("/green").text
    everything = role in (Role.admin, Role.planner)
    assert ("P-AFG" in classes) is everything
    assert ('id="share-portfolio"' in classes) is everything
    if role is not Role.coordinator:
        assert "P-PAK" in classes
    flags = client.get("/integrity", params={"status": "all"}).text
    assert ("P-AFG" in flags) is everything
    chosen = client.get("/select", params={"budget": "1000000000"})
    assert chosen.status_code == (200 if everything else 403)
    if everything:  # the world's projects have no amounts: the page says so
        assert 'id="no-candidates"' in chosen.text


def test_override_needs_a_justification_and_the_approve_role(
    client: TestClient, workspace: Workspace, world: World
) -> None:
    log_in(client, workspace, world.admin, Role.partner.value)
    page = client.get("/green")
    assert "/green/P-PAK/override" not in page.text
    refused = client.post(
        "/green/P-PAK/override",
        data={"csrf_token": csrf(client), "green_class": "green", "justification": "solar"},
    )
    assert refused.status_code == 403
    log_in(client, workspace, world.admin, Role.planner.value)
    assert "/green/P-PAK/override" in client.get("/green").text
    no_token = client.post(
        "/green/P-PAK/override", data={"green_class": "green", "justification": "solar"}
    )
    assert no_token.status_code == 422
    no_reason = client.post(
        "/green/P-PAK/override", data={"csrf_token": csrf(client), "green_class": "green"}
    )
    assert no_reason.status_code == 422
    done = client.post(
        "/green/P-PAK/override",
        data={"csrf_token": csrf(client), "green_class": "red", "justification": "coal unit"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    report = green.classify(workspace, save=False)
    item = next(i for i in report.items() if i["identifier"] == "P-PAK")
    assert item["green_class"] == "red"
    assert "coal unit" in client.get("/green").text
    audit = client.get("/work/audit").text
    assert "planner" in audit


def test_flags_are_dismissed_only_with_a_reason_in_scope(
    client: TestClient, workspace: Workspace, world: World
) -> None:
    flags = _flags(workspace)
    pak = next(i for k, i in flags.items() if k.endswith("P-PAK"))
    afg = next(i for k, i in flags.items() if k.endswith("P-AFG"))
    log_in(client, workspace, world.admin, Role.viewer.value)
    client.get("/integrity")
    refused = client.post(
        f"/integrity/{pak}/dismiss", data={"csrf_token": csrf(client), "reason": "checked"}
    )
    assert refused.status_code == 403
    log_in(client, workspace, world.admin, Role.partner.value)
    hidden = client.post(
        f"/integrity/{afg}/dismiss", data={"csrf_token": csrf(client), "reason": "x"}
    )
    assert hidden.status_code == 404
    log_in(client, workspace, world.admin, Role.planner.value)
    no_reason = client.post(f"/integrity/{pak}/dismiss", data={"csrf_token": csrf(client)})
    assert no_reason.status_code == 422
    done = client.post(
        f"/integrity/{pak}/dismiss",
        data={"csrf_token": csrf(client), "reason": "tender file found"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    dismissed = client.get("/integrity", params={"status": "dismissed"}).text
    assert "tender file found" in dismissed
    again = client.post(
        f"/integrity/{pak}/dismiss", data={"csrf_token": csrf(client), "reason": "again"}
    )
    assert again.status_code == 409
