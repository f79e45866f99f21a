"""``beltroad import iati``: real 2.03 and 1.0x files, re-imports, and hostile or broken input.

Every rejection test proves the database is unchanged afterwards. The shared sample files are
read at run time from ../shared/data (never copied into the repository).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update

from beltroad.errors import InvalidInput
from beltroad.ingest import iati
from beltroad.ingest.base import Row, RowError
from beltroad.ingest.iati import IatiImporter
from beltroad.progress import RecordingProgress
from beltroad.records import (
    CountrySplit,
    LocationRecord,
    ProjectRecord,
    RegionSplit,
    SectorSplit,
)
from beltroad.services import imports
from beltroad.services.imports import ImportRejected, import_file
from beltroad.services.setup import initialise
from beltroad.services.workspace import Workspace, open_workspace
from beltroad.settings import Settings
from beltroad.storage import generation, inventory, models
from tests.conftest import SHARED_DATA, shared_file

SAMPLES = "iati/samples"
SAMPLE_FILES = sorted(p.name for p in (SHARED_DATA / SAMPLES).glob("*.xml"))
# Pre-standard drafts from IATI's schema repository: no iati-identifier, so every activity is
# (rightly) rejected. Every other sample is a real 2.03 or 1.0x file and must import cleanly.
DRAFTS = {
    "schemas_IATIfromGF.xml",
    "schemas_IATI_xml_dfid_sample.xml",
    "schemas_ocha-test-data.xml",
    "schemas_undp_sample.xml",
    "schemas_worldbank.xml",
    "schemas_worked-example.xml",
}


# --- helpers -------------------------------------------------------------------------------------


def activity(identifier: str = "XE-EXAMPLE-1", body: str | None = None, **parts: str) -> str:
    """A small valid 2.03 activity; ``parts`` replace named pieces of the default body."""
    pieces = {
        "dates": '<activity-date type="1" iso-date="2024-03-01"/>'
        '<activity-date type="2" iso-date="2024-04-15"/>',
        "country": '<recipient-country code="KE" percentage="100"/>',
        "sector": '<sector vocabulary="1" code="23230" percentage="100"/>',
        "transactions": '<transaction><transaction-type code="2"/>'
        '<transaction-date iso-date="2024-03-20"/>'
        '<value currency="USD" value-date="2024-03-20">45000000</value></transaction>',
    } | parts
    if body is None:
        body = (
            '<reporting-org ref="XE-EXAMPLE" type="10"><narrative>Example Agency</narrative>'
            "</reporting-org><title><narrative>Example solar plant</narrative></title>"
            '<participating-org ref="XE-EXAMPLE" role="1" type="10"><narrative>Example Agency'
            '</narrative></participating-org><activity-status code="2"/>'
            f"{pieces['dates']}{pieces['country']}{pieces['sector']}{pieces['transactions']}"
        )
    return f"<iati-activity><iati-identifier>{identifier}</iati-identifier>{body}</iati-activity>\n"


def iati_file(path: Path, *activities: str, prolog: str = "") -> Path:
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        + prolog
        + '<iati-activities version="2.03">\n'
        + "".join(activities)
        + "</iati-activities>\n"
    )
    path.write_text(text, encoding="utf-8")
    return path


def fingerprint(workspace: Workspace) -> dict[str, list[tuple[Any, ...]]]:
    with workspace.reading() as connection:
        return inventory.table_fingerprint(connection)


def read(path: Path) -> list[Row | RowError]:
    return list(IatiImporter().read(path))


def records(path: Path) -> dict[str, ProjectRecord]:
    found = {}
    for item in read(path):
        assert isinstance(item, Row), item
        assert isinstance(item.record, ProjectRecord)
        found[item.record.identifier] = item.record
    return found


def count(workspace: Workspace, model: type[models.Base], dataset: str | None = None) -> int:
    table = models.table(model)
    query = select(func.count()).select_from(table)
    if dataset is not None and model is models.Project:
        query = query.where(table.c.dataset == dataset)
    with workspace.reading() as connection:
        return int(connection.execute(query).scalar_one())


@pytest.fixture
def sqlite_workspace(sqlite_settings: Settings) -> Iterator[Workspace]:
    """For rejections that never reach the database: one back end is enough."""
    initialise(sqlite_settings)
    ws = open_workspace(sqlite_settings)
    try:
        yield ws
    finally:
        ws.close()


# --- real files ----------------------------------------------------------------------------------


def test_every_sample_file_imports(workspace: Workspace) -> None:
    """All 29 samples, 2.03 and 1.0x, in one database: real files import cleanly, drafts are
    rejected row by row, nothing crashes."""
    assert len(SAMPLE_FILES) >= 29
    for name in SAMPLE_FILES:
        path = shared_file(f"{SAMPLES}/{name}")
        report = import_file(workspace, "iati", path, on_error="skip")
        if name in DRAFTS:
            assert report.rejected, name
            assert all(r.row and r.row > 0 for r in report.rejected), name
        else:
            assert report.rejected == [], (name, report.rejected[:3])
            assert report.records_valid > 0, name
    assert count(workspace, models.Project) >= 590
    assert count(workspace, models.Transaction) >= 1900
    assert count(workspace, models.ProjectRegion) > 0
    assert count(workspace, models.Location) > 0


def test_dfid_congo_counts_and_reimport_changes_nothing(workspace: Workspace) -> None:
    path = shared_file(f"{SAMPLES}/datastore_CD.xml")
    first = import_file(workspace, "iati", path)
    assert (first.rows_read, first.inserted, first.rejected) == (205, 205, [])
    assert count(workspace, models.Project, "iati-datastore-cd") == 205
    assert count(workspace, models.Transaction) == 815
    with workspace.reading() as connection:
        info = inventory.dataset(connection, "iati-datastore-cd")
    assert info is not None
    before = fingerprint(workspace)
    with workspace.reading() as connection:
        stamp = generation.current(connection).generation

    second = import_file(workspace, "iati", path)
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 205)
    if workspace.engine.dialect.name == "sqlite":  # PostgreSQL counts statements, even no-ops
        with workspace.reading() as connection:  # so the analytics snapshot is kept
            assert generation.current(connection).generation == stamp
    after = fingerprint(workspace)
    # Only the datasets row is rewritten (its loaded_at); every record is untouched.
    assert {k: v for k, v in after.items() if k != "datasets"} == {
        k: v for k, v in before.items() if k != "datasets"
    }


def test_a_batched_import_pauses_the_triggers_and_restores_them(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's per-row generation triggers are paused: the import counts as one change,
    parents link across batches, and the triggers are back after."""
    monkeypatch.setattr(imports, "BATCH", 50)
    path = shared_file(f"{SAMPLES}/datastore_CD.xml")
    with workspace.reading() as connection:
        start = generation.current(connection).generation
    report = import_file(workspace, "iati", path)
    assert (report.inserted, report.rejected) == (205, [])
    project = models.table(models.Project)
    parent = project.alias("parent")
    with workspace.reading() as connection:
        imported = generation.current(connection).generation
        links = connection.execute(
            select(project.c.parent_id, parent.c.id).join(
                parent, parent.c.identifier == project.c.parent_identifier
            )
        ).all()
    assert imported == start + 1 if workspace.engine.dialect.name == "sqlite" else imported > start
    assert len(links) > 100  # the file's hierarchy: most activities name a parent
    assert all(child_link == parent_id for child_link, parent_id in links)
    with workspace.writing() as connection:  # a write counts again: the triggers are back
        connection.execute(update(project).where(project.c.id == links[0][1]).values(title="x"))
    with workspace.reading() as connection:
        assert generation.current(connection).generation > imported


