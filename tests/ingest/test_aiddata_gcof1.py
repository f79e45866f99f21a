"""``gcof1``: AidData GCOF 1.0, the real workbook and small files in its layout."""

from __future__ import annotations

import datetime as dt
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
from tests.ingest.aiddata_support import fingerprint

GCOF = "aiddata-gcof1/AidData_GlobalChineseOfficialFinanceDataset_v1.0.xlsx"
DATASET = "aiddata-gcof1"
HEADER = [
    "project_id",
    "recommended_for_research",
    "umbrella",
    "year",
    "funding_agency",
    "implementing_agency",
    "recipient_condensed",
    "title",
    "status",
    "flow",
    "flow_class",
    "amount",
    "currency",
    "usd_defl_2014",
    "usd_current",
    "crs_sector_code",
    "crs_sector_name",
    "start_actual",
    "end_actual",
    "recipient_iso3",
    "interest_rate",
    "maturity",
]


sqlite_ws = aiddata_support.sqlite_ws


def row(project_id: int, **changes: Any) -> list[Any]:
    """A valid GCOF row (a 2010 loan to Kenya), with ``changes`` by column name."""
    values: dict[str, Any] = {
        "project_id": project_id,
        "recommended_for_research": True,
        "umbrella": 0,
        "year": 2010,
        "funding_agency": "Export-Import Bank of China, Government Agency",
        "implementing_agency": "China Road & Bridge Corporation (CRBC), State-Owned Company",
        "recipient_condensed": "Kenya",
        "title": f"Test road {project_id}",
        "status": "Completion",
        "flow": "Loan (excluding debt rescheduling)",
        "flow_class": "OOF-like",
        "amount": 1_000_000,
        "currency": "USD",
        "usd_defl_2014": 1_100_000.5,
        "usd_current": 1_000_000,
        "crs_sector_code": 210,
        "crs_sector_name": "Transport and Storage",
        "start_actual": dt.datetime(2011, 1, 1),
        "end_actual": dt.datetime(2013, 6, 30),
        "recipient_iso3": "KEN",
        "interest_rate": 2,
        "maturity": 20,
    }
    values.update(changes)
    return [values[name] for name in HEADER]


def gcof_xlsx(path: Path, rows: list[list[Any]], *, title_rows: int = 0) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "ChineseOfficialFinance1.0"
    for _ in range(title_rows):
        sheet.append(["AidData GCOF 1.0 (test copy)"])
    sheet.append(HEADER)
    for values in rows:
        sheet.append(values)
    book.save(path)
    return path


# --- the real workbook ----------------------------------------------------------------------------


