"""/api/v1 routes of issue #17 (green classes and overrides, integrity flags and dismissal,
debt signals, benefit balance, flagship selection), per role, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert

from beltroad.services import green, integrity, users
from beltroad.services.permissions import Role
from beltroad.services.workspace import Workspace
from beltroad.settings import Settings
from beltroad.storage import models
from beltroad.storage.models import table
from beltroad.web.app import create_app
from tests.services.cooperation_data import add_project
from tests.services.coordination_world import World, build

ROUTES = (
    "/api/v1/green",
    "/api/v1/green/shares",
    "/api/v1/green/{identifier}/override",
    "/api/v1/integrity/flags",
    "/api/v1/integrity/flags/{flag_id}/dismiss",
    "/api/v1/debt",
    "/api/v1/benefits",
    "/api/v1/select",
)


@pytest.fixture
def world(workspace: Workspace) -> World:
    made = build(workspace)
    add_project(workspace, "P-SOLAR", "50 MW solar plant", "PAK", 100.0)
    add_project(workspace, "P-COAL", "660 MW coal-fired power plant", "PAK", 300.0, year=2023)
    add_project(workspace, "P-ROAD", "Highway", "KEN", 200.0, sector="210")
    add_project(
        workspace, "P-SCHOOL", "Primary schools", "KEN", 5.0, sector="112",
        extras={"number_of_bidders": 1},
    )  # fmt: skip
    green.classify(workspace)
    integrity.scan(workspace)
    with workspace.writing() as c:
        c.execute(
            insert(table(models.CountryIndicator)),
            [
                {
                    "iso3": iso3,
                    "indicator": "imf.ggxwdg_ngdp",
                    "period": str(year),
                    "value": value,
                    "vintage": "IMF WEO test",
                    "dataset": "imf-debt",
                }
                for iso3, value in (("PAK", 75.0), ("KEN", 30.0))
                for year in (2021, 2022)
            ],
        )
    return made


@pytest.fixture
def client(settings: Settings, world: World) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def bearer(workspace: Workspace, world: World, role: Role) -> dict[str, str]:
    token = users.issue_token(workspace, world.admin, role.value).token
    return {"Authorization": f"Bearer {token}"}


def test_openapi_documents_the_routes_and_they_need_a_token(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ROUTES:
        assert path in paths, path
    assert client.get("/api/v1/green").status_code == 401
    assert client.post("/api/v1/select", json={"budget": 1}).status_code == 401


@pytest.mark.parametrize("role", list(Role))
def test_green_classes_and_overrides_per_role(
    client: TestClient, workspace: Workspace, world: World, role: Role
) -> None:
    who = bearer(workspace, world, role)
    page = client.get("/api/v1/green", headers=who, params={"limit": 100})
    assert page.status_code == 200, page.text
    seen = {i["identifier"] for i in page.json()["items"]}
    coal = next((i for i in page.json()["items"] if i["identifier"] == "P-COAL"), None)
    body = {"green_class": "yellow", "justification": "CCS retrofit financed"}
    override = client.post("/api/v1/green/P-COAL/override", headers=who, json=body)
    hidden = client.post("/api/v1/green/P-ROAD/override", headers=who, json=body)
    if role in (Role.admin, Role.planner):
        assert {"P-SOLAR", "P-COAL", "P-ROAD", "P-SCHOOL"} <= seen
        assert coal is not None
        assert coal["green_class"] == "red"
        assert any(e["criterion"] for e in coal["evidence"])
        assert override.status_code == 200, override.text
        assert hidden.status_code == 200
        again = client.get("/api/v1/green", headers=who, params={"green_class": "yellow"})
        item = next(i for i in again.json()["items"] if i["identifier"] == "P-COAL")
        assert (item["green_class"], item["computed_class"]) == ("yellow", "red")
        assert item["override"]["justification"] == "CCS retrofit financed"
        assert item["override"]["actor"] == role.value
        audit = client.get("/api/v1/audit", headers=who, params={"entity": "project"}).json()
        assert ("green.override", role.value) in {(e["action"], e["actor"]) for e in audit}
        blank = client.post(
            "/api/v1/green/P-COAL/override",
            headers=who,
            json={"green_class": None, "justification": " "},
        )
        assert blank.status_code == 422
        assert "justification" in blank.json()["message"]
        shares = client.get("/api/v1/green/shares", headers=who).json()
        assert shares["portfolio"]["projects"] >= 4
        return
    assert override.status_code in (403, 404)
    assert hidden.status_code == 404  # Kenya is outside every scoped user's scope
    assert "P-ROAD" not in seen
    assert "P-SCHOOL" not in seen
    if role in (Role.partner, Role.viewer):  # scoped to Pakistan
        assert {"P-SOLAR", "P-COAL"} <= seen
        assert override.status_code == 403
        shares = client.get("/api/v1/green/shares", headers=who).json()
        assert shares["portfolio"] is None
        assert set(shares["countries"]) == {"PAK"}
    else:  # a coordinator of unit 2 sees the unit's projects only
        assert seen <= {"P-PAK", "P-SUB", "P-APP", "P-RET"}
        assert override.status_code == 404


@pytest.mark.parametrize("role", [Role.admin, Role.planner, Role.partner, Role.viewer])
def test_integrity_flags_and_dismissal_per_role(
    client: TestClient, workspace: Workspace, world: World, role: Role
) -> None:
    admin = bearer(workspace, world, Role.admin)
    flags = client.get("/api/v1/integrity/flags", headers=admin).json()["items"]
    single = next(f for f in flags if f["kind"] == "single_bidder")
    assert single["subject"]
    assert single["message"]
    who = bearer(workspace, world, role)
    seen = client.get("/api/v1/integrity/flags", headers=who).json()["items"]
    path = f"/api/v1/integrity/flags/{single['id']}/dismiss"
    answer = client.post(path, headers=who, json={"reason": "re-tendered, 3 bids"})
    if role in (Role.partner, Role.viewer):  # the flag is on a Kenyan project
        assert single["id"] not in {f["id"] for f in seen}
        missing = client.post(
            "/api/v1/integrity/flags/99999/dismiss", headers=who, json={"reason": "x"}
        )
        assert answer.status_code == missing.status_code == 404
        assert "P-SCHOOL" not in answer.text
        return
    assert client.post(path, headers=who, json={"reason": " "}).status_code == 422
    assert answer.status_code == 200, answer.text
    assert client.post(path, headers=who, json={"reason": "again"}).status_code == 409
    dismissed = client.get(
        "/api/v1/integrity/flags", headers=who, params={"status": "dismissed"}
    ).json()["items"]
    assert [(f["id"], f["dismissed_reason"]) for f in dismissed] == [
        (single["id"], "re-tendered, 3 bids")
    ]
    bad = client.get("/api/v1/integrity/flags", headers=who, params={"status": "closed"})
    assert bad.status_code == 422


@pytest.mark.parametrize("role", list(Role))
def test_debt_signals_and_benefit_balance_per_role(
    client: TestClient, workspace: Workspace, world: World, role: Role
) -> None:
    who = bearer(workspace, world, role)
    debt = client.get("/api/v1/debt", headers=who)
    assert debt.status_code == 200, debt.text
    countries = {c["iso3"]: c for c in debt.json()["countries"]}
    benefit = client.get("/api/v1/benefits", headers=who, params={"limit": 100}).json()
    subjects = {b["subject"] for b in benefit["items"]}
    if role in (Role.admin, Role.planner):
        assert countries["PAK"]["signal"] == "high"
        assert countries["KEN"]["signal"] == "below_thresholds"
        assert debt.json()["exposure"] is not None
        assert {"P-SOLAR", "P-ROAD"} <= subjects
        assert "coverage" in benefit["note"]
        per_country = client.get("/api/v1/benefits", headers=who, params={"level": "countries"})
        assert {"PAK", "KEN"} <= {b["subject"] for b in per_country.json()["items"]}
        return
    assert debt.json()["exposure"] is None  # it sums projects outside the scope
    assert "KEN" not in countries
    assert "P-ROAD" not in subjects
    if role in (Role.partner, Role.viewer):
        assert set(countries) == {"PAK"}
        assert "P-SOLAR" in subjects
        kenya = client.get("/api/v1/debt", headers=who, params={"country": "KEN"})
        assert kenya.status_code == 404


@pytest.mark.parametrize("role", list(Role))
def test_flagship_selection_per_role(
    client: TestClient, workspace: Workspace, world: World, role: Role
) -> None:
    who = bearer(workspace, world, role)
    body = {"budget": 300.0, "weights": {"scale": 2, "green": 2}, "min_green_share": 0.3}
    answer = client.post("/api/v1/select", headers=who, json=body)
    if role in (Role.coordinator, Role.partner, Role.viewer):
        assert answer.status_code == 403
        assert "whole portfolio" in answer.json()["message"]
        return
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert result["selected_amount"] <= 300.0
    assert any("summed to 4" in n for n in result["notes"])  # normalised, and said
    by = {p["identifier"]: p for p in result["projects"]}
    assert not by["P-COAL"]["selected"]
    assert all(p["reason"] and p["rank"] >= 1 for p in result["projects"])
    infeasible = client.post(
        "/api/v1/select",
        headers=who,
        json={"budget": 150.0, "min_green_share": 1.0, "include": ["P-ROAD"]},
    )
    assert infeasible.status_code == 422
    assert "green share >= 100%" in infeasible.json()["message"]
    ahp = {
        "criteria": ["scale", "green", "small_beautiful"],
        "matrix": [[1, 9, 0.1111111], [0.1111111, 1, 9], [9, 0.1111111, 1]],
    }
    refused = client.post("/api/v1/select", headers=who, json={"budget": 500.0, "ahp": ahp})
    assert refused.status_code == 422
    assert "CR = " in refused.json()["message"]
    forced = client.post(
        "/api/v1/select", headers=who, json={"budget": 500.0, "ahp": ahp, "force": True}
    )
    assert forced.status_code == 200
    assert forced.json()["ahp"]["cr"] > 0.1
