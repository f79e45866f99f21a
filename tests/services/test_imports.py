"""The import service: preview, all-or-nothing, skip, duplicates, re-import, provenance."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from beltroad.cli import main
from beltroad.errors import InvalidInput
from beltroad.services.imports import ImportRejected, import_file
from beltroad.services.workspace import Workspace
from beltroad.storage import inventory, models
from tests.conftest import shared_file

HEADER = [
    "Country",
    "Country Code",
    "Region",
    "IncomeGroup",
    "Likely date of joining",
    "Likely date of exit",
]


def members_xlsx(path: Path, rows: list[list[Any]], *, title_rows: int = 0) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for _ in range(title_rows):
        sheet.append(["Countries of the BRI (test copy)"])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


GOOD = [
    ["Pakistan", "PAK", "South Asia", "Lower middle income", dt.datetime(2013, 5, 1), None],
    [
        "Italy",
        "ITA",
        "Europe & Central Asia",
        "High income",
        dt.datetime(2019, 3, 23),
        dt.datetime(2023, 12, 6),
    ],
]
BAD = [
    ["Narnia", "NAR", "Nowhere", "", dt.datetime(2018, 1, 1), None],
    ["Kenya", "KEN", "Sub-Saharan Africa", "Lower middle income", "sometime", None],
    [
        "Chile",
        "CHL",
        "Latin America & Caribbean",
        "High income",
        dt.datetime(2019, 1, 1),
        dt.datetime(2018, 1, 1),
    ],
]


def fingerprint(workspace: Workspace) -> dict[str, Any]:
    with workspace.reading() as connection:
        return inventory.table_fingerprint(connection)


def test_real_gfdc_file_imports_with_the_italy_exit(workspace: Workspace) -> None:
    path = shared_file("gfdc-bri-countries/23_12_BRI-countries-public.xlsx")
    report = import_file(workspace, "bri-members", path)
    assert report.rows_read == 151
    assert report.rejected == []
    with workspace.reading() as connection:
        italy = connection.execute(
            select(models.Partnership.joined_on, models.Partnership.exited_on).where(
                models.Partnership.country_iso3 == "ITA"
            )
        ).one()
        region = connection.execute(
            select(models.Country.region).where(models.Country.iso3 == "PAK")
        ).scalar_one()
        [dataset] = [d for d in inventory.datasets(connection) if d.name == "gfdc-bri-countries"]
    assert italy.joined_on.year == 2019
    assert italy.exited_on is not None
    assert italy.exited_on.year == 2023
    assert region == "South Asia"
    assert dataset.citation is not None
    assert "Nedopil" in dataset.citation
    again = import_file(workspace, "bri-members", path)
    assert again.records_written == 0
    assert again.unchanged == report.records_valid


def test_dry_run_reports_every_rejected_row_and_writes_nothing(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = members_xlsx(tmp_path / "m.xlsx", GOOD + BAD)
    before = fingerprint(workspace)
    report = import_file(workspace, "bri-members", path, dry_run=True)
    assert fingerprint(workspace) == before
    problems = {(e.row, e.field) for e in report.rejected}
    assert problems == {
        (4, "Country Code"),
        (5, "Likely date of joining"),
        (6, "Likely date of exit"),
    }
    narnia = next(e for e in report.rejected if e.row == 4)
    assert narnia.value == "NAR"
    assert "unknown country" in narnia.reason
    assert report.records_valid == 4  # two partnerships, two country profiles


def test_fail_mode_imports_nothing(workspace: Workspace, tmp_path: Path) -> None:
    path = members_xlsx(tmp_path / "m.xlsx", GOOD + BAD)
    before = fingerprint(workspace)
    with pytest.raises(ImportRejected) as caught:
        import_file(workspace, "bri-members", path)
    assert len(caught.value.report.rejected) == 3
    assert "3 row(s) rejected, nothing imported" in caught.value.message
    assert fingerprint(workspace) == before


def test_skip_mode_imports_the_valid_rows(workspace: Workspace, tmp_path: Path) -> None:
    path = members_xlsx(tmp_path / "m.xlsx", BAD + GOOD)
    report = import_file(workspace, "bri-members", path, on_error="skip")
    assert len(report.rejected) == 3
    with workspace.reading() as connection:
        countries = set(connection.execute(select(models.Partnership.country_iso3)).scalars())
    assert countries == {"PAK", "ITA"}


def test_duplicate_ids_in_one_file_are_rejected(workspace: Workspace, tmp_path: Path) -> None:
    path = members_xlsx(tmp_path / "m.xlsx", [*GOOD, GOOD[0]])
    report = import_file(workspace, "bri-members", path, dry_run=True)
    dups = [e for e in report.rejected if e.field == "id"]
    assert {(d.row, d.value) for d in dups} == {(4, "PAK")}
    assert all("first seen at row 2" in d.reason for d in dups)


def test_header_below_a_title_block_is_found(workspace: Workspace, tmp_path: Path) -> None:
    path = members_xlsx(tmp_path / "m.xlsx", GOOD, title_rows=3)
    report = import_file(workspace, "bri-members", path, dry_run=True)
    assert report.rejected == []
    assert report.rows_read == 2


def test_renamed_column_names_the_closest_match(workspace: Workspace, tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Country", "Country Cod", "Likely date of joining", "Likely date of exit"])
    sheet.append(["Pakistan", "PAK", dt.datetime(2013, 5, 1), None])
    book.save(tmp_path / "m.xlsx")
    with pytest.raises(InvalidInput) as caught:
        import_file(workspace, "bri-members", tmp_path / "m.xlsx")
    assert "'Country Code' (closest: 'Country Cod')" in caught.value.message


@pytest.mark.parametrize(
    ("content", "expected"),
    [(b"", r"empty \(0 bytes\)"), (b"not a zip file at all", r"not a readable \.xlsx")],
)
def test_unreadable_files(
    workspace: Workspace, tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "m.xlsx"
    path.write_bytes(content)
    before = fingerprint(workspace)
    with pytest.raises(InvalidInput, match=expected):
        import_file(workspace, "bri-members", path)
    assert fingerprint(workspace) == before


def test_unknown_kind_lists_the_kinds(workspace: Workspace, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="gcdf3-geo"):
        import_file(workspace, "shapefile", tmp_path)


def test_cli_dry_run_json_shape(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = str(tmp_path / "d")
    assert main(["--data-dir", data, "init", "-f", "json"]) == 0
    capsys.readouterr()
    path = members_xlsx(tmp_path / "m.xlsx", GOOD + BAD)
    code = main(["--data-dir", data, "import", "bri-members", str(path), "--dry-run", "-f", "json"])
    payload = json.loads(capsys.readouterr().out)
    assert code == 0
    assert {"kind", "file", "rows_read", "records_written", "rejected", "dry_run"} <= set(payload)
    assert payload["dry_run"] is True
    assert {"row", "field", "value", "reason"} == set(payload["rejected"][0])

    code = main(["--data-dir", data, "import", "bri-members", str(path)])
    captured = capsys.readouterr()
    assert code == 2
    assert "nothing imported" in captured.err
