"""Integrity, benefits, debt and selection services on a small hand-made portfolio."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import insert, select

from beltroad.engines.selection import Infeasible
from beltroad.errors import Conflict, InvalidInput
from beltroad.services import benefits, green, integrity
from beltroad.services import selection as sel
from beltroad.services.workspace import Workspace
from beltroad.storage import models
from beltroad.storage.models import table
from tests.services.cooperation_data import add_project


@pytest.fixture
def portfolio(workspace: Workspace) -> Workspace:
    add_project(workspace, "P-SOLAR", "50 MW solar plant", "PAK", 100.0, extras={"local_jobs": 300})
    add_project(workspace, "P-WIND", "Wind farm", "KEN", 80.0)
    add_project(workspace, "P-COAL", "660 MW coal-fired power plant", "PAK", 300.0, year=2023)
    add_project(workspace, "P-ROAD", "Highway", "KEN", 200.0, sector="210")
    add_project(
        workspace,
        "P-SCHOOL",
        "Primary schools",
        "KEN",
        5.0,
        sector="112",
        extras={"number_of_bidders": 1},
    )
    green.classify(workspace)
    return workspace


def test_selection_explains_every_decision_and_respects_the_pledge(portfolio: Workspace) -> None:
    report = sel.select(portfolio, sel.SelectionRequest(budget=200.0, min_green_share=0.5))
    by = {d["identifier"]: d for d in report.decisions}
    assert not by["P-COAL"]["selected"]
    assert "POLICY_EXCLUDED" in by["P-COAL"]["reason"]
    chosen = [d for d in report.decisions if d["selected"]]
    assert sum(d["amount"] for d in chosen) <= 200.0
    green_amount = sum(d["amount"] for d in chosen if d["green_class"] == "green")
    assert green_amount >= 0.5 * sum(d["amount"] for d in chosen)
    for d in report.decisions:
        assert d["reason"]
        assert d["rank"] >= 1
    dropped = {c.key: c.dropped for c in report.ranking.criteria}
    assert dropped["connectivity"] == "no candidate has data"
    assert report.as_dict()["basis"]["base_year"] == 2021


def test_selection_infeasible_names_the_conflict(portfolio: Workspace) -> None:
    with pytest.raises(Infeasible) as info:
        sel.select(
            portfolio,
            sel.SelectionRequest(budget=150.0, min_green_share=1.0, include=("P-ROAD",)),
        )
    assert "green share >= 100%" in str(info.value)


def test_weights_are_normalised_and_an_inconsistent_ahp_is_refused(
    portfolio: Workspace, tmp_path: Path
) -> None:
    report = sel.select(
        portfolio, sel.SelectionRequest(budget=500.0, weights={"scale": 2, "green": 2})
    )
    assert any("summed to 4" in n for n in report.notes())
    ahp = tmp_path / "ahp.toml"
    ahp.write_text(
        'criteria = ["scale", "green", "small_beautiful"]\n'
        "matrix = [[1, 9, 0.1111111], [0.1111111, 1, 9], [9, 0.1111111, 1]]\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidInput, match=r"CR = \d"):
        sel.select(portfolio, sel.SelectionRequest(budget=500.0, ahp=sel.read_ahp(ahp)))
    forced = sel.select(
        portfolio, sel.SelectionRequest(budget=500.0, ahp=sel.read_ahp(ahp), force=True)
    )
    assert forced.ahp is not None
    assert forced.ahp.cr > 0.1


def test_integrity_flags_are_stored_and_dismissed_only_with_a_reason(
    portfolio: Workspace, tmp_path: Path
) -> None:
    with portfolio.writing() as c:
        org = c.execute(
            insert(table(models.Organisation)).returning(models.Organisation.id),
            [
                {
                    "key": "name:x",
                    "name": "Sinohydro Corp. Ltd",
                    "dataset": "test",
                    "is_synthetic": False,
                    "is_international": False,
                }
            ],
        ).scalar_one()
        pid = c.execute(
            select(models.Project.id).where(models.Project.identifier == "P-ROAD")
        ).scalar_one()
        c.execute(
            insert(table(models.Participation)),
            [{"project_id": pid, "organisation_id": org, "role": "implementing"}],
        )
    listed = tmp_path / "debarred.csv"
    listed.write_text(
        "name,list\nSinohydro Corporation Limited,World Bank debarment\n", encoding="utf-8"
    )
    report = integrity.scan(portfolio, sanctions=integrity.read_sanctions(listed))
    kinds = {f["kind"] for f in report.flags}
    assert {"single_bidder", "sanctions"} <= kinds
    hit = next(f for f in report.flags if f["kind"] == "sanctions")
    assert hit["explanation"]["matched_name"] == "Sinohydro Corporation Limited"
    flag_id = next(f["id"] for f in report.flags if f["kind"] == "single_bidder")
    with pytest.raises(InvalidInput, match="reason"):
        integrity.dismiss(portfolio, flag_id, reason="", actor="a")
    integrity.dismiss(portfolio, flag_id, reason="re-tendered, 3 bids", actor="alice")
    with pytest.raises(Conflict):
        integrity.dismiss(portfolio, flag_id, reason="again", actor="alice")
    again = integrity.scan(portfolio)  # without the list: sanction flags are kept
    statuses = {f["kind"]: f["status"] for f in again.flags}
    assert statuses["single_bidder"] == "dismissed"
    assert "sanctions" in statuses


def test_a_sanctions_csv_with_missing_columns_names_them(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("entity,program\nX,Y\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="'name', 'list'"):
        integrity.read_sanctions(bad)


def test_benefits_coverage_and_index(portfolio: Workspace, tmp_path: Path) -> None:
    sheet = tmp_path / "benefits.csv"
    sheet.write_text(
        "identifier,local_employment_share,local_procurement_share,repayment_performance,return_pct,strategic_value\n"
        "P-WIND,0.8,0.5,1.0,4,0.5\n"
        "P-ROAD,0.2,,,,\n",
        encoding="utf-8",
    )
    config = benefits.load_config()
    report = benefits.benefits_report(portfolio, supplied=benefits.read_indicators(sheet, config))
    by = {b.subject: b for b in report.projects}
    wind = by["P-WIND"]
    assert wind.index is not None
    assert wind.gap is not None
    assert wind.host_coverage == pytest.approx(0.45)  # 0.25 + 0.2 of the host weight
    assert wind.index == pytest.approx(100 - abs(wind.gap))
    road = by["P-ROAD"]
    assert road.index is None
    assert "coverage" in (road.note or "")
    assert "debt_service_burden" in road.missing
    ken = next(b for b in report.countries if b.subject == "KEN")
    assert ken.host_coverage > 0
