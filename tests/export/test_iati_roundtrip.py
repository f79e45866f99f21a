"""Export to IATI, import that file again: the same projects, money, dates, splits and flags.

Every importer's records go through the round trip on SQLite and PostgreSQL; the files are the
real ones in ../shared/data where they are at hand, written by the test otherwise.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from beltroad.export.iati_xml import validate_iati, write_iati
from beltroad.ingest import iati_extension
from beltroad.records import (
    CountrySplit,
    LocationRecord,
    Money,
    OrgRef,
    Participation,
    ProjectRecord,
    Provenance,
    SectorSplit,
    TransactionRecord,
)
from beltroad.services.exports import export_iati
from beltroad.services.imports import ImportRejected, import_file
from beltroad.services.setup import initialise
from beltroad.services.workspace import Workspace, open_workspace
from beltroad.settings import Settings, load_settings
from beltroad.storage import reads
from tests.conftest import _fresh_postgres_database, shared_file

SCHEMA = "iati/schema-2.03"


def records_of(workspace: Workspace, dataset: str | None = None) -> list[ProjectRecord]:
    with workspace.reading() as connection:
        return list(reads.iter_project_records(connection, dataset=dataset))


def comparable(record: ProjectRecord) -> dict[str, Any]:
    """A record without what a re-import renames (its dataset) and with splits in one order."""
    plain = dataclasses.asdict(record)
    plain["provenance"].pop("dataset")
    plain["provenance"].pop("source_record_id")
    plain["extras"] = {k: v for k, v in record.extras.items() if k != iati_extension.ORIGIN}
    for key in ("countries", "regions", "sectors", "participations", "transactions", "locations"):
        plain[key] = sorted(plain[key], key=repr)
    return plain


def totals(records: list[ProjectRecord]) -> dict[str, Any]:
    def total(name: str) -> float:
        return sum(getattr(r.amount, name) or 0.0 for r in records if r.amount is not None)

    return {
        "count": len(records),
        "usd_nominal": round(total("usd_nominal"), 2),
        "usd_constant": round(total("usd_constant"), 2),
        "original": round(total("original"), 2),
        "base_years": sorted({r.amount.base_year for r in records if r.amount}, key=str),
        "years": sorted({r.commitment_year for r in records if r.commitment_year}),
        "recommended": sum(bool(r.provenance.recommended_for_aggregates) for r in records),
        "transactions": sum(len(r.transactions) for r in records),
        "locations": sum(len(r.locations) for r in records),
    }


@pytest.fixture
def second_url(request: pytest.FixtureRequest, db_url: str, tmp_path: Path) -> Iterator[str]:
    """A second empty database of the same kind as ``db_url``, to import the export into."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'second.db'}"
        return
    yield from _fresh_postgres_database(request.getfixturevalue("postgres_admin_url"))


@pytest.fixture
def second(second_url: str, tmp_path: Path) -> Iterator[Workspace]:
    settings = load_settings(db=second_url, data_dir=tmp_path / "second")
    initialise(settings)
    workspace = open_workspace(settings)
    try:
        yield workspace
    finally:
        workspace.close()


def round_trip(first: Workspace, second: Workspace, tmp_path: Path) -> Path:
    out = tmp_path / "export.xml"
    schema = shared_file(SCHEMA)
    report = export_iati(first, out, validate=True, schema_dir=schema)
    assert report.valid, report.errors[:5]
    imported = import_file(second, "iati", out)
    assert not imported.rejected
    return out


