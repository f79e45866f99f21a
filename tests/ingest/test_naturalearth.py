"""Natural Earth admin-0 countries: the real TopoJSON, -99 codes, bad input, both back ends."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from beltroad.errors import InvalidInput
from beltroad.ingest.base import Row, RowError
from beltroad.ingest.naturalearth import INCOME_GROUPS, NaturalEarthImporter
from beltroad.services.imports import ImportRejected, import_file
from beltroad.services.workspace import Workspace
from beltroad.storage import inventory, models
from tests.conftest import shared_file

Country = models.Country
FILE = "naturalearth-110m-admin0/ne_110m_admin_0_countries.topojson"


def properties_of(path: Path) -> list[dict[str, Any]]:
    document = json.loads(path.read_text(encoding="utf-8"))
    (topology,) = document["objects"].values()
    return [g["properties"] for g in topology["geometries"]]


def topology(path: Path, rows: list[dict[str, Any]]) -> Path:
    geometries = [{"type": "Polygon", "arcs": [], "properties": p} for p in rows]
    document = {
        "type": "Topology",
        "arcs": [],
        "objects": {"countries": {"geometries": geometries}},
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def profiles(ws: Workspace) -> dict[str, tuple[str | None, str | None]]:
    with ws.reading() as connection:
        rows = connection.execute(select(Country.iso3, Country.region, Country.income_group))
        return {r.iso3: (r.region, r.income_group) for r in rows}


def test_naturalearth_real_file(workspace: Workspace) -> None:
    path = shared_file(FILE)
    props = properties_of(path)
    assert len(props) == 177
    # Computed straight from the file: no ISO 3166 code at all (N. Cyprus, Somaliland) or no
    # World Bank region (Antarctica) -> rejected; every other geometry is one profile.
    rejected = {
        i
        for i, p in enumerate(props, start=1)
        if p["ADM0_A3"] in ("CYN", "SOL") or p["REGION_WB"] == "Antarctica"
    }
    assert len(rejected) == 3

    report = import_file(workspace, "naturalearth", path, on_error="skip")

    assert {e.row for e in report.rejected} == rejected
    assert {e.value for e in report.rejected} == {"-99", "Antarctica"}
    assert any("ADM0_A3='CYN'" in e.reason for e in report.rejected)
    assert report.rows_read == 177
    assert report.records_valid == report.records_written == 177 - len(rejected)
    assert report.dataset == "naturalearth-110m"

    stored = profiles(workspace)
    by_code = {p["ADM0_A3"]: p for p in props}
    kenya = by_code["KEN"]
    assert kenya["REGION_WB"] == "Sub-Saharan Africa"
    # Natural Earth's own (older) classification; the World Bank has Kenya as lower middle
    # income since 2014, which GFDC's file states and the demo imports over this one.
    assert kenya["INCOME_GRP"] == "5. Low income"
    assert stored["KEN"] == ("Sub-Saharan Africa", "Low income")
    # ISO_A3 is -99 for both; ADM0_A3 finds them.
    assert by_code["FRA"]["ISO_A3"] == by_code["NOR"]["ISO_A3"] == "-99"
    assert stored["FRA"] == ("Europe & Central Asia", "High income")
    assert stored["NOR"] == ("Europe & Central Asia", "High income")
    with workspace.reading() as connection:
        with_region = connection.execute(
            select(func.count()).where(Country.region.is_not(None))
        ).scalar_one()
        info = inventory.dataset(connection, "naturalearth-110m")
    assert with_region >= 177 - len(rejected)
    assert info is not None
    assert info.citation == "Natural Earth, Admin 0 – Countries, 1:110m"
    assert info.licence == "public domain"

    again = import_file(workspace, "naturalearth", path, on_error="skip")
    assert (again.inserted, again.updated) == (0, 0)
    assert again.unchanged == report.records_written
    assert profiles(workspace) == stored


def test_naturalearth_values(tmp_path: Path) -> None:
    path = topology(
        tmp_path / "t.topojson",
        [
            {
                "ISO_A3": "KEN",
                "ADM0_A3": "KEN",
                "NAME": "Kenya",
                "REGION_WB": "Sub-Saharan Africa",
                "INCOME_GRP": "5. Low income",
            },
            {
                "ISO_A3": "-99",
                "ADM0_A3": "-99",
                "NAME": "Kosovo",
                "REGION_WB": "Europe & Central Asia",
                "INCOME_GRP": "4. Lower middle income",
            },
            {
                "ISO_A3": "-99",
                "ADM0_A3": "XYZ",
                "NAME": "Narnia",
                "REGION_WB": "South Asia",
                "INCOME_GRP": "5. Low income",
            },
            {"ISO_A3": "PAK", "REGION_WB": "Atlantis", "INCOME_GRP": "6. Rich"},
            {"ISO_A3": "IND", "REGION_WB": "South Asia", "INCOME_GRP": None},
        ],
    )
    items = list(NaturalEarthImporter().read(path))
    rows = [i for i in items if isinstance(i, Row)]
    errors = [i for i in items if isinstance(i, RowError)]
    assert {r.number: r.record.iso3 for r in rows} == {1: "KEN", 2: "XKX", 5: "IND"}
    assert rows[0].record.income_group == "Low income"
    assert rows[2].record.income_group is None
    assert [(e.row, e.field, e.value) for e in errors] == [
        (3, "ISO_A3", "-99"),
        (4, "REGION_WB", "Atlantis"),
        (4, "INCOME_GRP", "6. Rich"),
    ]
    assert "ADM0_A3='XYZ'" in errors[0].reason
    assert "NAME='Narnia'" in errors[0].reason
    assert set(INCOME_GROUPS.values()) == {
        "High income",
        "Upper middle income",
        "Lower middle income",
        "Low income",
    }


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"type": "Topology",\n "objects": {', "not valid JSON"),
        ('{"type": "FeatureCollection", "features": []}', "not a TopoJSON topology"),
        ('{"type": "Topology", "arcs": []}', "no 'objects'"),
        ('{"type": "Topology", "objects": {"countries": {}}}', "no 'geometries' list"),
        ("", "empty"),
    ],
)
def test_naturalearth_bad_input(
    workspace: Workspace, tmp_path: Path, content: str, message: str
) -> None:
    before = profiles(workspace)
    path = tmp_path / "bad.topojson"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        import_file(workspace, "naturalearth", path)
    assert message in caught.value.message
    if message == "not valid JSON":
        assert "line 2, column" in caught.value.message
    assert profiles(workspace) == before


def test_naturalearth_rejected_row_writes_nothing(workspace: Workspace, tmp_path: Path) -> None:
    before = profiles(workspace)
    path = topology(
        tmp_path / "t.topojson",
        [
            {"ISO_A3": "KEN", "REGION_WB": "Sub-Saharan Africa", "INCOME_GRP": "5. Low income"},
            {"ISO_A3": "-99", "ADM0_A3": "SOL", "NAME": "Somaliland"},
        ],
    )
    with pytest.raises(ImportRejected) as caught:
        import_file(workspace, "naturalearth", path)
    assert caught.value.report.rejected[0].row == 2
    assert profiles(workspace) == before
