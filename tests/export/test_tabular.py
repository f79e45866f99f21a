"""CSV, XLSX, Parquet and GeoJSON exports: readable, attributed and formula-safe."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from beltroad.errors import InvalidInput
from beltroad.export.tabular import neutralise
from beltroad.records import (
    CountrySplit,
    LocationRecord,
    Money,
    OrgRef,
    Participation,
    ProjectRecord,
    Provenance,
    SectorSplit,
)
from beltroad.services.tabular_export import export_table, project_filter
from beltroad.services.workspace import Workspace
from beltroad.storage import inventory, writes


def records() -> list[ProjectRecord]:
    bank = OrgRef(name="Example Policy Bank", ref="XE-EXAMPLE-BANK", org_type=10)
    return [
        ProjectRecord(
            identifier="XE-EXAMPLE-1",
            title='=HYPERLINK("http://evil","click")',
            provenance=Provenance(dataset="example", source_record_id="1"),
            status=2,
            commitment_year=2019,
            amount=Money(
                currency="USD", original=1e8, usd_nominal=1e8, usd_constant=1.1e8, base_year=2021
            ),
            countries=(CountrySplit("PAK", 60), CountrySplit("AFG", 40)),
            sectors=(SectorSplit("21020"),),
            participations=(Participation(bank, "funding"),),
            locations=(LocationRecord(name="Karachi", lat=24.86, lon=67.01),),
            planned_start=dt.date(2019, 3, 1),
        ),
        ProjectRecord(
            identifier="XE-EXAMPLE-2",
            title="Solar park",
            provenance=Provenance(dataset="example", source_record_id="2"),
            status=3,
            countries=(CountrySplit("KEN"),),
            sectors=(SectorSplit("23230"),),
        ),
    ]


@pytest.fixture
def loaded(workspace: Workspace) -> Workspace:
    with workspace.writing() as connection:
        writes.write_projects(connection, records())
        inventory.record_dataset(
            connection,
            name="example",
            title="Example data",
            citation="Example (2026), cited",
            licence="CC0",
            is_synthetic=False,
            records=2,
            parameters=None,
        )
    return workspace


def test_csv_is_readable_safe_and_attributed(loaded: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "projects.csv"
    report = export_table(loaded, "csv", out)
    assert report.records == 2
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    first = next(r for r in rows if r["identifier"] == "XE-EXAMPLE-1")
    assert first["title"].startswith("'=HYPERLINK")
    assert first["status"] == "Implementation"
    assert first["recipient_countries"] == "Afghanistan (40%); Pakistan (60%)"
    assert first["sectors"].startswith("Road transport")
    assert first["financiers"] == "Example Policy Bank"
    assert first["planned_start"] == "2019-03-01"
    sidecar = Path(f"{out}.sources.txt").read_text(encoding="utf-8")
    assert "Example (2026), cited" in sidecar


def test_xlsx_has_a_sources_sheet_and_inert_formulas(loaded: Workspace, tmp_path: Path) -> None:
    import openpyxl

    out = tmp_path / "projects.xlsx"
    export_table(loaded, "xlsx", out)
    book = openpyxl.load_workbook(out)
    sheet = book["projects"]
    header = [c.value for c in sheet[1]]
    titles = [row[header.index("title")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert all(not str(t).startswith("=") for t in titles)
    assert sheet.cell(row=2, column=header.index("title") + 1).data_type == "s"
    assert "Example (2026), cited. Licence: CC0." in [c.value for c in book["sources"]["A"]]


def test_parquet_keeps_types_and_sources(loaded: Workspace, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    out = tmp_path / "projects.parquet"
    export_table(loaded, "parquet", out)
    table = pq.read_table(out)
    assert table.num_rows == 2
    assert b"Example (2026)" in table.schema.metadata[b"sources"]
    amounts = dict(
        zip(table["identifier"].to_pylist(), table["amount_usd_constant"].to_pylist(), strict=True)
    )
    assert amounts["XE-EXAMPLE-1"] == pytest.approx(1.1e8)
    assert amounts["XE-EXAMPLE-2"] is None  # unknown stays unknown, not 0


def test_geojson_points_in_lon_lat_order(loaded: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "projects.geojson"
    report = export_table(loaded, "geojson", out)
    assert report.records == 1
    data = json.loads(out.read_text(encoding="utf-8"))
    [feature] = data["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [67.01, 24.86]}
    assert feature["properties"]["identifier"] == "XE-EXAMPLE-1"


def test_filters(loaded: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "ken.csv"
    assert export_table(loaded, "csv", out, project_filter(country="Kenya")).records == 1
    assert export_table(loaded, "csv", out, project_filter(status=2)).records == 1
    assert export_table(loaded, "csv", out, project_filter(dataset="none")).records == 0


def test_bad_requests_are_explained(loaded: Workspace, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="expected one of csv"):
        export_table(loaded, "pdf", tmp_path / "x.pdf")
    with pytest.raises(InvalidInput, match="output folder does not exist"):
        export_table(loaded, "csv", tmp_path / "missing" / "x.csv")
    with pytest.raises(InvalidInput, match="ActivityStatus"):
        project_filter(status=9)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "+1"),  # text that is exactly a number is a number, never a formula
        ("-1", "-1"),
        ("+1+1", "'+1+1"),
        ("-1+cmd|' /C calc'!A0", "'-1+cmd|' /C calc'!A0"),
        ("\uff1d1+1", "'\uff1d1+1"),
        ("|cmd", "'|cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=x", "'\t=x"),
        ("plain", "plain"),
        (-5, -5),
        (None, None),
    ],
)
def test_neutralise(value: object, expected: object) -> None:
    assert neutralise(value) == expected
