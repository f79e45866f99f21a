"""Country indicators (WGI, GPR, ND-GAIN, IMF WEO debt): real files, counts, bad input."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from beltroad.errors import InvalidInput
from beltroad.ingest.base import Row, RowError
from beltroad.ingest.indicators import (
    GPR_VINTAGE,
    INDICATORS,
    NDGAIN_VINTAGE,
    WGI_VINTAGE,
    GprImporter,
    ImfDebtImporter,
    NdGainImporter,
    WgiImporter,
)
from beltroad.progress import RecordingProgress
from beltroad.services.imports import ImportRejected, import_file
from beltroad.services.setup import initialise
from beltroad.services.workspace import Workspace, open_workspace
from beltroad.settings import Settings
from beltroad.storage import inventory, models
from tests.conftest import shared_file

CI = models.CountryIndicator


@pytest.fixture
def ws(sqlite_settings: Settings) -> Iterator[Workspace]:
    initialise(sqlite_settings)
    workspace = open_workspace(sqlite_settings)
    try:
        yield workspace
    finally:
        workspace.close()


def stored(ws: Workspace, **where: str) -> dict[tuple[str, str, str], tuple[float | None, str]]:
    """(iso3, indicator, period) -> (value, vintage) of the stored indicators matching ``where``."""
    query = select(CI.iso3, CI.indicator, CI.period, CI.value, CI.vintage)
    for name, value in where.items():
        query = query.where(getattr(CI, name) == value)
    with ws.reading() as connection:
        return {(i, n, p): (v, vin) for i, n, p, v, vin in connection.execute(query)}


def count(ws: Workspace, dataset: str) -> int:
    with ws.reading() as connection:
        return int(
            connection.execute(select(func.count()).where(CI.dataset == dataset)).scalar_one()
        )


def fingerprint(ws: Workspace) -> dict[str, list[tuple[Any, ...]]]:
    with ws.reading() as connection:
        return inventory.table_fingerprint(connection)


def items(importer: Any, path: Path) -> tuple[list[Any], list[RowError]]:
    found = list(importer.read(path))
    return (
        [i.record for i in found if isinstance(i, Row)],
        [i for i in found if isinstance(i, RowError)],
    )


def test_every_indicator_name_is_documented_and_fits_the_schema() -> None:
    assert len([n for n in INDICATORS if n.startswith("wgi.")]) == 18
    assert all(len(name) <= 64 for name in INDICATORS)
    for vintage in (WGI_VINTAGE, GPR_VINTAGE, NDGAIN_VINTAGE.format(first=1995, last=2100)):
        assert len(vintage) <= 64
    assert "re-saved copy" in GPR_VINTAGE


# --- WGI -----------------------------------------------------------------------------------------


@pytest.mark.slow
def test_wgi_real_file_imports_every_reported_value(ws: Workspace) -> None:
    import pandas as pd

    path = shared_file("wgi/wgidataset.xlsx")
    frame = pd.read_excel(path, engine="openpyxl")
    # Netherlands Antilles (ANT) is kept as a historic territory (ISO 3166-3), so every
    # reported value imports and the default fail mode succeeds.
    expected = sum(
        int((frame[column] != "..").sum()) for column in ("estimate", "stddev", "pctrank")
    )
    progress = RecordingProgress()
    report = import_file(ws, "wgi", path, progress=progress)

    assert report.dataset == "wgi"
    assert report.records_valid == report.inserted == expected
    assert report.rejected == []
    assert progress.tasks == ["reading wgidataset.xlsx"]
    assert count(ws, "wgi") == expected

    china = frame[(frame["code"] == "CHN") & (frame["year"] == 2023) & (frame["indicator"] == "va")]
    values = stored(ws, iso3="CHN", period="2023")
    assert values[("CHN", "wgi.va.estimate", "2023")] == (
        pytest.approx(float(china["estimate"].iloc[0])),
        "WGI 2024 update",
    )
    assert values[("CHN", "wgi.va.pctrank", "2023")][0] == pytest.approx(
        float(china["pctrank"].iloc[0])
    )
    # WGI's own codes resolve through the exact name: ROM is Romania, ZAR the DR Congo.
    assert stored(ws, iso3="ROU", indicator="wgi.cc.estimate")
    assert stored(ws, iso3="COD", indicator="wgi.cc.estimate")

    with ws.reading() as connection:
        info = inventory.dataset(connection, "wgi")
    assert info is not None
    assert info.citation == "World Bank, Worldwide Governance Indicators, 2024 update"
    assert info.licence == "CC BY 4.0"

    again = import_file(ws, "wgi", path, on_error="skip")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, expected)


def wgi_xlsx(path: Path, rows: list[list[Any]], header: list[str] | None = None) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(
        header
        or ["code", "countryname", "year", "indicator", "estimate", "stddev", "nsource", "pctrank"]
    )
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_wgi_missing_values_are_skipped_and_bad_values_are_row_errors(tmp_path: Path) -> None:
    path = wgi_xlsx(
        tmp_path / "wgi.xlsx",
        [
            ["PAK", "Pakistan", 2022, "va", -0.9, 0.12, 9, 25.1],  # row 2
            ["ASM", "American Samoa", 2022, "va", "..", "..", "..", ".."],  # row 3: missing
            ["PAK", "Pakistan", 2022, "cc", "abc", 0.1, 9, 20],  # row 4
            ["NAR", "Narnia", 2022, "va", 0.1, 0.1, 1, 50],  # row 5
            ["PAK", "Pakistan", 3022, "va", 0.1, 0.1, 1, 50],  # row 6
            ["PAK", "Pakistan", 2021, "xx", 0.1, 0.1, 1, 50],  # row 7
            ["PAK", "Pakistan", 2020, "rl", 0.1, 0.1, 1, 150],  # row 8
        ],
    )
    records, errors = items(WgiImporter(), path)
    assert [(r.indicator, r.value) for r in records] == [
        ("wgi.va.estimate", -0.9),
        ("wgi.va.stderr", 0.12),
        ("wgi.va.pctrank", 25.1),
    ]
    assert {(e.row, e.field) for e in errors} == {
        (4, "estimate"),
        (5, "code"),
        (6, "year"),
        (7, "indicator"),
        (8, "pctrank"),
    }
    by_row = {e.row: e for e in errors}
    assert by_row[4].value == "abc"
    assert "not a number" in by_row[4].reason
    assert "unknown country 'NAR' / 'Narnia'" in by_row[5].reason
    assert "year out of range" in by_row[6].reason


def test_wgi_renamed_column_is_named_with_its_closest_match(tmp_path: Path) -> None:
    header = ["code", "countryname", "year", "indicator", "estimat", "stddev"]
    path = wgi_xlsx(tmp_path / "wgi.xlsx", [["PAK", "Pakistan", 2022, "va", 1, 1]], header)
    with pytest.raises(InvalidInput, match=r"'estimate' \(closest: 'estimat'\)"):
        list(WgiImporter().read(path))


def test_an_empty_wgi_file_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "wgi.xlsx"
    empty.write_bytes(b"")
    with pytest.raises(InvalidInput, match=r"the file is empty \(0 bytes\)"):
        list(WgiImporter().read(empty))


def test_wgi_rejected_import_leaves_the_database_unchanged(ws: Workspace, tmp_path: Path) -> None:
    path = wgi_xlsx(
        tmp_path / "wgi.xlsx",
        [["PAK", "Pakistan", 2022, "va", 0.5, 0.1, 3, 40], ["PAK", "Pakistan", 2022, "ge", "x"]],
    )
    before = fingerprint(ws)
    with pytest.raises(ImportRejected, match="row 3, field estimate"):
        import_file(ws, "wgi", path)
    assert fingerprint(ws) == before


# --- GPR -----------------------------------------------------------------------------------------


def test_gpr_real_file_imports_the_country_series_only(ws: Workspace) -> None:
    import xlrd

    path = shared_file("gpr/data_gpr_export.xls")
    sheet = xlrd.open_workbook(str(path)).sheet_by_index(0)
    header = sheet.row_values(0)
    series = [j for j, name in enumerate(header) if str(name).startswith(("GPRC_", "GPRHC_"))]
    expected = sum(1 for j in series for v in sheet.col_values(j, 1) if v != "")
    months = sheet.col_values(0, 1)
    row = months.index(
        xlrd.xldate.xldate_from_date_tuple((2020, 1, 1), 0)
    )  # January 2020, as the sheet stores it
    china_2020_01 = sheet.cell_value(row + 1, header.index("GPRC_CHN"))

    report = import_file(ws, "gpr", path)

    assert len(series) == 88  # 44 countries, recent and historical
    assert report.rejected == []
    assert report.records_valid == report.inserted == expected == count(ws, "gpr")
    assert report.rows_read == sheet.nrows - 1
    found = stored(ws, iso3="CHN", period="2020-01")
    assert found[("CHN", "gpr.country", "2020-01")] == (pytest.approx(china_2020_01), GPR_VINTAGE)
    with ws.reading() as connection:
        names = {n for (n,) in connection.execute(select(CI.indicator).distinct())}
        countries = connection.execute(select(func.count(CI.iso3.distinct()))).scalar_one()
    assert names == {"gpr.country", "gpr.country.historical"}
    assert countries == 44
    assert not stored(ws, indicator="gpr.country", period="1984-12")  # the recent index: 1985-

    again = import_file(ws, "gpr", path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, expected)


GPR_HEADER = "month,GPR,GPRC_CHN,GPRHC_CHN,GPRC_PAK\n"


def test_gpr_layout_read_from_csv_with_row_errors(tmp_path: Path) -> None:
    path = tmp_path / "gpr.csv"
    path.write_text(
        "month,GPR,GPRC_CHN,GPRHC_CHN,GPRC_XYZ\n"
        "2024-01-01,100,0.5,0.4,1\n"  # line 2
        "2024-02-01,101,abc,0.3,1\n"  # line 3
        "13/2024,99,0.1,0.1,1\n"  # line 4
        "1850-01-01,99,0.1,0.1,1\n"  # line 5
        "2024-03-01,,,,\n"  # line 6: nothing reported
    )
    records, errors = items(GprImporter(), path)
    assert [(r.iso3, r.indicator, r.period, r.value) for r in records] == [
        ("CHN", "gpr.country", "2024-01", 0.5),
        ("CHN", "gpr.country.historical", "2024-01", 0.4),
        ("CHN", "gpr.country.historical", "2024-02", 0.3),
    ]
    assert [(e.row, e.field, e.value) for e in errors] == [
        (1, "GPRC_XYZ", "XYZ"),
        (3, "GPRC_CHN", "abc"),
        (4, "month", "13/2024"),
        (5, "month", "1850-01-01"),
    ]
    assert "unknown country" in errors[0].reason
    assert "year out of range" in errors[3].reason


def test_gpr_bad_files_are_refused(tmp_path: Path) -> None:
    renamed = tmp_path / "gpr.csv"
    renamed.write_text("months,GPRC_CHN\n2024-01-01,1\n")
    with pytest.raises(InvalidInput, match=r"'month' \(closest: 'months'\)"):
        list(GprImporter().read(renamed))
    no_series = tmp_path / "global.csv"
    no_series.write_text("month,GPR\n2024-01-01,1\n")
    with pytest.raises(InvalidInput, match="GPRC_"):
        list(GprImporter().read(no_series))
    corrupt = tmp_path / "gpr.xls"
    corrupt.write_bytes(b"this is not a workbook")
    with pytest.raises(InvalidInput, match=r"not a readable \.xls workbook"):
        list(GprImporter().read(corrupt))
    empty = tmp_path / "empty.xls"
    empty.write_bytes(b"")
    with pytest.raises(InvalidInput, match="empty"):
        list(GprImporter().read(empty))


# --- ND-GAIN -------------------------------------------------------------------------------------


@pytest.mark.parametrize("series", ["gain", "vulnerability", "readiness"])
def test_ndgain_real_files(ws: Workspace, series: str) -> None:
    import pandas as pd

    path = shared_file(f"nd-gain/{series}.csv")
    frame = pd.read_csv(path, index_col="ISO3").drop(columns="Name")
    expected = int(frame.notna().sum().sum())
    progress = RecordingProgress()

    report = import_file(ws, "ndgain", path, progress=progress)

    assert report.rejected == []
    assert report.records_valid == report.inserted == expected == count(ws, "ndgain")
    assert progress.tasks == [f"reading {series}.csv"]
    value = stored(ws, iso3="CHN", period="2014")[("CHN", f"ndgain.{series}", "2014")]
    assert value == (
        pytest.approx(float(frame.loc["CHN", "2014"])),
        "ND-GAIN release covering 1995-2014",
    )
    again = import_file(ws, "ndgain", path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, expected)


def test_ndgain_bad_values_and_layouts(tmp_path: Path) -> None:
    gain = tmp_path / "gain.csv"
    gain.write_text(
        "ISO3,Name,2013,2014\n"
        "PAK,Pakistan,40.1 ,41.2\n"
        "XXX,Narnia,1,2\n"
        "KEN,Kenya,abc,\n"
        "ROM,Romania,50,51\n"
    )
    records, errors = items(NdGainImporter(), gain)
    assert [(r.iso3, r.period, r.value) for r in records] == [
        ("PAK", "2013", 40.1),
        ("PAK", "2014", 41.2),
        ("ROU", "2013", 50.0),
        ("ROU", "2014", 51.0),
    ]
    assert [(e.row, e.field, e.value) for e in errors] == [(3, "ISO3", "XXX"), (4, "2013", "abc")]

    renamed = tmp_path / "readiness.csv"
    renamed.write_text("ISO,Name,2014\nPAK,Pakistan,0.3\n")
    with pytest.raises(InvalidInput, match=r"'ISO3' \(closest: 'ISO'\)"):
        list(NdGainImporter().read(renamed))
    old_year = tmp_path / "vulnerability.csv"
    old_year.write_text("ISO3,Name,1850\nPAK,Pakistan,0.3\n")
    with pytest.raises(InvalidInput, match="year out of range"):
        list(NdGainImporter().read(old_year))
    unnamed = tmp_path / "scores.csv"
    unnamed.write_text("ISO3,Name,2014\nPAK,Pakistan,0.3\n")
    with pytest.raises(InvalidInput, match=r"gain\.csv, vulnerability\.csv, readiness\.csv"):
        list(NdGainImporter().read(unnamed))
    named, _ = items(NdGainImporter(series="readiness"), unnamed)
    assert {r.indicator for r in named} == {"ndgain.readiness"}
    empty = tmp_path / "gain_empty" / "gain.csv"
    empty.parent.mkdir()
    empty.write_text("")
    with pytest.raises(InvalidInput, match="empty"):
        list(NdGainImporter().read(empty))


# --- IMF WEO debt --------------------------------------------------------------------------------


def test_imf_debt_real_file_flags_projections(ws: Workspace) -> None:
    path = shared_file("imf-weo-debt/imf_debt_data.json")
    document = json.loads(path.read_text(encoding="utf-8"))
    points = [
        (p["code"], year, p["debt"], p["isProjection"])
        for year, entries in document["data"].items()
        for p in entries
        if p["debt"] is not None and p["code"] != "EUQ"  # EUQ: the European Union, an aggregate
    ]
    report = import_file(ws, "imf-debt", path)

    assert report.rejected == []
    assert report.dataset == "imf-weo-debt"
    assert report.records_valid == report.inserted == len(points) == count(ws, "imf-weo-debt")
    values = stored(ws, indicator="imf.ggxwdg_ngdp")
    projected = {k for k, (_, vintage) in values.items() if vintage.endswith(", projection")}
    assert projected == {(c, "imf.ggxwdg_ngdp", y) for c, y, _, p in points if p}
    assert {y for _, _, y in projected} == {"2027", "2028", "2029", "2030", "2031"}
    sudan = {y: d for c, y, d, _ in points if c == "SDN"}
    assert values[("SDN", "imf.ggxwdg_ngdp", "2020")][0] == pytest.approx(sudan["2020"])
    assert values[("SDN", "imf.ggxwdg_ngdp", "2020")][1] == (
        "IMF WEO DataMapper GGXWDG_NGDP, fetched 2026-08-16"
    )
    assert all(len(vintage) <= 64 for _, vintage in values.values())

    again = import_file(ws, "imf-debt", path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, len(points))


def imf_json(path: Path, timeseries: dict[str, Any]) -> Path:
    document = {"metadata": {"indicator": "GGXWDG_NGDP"}, "timeseries": timeseries}
    path.write_text(json.dumps(document, indent=2))
    return path


def test_imf_debt_bad_values(tmp_path: Path) -> None:
    def point(year: Any, debt: Any, projection: bool = False) -> dict[str, Any]:
        return {"year": year, "debt": debt, "isProjection": projection}

    path = imf_json(
        tmp_path / "debt.json",
        {
            "PAK": {"country": "Pakistan", "data": [point("2023", 74.3), point("2024", "n/a")]},
            "EUQ": {"country": "European Union", "data": [point("2023", 80.0)]},
            "XXX": {"country": "Narnia", "data": [point("2023", 1.0)]},
            "KEN": {
                "country": "Kenya",
                "data": [point("1850", 1.0), point("2028", "abc", True), point("2029", 70, True)],
            },
        },
    )
    records, errors = items(ImfDebtImporter(), path)
    assert [(r.iso3, r.period, r.value, r.vintage) for r in records] == [
        ("PAK", "2023", 74.3, "IMF WEO DataMapper GGXWDG_NGDP"),
        ("KEN", "2029", 70.0, "IMF WEO DataMapper GGXWDG_NGDP, projection"),
    ]
    # "n/a" reads as missing, not as an error; EUQ (an IMF group) is skipped; rows count points
    assert [(e.row, e.field, e.value) for e in errors] == [
        (4, "timeseries.XXX", "XXX"),
        (5, "timeseries.KEN.data[0].year", "1850"),
        (6, "timeseries.KEN.data[1].debt", "abc"),
    ]
    assert "unknown country 'XXX' / 'Narnia'" in errors[0].reason
    assert "year out of range" in errors[1].reason
    assert "not a number" in errors[2].reason


def test_imf_debt_bad_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "debt.json"
    path.write_text('{\n  "timeseries": {\n    "PAK": {"data": [}\n  }\n}\n')
    with pytest.raises(InvalidInput, match=r"not valid JSON: .* at line 3, column 22"):
        list(ImfDebtImporter().read(path))
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"data": {}}))
    with pytest.raises(InvalidInput, match="no 'timeseries' object"):
        list(ImfDebtImporter().read(other))
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"metadata": {"indicator": "NGDP_RPCH"}, "timeseries": {}}))
    with pytest.raises(InvalidInput, match="NGDP_RPCH"):
        list(ImfDebtImporter().read(wrong))
    empty = tmp_path / "empty.json"
    empty.write_text("")
    with pytest.raises(InvalidInput, match="empty"):
        list(ImfDebtImporter().read(empty))


def test_imf_rejected_import_leaves_the_database_unchanged(ws: Workspace, tmp_path: Path) -> None:
    path = imf_json(
        tmp_path / "debt.json",
        {"PAK": {"country": "Pakistan", "data": [{"year": "2023", "debt": "lots"}]}},
    )
    before = fingerprint(ws)
    with pytest.raises(ImportRejected, match="lots"):
        import_file(ws, "imf-debt", path)
    assert fingerprint(ws) == before


@pytest.mark.parametrize(
    ("kind", "name", "content", "first"),
    [
        (
            "gpr",
            "gpr.csv",
            GPR_HEADER + "2024-01-01,1,0.5,0.4,0.1\n2024-02-01,1,x,0.4,0.1\n",
            "row 3",
        ),
        ("ndgain", "gain.csv", "ISO3,Name,2014\nPAK,Pakistan,40\nXXX,Narnia,1\n", "row 3"),
    ],
)
def test_rejected_wide_imports_leave_the_database_unchanged(
    ws: Workspace, tmp_path: Path, kind: str, name: str, content: str, first: str
) -> None:
    path = tmp_path / name
    path.write_text(content)
    before = fingerprint(ws)
    with pytest.raises(ImportRejected, match=first):
        import_file(ws, kind, path)
    assert fingerprint(ws) == before


# --- both back ends ------------------------------------------------------------------------------


def test_indicators_on_both_back_ends(workspace: Workspace, tmp_path: Path) -> None:
    gain = shared_file("nd-gain/gain.csv")
    report = import_file(workspace, "ndgain", gain)
    assert report.inserted > 3000
    gpr = tmp_path / "gpr.csv"
    gpr.write_text(GPR_HEADER + "2024-01-01,100,0.5,0.4,0.2\n")
    assert import_file(workspace, "gpr", gpr).inserted == 3
    values = stored(workspace, iso3="PAK")
    assert values[("PAK", "gpr.country", "2024-01")] == (0.2, GPR_VINTAGE)
    again = import_file(workspace, "ndgain", gain)
    assert again.unchanged == report.inserted