def test_a_2_03_activity_field_by_field() -> None:
    found = records(shared_file(f"{SAMPLES}/flattener_worldbank-activity.xml"))
    record = found["44000-P175662"]
    assert record.title == (
        "Jordan Inclusive, Transparent and Climate Responsive Investments Program For Results"
    )
    assert record.description is not None
    assert record.description.startswith("Improve accountability to foster climate")
    assert record.status == 2
    assert (record.planned_start, record.actual_start) == (dt.date(2021, 6, 10),) * 2
    assert (record.planned_end, record.actual_end) == (dt.date(2026, 6, 30),) * 2
    assert record.countries == (CountrySplit("JOR", 100.0),)
    roles = {(p.role, p.org.ref, p.org.name) for p in record.participations}
    assert roles == {
        ("accountable", None, "Hashemite Kingdom of Jordan"),
        ("funding", "44001", "International Bank for Reconstruction and Development"),
        ("extending", "44001", "International Bank for Reconstruction and Development"),
        ("implementing", None, "Ministry of Planning and International Cooperation"),
    }
    assert [s for s in record.sectors if s.vocabulary == "1"] == [
        SectorSplit("15119", "1", 46.0),
        SectorSplit("15142", "1", 23.0),
        SectorSplit("25010", "1", 22.0),
        SectorSplit("33210", "1", 9.0),
    ]
    assert {s.vocabulary for s in record.sectors} == {"1", "98", "99"}
    assert record.locations == (
        LocationRecord(name="Amman", lat=31.95522, lon=35.94503, exactness=2, source="iati"),
    )
    assert [t.type for t in record.transactions] == [2, 3, 3, 3, 5, 5, 5]
    commitment = record.transactions[0]
    assert commitment.date == dt.date(2021, 6, 30)
    assert commitment.money.currency == "USD"  # from the activity's default-currency
    assert commitment.money.original == commitment.money.usd_nominal == 500_000_000
    assert commitment.provider is not None
    assert commitment.provider.ref == "44001"
    assert record.amount is not None
    assert record.amount.original == 500_000_000
    assert record.commitment_year == 2021
    # Stated only on the transactions, all alike: taken as the activity's defaults.
    assert (record.flow_type, record.finance_type, record.aid_type) == (20, 410, "C01")
    assert record.extras["reporting_org"] == {"ref": "44000", "type": 40, "name": "World Bank"}
    assert len(record.extras["budgets"]) == 150
    assert record.extras["budgets"][0] == {
        "type": "1",
        "status": "1",
        "period_start": "2021-04-01",
        "period_end": "2021-04-30",
        "value": 0.0,
        "currency": "USD",
        "value_date": "2021-04-30",
    }


