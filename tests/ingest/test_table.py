"""The `table` import: any CSV/XLSX through a TOML mapping; mapping errors say what to fix."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from beltroad.errors import InvalidInput
from beltroad.ingest.base import Row, RowError
from beltroad.ingest.table import FIELDS, TableImporter
from beltroad.progress import RecordingProgress
from beltroad.records import ProjectRecord
from beltroad.services.imports import ImportRejected, import_file
from beltroad.services.setup import initialise
from beltroad.services.workspace import Workspace, open_workspace
from beltroad.settings import Settings
from beltroad.storage import inventory, models
from tests.conftest import shared_file

META = """\
[table]
dataset = "ministry"
title = "Ministry project list"
citation = "Ministry of Transport (2024), project list"
licence = "internal use"
"""
COLUMNS = """
[columns]
identifier = "Project ID"
title = "Project name"
recipient = "Country"
status = "Status"
amount = "Amount"
currency = "Currency"
planned_start = "Start"
financier = "Lender"
sector = "Sector"
"""
CSV_HEADER = "Project ID;Project name;Country;Status;Amount;Currency;Start;Lender;Sector\n"


@pytest.fixture
def ws(sqlite_settings: Settings) -> Iterator[Workspace]:
    initialise(sqlite_settings)
    workspace = open_workspace(sqlite_settings)
    try:
        yield workspace
    finally:
        workspace.close()


def mapping(tmp_path: Path, body: str, name: str = "mapping.toml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def read(path: Path, mapping_path: Path) -> tuple[list[ProjectRecord], list[RowError]]:
    found = list(TableImporter(mapping=mapping_path).read(path))
    records = [i.record for i in found if isinstance(i, Row)]
    assert all(isinstance(r, ProjectRecord) for r in records)
    return records, [i for i in found if isinstance(i, RowError)]  # type: ignore[misc]


def fingerprint(ws: Workspace) -> dict[str, list[tuple[Any, ...]]]:
    with ws.reading() as connection:
        return inventory.table_fingerprint(connection)


EUROPEAN = (
    META
    + 'delimiter = ";"\ndecimal = ","\n'
    + COLUMNS
    + """
[values.status]
"Completed" = 3
"Under construction" = 2

[values.sector]
"Roads" = "21020"

[dates]
formats = ["%d.%m.%Y"]
"""
)


def test_csv_with_value_maps_dates_and_decimal_commas(tmp_path: Path) -> None:
    data = tmp_path / "projects.csv"
    data.write_text(
        CSV_HEADER
        + "P-1;Coastal road;Kenya;Completed;1.234.567,50;CNY;01.03.2019;China Eximbank;Roads\n"
        + "P-2;Port upgrade;Pakistan;Implementation;2000000;usd;;;210\n"
        + "P-3;Power line;Narnia;Completed;abc;USD;31.02.2019;;solar\n"
        + "P-4;Rail;Laos;closed;5;;;;\n"
    )
    records, errors = read(data, mapping(tmp_path, EUROPEAN))
    first, second = records
    assert first.identifier == "ministry-P-1"
    assert first.provenance.source_record_id == "P-1"
    assert first.provenance.dataset == "ministry"
    assert first.status == 3
    assert first.amount is not None
    assert (first.amount.original, first.amount.currency) == (1234567.5, "CNY")
    assert first.planned_start == dt.date(2019, 3, 1)
    assert [c.iso3 for c in first.countries] == ["KEN"]
    assert [(s.code, s.vocabulary) for s in first.sectors] == [("21020", "1")]
    assert [(p.org.name, p.role) for p in first.participations] == [("China Eximbank", "funding")]
    assert second.status == 2  # the IATI label itself is understood
    assert second.amount is not None
    assert second.amount.currency == "USD"
    assert [(s.code, s.vocabulary) for s in second.sectors] == [("210", "2")]
    assert {(e.row, e.field) for e in errors} == {
        (4, "recipient"),
        (4, "amount"),
        (4, "planned_start"),
        (4, "sector"),
        (5, "currency"),
    }
    reasons = {(e.row, e.field): e.reason for e in errors}
    assert "unknown country 'Narnia'" in reasons[(4, "recipient")]
    assert "not a number" in reasons[(4, "amount")]
    assert "%d.%m.%Y" in reasons[(4, "planned_start")]
    assert "currency missing" in reasons[(5, "currency")]


def xlsx(path: Path, rows: list[list[Any]], *, title_rows: int, sheet: str = "Projects") -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = "Notes"
    first.append(["read me"])
    data = book.create_sheet(sheet)
    for index in range(title_rows):
        data.append([f"Ministry project list, title line {index + 1}"])
    data.append(["Project ID", "Project name", "Country", "Committed", "USD", "Year"])
    for row in rows:
        data.append(row)
    book.save(path)
    return path


XLSX_MAPPING = (
    META
    + """sheet = "Projects"
