"""World Port Index: the real file, LOCODE checks, bad input, both back ends."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from beltroad.datasets import REGISTRY
from beltroad.errors import InvalidInput
from beltroad.ingest.base import Row, RowError
from beltroad.ingest.ports import WpiImporter
from beltroad.progress import RecordingProgress
from beltroad.reference.countries import resolve_country
from beltroad.services.imports import ImportRejected, import_file
from beltroad.services.setup import initialise
from beltroad.services.workspace import Workspace, open_workspace
from beltroad.settings import Settings
from beltroad.storage import inventory, models
from tests.conftest import shared_file

Port = models.Port
HEADER = [
    "World Port Index Number",
    "Main Port Name",
    "UN/LOCODE",
    "Country Code",
    "Latitude",
    "Longitude",
    "Harbor Size",
    "Channel Depth (m)",
    "Cargo Pier Depth (m)",
]


@pytest.fixture
def ws(sqlite_settings: Settings) -> Iterator[Workspace]:
    initialise(sqlite_settings)
    workspace = open_workspace(sqlite_settings)
    try:
        yield workspace
    finally:
        workspace.close()


def wpi_csv(path: Path, rows: list[list[Any]], header: list[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def expected_rejections(frame: Any) -> dict[int, str]:
    """Line -> field of the rows the WPI import must reject, computed straight from the file."""
    rejected: dict[int, str] = {}
    seen: set[float] = set()
    for index, row in frame.iterrows():
        line = int(index) + 2  # header is line 1
        code = str(row["UN/LOCODE"]).replace(" ", "").strip()
        iso2 = resolve_country(row["Country Code"]).iso2
        if code and (not re.fullmatch(r"[A-Z]{2}[A-Z2-9]{3}", code) or code[:2] != iso2):
            rejected[line] = "UN/LOCODE"
        elif row["World Port Index Number"] in seen:
            rejected[line] = "id"
        else:
            seen.add(row["World Port Index Number"])
    return rejected


def test_wpi_real_file(ws: Workspace) -> None:
    import pandas as pd

    path = shared_file("nga-wpi/WPI.csv")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    rejected = expected_rejections(frame)
    with_locode = frame["UN/LOCODE"].str.strip() != ""
    assert int(with_locode.sum()) == 3344  # as SOURCES.md says
    progress = RecordingProgress()

    report = import_file(ws, "wpi", path, on_error="skip", progress=progress)

    assert {e.row: e.field for e in report.rejected} == rejected
    assert report.records_valid == report.inserted == len(frame) - len(rejected)
    assert progress.tasks == ["reading WPI.csv"]
    kept_with_locode = int(with_locode.sum()) - sum(
        1 for line in rejected if with_locode.iloc[line - 2]
    )
    with ws.reading() as connection:
        ports = connection.execute(select(func.count()).select_from(Port)).scalar_one()
        coded = connection.execute(
            select(func.count()).where(Port.unlocode.is_not(None))
        ).scalar_one()
        annapolis = connection.execute(select(Port).where(Port.wpi_number == "8225")).one()
        countries = connection.execute(
            select(func.count(Port.country_iso3.distinct()))
        ).scalar_one()
        info = inventory.dataset(connection, "wpi")
    assert ports == len(frame) - len(rejected)
    assert coded == kept_with_locode
    assert countries >= 190

    source = frame[frame["World Port Index Number"] == "8225.0"].iloc[0]
    assert annapolis.unlocode == source["UN/LOCODE"].replace(" ", "") == "USANP"
    assert annapolis.name == source["Main Port Name"]
    assert annapolis.country_iso3 == "USA"
    assert annapolis.lat == pytest.approx(float(source["Latitude"]))
    assert annapolis.lon == pytest.approx(float(source["Longitude"]))
    assert annapolis.max_depth_m == pytest.approx(float(source["Cargo Pier Depth (m)"]))
    assert annapolis.extras["channel_depth_m"] == pytest.approx(float(source["Channel Depth (m)"]))
    assert annapolis.harbor_size == source["Harbor Size"]
    assert annapolis.source_record_id == "8225"
    assert info is not None
    wpi = next(entry for entry in REGISTRY if entry.name == "wpi")
    assert (info.citation, info.licence) == (wpi.citation, wpi.licence)  # one place per citation

    again = import_file(ws, "wpi", path, on_error="skip")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, report.inserted)


GOOD = ["8225.0", "Annapolis", "US ANP", "United States", "38.98", "-76.48", "Small", "4.9", "0.0"]


def test_wpi_values(tmp_path: Path) -> None:
    path = wpi_csv(
        tmp_path / "wpi.csv",
        [
            GOOD,  # line 2
            ["49454.5", "Kattupalli Port", "INKRI", "India", "13.3", "80.3", "", "", "14"],  # 3
            ["1", "Nowhere", "", "Narnia", "0", "0", "", "", ""],  # 4
            ["2", "Far north", "", "Norway", "95", "10", "", "", ""],  # 5
            ["3", "Wrong code", "CL", "Chile", "-30", "-71", "", "", ""],  # 6
            ["4", "Other country", "RULED", "United States", "27.7", "-82.6", "", "", ""],  # 7
            ["5", "Deep", "", "Japan", "35", "abc", "", "", "-3"],  # 8
            ["6", "", "", "Japan", "35", "139", "", "", ""],  # 9
            [
                "7",
                "Pointe-Noire",
                "CG PNR",
                "Congo (Brazzaville)",
                "-4.8",
                "11.8",
                "",
                "",
                "",
            ],  # 10
        ],
    )
    found = list(WpiImporter().read(path))
    ports = [i.record for i in found if isinstance(i, Row)]
    errors = [i for i in found if isinstance(i, RowError)]
    assert [(p.wpi_number, p.unlocode, p.country_iso3, p.max_depth_m) for p in ports] == [
        ("8225", "USANP", "USA", None),  # 0.0 is "not reported"
        ("49454.5", "INKRI", "IND", 14.0),
        ("7", "CGPNR", "COG", None),
    ]
    assert ports[0].extras == {"channel_depth_m": 4.9}
    assert ports[0].harbor_size == "Small"
    assert [(e.row, e.field) for e in errors] == [
        (4, "Country Code"),
        (5, "Latitude"),
        (6, "UN/LOCODE"),
        (7, "UN/LOCODE"),
        (8, "Longitude"),
        (8, "Cargo Pier Depth (m)"),
        (9, "Main Port Name"),
    ]
    reasons = {(e.row, e.field): e.reason for e in errors}
    assert "unknown country 'Narnia'" in reasons[(4, "Country Code")]
    assert "out of range" in reasons[(5, "Latitude")]
    assert "not a UN/LOCODE" in reasons[(6, "UN/LOCODE")]
    assert "country part 'RU' is not the port's country" in reasons[(7, "UN/LOCODE")]
    assert "not a number" in reasons[(8, "Longitude")]


def test_wpi_bad_files(tmp_path: Path) -> None:
    renamed = [("UN LOCODE" if h == "UN/LOCODE" else h) for h in HEADER]
    path = wpi_csv(tmp_path / "renamed.csv", [GOOD], renamed)
    with pytest.raises(InvalidInput, match=r"'UN/LOCODE' \(closest: 'UN LOCODE'\)"):
        list(WpiImporter().read(path))
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(InvalidInput, match="empty"):
        list(WpiImporter().read(empty))
    latin = tmp_path / "latin.csv"
    latin.write_bytes(
        (",".join(HEADER) + "\n1,Sept-Îles,CA SEI,Canada,50.2,-66.4,,,\n").encode("latin-1")
    )
    with pytest.raises(InvalidInput, match="not valid utf-8-sig"):
        list(WpiImporter().read(latin))


def test_wpi_rejected_import_leaves_the_database_unchanged(ws: Workspace, tmp_path: Path) -> None:
    path = wpi_csv(tmp_path / "wpi.csv", [GOOD, ["2", "X", "", "Narnia", "1", "1", "", "", ""]])
    with ws.reading() as connection:
        before = inventory.table_fingerprint(connection)
    with pytest.raises(ImportRejected, match="row 3, field Country Code"):
        import_file(ws, "wpi", path)
    with ws.reading() as connection:
        assert inventory.table_fingerprint(connection) == before


def test_wpi_on_both_back_ends(workspace: Workspace, tmp_path: Path) -> None:
    path = wpi_csv(
        tmp_path / "wpi.csv",
        [GOOD, ["49454.5", "Kattupalli Port", "INKRI", "India", "13.3", "80.3", "", "", "14"]],
    )
    first = import_file(workspace, "wpi", path)
    again = import_file(workspace, "wpi", path)
    assert (first.inserted, again.unchanged) == (2, 2)
    with workspace.reading() as connection:
        rows = connection.execute(
            select(Port.unlocode, Port.country_iso3, Port.extras).order_by(Port.unlocode)
        ).all()
    assert [tuple(r) for r in rows] == [
        ("INKRI", "IND", {"cargo_pier_depth_m": 14.0}),
        ("USANP", "USA", {"channel_depth_m": 4.9}),
    ]