def test_a_1_0x_activity_field_by_field() -> None:
    """1.01: text in the elements, role names, letter transaction codes, dates as text."""
    record = records(shared_file(f"{SAMPLES}/datastore_CD.xml"))["GB-1-105838-101"]
    assert record.title.startswith("NONBUDSUPPFINAID and P0015")
    assert record.status == 4
    assert record.actual_start == dt.date(2004, 1, 1)
    assert record.actual_end == dt.date(2008, 11, 30)
    assert record.countries == (CountrySplit("COD", 100.0),)
    assert [(s.code, s.vocabulary, s.percentage) for s in record.sectors] == [
        ("15110", "1", 40.0),
        ("16010", "1", 30.0),
        ("15111", "1", 20.0),
        ("16062", "1", 10.0),
    ]
    assert [(p.role, p.org.ref) for p in record.participations] == [
        ("funding", "GB"),
        ("extending", "GB-1"),
        ("implementing", "52000"),
    ]
    [commitment] = record.transactions
    assert commitment.type == 2  # "C"
    assert commitment.money.currency == "GBP"
    assert commitment.money.original == 1_067_912
    assert commitment.money.usd_nominal is None  # no exchange rate is invented
    assert commitment.money.usd_constant is None
    assert record.parent_identifier == "GB-1-105838"
    assert (record.flow_type, record.finance_type, record.aid_type) == (10, 110, "C01")
    assert [b["type"] for b in record.extras["budgets"]] == ["1", "1", "2"]  # Original, Revised


def test_historic_country_codes(tmp_path: Path) -> None:
    """AN (Netherlands Antilles) is a territory the registry keeps, so BEIS's 175-country split
    is whole; a withdrawn code the registry lacks (YU) is left out with a note, not guessed."""
    for record in records(shared_file(f"{SAMPLES}/flattener_beis-activity.xml")).values():
        assert len(record.countries) == 175
        assert CountrySplit("ANT", 0.5714285714285714) in record.countries
    path = iati_file(
        tmp_path / "old.xml",
        activity(
            country='<recipient-country code="YU" percentage="30"/>'
            '<recipient-country code="RS" percentage="70"/>'
        ),
    )
    [record] = records(path).values()
    assert record.countries == (CountrySplit("SRB", 70.0),)
    assert record.extras["notes"] == [
        "recipient-country YU (Yugoslavia, (Socialist) Federal Republic of) is a withdrawn "
        "ISO 3166 code: its 30% share left out"
    ]


