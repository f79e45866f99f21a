"""``gcdf2``: AidData GCDF 2.0 (70-column layout, Windows-1252/latin-1): the real military
companion file and small files in its layout."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from beltroad.errors import InvalidInput
from beltroad.services.imports import ImportRejected, import_file
from beltroad.services.workspace import Workspace
from beltroad.storage import models
from tests.conftest import shared_file
from tests.ingest import aiddata_support
from tests.ingest.aiddata_support import csv_text, fingerprint

MILITARY = "aiddata-military2/MilitaryAidDatasGlobalChineseDevelopmentFinanceDataset_v2.0.csv"
DATASET = "aiddata-gcdf2"
CONSTANT = "Amount (Constant USD2017)"
COLUMNS = [
    "AidData TUFF Project ID",
    "Recommended For Aggregates",
    "Umbrella",
    "Recipient",
    "Commitment Year",
    "Title",
    "Status",
    "Flow Type",
    "Flow Class",
    "Sector Code",
    "Sector Name",
    "Amount (Original Currency)",
    "Original Currency",
    CONSTANT,
    "Amount (Nominal)",
    "Actual Implementation Start Date (MM/DD/YYYY)",
    "Actual Completion Date (MM/DD/YYYY)",
]


sqlite_ws = aiddata_support.sqlite_ws


def record(record_id: int, **changes: Any) -> dict[str, Any]:
    """A valid GCDF 2.0 record (a 2012 grant to Côte d’Ivoire), ``changes`` by column."""
    values: dict[str, Any] = {
        "AidData TUFF Project ID": record_id,
        "Recommended For Aggregates": "Yes",
        "Umbrella": "No",
        "Recipient": "Cote d'Ivoire",
        "Commitment Year": 2012,
        "Title": f"China’s test grant no. {record_id} – équipement",
        "Status": "Completion",
        "Flow Type": "Grant",
        "Flow Class": "ODA-like",
        "Sector Code": 150,
        "Sector Name": "GOVERNMENT AND CIVIL SOCIETY",
        "Amount (Original Currency)": 5_000_000,
        "Original Currency": "CNY",
        CONSTANT: 850_000.5,
        "Amount (Nominal)": 790_000,
        "Actual Implementation Start Date (MM/DD/YYYY)": "3/5/2012",
        "Actual Completion Date (MM/DD/YYYY)": "11/20/2012",
    }
    values.update(changes)
    return values


def gcdf2_bytes(records: list[dict[str, Any]], *, columns: list[str] = COLUMNS) -> str:
    return csv_text(columns, records)


def gcdf2_file(path: Path, records: list[dict[str, Any]], *, encoding: str = "cp1252") -> Path:
    path.write_bytes(gcdf2_bytes(records).encode(encoding))
    return path


# --- the real file ------------------------------------------------------------------------------


def test_real_military_file(sqlite_ws: Workspace) -> None:
    import pandas as pd

    path = shared_file(MILITARY)
    report = import_file(sqlite_ws, "gcdf2", path)
    assert report.rejected == []
    assert report.inserted == 446

    source = pd.read_csv(path, encoding="latin-1", keep_default_na=False, dtype=str)
    recommended = source["Recommended For Military Aggregates"] == "Yes"
    expected_sum = pd.to_numeric(source.loc[recommended, CONSTANT], errors="coerce").sum()
    project = models.Project
    with sqlite_ws.reading() as connection:
        n_recommended, total = connection.execute(
            select(func.count(), func.sum(project.amount_usd_constant)).where(
                project.dataset == DATASET, project.recommended_for_aggregates.is_(True)
            )
        ).one()
        marawi = connection.execute(
            select(project).where(project.identifier == "AidData-GCDF2-49578")
        ).one()
        receiver = connection.execute(
            select(models.Organisation.name, models.Organisation.country_iso3)
            .join(models.Transaction, models.Transaction.receiver_org_id == models.Organisation.id)
            .where(models.Transaction.project_id == marawi.id)
        ).one()
        car_title = connection.execute(
            select(project.title).where(project.identifier == "AidData-GCDF2-56483")
        ).scalar_one()
        insurer = connection.execute(
            select(models.Organisation.name, models.Participation.role)
            .join(
                models.Participation, models.Participation.organisation_id == models.Organisation.id
            )
            .join(project, project.id == models.Participation.project_id)
            .where(
                project.identifier == "AidData-GCDF2-67186", models.Participation.role == "insurer"
            )
        ).one()
    assert n_recommended == int(recommended.sum()) == 392
    assert total == pytest.approx(expected_sum, rel=1e-12)

    # Record 49578: rifles and ammunition for the Philippines after Marawi, 2017.
    assert (marawi.amount_currency, marawi.amount_original) == ("PHP", 169_000_000)
    assert marawi.amount_usd_nominal == pytest.approx(3_352_078.399)
    assert (marawi.amount_usd_constant, marawi.amount_base_year) == (3_352_078.399, 2017)
    assert (marawi.flow_class, marawi.flow_type, marawi.finance_type) == ("Military", None, 110)
    assert str(marawi.actual_start) == "2017-10-05"
    assert tuple(receiver) == ("Government of the Philippines", "PHL")
    # Windows-1252 curly quotes read as such (latin-1 would give a control character).
    assert car_title.endswith("to CAR’s Ministry of National Defense")
    # Sinosure in "Accountable Agencies", with only "Insurance Provided" = Yes: the insurer.
    assert tuple(insurer) == ("China Export & Credit Insurance Corporation (Sinosure)", "insurer")

    again = import_file(sqlite_ws, "gcdf2", path)
    assert again.records_written == 0
    assert again.unchanged == 446


# --- encodings ----------------------------------------------------------------------------------


def test_small_file_on_both_back_ends(workspace: Workspace, tmp_path: Path) -> None:
    path = gcdf2_file(tmp_path / "g.csv", [record(1), record(2, **{CONSTANT: ""})])
    report = import_file(workspace, "gcdf2", path)
    assert report.inserted == 2
    with workspace.reading() as connection:
        rows = connection.execute(
            select(models.Project.title, models.Project.amount_usd_constant).order_by(
                models.Project.source_record_id
            )
        ).all()
        iso3 = set(connection.execute(select(models.ProjectCountry.iso3)).scalars())
    assert rows[0] == ("China’s test grant no. 1 – équipement", 850_000.5)
    assert rows[1].amount_usd_constant is None  # blank is unknown, not zero
    assert iso3 == {"CIV"}


def test_bytes_are_windows_1252_without_a_utf8_attempt(
    sqlite_ws: Workspace, tmp_path: Path
) -> None:
    # b"Caf\xc3\xa9" is valid UTF-8 ("Café") and valid Windows-1252 ("CafÃ©"); AidData's files
    # are Windows-1252, so without a byte-order mark the bytes are read as that.
    path = tmp_path / "g.csv"
    path.write_bytes(
        gcdf2_bytes([record(1, Title="CAFE")]).encode().replace(b"CAFE", b"Caf\xc3\xa9")
    )
    import_file(sqlite_ws, "gcdf2", path)
    with sqlite_ws.reading() as connection:
        title = connection.execute(select(models.Project.title)).scalar_one()
    assert title == "CafÃ©"


def test_a_utf8_byte_order_mark_declares_utf8(sqlite_ws: Workspace, tmp_path: Path) -> None:
    path = gcdf2_file(tmp_path / "g.csv", [record(1)], encoding="utf-8-sig")
    import_file(sqlite_ws, "gcdf2", path)
    with sqlite_ws.reading() as connection:
        title = connection.execute(select(models.Project.title)).scalar_one()
    assert title == "China’s test grant no. 1 – équipement"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", r"empty \(0 bytes\)"),
        (gcdf2_bytes([record(1)]).encode("utf-16"), "UTF-16 text"),
        (gcdf2_bytes([record(1)]).encode("utf-16-le"), "NUL byte at offset 1"),
        (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03binary", "binary file"),
        (b"PK\x03\x04 a workbook", "not the GCDF 2.0 CSV file"),
        (gcdf2_bytes([]).encode(), "no data rows"),
        (
            gcdf2_bytes([], columns=[c for c in COLUMNS if c != "Sector Name"]).encode(),
            r"'Sector Name' \(closest: 'Sector Code'\)",
        ),
        (
            gcdf2_bytes([], columns=[c for c in COLUMNS if "Amount" not in c]).encode(),
            "missing an amount column",
        ),
    ],
)
def test_unreadable_files(
    sqlite_ws: Workspace, tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "g.csv"
    path.write_bytes(content)
    before = fingerprint(sqlite_ws)
    with pytest.raises(InvalidInput, match=expected):
        import_file(sqlite_ws, "gcdf2", path)
    assert fingerprint(sqlite_ws) == before


# --- bad rows -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({CONSTANT: "USD 5m"}, CONSTANT, "not a number"),
        ({"Amount (Nominal)": "-1"}, "Amount (Nominal)", "negative amount"),
        (
            {"Actual Completion Date (MM/DD/YYYY)": "1/2/2012"},
            "Actual Completion Date (MM/DD/YYYY)",
            "actual completion before actual start",
        ),
        (
            {"Actual Implementation Start Date (MM/DD/YYYY)": "2/30/2012"},
            "Actual Implementation Start Date (MM/DD/YYYY)",
            "not a date",
        ),
        ({"Commitment Year": "20122"}, "Commitment Year", "year out of range"),
        ({"Status": "Done"}, "Status", "unknown status"),
        ({"Flow Type": "Gift"}, "Flow Type", "unknown AidData flow type"),
    ],
)
def test_bad_values_are_row_errors_and_nothing_is_written(
    sqlite_ws: Workspace, tmp_path: Path, changes: dict[str, Any], field: str, reason: str
) -> None:
    path = gcdf2_file(tmp_path / "g.csv", [record(1), record(2, **changes)])
    before = fingerprint(sqlite_ws)
    with pytest.raises(ImportRejected) as caught:
        # strict: unreadable values are rejected either way; dates out of order only so
        import_file(sqlite_ws, "gcdf2", path, strict=True)
    assert fingerprint(sqlite_ws) == before
    [error] = caught.value.report.rejected
    assert (error.row, error.field) == (3, field)
    assert reason in error.reason


def test_duplicate_ids_are_rejected(sqlite_ws: Workspace, tmp_path: Path) -> None:
    path = gcdf2_file(tmp_path / "g.csv", [record(5), record(6), record(5)])
    report = import_file(sqlite_ws, "gcdf2", path, dry_run=True)
    [dup] = report.rejected
    assert (dup.row, dup.field, dup.value) == (4, "id", "AidData-GCDF2-5")
