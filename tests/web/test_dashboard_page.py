"""The dashboard page: cards with reconciliation, charts with their basis and drill-downs, the
world map's shapes from the dataset registry, scope of the figures per role."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from beltroad.engines.topojson import features
from beltroad.services.permissions import Role
from beltroad.services.workspace import Workspace
from beltroad.settings import Settings, load_settings
from beltroad.web.app import create_app
from tests.conftest import shared_file
from tests.services.coordination_world import World, build
from tests.web.pages_support import log_in


@pytest.fixture
def world(workspace: Workspace) -> World:
    return build(workspace)


@pytest.fixture
def client(settings: Settings, world: World) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def chart_rows(html: str, element_id: str) -> list[dict[str, object]]:
    match = re.search(rf'id="{element_id}"[^>]*data-rows=\'([^\']*)\'', html, flags=re.S)
    assert match, element_id
    rows: list[dict[str, object]] = json.loads(match.group(1).replace("&#34;", '"'))
    return rows


def test_dashboard_shows_every_figure_with_its_basis(
    client: TestClient, workspace: Workspace, world: World
) -> None:
    log_in(client, workspace, world.admin, Role.planner.value)
    html = client.get("/").text
    for element in ("cards", "map", "chart-year", "chart-sector", "chart-corridor"):
        assert f'id="{element}"' in html
    assert 'id="chart-flow-class"' in html
    assert 'id="warnings"' in html
    assert "Xinhua, 3 Dec 2024" in html  # the reported statistics beside the registry
    assert "verdict:" in html
    assert "Rule:" in html
    assert "Figures cover the whole portfolio." in html
    assert '<script src="/static/vendor/echarts/echarts.min.js"></script>' in html


def test_partner_figures_are_their_country(
    client: TestClient, workspace: Workspace, world: World
) -> None:
    log_in(client, workspace, world.admin, Role.partner.value)
    html = client.get("/").text
    assert "Figures cover your country: PAK" in html
    countries = {row["key"] for row in chart_rows(html, "map")}
    assert countries <= {"PAK"}


def test_drill_down_links_lead_to_the_filtered_list(
    client: TestClient, workspace: Workspace, world: World
) -> None:
    log_in(client, workspace, world.admin, Role.admin.value)
    html = client.get("/").text
    assert 'data-drill="/projects?country="' in html
    assert 'data-drill="/projects?year="' in html


def test_world_shapes_are_natural_earth_with_iso3_and_chinese_names(tmp_path: Path) -> None:
    topo = shared_file("naturalearth-110m-admin0/ne_110m_admin_0_countries.topojson")
    found = features(json.loads(topo.read_text()))
    assert len(found) == 177
    from beltroad.services.setup import initialise

    settings = load_settings(
        data_dir=tmp_path / "d", data_mirror=str(topo.parents[1]), allowed_hosts=["testserver"]
    )
    initialise(settings)
    from beltroad.services.users import resolve_actor
    from beltroad.services.workspace import open_workspace

    with TestClient(create_app(settings)) as client:
        ws = open_workspace(settings)
        try:
            log_in(client, ws, resolve_actor(ws), "local-admin")
        finally:
            ws.close()
        shapes = client.get("/dashboard/shapes.json").json()
    by_iso3 = {f["properties"]["iso3"]: f for f in shapes["features"]}
    assert by_iso3["FRA"]["properties"]["name_zh"] == "法国"  # ISO_A3 is -99 in the file
    assert by_iso3["CHN"]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    lon, lat = by_iso3["CHN"]["geometry"]["coordinates"][0][0][0]
    assert 70 < lon < 140
    assert 15 < lat < 55