header_row = 3

[columns]
identifier = "Project ID"
title = "Project name"
recipient = "Country"
planned_start = "Committed"
amount_usd_nominal = "USD"
commitment_year = "Year"
"""
)


def test_xlsx_with_the_header_on_another_row(tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        [17, "Dam", "NPL", dt.datetime(2018, 5, 2), 1.5e8, 2018],
        [18.0, "Bridge", "Bangladesh", None, None, 3018],
    ]
    path = xlsx(tmp_path / "projects.xlsx", rows, title_rows=2)
    records, errors = read(path, mapping(tmp_path, XLSX_MAPPING))
    assert [(r.identifier, r.planned_start, r.commitment_year) for r in records] == [
        ("ministry-17", dt.date(2018, 5, 2), 2018)
    ]
    assert records[0].amount is not None
    assert records[0].amount.usd_nominal == 1.5e8
    assert [(e.row, e.field, e.value) for e in errors] == [(5, "commitment_year", "3018")]
    assert "year out of range" in errors[0].reason

    # Without header_row the header is found in the top rows of the named sheet.
    found, _ = read(path, mapping(tmp_path, XLSX_MAPPING.replace("header_row = 3\n", "")))
    assert [r.identifier for r in found] == ["ministry-17"]
    # A header_row that is wrong says what it found there.
    wrong = mapping(tmp_path, XLSX_MAPPING.replace("header_row = 3", "header_row = 2"), "w.toml")
    with pytest.raises(InvalidInput, match=r"row 2, field header: .*'Project ID' \(mapped to"):
        read(path, wrong)


def test_a_mapped_column_missing_from_the_file_is_named_with_its_closest_match(
    tmp_path: Path,
) -> None:
    data = tmp_path / "projects.csv"
    data.write_text(CSV_HEADER.replace("Project name", "Project title"))
    with pytest.raises(InvalidInput) as caught:
        read(data, mapping(tmp_path, EUROPEAN))
    message = str(caught.value)
    assert "'Project name' (mapped to title; closest in the file: 'Project title')" in message
    assert "fix [columns] in mapping.toml" in message


def test_an_unknown_field_in_the_mapping_lists_the_valid_fields(tmp_path: Path) -> None:
    path = mapping(tmp_path, META + COLUMNS.replace("recipient =", "recipent ="))
    with pytest.raises(InvalidInput) as caught:
        TableImporter(mapping=path).mapping()
    message = str(caught.value)
    assert "unknown field in [columns]: 'recipent' (did you mean 'recipient'?)" in message
    assert all(name in message for name in FIELDS)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (META + COLUMNS.replace('identifier = "Project ID"\n', ""), "must map identifier"),
        (META.replace('licence = "internal use"\n', "") + COLUMNS, "lacks licence"),
        (META + "shet = 'x'\n" + COLUMNS, r"unknown \[table\] key: 'shet' \(did you mean 'sheet'"),
        (META + COLUMNS + "[values.colour]\n'a' = 1\n", r"unknown field in \[values\]"),
        (META + COLUMNS + "[dates]\nformats = 'dd.mm'\n", "list of strptime formats"),
        (META + "header_row = 0\n" + COLUMNS, "header_row must be a row number"),
        (META + COLUMNS.replace('currency = "Currency"\n', ""), "maps amount but no currency"),
        (META + COLUMNS + "[columns\n", "not valid TOML"),
        (META + "[colums]\n", r"unknown section or top-level key: 'colums'"),
    ],
)
def test_mapping_problems_are_reported(tmp_path: Path, body: str, expected: str) -> None:
    with pytest.raises(InvalidInput, match=expected):
        TableImporter(mapping=mapping(tmp_path, body)).mapping()


def test_without_a_mapping_the_error_shows_a_minimal_example(ws: Workspace, tmp_path: Path) -> None:
    data = tmp_path / "projects.csv"
    data.write_text(CSV_HEADER)
    with pytest.raises(InvalidInput, match="needs a mapping file") as caught:
        import_file(ws, "table", data)
    assert caught.value.hint is not None
    assert "[columns]" in caught.value.hint
    assert 'identifier = "Project ID"' in caught.value.hint


def test_empty_and_unknown_files_are_refused(tmp_path: Path) -> None:
    rules = mapping(tmp_path, EUROPEAN)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(InvalidInput, match="empty"):
        read(empty, rules)
    other = tmp_path / "projects.ods"
    other.write_text("x")
    with pytest.raises(InvalidInput, match=r"expected \.csv, \.xlsx or \.parquet"):
        read(other, rules)


def test_rejected_import_leaves_the_database_unchanged(ws: Workspace, tmp_path: Path) -> None:
    data = tmp_path / "projects.csv"
    data.write_text(
        CSV_HEADER + "P-1;Road;Kenya;Completed;5;USD;;;\nP-2;Rail;Narnia;Completed;5;USD;;;\n"
    )
    before = fingerprint(ws)
    with pytest.raises(ImportRejected, match="row 3, field recipient"):
        import_file(ws, "table", data, options={"mapping": mapping(tmp_path, EUROPEAN)})
    assert fingerprint(ws) == before


GCDF_MAPPING = """\
[table]
dataset = "gcdf3-ge10m-table"
title = "GCDF 3.0 projects of USD 10 million and more"
citation = "AidData (2023), Global Chinese Development Finance Dataset, Version 3.0"
licence = "ODC-By 1.0"
identifier_prefix = "gcdf3-table-"