def test_real_gcof_workbook(sqlite_ws: Workspace) -> None:
    import pandas as pd

    path = shared_file(GCOF)
    report = import_file(sqlite_ws, "gcof1", path)

    # Imported as published: two rows end before they start (project 493: planned; 44555:
    # actual) and 23 name the currency " D"; all are kept, flagged.
    assert report.rows_read == 5466
    assert report.rejected == []
    assert report.inserted == 5466
    dates = {(f["row"], f["field"], f["code"]) for f in report.flags if "date" in f["code"]}
    assert dates == {
        (222, "end_planned", "date_order:planned_end<planned_start"),
        (5321, "end_actual", "date_order:actual_end<actual_start"),
    }
    assert report.flagged == {"currency": 23, "date_order": 2}
    assert report.flagged_records == 25

    source = pd.read_excel(
        path,
        sheet_name="ChineseOfficialFinance1.0",
        engine="openpyxl",
        usecols=["project_id", "recommended_for_research", "umbrella", "usd_defl_2014"],
    )
    kept = source
    recommended = kept[kept["recommended_for_research"]]
    # AidData's blank-string amounts are unknown: pandas sees them as text, not numbers.
    expected_sum = pd.to_numeric(recommended["usd_defl_2014"], errors="coerce").sum()
    project = models.Project
    with sqlite_ws.reading() as connection:
        n_recommended, total, base_years = connection.execute(
            select(
                func.count(),
                func.sum(project.amount_usd_constant),
                func.count(func.distinct(project.amount_base_year)),
            ).where(project.dataset == DATASET, project.recommended_for_aggregates.is_(True))
        ).one()
        umbrellas = connection.execute(
            select(func.count()).where(project.dataset == DATASET, project.is_umbrella.is_(True))
        ).scalar_one()
        qualities = dict(
            connection.execute(
                select(project.source_record_id, project.quality).where(
                    project.dataset == DATASET, project.quality != "ok"
                )
            ).all()
        )
        check_mekin_hydropower(connection)
        check_regional_record(connection)
    assert qualities["493"] == qualities["44555"] == "date_order"
    assert len(qualities) == 25
    # 4,373 rows are recommended for research, the two flagged for their dates among them.
    assert int(source["recommended_for_research"].sum()) == 4373
    assert n_recommended == len(recommended) == 4373
    assert total == pytest.approx(expected_sum, rel=1e-12)
    assert base_years == 1
    assert umbrellas == int((kept["umbrella"] == 1).sum()) == 399

    again = import_file(sqlite_ws, "gcof1", path)
    assert again.records_written == 0
    assert again.unchanged == 5466
    assert again.flagged == report.flagged

    strict = import_file(sqlite_ws, "gcof1", path, on_error="skip", strict=True, dry_run=True)
    assert len(strict.rejected) == 25
    assert strict.records_valid == 5466 - 25


def check_mekin_hydropower(connection: Any) -> None:
    """Project 974, Mekin Hydropower Station (Cameroon), a 2010 China Eximbank loan."""
    project = models.Project
    mekin = connection.execute(
        select(project).where(project.identifier == "AidData-GCOF1-974")
    ).one()
    countries = connection.execute(
        select(models.ProjectCountry.iso3).where(models.ProjectCountry.project_id == mekin.id)
    ).all()
    sectors = connection.execute(
        select(models.ProjectSector.vocabulary, models.ProjectSector.code).where(
            models.ProjectSector.project_id == mekin.id
        )
    ).all()
    terms = connection.execute(
        select(models.LoanTerms).where(models.LoanTerms.project_id == mekin.id)
    ).one()
    organisation, participation = models.Organisation, models.Participation
    roles = connection.execute(
        select(organisation.name, organisation.org_type, participation.role)
        .join(participation, participation.organisation_id == organisation.id)
        .where(participation.project_id == mekin.id)
    ).all()
    assert mekin.title == "Mekin Hydropower Station"
    assert mekin.source_record_id == "974"
    assert mekin.status == 2  # Implementation
    assert (mekin.flow_class, mekin.flow_type, mekin.finance_type) == ("ODA-like", 10, 421)
    assert (mekin.amount_currency, mekin.amount_original) == ("USD", 53_400_000)
    assert mekin.amount_usd_constant == pytest.approx(72_469_075.26)
    assert mekin.amount_base_year == 2014
    assert (mekin.actual_start, mekin.actual_end) == (dt.date(2010, 7, 1), dt.date(2014, 7, 1))
    assert mekin.recommended_for_aggregates is True
    assert countries == [("CMR",)]
    assert sectors == [("2", "231")]  # DAC 3-digit: energy, general
    assert (terms.interest_rate_pct, terms.maturity_years, terms.grace_period_years) == (2, 19.5, 4)
    assert terms.grant_element_pct == pytest.approx(51.94)
    assert ("Export-Import Bank of China", 10, "funding") in roles
    # A name with a comma of its own keeps it; only a known agency type is split off.
    assert ("China National Electric Engineering Co., Ltd.", 15, "implementing") in roles


