"""The connectivity page: a route between two ports changes when a passage is closed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from beltroad.services import users
from beltroad.services.permissions import Role
from beltroad.services.workspace import Workspace
from beltroad.settings import Settings
from beltroad.web.app import create_app
from tests.web.pages_support import log_in


@pytest.fixture
def client(sqlite_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(sqlite_settings)) as test_client:
        yield test_client


@pytest.fixture
def viewer(sqlite_settings: Settings) -> Iterator[Workspace]:
    from beltroad.services.setup import initialise
    from beltroad.services.workspace import open_workspace

    initialise(sqlite_settings)
    ws = open_workspace(sqlite_settings)
    users.add_user(ws, users.resolve_actor(ws), "viewer", Role.viewer, [("country", "PAK")])
    try:
        yield ws
    finally:
        ws.close()


def test_closing_the_red_sea_reroutes_shanghai_rotterdam(
    viewer: Workspace, client: TestClient
) -> None:
    log_in(client, viewer, users.resolve_actor(viewer), "viewer")
    assert client.get("/connectivity").status_code == 200
    open_route = client.get("/connectivity", params={"from": "CNSHA", "to": "NLRTM"})
    assert open_route.status_code == 200
    assert "suez" in open_route.text
    closed = client.get(
        "/connectivity", params={"from": "CNSHA", "to": "NLRTM", "close": ["red_sea"]}
    )
    assert closed.status_code == 200
    passages = closed.text.split('id="passages">')[1].split("</td>")[0]
    assert "suez" not in passages
    assert 'id="extra-fuel">–' not in closed.text  # a cost is given
    bad = client.get("/connectivity", params={"from": "CNSHA", "to": "NLRTM", "close": ["suze"]})
    assert bad.status_code == 422
    zh = client.get(
        "/connectivity", params={"from": "CNSHA", "to": "NLRTM"}, headers={"accept-language": "zh"}
    )
    assert "封闭" in zh.text


def test_exposure_table_is_for_scope_all(
    viewer: Workspace, client: TestClient, sqlite_settings: Settings
) -> None:
    admin = users.resolve_actor(viewer)
    log_in(client, viewer, admin, "viewer")
    assert client.get("/connectivity/exposure").status_code == 403
    users.add_user(viewer, admin, "planner", Role.planner)
    log_in(client, viewer, admin, "planner")
    assert client.get("/connectivity/exposure").status_code == 200
    closed = client.get("/connectivity/exposure", params={"close": ["red_sea"]})
    assert closed.status_code == 200, closed.text[-1500:]
    assert 'id="exposure-form"' in closed.text


def test_vessel_class_and_map_lines(viewer: Workspace, client: TestClient) -> None:
    import json

    log_in(client, viewer, users.resolve_actor(viewer), "viewer")
    params = {"from": "CNSHA", "to": "NLRTM", "close": ["red_sea"]}
    page = client.get("/connectivity", params=params)
    assert 'id="vessel"' in page.text
    assert 'id="route-map"' in page.text
    before = json.loads(page.text.split("data-before='")[1].split("'")[0])
    after = json.loads(page.text.split("data-after='")[1].split("'")[0])
    assert before is not None
    assert after is not None
    assert before != after  # the closure moved the line
    big = client.get("/connectivity", params={**params, "vessel": "ulcv"})
    assert big.status_code == 200
    limits = big.text.split('id="vessel-limits">')[1].split("</p>")[0]
    assert "panama" in limits  # the largest ships cannot take Panama's locks
    assert "panama" not in big.text.split('id="passages">')[1].split("</td>")[0]
    bad = client.get("/connectivity", params={**params, "vessel": "ulcvv"})
    assert bad.status_code == 422