REAL = [
    ("gcdf3-geo", "aiddata-gcdf3/geogcdf3_final_input.csv"),
    ("gcof1", "aiddata-gcof1/AidData_GlobalChineseOfficialFinanceDataset_v1.0.xlsx"),
    ("gcdf3", "aiddata-gcdf3/df_filtered_gcdf3_ge10m.csv"),
    ("gcdf2", "aiddata-military2/MilitaryAidDatasGlobalChineseDevelopmentFinanceDataset_v2.0.csv"),
    ("iati", "iati/samples/datastore_CD.xml"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("kind", "relative"), REAL, ids=[k for k, _ in REAL])
def test_real_imports_survive_the_iati_round_trip(
    kind: str, relative: str, workspace: Workspace, second: Workspace, tmp_path: Path
) -> None:
    path = shared_file(relative)
    try:
        import_file(workspace, kind, path)
    except ImportRejected:
        import_file(workspace, kind, path, on_error="skip")
    before = records_of(workspace)
    assert before
    round_trip(workspace, second, tmp_path)
    after = records_of(second)
    assert totals(after) == totals(before)
    assert sorted(map(comparable, after), key=repr) == sorted(map(comparable, before), key=repr)
    origins = {r.extras[iati_extension.ORIGIN]["dataset"] for r in after}
    assert origins == {r.provenance.dataset for r in before}


def _hand_made() -> list[ProjectRecord]:
    funder = OrgRef("China Development Bank", ref="CN-CDB", org_type=10, country_iso3="CHN")
    return [
        ProjectRecord(
            "XE-EXAMPLE-1",
            "Railway with an undated commitment",
            Provenance("manual", "1", recommended_for_aggregates=False, quality="ok"),
            commitment_year=2016,
            flow_class="OOF-like",
            amount=Money("CNY", 1.0e9, 1.5e8, 1.6e8, 2021),
            countries=(CountrySplit("KEN", 60.0), CountrySplit("XKX", 40.0)),
            sectors=(SectorSplit("21030", "1", 100.0),),
            participations=(
                Participation(funder, "funding"),
                Participation(OrgRef("Sinosure"), "insurer"),
            ),
            transactions=(
                TransactionRecord(2, None, Money("CNY", 1.0e9, 1.5e8, 1.6e8, 2021), funder),
                TransactionRecord(3, dt.date(2018, 5, 1), Money("EUR", 2.5e6, 2.9e6)),
            ),
            locations=(
                LocationRecord(admin_level=1, admin_code="KEN-ADM1-1", share=0.5),
                LocationRecord(name="Mombasa", lat=-4.05, lon=39.67, share=0.5, source="adm2"),
            ),
            is_umbrella=True,
            corridor_id="cpec",
            extras={"AidData Record ID": 7, "nested": {"a": [1, 2.5, None]}},
        ),
    ]


def test_hand_made_record_round_trips_exactly(tmp_path: Path) -> None:
    out = tmp_path / "x.xml"
    write_iati(
        _hand_made(),
        out,
        reporting_org=OrgRef("Example", "XE-EXAMPLE", 90),
        generated=dt.datetime(2025, 1, 1),
    )
    schema = shared_file(SCHEMA)
    assert validate_iati(out, schema) == []
    tree = etree.parse(str(out))
    decoded = [iati_extension.decode(e) for e in tree.iter(iati_extension.RECORD)]
    assert decoded == _hand_made()


def test_the_extension_can_be_left_out(tmp_path: Path) -> None:
    out = tmp_path / "plain.xml"
    write_iati(
        _hand_made(),
        out,
        reporting_org=OrgRef("Example", "XE-EXAMPLE", 90),
        generated=dt.datetime(2025, 1, 1),
        extension=False,
    )
    assert iati_extension.NAMESPACE not in out.read_text()


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda d: d.update(status=9), "record.status"),
        (lambda d: d["amount"].update(usd_nominal="lots"), "record.amount.usd_nominal"),
        (lambda d: d.update(planned_start="2015-02-30"), "record.planned_start"),
        (lambda d: d.update(surprise=1), "record.surprise"),
        (lambda d: d["transactions"][0].update(type=99), "record.transactions[0].type"),
    ],
)
def test_a_damaged_extension_is_a_rejected_row_naming_the_field(
    mutate: Any, path: str, sqlite_settings: Settings, tmp_path: Path
) -> None:
    import orjson

    out = tmp_path / "x.xml"
    write_iati(
        _hand_made(),
        out,
        reporting_org=OrgRef("Example", "XE-EXAMPLE", 90),
        generated=dt.datetime(2025, 1, 1),
    )
    tree = etree.parse(str(out))
    element = next(tree.iter(iati_extension.RECORD))
    data = orjson.loads(element.text)
    mutate(data)
    element.text = orjson.dumps(data).decode()
    tree.write(str(out))
    initialise(sqlite_settings)
    workspace = open_workspace(sqlite_settings)
    try:
        with pytest.raises(ImportRejected) as caught:
            import_file(workspace, "iati", out)
        rejected = caught.value.report.rejected
        assert [r.field for r in rejected] == [path]
        assert records_of(workspace) == []
    finally:
        workspace.close()


def test_decode_refuses_an_unknown_version() -> None:
    element = iati_extension.encode(_hand_made()[0])
    element.set("version", "99")
    with pytest.raises(iati_extension.ExtensionError, match="version"):
        iati_extension.decode(element)