def check_regional_record(connection: Any) -> None:
    """Project 570 is "Africa, regional": no country, DAC region 298, AidData's list kept."""
    project = models.Project
    regional = connection.execute(
        select(project.id, project.extras).where(project.identifier == "AidData-GCOF1-570")
    ).one()
    region = connection.execute(
        select(models.ProjectRegion.vocabulary, models.ProjectRegion.code).where(
            models.ProjectRegion.project_id == regional.id
        )
    ).one()
    countries = connection.execute(
        select(func.count()).where(models.ProjectCountry.project_id == regional.id)
    ).scalar_one()
    assert countries == 0
    assert tuple(region) == ("1", "298")
    assert regional.extras["recipient_countries"] == ["AGO", "ERI", "ETH", "NAM", "RWA"]


# --- small files --------------------------------------------------------------------------------


def test_small_file_on_both_back_ends(workspace: Workspace, tmp_path: Path) -> None:
    blank_amount = row(3, amount=" ", currency=None, usd_defl_2014=" ", usd_current=" ")
    odd_currency = row(4, currency=" D")
    path = gcof_xlsx(tmp_path / "g.xlsx", [row(1), row(2, umbrella=1), blank_amount, odd_currency])
    report = import_file(workspace, "gcof1", path)
    assert report.rejected == []
    assert report.inserted == 4
    project = models.Project
    with workspace.reading() as connection:
        found = {
            r.identifier: r
            for r in connection.execute(
                select(
                    project.identifier,
                    project.amount_usd_constant,
                    project.amount_original,
                    project.amount_currency,
                    project.recommended_for_aggregates,
                    project.is_umbrella,
                    project.extras,
                ).where(project.dataset == DATASET)
            )
        }
        transactions = connection.execute(select(func.count()).select_from(models.Transaction))
        n_transactions = transactions.scalar_one()
    assert found["AidData-GCOF1-1"].amount_usd_constant == 1_100_000.5
    assert found["AidData-GCOF1-2"].is_umbrella is True
    # " " is AidData's "unknown": stored as unknown, never as zero.
    assert found["AidData-GCOF1-3"].amount_usd_constant is None
    assert found["AidData-GCOF1-3"].amount_original is None
    # An unreadable currency code keeps the USD amounts and sets the original amount aside.
    odd = found["AidData-GCOF1-4"]
    assert (odd.amount_usd_constant, odd.amount_original, odd.amount_currency) == (
        1_100_000.5,
        None,
        None,
    )
    assert odd.extras["currency_as_given"] == "D"
    assert n_transactions == 3  # one commitment per project with a known amount
    assert import_file(workspace, "gcof1", path).unchanged == 4


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"usd_defl_2014": "about 5 million"}, "usd_defl_2014", "not a number"),
        ({"usd_current": -5}, "usd_current", "negative amount"),
        ({"end_actual": dt.datetime(2010, 6, 30)}, "end_actual", "actual completion before"),
        ({"start_actual": "31/02/2011"}, "start_actual", "not a date"),
        ({"start_actual": dt.datetime(1850, 1, 1)}, "start_actual", "out of range"),
        ({"year": 2400}, "year", "year out of range"),
        ({"status": "Finished"}, "status", "unknown status"),
        ({"crs_sector_code": 999}, "crs_sector_code", "unknown AidData sector"),
        ({"recipient_condensed": "Narnia", "recipient_iso3": None}, "recipient_condensed", ""),
        ({"title": "  "}, "title", "missing"),
    ],
)
def test_bad_values_are_row_errors_and_nothing_is_written(
    sqlite_ws: Workspace, tmp_path: Path, changes: dict[str, Any], field: str, reason: str
) -> None:
    path = gcof_xlsx(tmp_path / "g.xlsx", [row(1), row(2, **changes)])
    before = fingerprint(sqlite_ws)
    with pytest.raises(ImportRejected) as caught:
        # strict: unreadable values are rejected either way; dates out of order only so
        import_file(sqlite_ws, "gcof1", path, strict=True)
    assert fingerprint(sqlite_ws) == before
    [error] = caught.value.report.rejected
    assert (error.row, error.field) == (3, field)
    assert reason in error.reason


