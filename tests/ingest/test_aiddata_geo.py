"""``gcdf3-geo``: the GeoGCDF 3.0 project list joined to its ADM1/ADM2 location files."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from beltroad.errors import InvalidInput
from beltroad.services.imports import ImportRejected, import_file
from beltroad.services.workspace import Workspace
from beltroad.storage import inventory, models
from tests.conftest import shared_file
from tests.ingest import aiddata_support
from tests.ingest.aiddata_support import fingerprint, write_csv

FOLDER = "aiddata-gcdf3"
PROJECTS = f"{FOLDER}/geogcdf3_final_input.csv"
DATASET = "aiddata-geogcdf3"
START = "Actual.Implementation.Start.Date.(MM/DD/YYYY)"
END = "Actual.Completion.Date.(MM/DD/YYYY)"
AMOUNT = "Amount.(Constant.USD.2021)"
COLUMNS = [
    "Level.of.precision",
    "Type.of.the.OSM.feature",
    "OSM.link",
    "AidData.Record.ID",
    AMOUNT,
    "Title",
    "Status",
    "Sector.Name",
    "Recipient",
    "Recipient.ISO-3",
    "Infrastructure",
    "Commitment.Year",
    "Implementation.Start.Year",
    "Completion.Year",
    "Commitment.Date.(MM/DD/YYYY)",
    START,
    END,
]
ADM_COLUMNS = [
    "id",
    "shapeID",
    "shapeGroup",
    "shapeName",
    "intersection_ratio",
    "even_split_ratio",
    "intersection_ratio_commitment_value",
    "even_split_ratio_commitment_value",
    "centroid_longitude",
    "centroid_latitude",
]
#: The documented AidData sector -> DAC 3-digit mapping, restated as the specification.
DAC3 = {
    "EDUCATION": "111",
    "HEALTH": "121",
    "POPULATION POLICIES/PROGRAMMES AND REPRODUCTIVE HEALTH": "130",
    "WATER SUPPLY AND SANITATION": "140",
    "GOVERNMENT AND CIVIL SOCIETY": "151",
    "OTHER SOCIAL INFRASTRUCTURE AND SERVICES": "160",
    "TRANSPORT AND STORAGE": "210",
    "COMMUNICATIONS": "220",
    "ENERGY": "231",
    "BUSINESS AND OTHER SERVICES": "250",
    "AGRICULTURE, FORESTRY, FISHING": "311",
    "INDUSTRY, MINING, CONSTRUCTION": "321",
    "TRADE POLICIES AND REGULATIONS": "331",
    "GENERAL ENVIRONMENTAL PROTECTION": "410",
    "OTHER MULTISECTOR": "430",
    "GENERAL BUDGET SUPPORT": "510",
    "DEVELOPMENTAL FOOD AID/FOOD SECURITY ASSISTANCE": "520",
    "OTHER COMMODITY ASSISTANCE": "530",
    "EMERGENCY RESPONSE": "720",
    "RECONSTRUCTION RELIEF AND REHABILITATION": "730",
    "DISASTER PREVENTION AND PREPAREDNESS": "740",
}


sqlite_ws = aiddata_support.sqlite_ws


# --- the real files -----------------------------------------------------------------------------


def test_real_geogcdf_with_adm_locations(sqlite_ws: Workspace) -> None:
    import pandas as pd

    path = shared_file(PROJECTS)
    adm1_path = shared_file(f"{FOLDER}/GCDF_3.0_ADM1_Locations.csv")
    report = import_file(sqlite_ws, "gcdf3-geo", path)

    source = pd.read_csv(path, dtype=str, keep_default_na=False)
    reversed_dates = pd.to_datetime(source[END], errors="coerce") < pd.to_datetime(
        source[START], errors="coerce"
    )
    # Rows are reported by the line a record ends on (some fields hold newlines).
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        record_at_line = {}
        for entry in reader:
            record_at_line[reader.line_num] = entry["AidData.Record.ID"]
    # The published list has 13 records that complete before they start: kept, flagged.
    assert report.rejected == []
    assert {f["field"] for f in report.flags} == {END}
    assert {record_at_line[f["row"]] for f in report.flags} == set(
        source.loc[reversed_dates, "AidData.Record.ID"]
    )
    assert report.flagged == {"date_order": 13}
    assert report.inserted == 9404

    kept = source
    adm1_ids = set(pd.read_csv(adm1_path, dtype=str)["id"])
    project, location = models.Project, models.Location
    with sqlite_ws.reading() as connection:
        with_adm1 = connection.execute(
            select(func.count(func.distinct(location.project_id)))
            .join(project, project.id == location.project_id)
            .where(project.dataset == DATASET, location.admin_level == 1)
        ).scalar_one()
        by_sector = dict(
            connection.execute(
                select(models.ProjectSector.code, func.sum(project.amount_usd_constant))
                .join(project, project.id == models.ProjectSector.project_id)
                .where(project.dataset == DATASET)
                .group_by(models.ProjectSector.code)
            ).all()
        )
        regional = dict(
            connection.execute(
                select(models.ProjectRegion.code, func.count())
                .join(project, project.id == models.ProjectRegion.project_id)
                .where(project.dataset == DATASET)
                .group_by(models.ProjectRegion.code)
            ).all()
        )
        check_luanda_hospital(connection)
    # 9,285 of the 9,404 projects have an ADM1 centroid.
    assert len(adm1_ids & set(source["AidData.Record.ID"])) == 9285
    assert with_adm1 == 9285

    amounts = pd.to_numeric(kept[AMOUNT], errors="coerce")
    expected = amounts.groupby(kept["Sector.Name"].map(DAC3)).sum(min_count=1).dropna()
    assert set(by_sector) == set(kept["Sector.Name"].map(DAC3))
    assert {k: v for k, v in by_sector.items() if v is not None} == pytest.approx(
        expected.to_dict(), rel=1e-12
    )
    # Regional records: Africa 13, Multi-Region 3, Asia 2, Oceania 1; no recipient country.
    assert regional == {"298": 13, "998": 3, "798": 2, "889": 1}

    again = import_file(sqlite_ws, "gcdf3-geo", path)
    assert again.records_written == 0
    assert again.unchanged == 9404


def check_luanda_hospital(connection: Any) -> None:
    """Record 4: a 2001 interest-free loan for Luanda General Hospital, Angola."""
    project = models.Project
    hospital = connection.execute(
        select(project).where(project.identifier == "AidData-GeoGCDF3-4")
    ).one()
    country = connection.execute(
        select(models.ProjectCountry.iso3).where(models.ProjectCountry.project_id == hospital.id)
    ).scalar_one()
    sector = connection.execute(
        select(models.ProjectSector.code).where(models.ProjectSector.project_id == hospital.id)
    ).scalar_one()
    places = connection.execute(
        select(
            models.Location.admin_level,
            models.Location.name,
            models.Location.admin_code,
            models.Location.share,
            models.Location.lat,
            models.Location.lon,
            models.Location.precision,
        )
        .where(models.Location.project_id == hospital.id)
        .order_by(models.Location.admin_level)
    ).all()
    commitment = connection.execute(
        select(models.Transaction.type, models.Transaction.date).where(
            models.Transaction.project_id == hospital.id
        )
    ).one()
    assert hospital.title.startswith("Chinese Government provides $6 million interest-free loan")
    assert (hospital.status, hospital.commitment_year) == (3, 2001)
    assert hospital.amount_usd_constant == pytest.approx(15_087_226.6044798)
    assert hospital.amount_base_year == 2021
    assert (hospital.actual_start, hospital.actual_end) == (
        dt.date(2004, 7, 1),
        dt.date(2006, 2, 3),
    )
    assert (country, sector) == ("AGO", "121")
    assert hospital.extras["osm_links"] == ["https://www.openstreetmap.org/way/60355326"]
    assert [tuple(p)[:4] for p in places] == [
        (1, "Luanda", "26408823B17220104796328", 1.0),
        (2, "Luanda", "91424787B55521153380221", 1.0),
    ]
    assert places[0].lat == pytest.approx(-9.617784081332585)
    assert places[0].lon == pytest.approx(13.790743411857392)
    assert [p.precision for p in places] == [4, 3]  # first- and second-order admin division
    assert tuple(commitment) == (2, dt.date(2001, 5, 23))


# --- small files --------------------------------------------------------------------------------


def project(record_id: int, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "Level.of.precision": "PRECISE",
        "Type.of.the.OSM.feature": "Polygon",
        "OSM.link": "https://www.openstreetmap.org/way/1",
        "AidData.Record.ID": record_id,
        AMOUNT: 1_000_000.5,
        "Title": f"Test clinic {record_id}",
        "Status": "Completion",
        "Sector.Name": "HEALTH",
        "Recipient": "Lao People's Democratic Republic",
        "Recipient.ISO-3": "LAO",
        "Infrastructure": "Yes",
        "Commitment.Year": 2012,
        "Commitment.Date.(MM/DD/YYYY)": "2012-05-01",
        START: "2013-01-01",
        END: "2014-06-30",
    }
    values.update(changes)
    return values


def adm_row(record_id: int, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "id": record_id,
        "shapeID": f"TEST{record_id}",
        "shapeGroup": "LAO",
        "shapeName": "Vientiane",
        "intersection_ratio": 0.75,
        "even_split_ratio": 0.5,
        "centroid_longitude": 102.6,
        "centroid_latitude": 17.97,
    }
    values.update(changes)
    return values


def test_small_files_with_and_without_adm_files(workspace: Workspace, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "geogcdf3_final_input.csv", COLUMNS, [project(1), project(2)])
    report = import_file(workspace, "gcdf3-geo", path)
    assert report.inserted == 2
    with workspace.reading() as connection:
        [dataset] = [d for d in inventory.datasets(connection) if d.name == DATASET]
        n_locations = connection.execute(select(func.count()).select_from(models.Location))
        assert n_locations.scalar_one() == 0
    # Absent location files are said, in the dataset's title, and the projects still import.
    assert "GCDF_3.0_ADM1_Locations.csv not found beside the file" in dataset.title
    assert dataset.licence == "ODC-By 1.0 (OSM link columns: ODbL)"

    elsewhere = tmp_path / "adm"
    elsewhere.mkdir()
    adm1 = write_csv(elsewhere / "adm1.csv", ADM_COLUMNS, [adm_row(1), adm_row(2), adm_row(99)])
    report = import_file(workspace, "gcdf3-geo", path, options={"adm1": adm1})
    assert report.updated == 2
    write_csv(tmp_path / "GCDF_3.0_ADM2_Locations.csv", ADM_COLUMNS, [adm_row(1, shapeID="D1")])
    report = import_file(workspace, "gcdf3-geo", path, options={"adm1": adm1})
    assert report.updated == 1  # record 2 has no ADM2 unit: unchanged
    with workspace.reading() as connection:
        places = connection.execute(
            select(models.Location.admin_level, models.Location.admin_code, models.Location.share)
            .join(models.Project, models.Project.id == models.Location.project_id)
            .where(models.Project.identifier == "AidData-GeoGCDF3-1")
            .order_by(models.Location.admin_level)
        ).all()
    assert [tuple(p) for p in places] == [(1, "TEST1", 0.75), (2, "D1", 0.75)]


def test_adm_option_naming_a_missing_file(sqlite_ws: Workspace, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", COLUMNS, [project(1)])
    with pytest.raises(InvalidInput, match="ADM1 location file not found"):
        import_file(sqlite_ws, "gcdf3-geo", path, options={"adm1": tmp_path / "nope.csv"})


def test_bad_value_in_a_location_file_is_a_file_error(sqlite_ws: Workspace, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", COLUMNS, [project(1)])
    write_csv(
        tmp_path / "GCDF_3.0_ADM1_Locations.csv",
        ADM_COLUMNS,
        [adm_row(1), adm_row(1, shapeID="X", centroid_latitude=123.4)],
    )
    before = fingerprint(sqlite_ws)
    with pytest.raises(InvalidInput) as caught:
        import_file(sqlite_ws, "gcdf3-geo", path)
    [problem] = caught.value.problems
    assert (problem.row, problem.field, problem.value) == (3, "centroid_latitude", "123.4")
    assert "GCDF_3.0_ADM1_Locations.csv" in str(problem.file)
    assert "expected a number from -90 to 90" in problem.reason
    assert fingerprint(sqlite_ws) == before


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({AMOUNT: "1.2 million"}, AMOUNT, "not a number"),
        ({END: "2012-12-31"}, END, "actual completion before actual start"),
        ({START: "2013-02-30"}, START, "not a date"),
        ({"Commitment.Year": 1899}, "Commitment.Year", "year out of range"),
        ({"Sector.Name": "SPACE"}, "Sector.Name", "unknown AidData sector"),
        ({"Recipient.ISO-3": "", "Recipient": "Atlantis"}, "Recipient", "unknown recipient"),
    ],
)
def test_bad_values_are_row_errors_and_nothing_is_written(
    sqlite_ws: Workspace, tmp_path: Path, changes: dict[str, Any], field: str, reason: str
) -> None:
    path = write_csv(tmp_path / "p.csv", COLUMNS, [project(1), project(2, **changes)])
    before = fingerprint(sqlite_ws)
    with pytest.raises(ImportRejected) as caught:
        # strict: unreadable values are rejected either way; dates out of order only so
        import_file(sqlite_ws, "gcdf3-geo", path, strict=True)
    assert fingerprint(sqlite_ws) == before
    [error] = caught.value.report.rejected
    assert (error.row, error.field) == (3, field)
    assert reason in error.reason


def test_blank_amount_is_unknown_and_duplicates_are_rejected(
    sqlite_ws: Workspace, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "p.csv", COLUMNS, [project(1, **{AMOUNT: ""}), project(1)])
    report = import_file(sqlite_ws, "gcdf3-geo", path, on_error="skip")
    [dup] = report.rejected
    assert (dup.row, dup.field, dup.value) == (3, "id", "AidData-GeoGCDF3-1")
    with sqlite_ws.reading() as connection:
        amount = connection.execute(select(models.Project.amount_usd_constant)).scalar_one()
    assert amount is None


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", r"empty \(0 bytes\)"),
        (",".join(COLUMNS).encode() + b"\n", "no data rows"),
        (",".join(COLUMNS).encode("utf-16"), "UTF-16"),
        (",".join(c for c in COLUMNS if c != "Title").encode() + b"\n", "'Title'"),
    ],
)
def test_unreadable_files(
    sqlite_ws: Workspace, tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(content)
    before = fingerprint(sqlite_ws)
    with pytest.raises(InvalidInput, match=expected):
        import_file(sqlite_ws, "gcdf3-geo", path)
    assert fingerprint(sqlite_ws) == before