def test_loan_terms_regions_locations_and_1_0x_names(tmp_path: Path) -> None:
    loan = activity(
        "XE-EXAMPLE-LOAN",
        country='<recipient-country code="PK" percentage="60"/>'
        '<recipient-region code="298" vocabulary="1" percentage="40"/>'
        "<location><name><narrative>Port site</narrative></name>"
        '<administrative vocabulary="G1" level="1" code="1168197"/>'
        '<point srsName="http://www.opengis.net/def/crs/EPSG/0/4326"><pos>24.86 67.01</pos>'
        '</point><exactness code="1"/></location>',
        sector='<sector code="21040" percentage="70"/><sector code="21020" percentage="30"/>'
        '<default-finance-type code="421"/>',
        transactions='<transaction><transaction-type code="2"/>'
        '<transaction-date iso-date="2024-03-20"/><value currency="CNY" value-date="2024-03-20">'
        '100</value><receiver-org ref="XE-EXAMPLE-PORT"><narrative>Port Co</narrative>'
        "</receiver-org></transaction>"
        '<related-activity ref="XE-EXAMPLE-PROGRAMME" type="1"/>'
        '<crs-add><loan-terms rate-1="2.5" rate-2="1"><repayment-type code="1"/>'
        '<repayment-plan code="4"/><commitment-date iso-date="2024-03-20"/>'
        '<repayment-first-date iso-date="2029-03-20"/>'
        '<repayment-final-date iso-date="2044-03-20"/></loan-terms></crs-add>',
    )
    old = (
        '<iati-activity default-currency="EUR"><iati-identifier>XE-EXAMPLE-OLD</iati-identifier>'
        "<title>Old style</title>"
        '<participating-org role="Funding" ref="XE-EXAMPLE">Example Agency</participating-org>'
        '<participating-org role="beneficiary">Villagers</participating-org>'
        '<activity-date type="start-actual">2010-01-01</activity-date>'
        '<activity-date type="end-planned" iso-date="2012-12-31"/>'
        '<recipient-country code="KE"/><recipient-country code="UG"/>'
        '<sector vocabulary="DAC" code="11220"/>'
        '<location><name>Kisumu</name><coordinates latitude="-0.1" longitude="34.75" '
        'precision="3"/></location>'
        '<transaction><transaction-type code="D"/><value value-date="2011-05-01">12.5</value>'
        "</transaction></iati-activity>\n"
    )
    found = records(iati_file(tmp_path / "loan.xml", loan, old))
    record = found["XE-EXAMPLE-LOAN"]
    assert record.countries == (CountrySplit("PAK", 60.0),)
    assert record.regions == (RegionSplit("298", "1", 40.0),)
    assert record.sectors == (SectorSplit("21040", "1", 70.0), SectorSplit("21020", "1", 30.0))
    [location] = record.locations
    assert (location.name, location.lat, location.lon) == ("Port site", 24.86, 67.01)
    assert (location.admin_code, location.admin_level, location.exactness) == ("1168197", 1, 1)
    terms = record.loan_terms
    assert terms is not None
    assert (terms.interest_rate_pct, terms.repayment_type) == (2.5, "1")
    assert (terms.grace_period_years, terms.maturity_years) == (5.0, 20.0)
    assert record.extras["loan_terms"]["rate_2"] == 1.0
    assert record.extras["loan_terms"]["repayment_plan"] == "4"
    assert record.parent_identifier == "XE-EXAMPLE-PROGRAMME"
    [commitment] = record.transactions
    assert (commitment.money.currency, commitment.money.usd_nominal) == ("CNY", None)
    assert commitment.receiver is not None
    assert commitment.receiver.ref == "XE-EXAMPLE-PORT"

    old_record = found["XE-EXAMPLE-OLD"]
    assert old_record.participations[0].role == "funding"
    assert old_record.extras["unmapped_participants"] == [
        {"role": "beneficiary", "name": "Villagers", "ref": None}
    ]
    assert (old_record.actual_start, old_record.planned_end) == (
        dt.date(2010, 1, 1),
        dt.date(2012, 12, 31),
    )
    # Two countries, no percentages: split equally, and said so.
    assert old_record.countries == (CountrySplit("KEN", 50.0), CountrySplit("UGA", 50.0))
    assert any("split equally" in note for note in old_record.extras["notes"])
    [old_location] = old_record.locations
    assert (old_location.lat, old_location.lon, old_location.precision) == (-0.1, 34.75, 3)
    [disbursement] = old_record.transactions
    assert disbursement.type == 3  # "D"
    assert disbursement.date == dt.date(2011, 5, 1)  # no transaction-date: the value date
    assert disbursement.money.currency == "EUR"