def test_duplicate_ids_are_rejected(sqlite_ws: Workspace, tmp_path: Path) -> None:
    path = gcof_xlsx(tmp_path / "g.xlsx", [row(1), row(2), row(1)])
    before = fingerprint(sqlite_ws)
    with pytest.raises(ImportRejected) as caught:
        import_file(sqlite_ws, "gcof1", path)
    assert fingerprint(sqlite_ws) == before
    [dup] = caught.value.report.rejected
    assert (dup.row, dup.field, dup.value) == (4, "id", "AidData-GCOF1-1")
    assert "first seen at row 2" in dup.reason


def test_header_below_a_title_block_in_a_renamed_sheet(
    sqlite_ws: Workspace, tmp_path: Path
) -> None:
    import openpyxl

    path = gcof_xlsx(tmp_path / "g.xlsx", [row(1), row(2)], title_rows=4)
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet is not None
    sheet.title = "Data"
    book.save(path)
    report = import_file(sqlite_ws, "gcof1", path)
    assert report.rejected == []
    assert report.inserted == 2


def test_renamed_required_column_names_the_closest_match(
    sqlite_ws: Workspace, tmp_path: Path
) -> None:
    path = gcof_xlsx(tmp_path / "g.xlsx", [row(1)])
    import openpyxl

    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet is not None
    sheet.cell(row=1, column=HEADER.index("usd_defl_2014") + 1, value="usd_deflated_2014")
    book.save(path)
    before = fingerprint(sqlite_ws)
    with pytest.raises(InvalidInput) as caught:
        import_file(sqlite_ws, "gcof1", path)
    assert "'usd_defl_2014' (closest: 'usd_deflated_2014')" in caught.value.message
    assert fingerprint(sqlite_ws) == before


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("g.xlsx", b"", r"empty \(0 bytes\)"),
        ("g.xlsx", b"\x00\x01binary, not a workbook", r"not a readable \.xlsx"),
        ("g.csv", "project_id,title\n1,x\n".encode("utf-16"), "UTF-16"),
        ("g.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "NUL byte"),
        ("g.pdf", b"%PDF-1.4", "unsupported file type"),
    ],
)
def test_unreadable_files(
    sqlite_ws: Workspace, tmp_path: Path, name: str, content: bytes, expected: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    before = fingerprint(sqlite_ws)
    with pytest.raises(InvalidInput, match=expected):
        import_file(sqlite_ws, "gcof1", path)
    assert fingerprint(sqlite_ws) == before


def test_header_only_file_says_there_are_no_rows(sqlite_ws: Workspace, tmp_path: Path) -> None:
    path = gcof_xlsx(tmp_path / "g.xlsx", [])
    with pytest.raises(InvalidInput, match="no data rows"):
        import_file(sqlite_ws, "gcof1", path)


# --- the sheet reader under the import ------------------------------------------------------------


@pytest.mark.parametrize("epoch_1904", [False, True])
def test_fast_sheet_reader_gives_what_openpyxl_gives(tmp_path: Path, epoch_1904: bool) -> None:
    """Every cell type, sparse cells and blank rows, against ``iter_rows(values_only=True)``."""
    import openpyxl
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    from beltroad.ingest.sheets import _openpyxl_values, sheet_values

    book = openpyxl.Workbook()
    if epoch_1904:
        book.epoch = CALENDAR_MAC_1904
    sheet = book.active
    assert sheet is not None
    sheet.append(["title row"])
    sheet.append(["text", "int", "float", "big", "bool", "date", "time", "span", "formula"])
    sheet.append(
        [
            "Côte d’Ivoire & <Kenya>",
            -42,
            1_100_000.5,
            1.5e20,
            True,
            dt.datetime(2014, 2, 10, 13, 30),
            dt.time(6, 15),
            dt.timedelta(days=3, hours=2),
            "=1+2",
        ]
    )
    sheet.append([None, 0, None, None, False, dt.date(1999, 12, 31)])
    sheet.append([])  # a blank row
    sheet.cell(row=6, column=12, value="far right")  # sparse: a lone cell
    sheet.cell(row=7, column=1, value="SHARED")
    sheet.cell(row=7, column=2, value="ERROR")
    sheet.cell(row=7, column=3, value="RICH")
    path = tmp_path / "cells.xlsx"
    book.save(path)
    # openpyxl writes inline strings; Excel writes a shared-string table. Patch one in by hand,
    # with a rich-text entry (its phonetic run is not text), and an error cell.
    with_shared_strings(
        path,
        {
            '<c r="A7" t="inlineStr"><is><t>SHARED</t></is></c>': '<c r="A7" t="s"><v>0</v></c>',
            '<c r="B7" t="inlineStr"><is><t>ERROR</t></is></c>': '<c r="B7" t="e"><v>#N/A</v></c>',
            '<c r="C7" t="inlineStr"><is><t>RICH</t></is></c>': '<c r="C7" t="s"><v>1</v></c>',
        },
    )

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        worksheet = book.worksheets[0]
        fast = {n: v for n, v in sheet_values(worksheet, file=str(path))}
        fallback = {n: v for n, v in _openpyxl_values(worksheet)}
        width = worksheet.max_column
        expected = {
            n: list(v)
            for n, v in enumerate(worksheet.iter_rows(values_only=True), start=1)
            if any(x is not None for x in v)
        }
    finally:
        book.close()
    # openpyxl stores no cached value for "=1+2": openpyxl says None, the fast reader says so
    from beltroad.ingest.base import UncachedFormula

    assert fast[3][8] == UncachedFormula(worksheet.title, "I3", "1+2")
    fast[3][8] = None
    assert {n: v + [None] * (width - len(v)) for n, v in fast.items()} == expected == fallback
    assert expected[7][:3] == ["shared & <text>", "#N/A", "rich text"]
    assert expected[3][0] == "Côte d’Ivoire & <Kenya>"  # an inline string


def with_shared_strings(path: Path, cells: dict[str, str]) -> None:
    """Give an openpyxl-written workbook a shared-string table and replace ``cells`` (XML)."""
    import zipfile

    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    table = (
        f'<sst xmlns="{main}" count="2" uniqueCount="2"><si><t>shared &amp; &lt;text&gt;</t></si>'
        '<si><r><t>rich </t></r><r><t>text</t></r><rPh sb="0" eb="1"><t>PH</t></rPh></si></sst>'
    )
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name).decode() for name in source.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    for old, new in cells.items():
        assert old in sheet, old
        sheet = sheet.replace(old, new)
    parts["xl/worksheets/sheet1.xml"] = sheet
    parts["xl/sharedStrings.xml"] = table
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        "</Types>",
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        "</Relationships>",
        '<Relationship Id="rIdStrings" Target="sharedStrings.xml" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>',
    )
    with zipfile.ZipFile(path, "w") as target:
        for name, text in parts.items():
            target.writestr(name, text)


def test_corrupt_sheet_stream_is_a_clear_error(sqlite_ws: Workspace, tmp_path: Path) -> None:
    import zipfile

    path = gcof_xlsx(tmp_path / "g.xlsx", [row(n) for n in range(1, 40)])
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = sheet[: len(sheet) // 2]  # truncated mid-table
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    before = fingerprint(sqlite_ws)
    with pytest.raises(InvalidInput, match=r"sheet 'ChineseOfficialFinance1\.0' cannot be read"):
        import_file(sqlite_ws, "gcof1", path)
    assert fingerprint(sqlite_ws) == before
