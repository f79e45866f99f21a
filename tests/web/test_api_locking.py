"""PATCH on the registry entities needs the version read (body or If-Match): a stale one
answers 409 naming both versions, and reads carry the version as an ETag (issue #15)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from beltroad.services import users
from beltroad.services.permissions import Role
from beltroad.services.workspace import Workspace
from beltroad.settings import Settings
from beltroad.web.app import create_app
from tests.services.coordination_world import PASSWORD, World, build


@pytest.fixture
def world(workspace: Workspace) -> World:
    return build(workspace)


@pytest.fixture
def client(settings: Settings, world: World) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def bearer(workspace: Workspace, world: World, role: Role) -> dict[str, str]:
    token = users.issue_token(workspace, world.admin, role.value).token
    return {"Authorization": f"Bearer {token}"}


def test_a_stale_version_answers_409_and_if_match_works(
    client: TestClient, workspace: Workspace, world: World
) -> None:
    partner = bearer(workspace, world, Role.partner)
    planner = bearer(workspace, world, Role.planner)
    zone = {"source_id": "ZP", "name": "Rashakai", "host_country": "PAK", "jobs": 10}
    created = client.post("/api/v1/zones", headers=partner, json={"fields": zone})
    assert created.status_code == 201, created.text
    assert created.json()["version"] == 1
    key = created.json()["id"]
    read = client.get(f"/api/v1/zones/{key}", headers=planner)
    assert read.headers["etag"] == '"1"'
    # no version at all: refused, naming the field
    blind = client.patch(f"/api/v1/zones/{key}", headers=partner, json={"fields": {"jobs": 11}})
    assert blind.status_code == 422
    assert "version" in blind.json()["message"]
    first = client.patch(
        f"/api/v1/zones/{key}",
        headers=partner | {"If-Match": read.headers["etag"]},
        json={"fields": {"jobs": 11}},
    )
    assert first.status_code == 200, first.text
    assert (first.json()["version"], first.headers["etag"]) == (2, '"2"')
    second = client.patch(
        f"/api/v1/zones/{key}", headers=planner, json={"fields": {"jobs": 99}, "version": 1}
    )
    assert second.status_code == 409
    message = second.json()["message"]
    assert f"zone {key} was changed by someone else" in message
    assert "you had version 1, it is now 2" in message
    assert "last changed by partner" in message
    assert client.get(f"/api/v1/zones/{key}", headers=planner).json()["jobs_total"] == 11
    clash = client.patch(
        f"/api/v1/zones/{key}",
        headers=planner | {"If-Match": '"2"'},
        json={"fields": {"jobs": 99}, "version": 3},
    )
    assert clash.status_code == 422
    junk = client.patch(
        f"/api/v1/zones/{key}", headers=planner | {"If-Match": "*"}, json={"fields": {}}
    )
    assert junk.status_code == 422
    assert "If-Match" in junk.json()["message"]


@pytest.mark.parametrize("role", [Role.coordinator, Role.partner, Role.viewer])
def test_a_stale_version_outside_the_scope_still_looks_missing(
    client: TestClient, workspace: Workspace, world: World, role: Role
) -> None:
    admin = bearer(workspace, world, Role.admin)
    afg = {"source_id": "ZA", "name": "Kabul SEZ", "host_country": "AFG"}
    key = client.post("/api/v1/zones", headers=admin, json={"fields": afg}).json()["id"]
    body = {"fields": {"jobs": 1}, "version": 5}
    hidden = client.patch(f"/api/v1/zones/{key}", headers=bearer(workspace, world, role), json=body)
    missing = client.patch("/api/v1/zones/9999", headers=bearer(workspace, world, role), json=body)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["message"].replace(str(key), "N") == missing.json()["message"].replace(
        "9999", "N"
    )


def test_login_is_throttled_per_client_address_too(
    settings: Settings, workspace: Workspace, world: World
) -> None:
    """One address guessing many logins is refused, though no single login reached its own
    limit; the refusal names no login and says when to retry."""
    strict = settings.model_copy(update={"login_max_failures_per_address": 4})
    with TestClient(create_app(strict)) as client:
        codes = [
            client.post("/api/v1/auth/login", json={"login": name, "password": "wrong"}).status_code
            for name in ("viewer", "planner", "nobody", "partner")
        ]
        assert codes == [401] * 4  # the fourth failure locks the address
        right = client.post("/api/v1/auth/login", json={"login": "viewer", "password": PASSWORD})
        assert right.status_code == 429
        assert "from this address" in right.json()["message"]
        assert int(right.headers["retry-after"]) > 0
    # the users themselves are not locked: from another address the password works
    assert users.login(workspace, "viewer", PASSWORD, address="192.0.2.7").token
