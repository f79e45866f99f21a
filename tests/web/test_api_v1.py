"""The JSON API under /api/v1 (issue #15), in-process: Bearer tokens on every route, scoped
reads that do not reveal existence, conflicts, rate limiting, and what a client must not see."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from beltroad.services import users
from beltroad.services.permissions import Role
from beltroad.services.workspace import Workspace
from beltroad.settings import Settings, load_settings
from beltroad.web.app import create_app
from tests.services.coordination_world import PASSWORD, World, build

OPEN = {"/api/v1/auth/login"}


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


def test_every_route_but_login_answers_401_without_a_valid_token(client: TestClient) -> None:
    """Every route the OpenAPI document lists under /api/v1, every method."""
    paths = client.get("/openapi.json").json()["paths"]
    routes = [
        (method.upper(), path)
        for path, methods in paths.items()
        if path.startswith("/api/v1") and path not in OPEN
        for method in methods
    ]
    assert len(routes) > 25
    for method, template in routes:
        path = (
            template.replace("{entity}", "countries")
            .replace("{identifier}", "P-PAK")
            .replace("{task_id}", "1")
        )
        for key in ("{name}", "{login}", "{period}", "{key}"):
            path = path.replace(key, "x")
        for headers in ({}, {"Authorization": "Bearer brt_wrong"}):
            answer = client.request(method, path, headers=headers, json={})
            assert answer.status_code == 401, (method, path, answer.text)
            assert answer.headers["www-authenticate"] == "Bearer"


def test_openapi_documents_the_api(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/v1/projects", "/api/v1/workflow/{identifier}/approve", "/api/v1/tasks"):
        assert path in paths


def test_login_issues_a_token_and_is_rate_limited(client: TestClient) -> None:
    answer = client.post("/api/v1/auth/login", json={"login": "viewer", "password": PASSWORD})
    assert answer.status_code == 200
    token = answer.json()["token"]
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json() == {"login": "viewer", "grants": ["viewer@country:PAK"]}
    codes = [
        client.post("/api/v1/auth/login", json={"login": "viewer", "password": "wrong"}).status_code
        for _ in range(6)
    ]
    assert codes == [401] * 5 + [429]
    locked = client.post("/api/v1/auth/login", json={"login": "viewer", "password": PASSWORD})
    assert locked.status_code == 429
    assert int(locked.headers["retry-after"]) > 0


def test_scoped_reads_do_not_reveal_existence(
    client: TestClient, workspace: Workspace, world: World
) -> None:
    headers = bearer(workspace, world, Role.partner)
    listed = client.get("/api/v1/projects", headers=headers, params={"limit": 2}).json()
    assert listed["total"] == 4
    assert len(listed["items"]) == 2
    assert client.get("/api/v1/projects/P-PAK", headers=headers).status_code == 200
    hidden = client.get("/api/v1/projects/P-AFG", headers=headers)
    missing = client.get("/api/v1/projects/P-NONE", headers=headers)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["message"].replace("P-AFG", "X") == missing.json()["message"].replace(
        "P-NONE", "X"
    )
    assert client.get("/api/v1/countries/AFG", headers=headers).status_code == 404
    assert client.get("/api/v1/countries/PAK", headers=headers).status_code == 200
    forbidden = client.post(
        "/api/v1/workflow/P-APP/approve", headers=headers, json={"comment": None}
    )
    assert forbidden.status_code == 403
    assert client.get("/api/v1/audit", headers=headers).status_code == 403
    assert client.get("/api/v1/users", headers=headers).status_code == 403


def test_projects_through_the_api_with_a_conflict_for_the_second_editor(
    client: TestClient, workspace: Workspace, world: World
) -> None:
    coordinator = bearer(workspace, world, Role.coordinator)
    planner = bearer(workspace, world, Role.planner)
    created = client.post(
        "/api/v1/projects",
        headers=coordinator,
        json={
            "identifier": "P-API",
            "fields": {"title": "Dry port", "unit_id": 2, "countries": [{"iso3": "PAK"}]},
        },
    )
    assert created.status_code == 201, created.text
    draft = created.json()["draft_version"]
    first = client.patch(
        "/api/v1/projects/P-API",
        headers=coordinator,
        json={"fields": {"title": "Dry port 1"}, "draft_version": draft},
    )
    assert first.status_code == 200
    second = client.patch(
        "/api/v1/projects/P-API",
        headers=planner,
        json={"fields": {"title": "Dry port 2"}, "draft_version": draft},
    )
    assert second.status_code == 409
    assert "changed by someone else" in second.json()["message"]
    bad = client.patch("/api/v1/projects/P-API", headers=coordinator, json={"fields": {"x": 1}})
    assert bad.status_code == 422
    assert client.post("/api/v1/workflow/P-API/submit", headers=coordinator).status_code == 200
    approved = client.post("/api/v1/workflow/P-API/approve", headers=planner, json={})
    assert approved.json()["state"] == "approved"
    moved = client.post(
        "/api/v1/workflow/P-API/transition",
        headers=planner,
        json={"to_state": "completed", "reason": "skip"},
    )
    assert moved.status_code == 422
    history = client.get("/api/v1/workflow/P-API/history", headers=coordinator).json()
    assert [v["state"] for v in history["versions"]] == ["approved"]


def test_tasks_plans_freeze_audit_and_users(
    client: TestClient, workspace: Workspace, world: World
) -> None:
    admin = bearer(workspace, world, Role.admin)
    task = client.get("/api/v1/tasks", headers=admin, params={"unit_id": 2}).json()[0]
    done = client.patch(
        f"/api/v1/tasks/{task['id']}", headers=admin, json={"version": 1, "status": "done"}
    )
    assert done.json()["status"] == "done"
    stale = client.patch(
        f"/api/v1/tasks/{task['id']}", headers=admin, json={"version": 1, "status": "open"}
    )
    assert stale.status_code == 409
    assert client.post("/api/v1/freezes", headers=admin, json={"period": "2024"}).status_code == 201
    assert [f["period"] for f in client.get("/api/v1/freezes", headers=admin).json()] == ["2024"]
    plan = client.post(
        "/api/v1/plans",
        headers=admin,
        json={"name": "AP", "kind": "annual", "starts_on": "2026-01-01", "ends_on": "2026-12-31"},
    )
    assert plan.status_code == 201
    assert client.get("/api/v1/plans/AP", headers=admin).json()["targets"] == []
    added = client.post(
        "/api/v1/users", headers=admin, json={"login": "api-user", "role": "viewer"}
    )
    assert added.status_code == 201
    assert client.get("/api/v1/audit/verify", headers=admin).json()["ok"] is True
    events = client.get("/api/v1/audit", headers=admin, params={"entity": "user"}).json()
    assert events[0]["entity_id"] == "api-user"
    assert events[0]["actor"] == "admin"


def test_health_ready_and_summary_reveal_nothing_of_the_deployment(
    client: TestClient, settings: Settings
) -> None:
    assert client.get("/api/health").json() == {"status": "ok"}
    assert client.get("/api/ready").json() == {"status": "ready"}
    summary = client.get("/api/summary").json()
    assert "database" not in summary
    assert str(settings.database_url) not in client.get("/api/summary").text
    assert "beltroad.db" not in client.get("/").text


def test_ready_and_errors_do_not_show_the_database_server(workspace: Workspace) -> None:
    """With PostgreSQL down, /api/ready answers 503 without host or user; health stays up."""
    url = "postgresql+psycopg://secretuser:pw@db.internal.example:5999/prod"
    app = create_app(load_settings(db=url, allowed_hosts=["testserver"], web_secret="test"))
    from beltroad.services.workspace import Workspace as Ws
    from beltroad.storage.database import make_engine

    app.router.lifespan_context = _no_lifespan
    app.state.workspace = Ws(settings=load_settings(db=url), engine=make_engine(url))
    with TestClient(app) as client:
        assert client.get("/api/health").status_code == 200
        answer = client.get("/api/ready")
        assert answer.status_code == 503
        for secret in ("secretuser", "db.internal.example", "5999", "prod"):
            assert secret not in answer.text
        # A page with a session looks its token up in the database: the HTML error page.
        session = app.state.cookies.session.dumps({"token": "brt_x"})
        client.cookies.set("beltroad_session", session)
        page = client.get("/")
        assert page.status_code == 503
        assert "secretuser" not in page.text
        assert "db.internal.example" not in page.text


from contextlib import asynccontextmanager  # noqa: E402
from typing import Any  # noqa: E402


@asynccontextmanager
async def _no_lifespan(app: Any) -> Any:
    yield


def test_registry_entities_are_created_and_updated_within_scope(
    client: TestClient, workspace: Workspace, world: World
) -> None:
    admin = bearer(workspace, world, Role.admin)
    partner = bearer(workspace, world, Role.partner)
    viewer = bearer(workspace, world, Role.viewer)
    zone = {"source_id": "ZP", "name": "Rashakai", "host_country": "PAK", "jobs": 10}
    created = client.post("/api/v1/zones", headers=partner, json={"fields": zone})
    assert created.status_code == 201, created.text
    assert created.json()["host_country"] == "PAK"
    pak_id = created.json()["id"]
    afg = {"source_id": "ZA", "name": "Kabul SEZ", "host_country": "AFG"}
    assert client.post("/api/v1/zones", headers=partner, json={"fields": afg}).status_code == 403
    assert client.post("/api/v1/zones", headers=viewer, json={"fields": zone}).status_code == 403
    afg_id = client.post("/api/v1/zones", headers=admin, json={"fields": afg}).json()["id"]
    doc = {"source_id": "D1", "title": "MoU", "doc_type": "mou", "countries": ["PAK", "AFG"]}
    made = client.post("/api/v1/documents", headers=partner, json={"fields": doc})
    assert made.status_code == 201, made.text
    assert made.json()["countries"] == "PAK; AFG"
    changed = client.patch(
        f"/api/v1/zones/{pak_id}", headers=partner, json={"fields": {"jobs": 12}, "version": 1}
    )
    assert changed.status_code == 200
    assert changed.json()["jobs"] == 12
    # outside the scope looks missing; a viewer in scope is forbidden; bad input names the field
    one = {"fields": {"jobs": 1}, "version": 1}
    hidden = client.patch(f"/api/v1/zones/{afg_id}", headers=partner, json=one)
    missing = client.patch("/api/v1/zones/999", headers=partner, json=one)
    assert hidden.status_code == missing.status_code == 404
    assert "outside your scope" in hidden.json()["message"]
    denied = client.patch(f"/api/v1/zones/{pak_id}", headers=viewer, json=one)
    assert denied.status_code == 403
    bad = client.patch(
        f"/api/v1/zones/{pak_id}", headers=partner, json={"fields": {"jobz": 1}, "version": 2}
    )
    assert bad.status_code == 422
    assert "jobz" in bad.json()["message"]
    moved = client.patch(
        f"/api/v1/zones/{pak_id}",
        headers=partner,
        json={"fields": {"host_country": "AFG"}, "version": 2},
    )
    assert moved.status_code == 403
    org = {"name": "Pakistan Board of Investment", "country": "PAK"}
    assert (
        client.post("/api/v1/organisations", headers=partner, json={"fields": org}).status_code
        == 201
    )
    firm = {"source_id": "E1", "name": "Firm", "host_country": "PAK", "zone": "ZP"}
    assert (
        client.post("/api/v1/enterprises", headers=partner, json={"fields": firm}).status_code
        == 201
    )
    assert client.post("/api/v1/countries", headers=admin, json={"fields": {}}).status_code == 422
    events = client.get("/api/v1/audit", headers=admin, params={"entity": "zone"}).json()
    actions = [(e["action"], e["actor"]) for e in events]
    assert actions[:2] == [("update", "partner"), ("create", "admin")]
    paths = client.get("/openapi.json").json()["paths"]
    assert {"post", "get"} <= set(paths["/api/v1/{entity}"])
    assert "patch" in paths["/api/v1/{entity}/{key}"]
