"""Overseas safety (issue #18 part 3): alerts to the units owning the projects within an
incident's reach, through the outbox; a country's safety summary."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert, select, update

from beltroad.errors import NotFound
from beltroad.records import CountrySplit, LocationRecord, ProjectRecord, Provenance
from beltroad.services.incidents import add_incident
from beltroad.services.safety import alert_owning_units, country_safety
from beltroad.services.workspace import Workspace
from beltroad.storage import models
from beltroad.storage.coordination_models import Notification, Unit
from beltroad.storage.writes import write_projects

GWADAR = (25.12, 62.32)


def site(ident: str, at: tuple[float, float]) -> ProjectRecord:
    return ProjectRecord(
        identifier=ident,
        title=f"project {ident}",
        provenance=Provenance(dataset="test", source_record_id=ident),
        countries=(CountrySplit("PAK"),),
        locations=(LocationRecord(name=ident, lat=at[0], lon=at[1]),),
    )


@pytest.fixture
def sites(workspace: Workspace) -> int:
    with workspace.writing() as connection:
        write_projects(
            connection,
            [
                site("near-1", (25.13, 62.33)),
                site("near-2", (25.10, 62.30)),
                site("orphan", (25.12, 62.35)),
                site("far", (33.7, 73.0)),
            ],
        )
        unit = connection.execute(
            insert(Unit).values(name="Gwadar desk", kind="desk").returning(Unit.id)
        ).scalar_one()
        connection.execute(
            update(models.Project)
            .where(models.Project.identifier.in_(["near-1", "near-2", "far"]))
            .values(unit_id=unit)
        )
    return int(unit)


def test_an_incident_alerts_the_owning_unit_once(workspace: Workspace, sites: int) -> None:
    incident = add_incident(
        workspace,
        subject="site:Gwadar port",
        occurred_on="2024-03-01",
        event_type="Explosions/Remote violence",
        severity=4,
        source="test",
        casualties=2,
        country="PAK",
        lat=GWADAR[0],
        lon=GWADAR[1],
        radius_km=25.0,
    )
    now = dt.datetime(2024, 3, 1, 12, tzinfo=dt.UTC)
    result = alert_owning_units(workspace, incident["id"], now=now)
    assert result["projects_in_reach"] == 3
    assert result["units"] == [sites]
    assert result["queued"] == 1
    assert result["projects_without_unit"] == ["orphan"]
    with workspace.reading() as connection:
        notes = connection.execute(select(Notification)).all()
    assert len(notes) == 1
    body = notes[0].body
    assert "near-1" in body
    assert "near-2" in body
    assert "far" not in body
    assert notes[0].unit_id == sites
    # A second call queues nothing new.
    assert alert_owning_units(workspace, incident["id"], now=now)["queued"] == 0
    with pytest.raises(NotFound):
        alert_owning_units(workspace, 999)


def test_country_safety_has_the_history_and_totals(workspace: Workspace, sites: int) -> None:
    for day, severity in (("2023-05-01", 2), ("2024-03-01", 4)):
        add_incident(workspace, subject="country:PAK", occurred_on=day, event_type="Riots",
                     severity=severity, source="test", casualties=1)  # fmt: skip
    summary = country_safety(workspace, "pak")
    assert summary["country"] == "PAK"
    assert summary["incidents_by_year"] == {"2023": 1, "2024": 1}
    assert summary["casualties"] == 2
    assert summary["max_severity"] == 4
    assert [row["date"] for row in summary["incidents"]] == ["2024-03-01", "2023-05-01"]
    assert summary["warnings"] == []
