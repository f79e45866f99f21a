"""Early warnings and security incidents over real GPR/WGI data, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy import func, insert, select

from beltroad.cli.main import main
from beltroad.errors import InvalidInput
from beltroad.records import CountrySplit, LocationRecord, Money, ProjectRecord, Provenance
from beltroad.services import risk_register as register
from beltroad.services.incidents import add_incident, list_incidents
from beltroad.services.warnings import detect, stored
from beltroad.services.workspace import Workspace
from beltroad.settings import Settings
from beltroad.storage import models
from beltroad.storage.writes import write_projects
from tests.services.risk_data import load_real_indicators

TODAY = dt.date(2026, 6, 30)
GWADAR = (25.12, 62.33)


@pytest.fixture
def assets(workspace: Workspace) -> Workspace:
    load_real_indicators(workspace, ("PAK", "UKR", "RUS", "KEN"))
    with workspace.writing() as connection:
        write_projects(
            connection,
            [
                ProjectRecord(
                    identifier="PORT-GWADAR",
                    title="Gwadar port",
                    provenance=Provenance(dataset="test", source_record_id="1"),
                    status=2,
                    amount=Money(usd_constant=5e8),
                    countries=(CountrySplit("PAK", 100.0),),
                    locations=(LocationRecord(name="Gwadar", lat=25.13, lon=62.32),),
                    planned_end=dt.date(2025, 1, 1),
                ),
                ProjectRecord(
                    identifier="ROAD-KARACHI",
                    title="Karachi road",
                    provenance=Provenance(dataset="test", source_record_id="2"),
                    status=2,
                    countries=(CountrySplit("PAK", 100.0),),
                    locations=(LocationRecord(name="Karachi", lat=24.86, lon=67.01),),
                ),
            ],
        )
        zone_id = connection.execute(
            insert(models.CooperationZone)
            .values(
                name="Gwadar Free Zone",
                host_iso3="PAK",
                lat=25.15,
                lon=62.35,
                jobs_local=800,
                jobs_expat=40,
            )
            .returning(models.CooperationZone.id)
        ).scalar_one()
        connection.execute(
            insert(models.OverseasEnterprise),
            [
                {
                    "name": "Port Operator Ltd",
                    "host_iso3": "PAK",
                    "lat": 25.11,
                    "lon": 62.34,
                    "employees_local": 300,
                    "employees_expat": 25,
                    "zone_id": zone_id,
                },
                {
                    "name": "Karachi Trading",
                    "host_iso3": "PAK",
                    "lat": 24.86,
                    "lon": 67.0,
                    "employees_local": 50,
                    "employees_expat": 5,
                    "zone_id": None,
                },
            ],
        )
    return workspace


def count_incidents(workspace: Workspace) -> int:
    with workspace.reading() as connection:
        return int(
            connection.scalar(select(func.count()).select_from(models.SecurityIncident)) or 0
        )


def test_an_incident_lists_what_lies_within_the_radius(assets: Workspace) -> None:
    incident = add_incident(
        assets,
        subject="zone:Gwadar Free Zone",
        occurred_on="2026-06-20",
        event_type="explosions/remote violence",
        sub_event_type="Remote explosive/landmine/IED",
        severity=4,
        casualties=3,
        source="test report",
        today=TODAY,
    )
    reach = incident["exposure"]
    assert incident["country_iso3"] == "PAK"
    assert (incident["lat"], incident["lon"]) == (25.15, 62.35)  # the zone's own point
    assert reach["scope"] == "radius"
    assert reach["radius_km"] == 50.0  # [incidents] radius_km
    assert [e["name"] for e in reach["enterprises"]] == ["Port Operator Ltd"]
    assert reach["enterprises"][0]["employees_expat"] == 25
    assert [p["ref"] for p in reach["projects"]] == ["PORT-GWADAR"]
    assert reach["totals"]["personnel"] == 325
    wide = add_incident(
        assets,
        subject="site:Makran coast highway",
        country="PAK",
        lat=GWADAR[0],
        lon=GWADAR[1],
        occurred_on=dt.date(2026, 6, 21),
        event_type="Battles",
        severity=3,
        source="test",
        radius_km=500.0,
        today=TODAY,
    )
    assert len(wide["exposure"]["projects"]) == 2  # Karachi is ~450 km away
    listed = list_incidents(assets, country="pak")
    assert [i["id"] for i in listed.incidents] == [wide["id"], incident["id"]]
    assert listed.rows()[1]["personnel"] == 325


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"subject": "site:Somewhere"}, "lat"),
        ({"subject": "site:Somewhere", "lat": 1.0, "lon": 1.0}, "country"),
        ({"subject": "moon:Base"}, "subject"),
        ({"subject": "zone:404"}, "subject"),
        ({"occurred_on": "2026-02-30"}, "occurred_on"),
        ({"occurred_on": "2027-01-01"}, "occurred_on"),
        ({"event_type": "earthquake"}, "event_type"),
        ({"sub_event_type": "Armed clash"}, "sub_event_type"),
        ({"severity": 0}, "severity"),
        ({"casualties": -1}, "casualties"),
        ({"lat": 95.0, "lon": 1.0}, "lat"),
        ({"lat": 25.0}, "lon"),
        ({"country": "KEN"}, "country"),
    ],
)
def test_bad_incident_names_the_field_and_stores_nothing(
    assets: Workspace, change: dict[str, Any], field: str
) -> None:
    args: dict[str, Any] = {
        "subject": "country:PAK",
        "occurred_on": "2026-06-01",
        "event_type": "Riots",
        "severity": 2,
        "source": "x",
        "today": TODAY,
    } | change
    with pytest.raises(InvalidInput) as caught:
        add_incident(assets, **args)
    assert caught.value.problems[0].field == field
    assert count_incidents(assets) == 0


def test_warnings_cover_every_kind_and_are_stored_once(assets: Workspace) -> None:
    entry = register.add_entry(
        assets,
        subject="country:PAK",
        category="security",
        title="Site security",
        likelihood=3,
        impact=3,
        review_on="2026-05-01",
        today=dt.date(2026, 4, 1),
    )
    with assets.writing() as connection:
        project_id = connection.scalar(
            select(models.Project.id).where(models.Project.identifier == "ROAD-KARACHI")
        )
        connection.execute(
            insert(models.Milestone).values(
                project_id=project_id, name="Financial close", planned_on=dt.date(2025, 12, 1)
            )
        )
    add_incident(
        assets,
        subject="country:PAK",
        occurred_on="2026-06-01",
        event_type="Riots",
        severity=2,
        source="x",
        today=TODAY,
    )
    report = detect(assets, year=2022, as_of=TODAY, store=True)
    kinds = report.counts()
    assert kinds["gpr_spike"] >= 1
    assert kinds["review_overdue"] == 1
    assert kinds["milestone_slip"] == 2  # the milestone and the planned end of PORT-GWADAR
    assert kinds["incident"] == 1
    spikes = {(w.subject_ref, w.period) for w in report.warnings if w.kind == "gpr_spike"}
    assert ("UKR", "2022-02") in spikes or ("UKR", "2022-03") in spikes  # the invasion
    assert all(w.message for w in report.warnings)
    first = stored(assets)
    assert len(first) == len(report.warnings)
    again = detect(assets, year=2022, as_of=TODAY, store=True)
    assert again.stored["new"] == 0
    assert again.stored["updated"] == len(first)
    register.review(assets, entry["id"], status="closed", today=TODAY)
    third = detect(assets, year=2022, as_of=TODAY, store=True)
    assert third.stored["resolved"] == 1
    assert [w["kind"] for w in stored(assets, status="resolved")] == ["review_overdue"]
    with pytest.raises(InvalidInput):
        detect(assets, kind="meteor")


def test_cli_warnings_and_incidents(
    assets: Workspace, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["--db", settings.database_url, "--data-dir", str(settings.data_dir)]
    code = main(
        [
            *base,
            "risk",
            "incident",
            "add",
            "--subject",
            "enterprise:Port Operator Ltd",
            "--date",
            "2020-01-05",
            "--event-type",
            "Protests",
            "--severity",
            "1",
            "--source",
            "local press",
            "--radius-km",
            "10",
            "--format",
            "json",
        ]
    )
    assert code == 0
    added = json.loads(capsys.readouterr().out)
    assert added["exposure"]["totals"]["enterprises"] == 1
    assert main([*base, "risk", "incident", "list", "--format", "csv"]) == 0
    assert "local press" in capsys.readouterr().out
    assert (
        main([*base, "risk", "warnings", "--year", "2022", "--kind", "gpr_spike", "-f", "json"])
        == 0
    )
    payload = json.loads(capsys.readouterr().out)
    assert payload["warnings"]
    assert {w["kind"] for w in payload["warnings"]} == {"gpr_spike"}
    assert (
        main(
            [
                *base,
                "risk",
                "incident",
                "add",
                "--subject",
                "country:PAK",
                "--date",
                "2020-01-05",
                "--event-type",
                "Protests",
                "--severity",
                "7",
                "--source",
                "x",
            ]
        )
        == 2
    )
    assert "--severity" in capsys.readouterr().err


def test_a_look_back_is_shown_but_not_stored(assets: Workspace) -> None:
    past = detect(assets, year=2022)
    assert past.counts()["gpr_spike"] >= 1
    assert past.stored == {}
    assert "not stored" in past.notes[-1]
    assert stored(assets) == []
    now = detect(assets)
    assert now.stored["new"] == len(now.warnings)
    assert len(stored(assets)) == len(now.warnings)


def test_refresh_covers_holdings_and_raises_security_near_recent_incidents(
    assets: Workspace,
) -> None:
    from beltroad.engines.risk_config import merge, parse_config
    from beltroad.services.risk import default_config_data
    from beltroad.services.risk_refresh import refresh

    # high cut points, so that PAK's PV reading (~89) is likelihood 1 and a raise shows
    config = parse_config(
        merge(default_config_data(), {"register": {"likelihood_cuts": [90.0, 95.0, 97.0, 99.0]}}),
        source="test",
    )
    first = refresh(assets, today=TODAY, config=config)
    assert first.holdings == 3  # two enterprises and one zone in PAK
    assert first.incident_raised == 0
    add_incident(
        assets,
        subject="site:Port gate",
        country="PAK",
        lat=25.12,
        lon=62.33,
        occurred_on="2026-06-25",
        event_type="Violence against civilians",
        severity=3,
        source="test",
        today=TODAY,
    )
    second = refresh(assets, today=TODAY, config=config)
    assert second.incident_raised == 3  # the zone, Port Operator Ltd and PORT-GWADAR
    assert second.rescored == 3
    security = {
        e["subject"]: e
        for e in register.list_entries(assets, category="security", today=TODAY).entries
    }
    port = security["project:PORT-GWADAR"]
    assert port["likelihood"] == 2
    assert "recent incident(s) #" in port["why"]
    assert "Violence against civilians" in port["why"]
    assert (
        security["project:ROAD-KARACHI"]["likelihood"] == 1
        if "project:ROAD-KARACHI" in security
        else True
    )
    later = refresh(assets, today=TODAY + dt.timedelta(days=200), config=config)
    assert later.rescored == 3  # the incident is no longer recent: back to 1
