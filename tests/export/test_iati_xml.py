"""IATI 2.03 export: XSD-valid, streamed, and an import -> export -> import round trip that keeps
counts, sums and percentage splits."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from beltroad.errors import DataUnavailable, InvalidInput
from beltroad.export import iati_xml
from beltroad.export.iati_xml import decimal_text, iati_identifier, validate_iati, write_iati
from beltroad.records import (
    CountrySplit,
    LoanTermsRecord,
    Money,
    OrgRef,
    Participation,
    ProjectRecord,
    Provenance,
    SectorSplit,
)
from beltroad.services.exports import export_iati
from beltroad.services.imports import import_file
from beltroad.services.setup import initialise
from beltroad.services.workspace import Workspace, open_workspace
from beltroad.settings import load_settings
from beltroad.storage import writes
from beltroad.storage.reads import iter_project_records
from tests.conftest import SHARED_DATA, shared_file

SAMPLES = SHARED_DATA / "iati" / "samples"
PUBLISHER = OrgRef(name="Example Cooperation Agency", ref="XE-EXAMPLE", org_type=10)
GENERATED = dt.datetime(2025, 1, 15, 9, 0, tzinfo=dt.UTC)

# standards.md §1.6: the minimal activity that validates against the 2.03 XSD.
MINIMAL = """<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03" generated-datetime="2025-01-15T09:00:00Z">
 <iati-activity last-updated-datetime="2025-01-15T09:00:00Z" xml:lang="en" default-currency="USD">
  <iati-identifier>XE-EXAMPLE-BRI-0001</iati-identifier>
  <reporting-org ref="XE-EXAMPLE" type="10"><narrative>Example Agency</narrative></reporting-org>
  <title><narrative>Example solar power plant, 50 MW</narrative></title>
  <description type="1"><narrative>A 50 MW solar PV plant.</narrative></description>
  <participating-org ref="XE-EXAMPLE" role="1" type="10"/>
  <activity-status code="2"/>
  <activity-date type="1" iso-date="2024-03-01"/>
 </iati-activity>
