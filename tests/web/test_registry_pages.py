"""Registry pages per role: lists, details, edit forms with inline errors, bulk upload with a
dry-run preview; a partner sees and edits only its own country; a viewer cannot edit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from beltroad.entities import EntityKind, ZoneEntity
from beltroad.services import registry
from beltroad.services.permissions import Role
from beltroad.services.workspace import Workspace
from beltroad.settings import Settings
from beltroad.web.app import create_app
from tests.services.coordination_world import World, build
from tests.web.pages_support import csrf, log_in

HEADER = (
    "source_id,name,name_zh,host_country,developer,established_year,area_km2,investment,"
    "investment_currency,investment_price_basis,enterprises,jobs,jobs_local,lat,lon\n"
)


@pytest.fixture
def world(workspace: Workspace) -> World:
    found = build(workspace)
    registry.create(
        workspace,
        found.admin,
        ZoneEntity(source_id="Z-PAK", name="Gwadar zone", host_country="PAK"),
    )
    registry.create(
        workspace, found.admin, ZoneEntity(source_id="Z-AFG", name="Kabul park", host_country="AFG")
    )
    return found


@pytest.fixture
def client(settings: Settings, world: World) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _zone_ids(workspace: Workspace) -> dict[str, int]:
    rows = registry.list_entities(workspace, EntityKind.ZONE)
    return {str(r["source_id"]): int(r["id"]) for r in rows}


@pytest.mark.parametrize("role", list(Role))
def test_every_role_reads_the_registry_within_its_scope(
    client: TestClient, workspace: Workspace, world: World, role: Role
) -> None:
    log_in(client, workspace, world.admin, role.value)
    ids = _zone_ids(workspace)
    for entity in ("countries", "organisations", "documents", "enterprises", "zones"):
        assert client.get(f"/registry/{entity}").status_code == 200, entity
    zones = client.get("/registry/zones").text
    if role is Role.coordinator:
        # a unit scope names no country, and registry_access scopes these rows by country
        assert "Gwadar zone" not in zones
        assert client.get(f"/registry/zones/{ids['Z-PAK']}").status_code == 404
    else:
        assert "Gwadar zone" in zones
        assert client.get(f"/registry/zones/{ids['Z-PAK']}").status_code == 200
        assert client.get("/registry/countries/PAK").status_code == 200
    if role in (Role.admin, Role.planner):
        assert "Kabul park" in zones
        assert client.get(f"/registry/zones/{ids['Z-AFG']}").status_code == 200
    elif role in (Role.partner, Role.viewer):
        assert "Kabul park" not in zones
        assert client.get(f"/registry/zones/{ids['Z-AFG']}").status_code == 404
        assert client.get("/registry/countries/AFG").status_code == 404
    may_edit = role is not Role.viewer
    assert ('id="new"' in zones) is may_edit
    assert ('id="upload"' in zones) is (role in (Role.admin, Role.planner))


def test_partner_edits_its_own_zone_only(
    client: TestClient, workspace: Workspace, world: World
) -> None:
    log_in(client, workspace, world.admin, Role.partner.value)
    ids = _zone_ids(workspace)
    form = client.get(f"/registry/zones/{ids['Z-PAK']}/edit")
    assert form.status_code == 200
    assert 'value="Gwadar zone"' in form.text
    token = csrf(client)
    saved = client.post(
        f"/registry/zones/{ids['Z-PAK']}/edit",
        data={
            "csrf_token": token,
            "source_id": "Z-PAK",
            "name": "Gwadar SEZ",
            "host_country": "PAK",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert "Gwadar SEZ" in client.get(f"/registry/zones/{ids['Z-PAK']}").text
    moved = client.post(
        f"/registry/zones/{ids['Z-PAK']}/edit",
        data={
            "csrf_token": token,
            "source_id": "Z-PAK",
            "name": "Gwadar SEZ",
            "host_country": "AFG",
        },
    )
    assert moved.status_code == 403
    other = client.get(f"/registry/zones/{ids['Z-AFG']}/edit")
    assert other.status_code == 404
    assert client.get("/registry/zones/upload").status_code == 200  # the form; posting is refused


def test_inline_errors_name_the_fields(
    client: TestClient, workspace: Workspace, world: World
) -> None:
    log_in(client, workspace, world.admin, Role.planner.value)
    client.get("/registry/zones/new")
    answer = client.post(
        "/registry/zones/new",
        data={
            "csrf_token": csrf(client),
            "source_id": "Z-NEW",
            "name": "",
            "host_country": "PAKK",
            "jobs": "10",
            "jobs_local": "20",
        },
    )
    assert answer.status_code == 422
    assert 'id="form-errors"' in answer.text
    assert 'aria-invalid="true"' in answer.text
    assert 'value="PAKK"' in answer.text  # what was typed is kept
    assert "Z-NEW" not in {
        r["source_id"] for r in registry.list_entities(workspace, EntityKind.ZONE)
    }
    good = client.post(
        "/registry/zones/new",
        data={
            "csrf_token": csrf(client),
            "source_id": "Z-NEW",
            "name": "New",
            "host_country": "PAK",
        },
        follow_redirects=False,
    )
    assert good.status_code == 303
    assert "Z-NEW" in _zone_ids(workspace)


def test_viewer_cannot_edit_and_csrf_is_enforced(
    client: TestClient, workspace: Workspace, world: World
) -> None:
    ids = _zone_ids(workspace)
    log_in(client, workspace, world.admin, Role.viewer.value)
    page = client.get(f"/registry/zones/{ids['Z-PAK']}")
    assert 'id="edit"' not in page.text
    denied = client.post(
        f"/registry/zones/{ids['Z-PAK']}/edit",
        data={"csrf_token": csrf(client), "source_id": "Z-PAK", "name": "X", "host_country": "PAK"},
    )
    assert denied.status_code == 403
    log_in(client, workspace, world.admin, Role.planner.value)
    no_token = client.post(
        f"/registry/zones/{ids['Z-PAK']}/edit",
        data={"source_id": "Z-PAK", "name": "X", "host_country": "PAK"},
    )
    assert no_token.status_code == 422
    assert "security token" in no_token.text
    assert "Gwadar zone" in client.get("/registry/zones").text


def test_bulk_upload_previews_rejected_rows_then_imports(
    client: TestClient, workspace: Workspace, world: World
) -> None:
    log_in(client, workspace, world.admin, Role.planner.value)
    client.get("/registry/zones/upload")
    token = csrf(client)
    template = client.get("/registry/zones/template.xlsx")
    assert template.status_code == 200
    assert template.content[:2] == b"PK"
    bad = HEADER + "Z-1,Port zone,,PAK,,,,,,,,,,,\nZ-2,Lost zone,,XXX,,,,,,,,,,,\n"
    files = {"file": ("zones.csv", bad.encode(), "text/csv")}
    preview = client.post("/registry/zones/upload", data={"csrf_token": token}, files=files)
    assert preview.status_code == 200
    assert 'id="rejected"' in preview.text
    assert "XXX" in preview.text
    assert "Z-1" not in _zone_ids(workspace)
    refused = client.post(
        "/registry/zones/upload", data={"csrf_token": token, "commit": "1"}, files=files
    )
    assert refused.status_code == 422
    assert "Z-1" not in _zone_ids(workspace)  # one rejected row rejects the file
    good = HEADER + "Z-1,Port zone,,PAK,,,,,,,,,,,\n"
    done = client.post(
        "/registry/zones/upload",
        data={"csrf_token": token, "commit": "1"},
        files={"file": ("zones.csv", good.encode(), "text/csv")},
    )
    assert done.status_code == 200
    assert "Z-1" in _zone_ids(workspace)
    no_csrf = client.post("/registry/zones/upload", files=files)
    assert no_csrf.status_code == 422
    log_in(client, workspace, world.admin, Role.partner.value)
    partner = client.post("/registry/zones/upload", data={"csrf_token": token}, files=files)
    assert partner.status_code == 403


def test_country_page_loads_its_green_debt_benefit_and_risk_panel(
    client: TestClient, workspace: Workspace, world: World
) -> None:
    log_in(client, workspace, world.admin, Role.partner.value)
    country = client.get("/registry/countries/PAK")
    assert 'hx-get="/registry/countries/PAK/principles"' in country.text
    panel = client.get("/registry/countries/PAK/principles")
    assert panel.status_code == 200
    assert 'id="principles-panel"' in panel.text
    # the world has no debt or risk indicators: the panel says so instead of a figure
    assert "no debt data for this country" in panel.text
    assert client.get("/registry/countries/AFG/principles").status_code == 404