@pytest.mark.parametrize("streamed", [True, False], ids=["streamed", "whole"])
def test_progress_reports_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, streamed: bool
) -> None:
    if streamed:
        monkeypatch.setattr(iati, "KEEP_TREE_BELOW", 0)
    path = iati_file(tmp_path / "two.xml", activity("XE-EXAMPLE-1"), activity("XE-EXAMPLE-2"))
    progress = RecordingProgress()
    assert len(list(IatiImporter().read(path, progress=progress))) == 2
    assert progress.tasks == ["reading two.xml"]
    size = path.stat().st_size
    assert progress.events[0][2] == size
    advances = [event[1] for event in progress.events if event[0] == "advance"]
    assert len(advances) >= 2
    assert sum(advances) == size
    assert progress.events[-1][0] == "finish"


@pytest.mark.parametrize("name", ["datastore_CD.xml", "flattener_worldbank-activity.xml"])
def test_streamed_and_whole_reading_give_the_same_records(
    monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    path = shared_file(f"{SAMPLES}/{name}")
    whole = list(IatiImporter().read(path))
    monkeypatch.setattr(iati, "KEEP_TREE_BELOW", 0)
    assert list(IatiImporter().read(path)) == whole
    assert len(whole) > 0


# --- hostile and broken files ---------------------------------------------------------------------


@pytest.mark.parametrize("streamed", [True, False], ids=["streamed", "whole"])
def test_truncated_file_rolls_back_what_was_already_written(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, streamed: bool
) -> None:
    """Streamed, iterparse yields the first activities before it meets the cut: they were
    written (in batches of 2 here) inside the import's transaction, and the error rolls them
    back. A small file is parsed whole, so the cut is found before anything is written."""
    if streamed:
        monkeypatch.setattr(iati, "KEEP_TREE_BELOW", 0)
    written: list[int] = []
    original = imports.WRITERS[ProjectRecord]

    def spy(connection: Any, batch: Any) -> Any:
        written.append(len(batch))
        return original(connection, batch)

    monkeypatch.setattr(imports, "BATCH", 2)
    monkeypatch.setitem(imports.WRITERS, ProjectRecord, spy)
    whole = iati_file(tmp_path / "cut.xml", *(activity(f"XE-EXAMPLE-{n}") for n in range(6)))
    text = whole.read_text(encoding="utf-8")
    whole.write_text(text[: text.rindex("<iati-activity>") + 60], encoding="utf-8")
    before = fingerprint(workspace)
    with pytest.raises(InvalidInput) as caught:
        import_file(workspace, "iati", whole)
    message = str(caught.value)
    assert "cut.xml" in message
    assert "truncated or malformed XML at line 8" in message
    assert sum(written) == (4 if streamed else 0)  # written, then rolled back
    assert fingerprint(workspace) == before


XXE = (
    '<?xml version="1.0"?>\n'
    '<!DOCTYPE iati-activities [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    '<iati-activities version="2.03"><iati-activity><iati-identifier>XE-EXAMPLE-&xxe;'
    "</iati-identifier><title><narrative>&xxe;</narrative></title></iati-activity>"
    "</iati-activities>\n"
)
LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">\n'
        for n in range(1, 10)
    )
    + ']>\n<iati-activities version="2.03"><iati-activity><iati-identifier>&lol9;'
    "</iati-identifier></iati-activity></iati-activities>\n"
)


