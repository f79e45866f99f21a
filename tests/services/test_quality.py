"""Issue #11 part 1: published records import as published, flagged; strict rejects them."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from beltroad.errors import NotFound
from beltroad.progress import RecordingProgress
from beltroad.records import QualityFlag, quality_of
from beltroad.services.imports import ImportRejected, import_file
from beltroad.services.quality import quality_flags
from beltroad.services.workspace import Workspace
from beltroad.storage import inventory, models
from tests.ingest.aiddata_support import write_csv
from tests.ingest.test_aiddata_geo import ADM_COLUMNS, COLUMNS, END, START, adm_row, project
from tests.ingest.test_iati import activity, iati_file

GEO = "gcdf3-geo"


def _qualities(workspace: Workspace, dataset: str) -> dict[str, str | None]:
    with workspace.reading() as connection:
        rows = connection.execute(
            select(models.Project.source_record_id, models.Project.quality).where(
                models.Project.dataset == dataset
            )
        ).all()
    return dict(rows)


def test_dates_out_of_order_are_kept_and_flagged(workspace: Workspace, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "p.csv",
        COLUMNS,
        [project(1), project(2, **{START: "2014-03-01", END: "2013-12-31"})],
    )
    report = import_file(workspace, GEO, path)
    assert report.rejected == []
    assert report.records_written == 2
    assert (report.flagged, report.flagged_records) == ({"date_order": 1}, 1)
    [flag] = report.flags
    assert flag["code"] == "date_order:actual_end<actual_start"
    assert (flag["row"], flag["field"], flag["value"]) == (3, END, "2013-12-31")
    assert "2013-12-31 is before 2014-03-01" in flag["reason"]
    assert _qualities(workspace, report.dataset) == {"1": "ok", "2": "date_order"}

    listing = quality_flags(workspace)
    [group] = listing.groups
    assert (group.dataset, group.kind, group.records) == (report.dataset, "date_order", 1)
    [row] = group.rows()
    assert row["identifier"] == "AidData-GeoGCDF3-2"
    assert row["title"] == "Test clinic 2"
    assert "actual completion before actual start" in row["reason"]
    assert quality_flags(workspace, dataset=report.dataset, kind="currency").groups == []

    # A corrected file clears the flag it no longer earns.
    fixed = write_csv(tmp_path / "p.csv", COLUMNS, [project(1), project(2)])
    again = import_file(workspace, GEO, fixed)
    assert again.flagged == {}
    assert quality_flags(workspace).groups == []
    assert _qualities(workspace, report.dataset) == {"1": "ok", "2": "ok"}


def test_strict_rejects_flagged_rows_and_writes_nothing(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "p.csv", COLUMNS, [project(1), project(2, **{END: "2012-12-31"})])
    with pytest.raises(ImportRejected) as caught:
        import_file(workspace, GEO, path, strict=True)
    [error] = caught.value.report.rejected
    assert (error.row, error.field) == (3, END)
    assert error.reason.endswith("(strict import)")
    with workspace.reading() as connection:
        assert inventory.record_counts(connection)["projects"] == 0
    skipped = import_file(workspace, GEO, path, strict=True, on_error="skip")
    assert (skipped.records_written, len(skipped.rejected), skipped.flagged) == (1, 1, {})


def test_iati_dates_out_of_order_are_flagged(workspace: Workspace, tmp_path: Path) -> None:
    path = iati_file(
        tmp_path / "a.xml",
        activity("XE-EXAMPLE-1"),
        activity(
            "XE-EXAMPLE-2",
            dates='<activity-date type="1" iso-date="2024-03-01"/>'
            '<activity-date type="3" iso-date="2023-03-01"/>'
            '<activity-date type="2" iso-date="2024-04-15"/>'
            '<activity-date type="4" iso-date="2023-01-31"/>',
        ),
    )
    report = import_file(workspace, "iati", path)
    assert report.rejected == []
    assert report.flagged == {"date_order": 1}
    assert {f["code"] for f in report.flags} == {
        "date_order:planned_end<planned_start",
        "date_order:actual_end<actual_start",
    }
    assert _qualities(workspace, report.dataset) == {
        "XE-EXAMPLE-1": "ok",
        "XE-EXAMPLE-2": "date_order",
    }


def test_an_unknown_dataset_names_the_closest(workspace: Workspace, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", COLUMNS, [project(1)])
    import_file(workspace, GEO, path)
    assert quality_flags(workspace, dataset="aiddata-geogcdf3").groups == []
    with pytest.raises(NotFound, match="closest: aiddata-geogcdf3"):
        quality_flags(workspace, dataset="aiddata-geogcdf")


def test_quality_names_the_kinds_of_the_flags() -> None:
    assert quality_of([]) == "ok"
    flags = [
        QualityFlag("date_order:actual_end<actual_start", None, None, ""),
        QualityFlag("currency:not_iso4217", None, None, ""),
        QualityFlag("date_order:planned_end<planned_start", None, None, ""),
    ]
    # Every kind shipped fits the records' quality column (String(32)).
    assert quality_of(flags) == "currency;date_order"
    assert len(quality_of(flags)) <= 32


def test_adm_progress_has_real_totals(workspace: Workspace, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", COLUMNS, [project(1), project(2)])
    write_csv(
        tmp_path / "GCDF_3.0_ADM1_Locations.csv",
        ADM_COLUMNS,
        [adm_row(1), adm_row(2), adm_row(2, shapeID="TEST2b")],
    )
    progress = RecordingProgress()
    import_file(workspace, GEO, path, progress=progress)
    starts = [e for e in progress.events if e[0] == "start"]
    adm = next(i for i, e in enumerate(progress.events) if "ADM1" in str(e[1]))
    assert progress.events[adm][2] == 3  # the total: the file's three location rows
    finish = next(e for e in progress.events[adm:] if e[0] == "finish")
    assert finish[2] == 3
    assert len(starts) >= 2
