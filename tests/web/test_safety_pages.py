"""Safety pages (issue #18 part 3): a country's incident history and warnings, an incident's
assets within its radius, and the alert button (admin, planner; CSRF) per role."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from beltroad.services import users
from beltroad.services.incidents import add_incident
from beltroad.services.permissions import Role
from beltroad.services.workspace import Workspace
from beltroad.settings import Settings
from beltroad.web.app import create_app
from tests.services.test_safety import GWADAR, sites  # noqa: F401  (the fixture)
from tests.web.pages_support import csrf, log_in


@pytest.fixture
def incident(workspace: Workspace, sites: int) -> int:  # noqa: F811
    found = add_incident(
        workspace, subject="site:Gwadar port", occurred_on="2024-03-01",
        event_type="Explosions/Remote violence", severity=4, source="test", casualties=2,
        country="PAK", lat=GWADAR[0], lon=GWADAR[1], radius_km=25.0,
    )  # fmt: skip
    admin = users.resolve_actor(workspace)
    users.add_user(workspace, admin, "planner", Role.planner)
    users.add_user(workspace, admin, "pak", Role.partner, [("country", "PAK")])
    users.add_user(workspace, admin, "ken", Role.partner, [("country", "KEN")])
    return int(found["id"])


@pytest.fixture
def client(settings: Settings, incident: int) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_planner_sees_the_reach_and_alerts_once(
    workspace: Workspace, incident: int, client: TestClient
) -> None:
    log_in(client, workspace, users.resolve_actor(workspace), "planner")
    country = client.get("/safety/country/PAK")
    assert country.status_code == 200
    assert f'href="/safety/incidents/{incident}"' in country.text
    shown = client.get(f"/safety/incidents/{incident}")
    assert shown.status_code == 200
    reach = shown.text.split('id="reach-projects"')[1].split("</table>")[0]
    assert "near-1" in reach
    assert "orphan" in reach
    assert "far" not in reach
    assert 'id="alert"' in shown.text
    token = csrf(client)
    url = f"/safety/incidents/{incident}/alert"
    assert client.post(url, data={}).status_code == 422  # no CSRF token
    first = client.post(url, data={"csrf_token": token}, follow_redirects=False)
    assert first.headers["location"].endswith("alerted=1")  # one unit owns the near projects
    again = client.post(url, data={"csrf_token": token}, follow_redirects=False)
    assert again.headers["location"].endswith("alerted=0")  # queued once
    zh = client.get(f"/safety/incidents/{incident}", headers={"accept-language": "zh"})
    assert "通知拥有这些项目的单位" in zh.text


def test_partners_see_their_country_and_may_not_alert(
    workspace: Workspace, incident: int, client: TestClient
) -> None:
    admin = users.resolve_actor(workspace)
    log_in(client, workspace, admin, "pak")
    assert client.get("/safety/country/PAK").status_code == 200
    shown = client.get(f"/safety/incidents/{incident}")
    assert shown.status_code == 200
    assert 'id="alert"' not in shown.text
    refused = client.post(f"/safety/incidents/{incident}/alert", data={"csrf_token": csrf(client)})
    assert refused.status_code == 403
    log_in(client, workspace, admin, "ken")
    assert client.get("/safety/country/PAK").status_code == 404
    assert client.get(f"/safety/incidents/{incident}").status_code == 404