@pytest.mark.parametrize(
    ("content", "line"),
    [
        pytest.param(XXE.encode(), 2, id="xxe-file"),
        pytest.param(LAUGHS.encode(), 2, id="billion-laughs"),
        pytest.param(b"\xef\xbb\xbf" + XXE.encode(), 2, id="after-bom"),
        pytest.param(b"<!-- a\ncomment -->\n" + XXE.encode(), 4, id="after-comment"),
        pytest.param(XXE.encode("utf-16"), 2, id="utf-16"),
        pytest.param(b'<!DOCTYPE x SYSTEM "http://127.0.0.1:9/x.dtd"><x/>', 1, id="external-dtd"),
    ],
)
def test_doctype_and_entities_are_refused(
    sqlite_workspace: Workspace, tmp_path: Path, content: bytes, line: int
) -> None:
    """Refused before the parser sees a byte; the truncation test covers both back ends."""
    path = tmp_path / "evil.xml"
    path.write_bytes(content)
    before = fingerprint(sqlite_workspace)
    started = time.perf_counter()
    with pytest.raises(InvalidInput) as caught:
        import_file(sqlite_workspace, "iati", path)
    assert time.perf_counter() - started < 5
    message = str(caught.value)
    assert "DOCTYPE/entity declarations are not allowed" in message
    assert f"found at line {line}" in message
    assert "evil.xml" in message
    assert "root:" not in message
    assert fingerprint(sqlite_workspace) == before


@pytest.mark.parametrize("streamed", [True, False], ids=["streamed", "whole"])
def test_entities_stay_unresolved_even_past_the_prolog_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, streamed: bool
) -> None:
    """Second line of defence: with the prolog check switched off, the parser itself neither
    reads local files, nor connects anywhere, nor expands the laughs (streamed or whole)."""
    if streamed:
        monkeypatch.setattr(iati, "KEEP_TREE_BELOW", 0)
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.5)
    port = server.getsockname()[1]
    hits: list[object] = []

    def accept() -> None:
        with contextlib.suppress(OSError):  # the timeout: nobody called
            hits.append(server.accept())

    listener = threading.Thread(target=accept)
    listener.start()
    monkeypatch.setattr(iati, "check_prolog", lambda path: None)
    network = XXE.replace("file:///etc/passwd", f"http://127.0.0.1:{port}/x")
    try:
        for name, content in (("xxe.xml", XXE), ("net.xml", network), ("lol.xml", LAUGHS)):
            path = tmp_path / name
            path.write_text(content, encoding="utf-8")
            with pytest.raises(InvalidInput) as caught:
                read(path)
            assert "root:" not in str(caught.value)
    finally:
        listener.join()
        server.close()
    assert hits == []


