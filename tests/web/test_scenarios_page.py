"""The scenarios page (issue #18 part 1): a planner runs an edited scenario as a background job,
follows it, reads the named result and compares two runs; scope-all viewers read; partners are
refused."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from beltroad.services import users
from beltroad.services.jobs import get_job
from beltroad.services.permissions import Role
from beltroad.services.workspace import Workspace
from beltroad.settings import Settings
from beltroad.storage.writes import write_projects
from beltroad.web.app import create_app
from tests.services.test_stress import CANCELLED, GRANT, LOAN, UMBRELLA
from tests.web.pages_support import csrf, log_in


@pytest.fixture
def world(workspace: Workspace) -> Workspace:
    with workspace.writing() as connection:
        write_projects(connection, [LOAN, GRANT, UMBRELLA, CANCELLED])
    admin = users.resolve_actor(workspace)
    users.add_user(workspace, admin, "planner", Role.planner)
    users.add_user(workspace, admin, "viewer", Role.viewer)
    users.add_user(workspace, admin, "partner", Role.partner, [("country", "PAK")])
    return workspace


@pytest.fixture
def client(settings: Settings, world: Workspace) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def wait_done(ws: Workspace, job_id: int) -> dict[str, object]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job = get_job(ws, job_id)
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not end within 60 s")


def submit(client: TestClient, **values: object) -> int:
    client.get("/scenarios")
    form = {"csrf_token": csrf(client), "scenario": "regional_conflict", "scenarios": "2000",
            "seed": "5", **values}  # fmt: skip
    response = client.post("/scenarios", data=form, follow_redirects=False)
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def test_a_planner_runs_follows_and_compares(world: Workspace, client: TestClient) -> None:
    log_in(client, world, users.resolve_actor(world), "planner")
    page = client.get("/scenarios")
    assert page.status_code == 200
    assert 'id="scenario-form"' in page.text
    assert "Red Sea closure" in page.text
    a = submit(client)
    job = wait_done(world, a)
    assert job["status"] == "done", job["error"]
    assert job["owner"] == "planner"
    assert job["seed"] == 5
    assert job["inputs"]["edits"] == {}
    shown = client.get(f"/scenarios/runs/{a}")
    assert shown.status_code == 200
    assert 'id="expected-loss"' in shown.text
    assert "Pakistan" in shown.text
    assert 'id="chart-losses"' in shown.text
    assert "hx-trigger" not in shown.text
    fragment = client.get(f"/scenarios/runs/{a}/progress")
    assert fragment.headers.get("HX-Refresh") == "true"
    # An edit (a PAK shock) and a ticked passage are stored as the run's edits.
    edits = '[[factor_shocks]]\ncountry = "PAK"\nshock_sd = 3.0\n'
    b = submit(client, edits=edits, close=["suez"])
    job_b = wait_done(world, b)
    assert job_b["status"] == "done", job_b["error"]
    assert job_b["inputs"]["edits"]["factor_shocks"] == [{"country": "PAK", "shock_sd": 3.0}]
    assert job_b["inputs"]["edits"]["closures"][0]["passages"] == ["suez"]
    listed = client.get("/scenarios")
    assert f'href="/scenarios/runs/{b}"' in listed.text
    compared = client.get("/scenarios/compare", params={"a": a, "b": b})
    assert compared.status_code == 200
    assert "edits" in compared.text.split('id="inputs-differ"')[1].split("</table>")[0]
    zh = client.get(f"/scenarios/runs/{a}", headers={"accept-language": "zh"})
    assert "预期损失" in zh.text


def test_bad_input_names_the_field_and_queues_nothing(world: Workspace, client: TestClient) -> None:
    log_in(client, world, users.resolve_actor(world), "planner")
    client.get("/scenarios")
    token = csrf(client)
    base = {"csrf_token": token, "scenario": "regional_conflict", "scenarios": "100"}
    bad_toml = client.post("/scenarios", data={**base, "edits": "factor_shocks = ["})
    assert bad_toml.status_code == 422
    assert "edits" in bad_toml.text
    bad_country = client.post(
        "/scenarios", data={**base, "edits": '[[factor_shocks]]\ncountry = "XXX"\nshock_sd = 1\n'}
    )
    assert bad_country.status_code == 422
    assert "factor_shocks[0].country" in bad_country.text
    too_many = client.post("/scenarios", data={**base, "scenarios": "2000000"})
    assert too_many.status_code == 422
    assert "scenarios" in too_many.text
    no_csrf = client.post("/scenarios", data={k: v for k, v in base.items() if k != "csrf_token"})
    assert no_csrf.status_code == 422
    assert "csrf_token" in no_csrf.text
    assert "No run yet." in client.get("/scenarios").text


def test_roles(world: Workspace, client: TestClient) -> None:
    admin = users.resolve_actor(world)
    log_in(client, world, admin, "planner")
    job_id = submit(client, scenarios="500")
    wait_done(world, job_id)
    log_in(client, world, admin, "viewer")
    page = client.get("/scenarios")
    assert page.status_code == 200
    assert 'id="may-not-run"' in page.text
    assert client.get(f"/scenarios/runs/{job_id}").status_code == 200
    form = {"csrf_token": csrf(client), "scenario": "regional_conflict", "scenarios": "10"}
    refused = client.post("/scenarios", data=form)
    assert refused.status_code == 403
    log_in(client, world, admin, "partner")
    assert client.get("/scenarios").status_code == 403
    assert client.get(f"/scenarios/runs/{job_id}").status_code == 403
    assert 'href="/scenarios"' not in client.get("/projects").text  # not in the partner's bar
