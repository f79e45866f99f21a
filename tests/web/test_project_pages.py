"""The project pages per role: list, filters, sort, paging, detail, export; denied reads."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from beltroad.services.permissions import Role
from beltroad.services.workspace import Workspace
from beltroad.settings import Settings
from beltroad.web.app import create_app
from tests.services.coordination_world import World, build
from tests.web.pages_support import log_in


@pytest.fixture
def world(workspace: Workspace) -> World:
    return build(workspace)


@pytest.fixture
def client(settings: Settings, world: World) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.mark.parametrize("role", list(Role))
def test_every_role_sees_dashboard_and_its_projects(
    client: TestClient, workspace: Workspace, world: World, role: Role
) -> None:
    log_in(client, workspace, world.admin, role.value)
    assert client.get("/").status_code == 200
    listing = client.get("/projects")
    assert listing.status_code == 200
    assert "P-PAK" in listing.text
    if role in (Role.admin, Role.planner):
        assert "P-AFG" in listing.text
    else:  # coordinator on unit 2, partner and viewer on PAK: the AFG project is not theirs
        assert "P-AFG" not in listing.text
        assert client.get("/projects/P-AFG").status_code == 404
    detail = client.get("/projects/P-PAK")
    assert detail.status_code == 200
    assert 'id="timeline"' in detail.text
    assert 'id="versions"' in detail.text


def test_a_denied_project_looks_missing(
    client: TestClient, workspace: Workspace, world: World
) -> None:
    log_in(client, workspace, world.admin, Role.partner.value)
    denied = client.get("/projects/P-AFG")
    missing = client.get("/projects/P-NONE")
    assert denied.status_code == missing.status_code == 404
    assert denied.text.replace("P-AFG", "X") == missing.text.replace("P-NONE", "X")


def test_filters_sort_and_paging(client: TestClient, workspace: Workspace, world: World) -> None:
    log_in(client, workspace, world.admin, Role.planner.value)
    found = client.get("/projects", params={"q": "salang"})
    assert "P-AFG" in found.text
    assert "P-PAK" not in found.text
    by_country = client.get("/projects", params={"country": "pak"})
    assert "P-AFG" not in by_country.text
    assert "P-PAK" in by_country.text
    down = client.get("/projects", params={"sort": "identifier", "desc": "true"}).text
    assert down.index("P-SUB") < down.index("P-AFG")
    up = client.get("/projects", params={"sort": "identifier"}).text
    assert up.index("P-AFG") < up.index("P-SUB")
    bad = client.get("/projects", params={"sort": "password_hash"})
    assert bad.status_code == 422
    assert "sort" in bad.text
    assert client.get("/projects", params={"page": 2}).status_code == 200


def test_export_is_scoped(client: TestClient, workspace: Workspace, world: World) -> None:
    log_in(client, workspace, world.admin, Role.planner.value)
    full = client.get("/projects/export.csv")
    assert full.status_code == 200
    assert full.headers["content-type"].startswith("text/csv")
    assert "P-AFG" in full.text
    log_in(client, workspace, world.admin, Role.partner.value)
    own = client.get("/projects/export.csv")
    assert own.status_code == 200
    assert "P-PAK" in own.text
    assert "P-AFG" not in own.text
    assert client.get("/projects/export.csv", params={"country": "AFG"}).status_code == 403
    xlsx = client.get("/projects/export.xlsx")
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"
    iati = client.get("/projects/export.iati")
    assert iati.status_code == 200
    assert b"<iati-activities" in iati.content
    assert b"P-AFG" not in iati.content
    log_in(client, workspace, world.admin, Role.coordinator.value)
    assert client.get("/projects/export.csv").status_code == 403
    assert client.get("/projects/export.exe").status_code in (403, 422)


def test_a_bad_query_is_an_error_page_naming_the_field(
    client: TestClient, workspace: Workspace, world: World
) -> None:
    log_in(client, workspace, world.admin, Role.planner.value)
    answer = client.get("/projects", params={"status": 9})
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("text/html")
    assert "status" in answer.text
    api = client.get("/api/v1/projects", params={"limit": 0})
    assert api.headers["content-type"].startswith("application/json")


def test_htmx_filtering_gets_the_results_only(
    client: TestClient, workspace: Workspace, world: World
) -> None:
    log_in(client, workspace, world.admin, Role.planner.value)
    whole = client.get("/projects", params={"q": "salang"})
    part = client.get("/projects", params={"q": "salang"}, headers={"HX-Request": "true"})
    assert "<html" in whole.text
    assert "<html" not in part.text
    assert 'id="projects"' in part.text
    assert "P-AFG" in part.text
    assert "P-PAK" not in part.text


def test_project_page_shows_its_parts(
    client: TestClient, workspace: Workspace, world: World
) -> None:
    log_in(client, workspace, world.admin, Role.planner.value)
    detail = client.get("/projects/P-PAK")
    assert detail.status_code == 200
    for part in ("locations", "dependence", "participants", "transactions", "risks"):
        assert f'id="{part}"' in detail.text
    assert "/static/js/project.js" in detail.text