@pytest.mark.parametrize("streamed", [True, False], ids=["streamed", "whole"])
def test_wrong_encoding_is_named(
    sqlite_workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, streamed: bool
) -> None:
    if streamed:
        monkeypatch.setattr(iati, "KEEP_TREE_BELOW", 0)
    path = iati_file(tmp_path / "latin.xml", activity("XE-EXAMPLE-1"))
    path.write_bytes(path.read_bytes().replace(b"Example solar", "Éxample solar".encode("latin-1")))
    before = fingerprint(sqlite_workspace)
    with pytest.raises(InvalidInput) as caught:
        import_file(sqlite_workspace, "iati", path)
    message = str(caught.value)
    assert "latin.xml" in message
    assert "not valid UTF-8" in message
    assert "line 3" in message
    assert fingerprint(sqlite_workspace) == before


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(b"", "the file is empty (0 bytes)", id="zero-bytes"),
        pytest.param(b"  \n\n", "no XML element found", id="blank"),
        pytest.param(b'<?xml version="1.0"?>\n<!-- nothing -->\n', "no XML element", id="decl"),
        pytest.param(
            b'<iati-organisations version="2.03"/>', "IATI organisation file", id="org-file"
        ),
        pytest.param(b"not xml at all", "truncated or malformed XML at line 1", id="text"),
    ],
)
def test_empty_and_wrong_files_are_refused(
    sqlite_workspace: Workspace, tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "odd.xml"
    path.write_bytes(content)
    before = fingerprint(sqlite_workspace)
    with pytest.raises(InvalidInput) as caught:
        import_file(sqlite_workspace, "iati", path)
    assert expected in str(caught.value)
    assert "odd.xml" in str(caught.value)
    assert fingerprint(sqlite_workspace) == before


@pytest.mark.parametrize(
    ("activities", "field", "value", "reason"),
    [
        pytest.param(
            [activity(country='<recipient-country code="XX" percentage="100"/>')],
            "recipient-country/@code",
            "XX",
            "unknown country code 'XX'",
            id="unknown-country",
        ),
        pytest.param(
            [
                activity(
                    transactions='<transaction><transaction-type code="3"/>'
                    '<transaction-date iso-date="2024-05-01"/>'
                    '<value value-date="2024-05-01">twelve</value></transaction>'
                )
            ],
            "transaction/value",
            "twelve",
            "not a number",
            id="non-numeric-value",
        ),
        pytest.param(
            [activity("XE-EXAMPLE-1"), activity("XE-EXAMPLE-1")],
            "id",
            "XE-EXAMPLE-1",
            "duplicate id in this file (first seen at row 3)",
            id="duplicate-identifier",
        ),
        pytest.param(
            [
                activity(
                    dates='<activity-date type="2" iso-date="2024-04-15"/>'
                    '<activity-date type="4" iso-date="2023-01-31"/>'
                )
            ],
            "activity-date[@type=end-actual]",
            "2023-01-31",
            "actual end before actual start: 2023-01-31 is before 2024-04-15",
            id="end-before-start",
        ),
        pytest.param(
            [
                activity(
                    transactions='<transaction><transaction-type code="99"/>'
                    '<transaction-date iso-date="2024-05-01"/>'
                    '<value value-date="2024-05-01">1</value></transaction>'
                )
            ],
            "transaction/transaction-type/@code",
            "99",
            "unknown TransactionType",
            id="unknown-transaction-type",
        ),
        pytest.param(
            [activity(country='<recipient-country code="KE" percentage="140"/>')],
            "recipient-country/@percentage",
            "140",
            "percentage outside 0 to 100",
            id="percentage-over-100",
        ),
    ],
)
def test_bad_rows_are_rejected_and_nothing_is_written(
    sqlite_workspace: Workspace,
    tmp_path: Path,
    activities: list[str],
    field: str,
    value: str,
    reason: str,
) -> None:
    path = iati_file(tmp_path / "bad.xml", *activities)
    before = fingerprint(sqlite_workspace)
    with pytest.raises(ImportRejected) as caught:
        # strict: unreadable values are rejected either way; dates out of order only so
        import_file(sqlite_workspace, "iati", path, strict=True)
    [problem] = caught.value.report.rejected
    assert (problem.field, problem.value) == (field, value)
    assert reason in problem.reason
    assert problem.row == (4 if field == "id" else 3)  # the line the activity starts on
    assert fingerprint(sqlite_workspace) == before


def test_skip_mode_keeps_the_good_activities(sqlite_workspace: Workspace, tmp_path: Path) -> None:
    path = iati_file(
        tmp_path / "mixed.xml",
        activity("XE-EXAMPLE-GOOD"),
        activity("XE-EXAMPLE-BAD", country='<recipient-country code="XX"/>'),
    )
    report = import_file(sqlite_workspace, "iati", path, on_error="skip")
    assert report.records_written == 1
    assert [r.value for r in report.rejected] == ["XX"]


def test_dataset_name_is_an_option(sqlite_workspace: Workspace, tmp_path: Path) -> None:
    path = iati_file(tmp_path / "Some File.xml", activity())
    assert IatiImporter().source(path).dataset == "iati-some-file"
    import_file(sqlite_workspace, "iati", path, options={"dataset": "my-portfolio"})
    assert count(sqlite_workspace, models.Project, "my-portfolio") == 1
    with pytest.raises(InvalidInput):
        IatiImporter(dataset="x" * 65)


def test_multi_country_percentages_are_kept() -> None:
    record = records(shared_file(f"{SAMPLES}/flattener_canada-activity.xml"))["CA-3-D002451001"]
    assert [c.iso3 for c in record.countries] == ["BFA", "BOL", "CIV", "KHM", "MLI", "NIC", "VNM"]
    assert [c.percentage for c in record.countries][:4] == [14.29, 14.29, 14.29, 14.28]
    assert sum(c.percentage for c in record.countries) == pytest.approx(100.0)
