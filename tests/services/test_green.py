"""Green classification on a database: stored evidence, overrides audited, shares."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from beltroad.errors import InvalidInput
from beltroad.services import green
from beltroad.services.workspace import Workspace
from beltroad.storage import models
from tests.services.cooperation_data import add_project


@pytest.fixture
def portfolio(workspace: Workspace) -> Workspace:
    add_project(workspace, "P-SOLAR", "50 MW solar plant", "PAK", 100.0)
    add_project(workspace, "P-COAL", "660 MW coal-fired power plant", "PAK", 300.0, year=2023)
    add_project(workspace, "P-HOSP", "District hospital", "KEN", 50.0, sector="121")
    add_project(workspace, "P-OLD", "Solar plant", "KEN", 70.0, base_year=2017)
    return workspace


def test_classify_stores_classes_and_reports_shares(portfolio: Workspace) -> None:
    report = green.classify(portfolio)
    by = {a.identifier: a for a in report.assessments}
    assert by["P-COAL"].policy_flag == "POLICY_EXCLUDED"
    shares = report.shares()
    port = shares["portfolio"]
    assert port["by_count"] == {"green": 2, "yellow": 1, "red": 1, "unrated": 0}
    # P-OLD is on another base year: counted, but its amount is not added.
    assert port["by_amount"]["green"] == 100.0
    assert port["green_share_amount"] == pytest.approx(100 / 450)
    assert shares["basis"]["other_base_years"] == {"2017": 1}
    assert shares["countries"]["KEN"]["by_count"]["green"] == 1
    with portfolio.reading() as c:
        stored = dict(
            c.execute(select(models.Project.identifier, models.Project.green_class)).all()
        )
        assert stored["P-COAL"] == "red"
        assert c.execute(select(models.GreenAssessment.evidence)).first() is not None


def test_an_override_needs_a_reason_and_is_audited(portfolio: Workspace) -> None:
    green.classify(portfolio)
    with pytest.raises(InvalidInput, match="justification"):
        green.override(portfolio, "P-COAL", "yellow", justification=" ", actor="a")
    green.override(portfolio, "P-COAL", "yellow", justification="CCS retrofit", actor="alice")
    report = green.classify(portfolio)
    item = next(i for i in report.items() if i["identifier"] == "P-COAL")
    assert item["green_class"] == "yellow"
    assert item["computed_class"] == "red"
    assert item["override"]["justification"] == "CCS retrofit"
    with portfolio.reading() as c:
        audit = c.execute(select(models.AuditEvent.actor, models.AuditEvent.action)).all()
    assert ("alice", "green.override") in audit
    green.override(portfolio, "P-COAL", None, justification="retrofit cancelled", actor="bob")
    with portfolio.reading() as c:
        cls = c.execute(
            select(models.Project.green_class).where(models.Project.identifier == "P-COAL")
        ).scalar_one()
    assert cls == "red"


def test_eco_areas_file_names_missing_columns(portfolio: Workspace, tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "areas.csv"
    bad.write_text("project,name\nP-SOLAR,Park\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="'identifier', 'area'"):
        green.read_eco_areas(bad)
    good = tmp_path / "ok.csv"
    good.write_text("identifier,area\nP-SOLAR,Kirthar National Park\n", encoding="utf-8")
    report = green.classify(portfolio, eco_areas=green.read_eco_areas(good))
    assert next(a for a in report.assessments if a.identifier == "P-SOLAR").green_class == "red"


def test_the_same_aidata_record_in_two_datasets_counts_once(workspace: Workspace) -> None:
    """#17's figures count each project once, through the registry's overlap links (#11)."""
    from beltroad.records import CountrySplit, Money, ProjectRecord, Provenance
    from beltroad.services.overlaps import refresh_overlaps
    from beltroad.storage.green import project_rows
    from beltroad.storage.writes import write_projects

    def record(dataset: str, prefix: str, record_id: str, usd: float) -> ProjectRecord:
        return ProjectRecord(
            identifier=f"{prefix}-{record_id}",
            title="Karachi port",
            provenance=Provenance(dataset=dataset, source_record_id=record_id),
            amount=Money(usd_constant=usd, base_year=2021),
            countries=(CountrySplit("PAK"),),
            commitment_year=2016,
        )

    with workspace.writing() as connection:
        write_projects(
            connection,
            [
                record("aiddata-geogcdf3", "GEO", "92607", 5.0),
                record("aiddata-gcdf3", "GCDF3", "92607", 5.0),
                record("aiddata-geogcdf3", "GEO", "1", 1.0),
            ],
        )
    refresh_overlaps(workspace)
    with workspace.reading() as connection:
        rows = project_rows(connection)
    from beltroad.services import basis

    b = basis.choose(rows)
    assert sorted(r["identifier"] for r in b.counted) == ["GCDF3-92607", "GEO-1"]
    assert b.left_out == {"the same project in a dataset of higher precedence (counted once)": 1}