[columns]
identifier = "AidData Record ID"
title = "Title"
description = "Description"
status = "Status"
recipient = "Recipient"
commitment_year = "Commitment Year"
amount_usd_constant = "Adjusted Amount (Constant USD 2021)"
flow_class = "Flow Class"

[values.status]
"Completion" = 3
"Implementation" = 2
"Pipeline: Commitment" = 1

[defaults]
base_year = 2021
"""


def test_a_real_aiddata_table_through_a_mapping(ws: Workspace, tmp_path: Path) -> None:
    import pandas as pd

    path = shared_file("aiddata-gcdf3/df_filtered_gcdf3_ge10m.csv")
    frame = pd.read_csv(path)
    regional = frame["Recipient"].str.endswith(", regional")  # not a country: rejected
    rules = mapping(tmp_path, GCDF_MAPPING)
    progress = RecordingProgress()

    report = import_file(
        ws, "table", path, on_error="skip", progress=progress, options={"mapping": rules}
    )

    assert report.dataset == "gcdf3-ge10m-table"
    assert report.records_valid == report.inserted == len(frame) - int(regional.sum())
    assert [(e.field, e.value) for e in report.rejected] == [
        ("recipient", name) for name in frame.loc[regional, "Recipient"]
    ]
    assert progress.tasks == ["reading df_filtered_gcdf3_ge10m.csv"]
    source = frame.iloc[0]
    P = models.Project
    with ws.reading() as connection:
        stored = connection.execute(
            select(
                P.title, P.status, P.amount_usd_constant, P.amount_base_year, P.flow_class
            ).where(P.identifier == f"gcdf3-table-{source['AidData Record ID']}")
        ).one()
        info = inventory.dataset(connection, "gcdf3-ge10m-table")
    assert tuple(stored) == (
        source["Title"],
        {"Completion": 3, "Implementation": 2, "Pipeline: Commitment": 1}[source["Status"]],
        pytest.approx(source["Adjusted Amount (Constant USD 2021)"]),
        2021,
        source["Flow Class"],
    )
    assert info is not None
    assert info.licence == "ODC-By 1.0"

    again = import_file(ws, "table", path, on_error="skip", options={"mapping": rules})
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, report.inserted)


def test_table_on_both_back_ends(workspace: Workspace, tmp_path: Path) -> None:
    data = tmp_path / "projects.csv"
    data.write_text(
        CSV_HEADER
        + "P-1;Coastal road;Kenya;Completed;1.234,5;CNY;01.03.2019;China Eximbank;Roads\n"
    )
    rules = mapping(tmp_path, EUROPEAN)
    assert import_file(workspace, "table", data, options={"mapping": rules}).inserted == 1
    again = import_file(workspace, "table", data, options={"mapping": rules})
    assert again.unchanged == 1
    with workspace.reading() as connection:
        row = connection.execute(
            select(models.Project.identifier, models.Project.amount_original)
        ).one()
    assert tuple(row) == ("ministry-P-1", 1234.5)