</iati-activities>
"""


@pytest.fixture(scope="module")
def schema_dir() -> Path:
    path = shared_file("iati/schema-2.03/iati-activities-schema.xsd")
    return path.parent


def fresh_sqlite(tmp_path: Path, name: str) -> Workspace:
    settings = load_settings(data_dir=tmp_path / name)
    initialise(settings)
    return open_workspace(settings)


def snapshot(workspace: Workspace) -> dict[str, ProjectRecord]:
    with workspace.reading() as connection:
        return {r.identifier: r for r in iter_project_records(connection, batch=97)}


# --- the validator --------------------------------------------------------------------------------


def test_validator_accepts_the_minimal_activity_and_names_errors(
    tmp_path: Path, schema_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = tmp_path / "good.xml"
    good.write_text(MINIMAL, encoding="utf-8")
    assert validate_iati(good, schema_dir) == []
    bad = tmp_path / "bad.xml"
    bad.write_text(MINIMAL.replace('<activity-status code="2"/>', ""), encoding="utf-8")
    [error] = validate_iati(bad, schema_dir)
    assert error.startswith("line 10: Element 'activity-date': This element is not expected.")
    assert "activity-status" in error
    # Past the size limit the file is validated while streaming: same verdicts.
    monkeypatch.setattr(iati_xml, "FULL_VALIDATION_LIMIT", 0)
    assert validate_iati(good, schema_dir) == []
    [streamed] = validate_iati(bad, schema_dir)
    assert "activity-date" in streamed


# --- round trip -----------------------------------------------------------------------------------


def test_round_trip_import_export_validate_import(
    workspace: Workspace, tmp_path: Path, schema_dir: Path
) -> None:
    """Every real sample (2.03 and 1.0x) in, out as one 2.03 file, XSD-valid, and back into a
    fresh database with the same activities, transactions, sums and splits."""
    names = sorted(p.name for p in SAMPLES.glob("*.xml") if not p.name.startswith("schemas_"))
    assert len(names) == 23
    for name in names:
        import_file(workspace, "iati", shared_file(f"iati/samples/{name}"))
    exported = tmp_path / "portfolio.xml"
    report = export_iati(
        workspace,
        exported,
        validate=True,
        schema_dir=schema_dir,
        reporting_org=PUBLISHER,
        generated=GENERATED,
    )
    assert report.valid is True, report.errors[:5]
    assert report.skipped == []
    original = snapshot(workspace)
    assert report.count == len(original) == 594
    assert report.transactions == sum(len(r.transactions) for r in original.values()) == 1950

    second = fresh_sqlite(tmp_path, "second")
    try:
        again = import_file(second, "iati", exported)
        assert again.rejected == []
        copy = snapshot(second)
    finally:
        second.close()

    def sums(records: dict[str, ProjectRecord]) -> Counter[tuple[int, str | None]]:
        total: Counter[tuple[int, str | None]] = Counter()
        for record in records.values():
            for t in record.transactions:
                total[(t.type, t.money.currency)] += round((t.money.original or 0) * 100)
        return total

    assert set(copy) == set(original)
    assert sum(len(r.transactions) for r in copy.values()) == 1950
    assert sums(copy) == sums(original)
    for identifier, before in original.items():
        after = copy[identifier]
        assert after.countries == before.countries, identifier
        assert after.regions == before.regions, identifier
        assert after.sectors == before.sectors, identifier
        assert [(t.type, t.date, t.money) for t in after.transactions] == [
            (t.type, t.date, t.money) for t in before.transactions
        ], identifier
        assert sorted((p.role, p.org.key) for p in after.participations) == sorted(
            (p.role, p.org.key) for p in before.participations
        ), identifier
        assert (after.status, after.planned_start, after.actual_end) == (
            before.status,
            before.planned_start,
            before.actual_end,
        ), identifier
        assert after.parent_identifier == before.parent_identifier
        assert after.loan_terms == before.loan_terms
        # A budget needs a whole period in 2.03: those without one are left out of the IATI
        # elements (noted), and the beltroad extension brings them back.
        assert after.extras.get("budgets", []) == before.extras.get("budgets", []), identifier
        assert [(x.name, x.lat, x.lon) for x in after.locations] == [
            (x.name, x.lat, x.lon) for x in before.locations
        ], identifier


def test_export_of_a_dataset_and_its_numbers(workspace: Workspace, tmp_path: Path) -> None:
    import_file(workspace, "iati", shared_file("iati/samples/datastore_CD.xml"))
    import_file(workspace, "iati", shared_file("iati/samples/flattener_canada-activity.xml"))
    out = tmp_path / "cd.xml"
    report = export_iati(workspace, out, dataset="iati-datastore-cd", generated=GENERATED)
    assert (report.count, report.transactions, report.valid) == (205, 815, None)
    root = etree.parse(str(out)).getroot()
    assert root.get("version") == "2.03"
    assert root.get("generated-datetime") == "2025-01-15T09:00:00+00:00"
    activity = root.find("iati-activity[iati-identifier='GB-1-105838-101']")
    assert activity is not None
    reporting = activity.find("reporting-org")
    # The default publisher is IATI's example prefix, reporting DFID's data as a secondary.
    assert (reporting.get("ref"), reporting.get("secondary-reporter")) == ("XE-EXAMPLE", "1")
    assert [s.get("percentage") for s in activity.findall("sector")] == ["40", "20", "30", "10"]
    value = activity.find("transaction/value")
    # The publisher's own value date (2009-04-01), not the transaction date (2004-01-01).
    assert (value.text, value.get("currency"), value.get("value-date")) == (
        "1067912",
        "GBP",
        "2009-04-01",
    )
    assert activity.find("related-activity").attrib == {"ref": "GB-1-105838", "type": "1"}
    # No schema folder given: the registry's, from the cache or the mirror; with neither and
    # downloads off, the export says so before writing anything.
    offline = Workspace(
        workspace.settings.model_copy(update={"data_mirror": None}), workspace.engine
    )
    with pytest.raises(DataUnavailable, match=r"iati-schema-2\.03") as caught:
        export_iati(offline, tmp_path / "x.xml", validate=True, allow_download=False)
    assert "beltroad data pull iati-schema-2.03" in str(caught.value.hint)
    assert not (tmp_path / "x.xml").exists()
    with pytest.raises(InvalidInput, match="no projects to export"):
        export_iati(workspace, tmp_path / "none.xml", dataset="no-such-dataset")
    assert not (tmp_path / "none.xml").exists()


# --- records that did not come from IATI ----------------------------------------------------------


def aiddata_like() -> list[ProjectRecord]:
    """Shaped like AidData GCDF records: no IATI prefix, commitment amounts, beltroad roles."""
    provenance = Provenance(dataset="aiddata-gcdf3-test", recommended_for_aggregates=True)
    bank = OrgRef(name="China Development Bank", org_type=10, name_zh="国家开发银行")
    insurer = OrgRef(name="Sinosure", org_type=10)
    return [
        ProjectRecord(
            identifier="39241",
            title="Karachi port expansion loan",
            provenance=provenance,
            status=2,
            actual_start=dt.date(2016, 5, 1),
            commitment_year=2015,
            flow_type=21,
            finance_type=421,
            amount=Money(usd_constant=312_500_000.5, base_year=2021),  # constant USD only
            countries=(CountrySplit("PAK", 100.0),),
            sectors=(SectorSplit("210", "2", 100.0),),
            participations=(
                Participation(bank, "funding"),
                Participation(insurer, "insurer"),
            ),
            loan_terms=LoanTermsRecord(
                interest_rate_pct=2.0, maturity_years=20.0, grace_period_years=5.0
            ),
        ),
        ProjectRecord(
            identifier="GCDF/40001 & more?",  # characters IATI identifiers may not hold
            title="Solar plant, 50 MW",
            provenance=provenance,
            status=4,
            planned_start=dt.date(2018, 1, 1),
            actual_end=dt.date(2020, 6, 30),
            amount=Money(currency="USD", original=45e6, usd_nominal=45e6),
            countries=(CountrySplit("KEN", 60.0), CountrySplit("UGA", 40.0)),
            sectors=(SectorSplit("23230", "1", 100.0),),
        ),
        ProjectRecord(
            identifier="40002",
            title="Unknown status and no dates but a commitment year",
            provenance=provenance,
            commitment_year=2019,
            amount=Money(usd_nominal=1e-5 + 10),
            countries=(CountrySplit("XKX", 100.0),),
        ),
    ]


def test_aiddata_like_records_export_valid(
    workspace: Workspace, tmp_path: Path, schema_dir: Path
) -> None:
    with workspace.writing() as connection:
        writes.write_projects(connection, aiddata_like())
    out = tmp_path / "aiddata.xml"
    report = export_iati(
        workspace, out, validate=True, schema_dir=schema_dir, reporting_org=PUBLISHER
    )
    assert report.valid is True, report.errors
    assert (report.count, report.transactions) == (3, 3)
    text = out.read_text(encoding="utf-8")
    root = etree.fromstring(text.encode())
    by_id = {a.findtext("iati-identifier"): a for a in root.iter("iati-activity")}
    assert set(by_id) == {"39241", "GCDF-40001 - more-", "40002"}

    loan = by_id["39241"]
    assert loan.find("reporting-org").get("secondary-reporter") == "1"
    [participant] = loan.findall("participating-org")  # the insurer has no IATI role
    assert participant.get("role") == "1"
    assert [n.text for n in participant.findall("narrative")] == [
        "China Development Bank",
        "国家开发银行",
    ]
    transaction = loan.find("transaction")
    assert transaction.find("transaction-type").get("code") == "2"
    value = transaction.find("value")
    assert (value.text, value.get("currency"), value.get("value-date")) == (
        "312500000.5",
        "USD",
        "2015-01-01",
    )
    comments = " ".join(c.text for c in loan.iter(etree.Comment))
    assert "constant 2021 USD" in comments
    assert "Sinosure (insurer) left out" in comments
    assert "maturity 20, grace period 5" in comments
    assert loan.find("sector").attrib == {"vocabulary": "2", "code": "210", "percentage": "100"}
    assert loan.find("crs-add/loan-terms").get("rate-1") == "2"

    solar = by_id["GCDF-40001 - more-"]
    assert [(c.get("code"), c.get("percentage")) for c in solar.findall("recipient-country")] == [
        ("KE", "60"),
        ("UG", "40"),
    ]
    assert solar.find("transaction/value").get("value-date") == "2018-01-01"
    assert "written as 'GCDF-40001 - more-'" in " ".join(c.text for c in solar.iter(etree.Comment))

    bare = by_id["40002"]
    assert bare.find("activity-status").get("code") == "1"  # derived, and said so
    assert bare.find("activity-date").attrib == {"type": "1", "iso-date": "2019-01-01"}
    assert bare.find("participating-org").attrib == {"role": "1"}
    assert bare.find("recipient-country").get("code") == "XK"
    assert bare.find("transaction/value").text == "10.00001"  # never 1e-05 notation


def test_write_iati_streams_to_a_file_object_and_validates(
    schema_dir: Path, tmp_path: Path
) -> None:
    out = io.BytesIO()
    summary = write_iati(aiddata_like(), out, reporting_org=PUBLISHER, generated=GENERATED)
    assert (summary.activities, summary.transactions) == (3, 3)
    path = tmp_path / "stream.xml"
    path.write_bytes(out.getvalue())
    assert validate_iati(path, schema_dir) == []


def test_text_xml_cannot_hold_is_dropped(schema_dir: Path, tmp_path: Path) -> None:
    """Spreadsheet sources carry control characters that no XML document may contain."""
    record = ProjectRecord(
        "XE-EXAMPLE-CTRL\x0b",
        "Port\x0b upgrade\x00",
        Provenance("manual"),
        description="Phase\x1f 2",
        status=2,
        planned_start=dt.date(2024, 1, 1),
    )
    path = tmp_path / "ctrl.xml"
    write_iati([record], path, reporting_org=PUBLISHER, generated=GENERATED)
    assert validate_iati(path, schema_dir) == []
    activity = etree.parse(str(path)).getroot()[0]
    assert activity.findtext("iati-identifier") == "XE-EXAMPLE-CTRL"
    assert activity.findtext("title/narrative") == "Port upgrade"
    assert activity.findtext("description/narrative") == "Phase 2"


def test_a_failed_export_leaves_no_file(tmp_path: Path) -> None:
    def broken() -> Iterator[ProjectRecord]:
        yield from aiddata_like()
        raise RuntimeError("database went away")

    out = tmp_path / "half.xml"
    with pytest.raises(RuntimeError):
        write_iati(broken(), out, reporting_org=PUBLISHER, generated=GENERATED)
    assert list(tmp_path.iterdir()) == []


def test_the_publisher_needs_a_name_a_ref_and_a_type() -> None:
    for org in (
        OrgRef("No ref", org_type=10),
        OrgRef("No type", ref="XE-EXAMPLE"),
        OrgRef(" ", ref="XE-EXAMPLE", org_type=10),
    ):
        with pytest.raises(InvalidInput, match="reporting organisation needs"):
            write_iati(aiddata_like(), io.BytesIO(), reporting_org=org, generated=GENERATED)


@pytest.mark.parametrize(
    ("value", "text"),
    [(1e-05, "0.00001"), (1e20, "100000000000000000000"), (14.29, "14.29"), (-3.0, "-3")],
)
def test_decimal_text_is_xsd_decimal(value: float, text: str) -> None:
    assert decimal_text(value) == text


def test_iati_identifier() -> None:
    assert iati_identifier("  a/b&c|d?e ") == "a-b-c-d-e"
    with pytest.raises(InvalidInput):
        iati_identifier("   ")
