"""`beltroad demo`: real data from the mirror, else a labelled synthetic portfolio; idempotent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from beltroad.cli import main
from beltroad.services.demo import run_demo
from beltroad.services.summary import SYNTHETIC_LABEL
from beltroad.services.workspace import open_workspace
from beltroad.settings import Settings, load_settings
from beltroad.storage import inventory, models
from tests.conftest import SHARED_DATA, shared_file


def test_offline_demo_builds_a_labelled_synthetic_portfolio(settings: Settings) -> None:
    report = run_demo(settings, allow_download=False)
    assert report.summary.counts["projects"] == 300
    assert report.summary.synthetic["projects"] == 300
    assert report.summary.label == SYNTHETIC_LABEL
    assert report.loaded == []
    written = json.loads(report.summary_path.read_text(encoding="utf-8"))
    assert written["summary"]["label"] == SYNTHETIC_LABEL
    markdown = report.summary_path.with_suffix(".md").read_text(encoding="utf-8")
    assert SYNTHETIC_LABEL in markdown


def test_demo_twice_changes_nothing(settings: Settings) -> None:
    run_demo(settings, allow_download=False)
    workspace = open_workspace(settings)
    with workspace.reading() as connection:
        first = inventory.table_fingerprint(connection)
    second = run_demo(settings, allow_download=False)
    with workspace.reading() as connection:
        assert inventory.table_fingerprint(connection) == first
    workspace.close()
    assert any("already present, unchanged" in note for note in second.notes)


def test_a_new_size_replaces_the_synthetic_portfolio(settings: Settings) -> None:
    run_demo(settings, allow_download=False)
    bigger = load_settings(
        db=settings.db, data_dir=settings.data_dir, synthetic_projects=450, seed=settings.seed
    )
    report = run_demo(bigger, allow_download=False)
    assert report.summary.counts["projects"] == 450
    workspace = open_workspace(bigger)
    with workspace.reading() as connection:
        orphans = connection.execute(
            select(func.count())
            .select_from(models.Transaction)
            .where(models.Transaction.project_id.not_in(select(models.Project.id)))
        ).scalar_one()
    workspace.close()
    assert orphans == 0


def test_demo_with_the_mirror_loads_real_data(tmp_path: Path) -> None:
    shared_file("SOURCES.md")
    offline = run_demo(
        load_settings(data_dir=tmp_path / "d", synthetic_projects=300), allow_download=False
    )
    assert offline.summary.synthetic["projects"] == 300  # an earlier demo, without the mirror
    settings = load_settings(data_dir=tmp_path / "d", data_mirror=str(SHARED_DATA))
    report = run_demo(settings, allow_download=False)
    loaded = {item["dataset"] for item in report.loaded}
    assert {"gfdc-bri-countries", "aiddata-geogcdf3", "wgi", "wpi"} <= loaded
    assert report.synthetic is None
    assert report.summary.synthetic["projects"] == 0  # never summed with the real projects
    assert any("removed the synthetic portfolio" in note for note in report.notes)
    assert report.summary.label is None
    assert report.summary.counts["projects"] > 9000
    assert report.summary.counts["partnerships"] == 151
    citations = {d["citation"] for d in report.summary.datasets}
    assert any("AidData" in (c or "") for c in citations)
    # Issue #11: published records kept as published, the flagged ones said so.
    assert report.summary.counts["projects"] == 9404
    assert any("13 record(s) kept as published and flagged" in n for n in report.notes)
    # The summary comes after the risk refresh that creates the auto entries it counts.
    assert report.summary.counts["risk_entries"] > 0
    # Natural Earth's records are country profiles: counted, not 0.
    records = {d["name"]: d["records"] for d in report.summary.datasets}
    assert records["naturalearth-110m"] > 150

    # A second run changes nothing and reports the same counts.
    workspace = open_workspace(settings)
    with workspace.reading() as connection:
        first = inventory.table_fingerprint(connection)
    again = run_demo(settings, allow_download=False)
    with workspace.reading() as connection:
        assert inventory.table_fingerprint(connection) == first
    workspace.close()
    assert again.summary.counts == report.summary.counts
    assert {d["name"]: d["records"] for d in again.summary.datasets} == records
    assert all(item["written"] == 0 for item in again.loaded)


def test_cli_demo_no_serve(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code = main(
        [
            "--data-dir",
            str(tmp_path / "d"),
            "demo",
            "--no-serve",
            "--projects",
            "200",
            "--format",
            "json",
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    payload = json.loads(captured.out)
    assert payload["summary"]["counts"]["projects"] == 200
    assert payload["summary"]["label"] == SYNTHETIC_LABEL
