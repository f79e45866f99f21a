"""``gcdf3``: AidData GCDF 3.0 in its release layout: the real 961-row subset, a 126-column
workbook built from the data dictionary, and small bad files."""

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
from beltroad.storage import models
from tests.conftest import shared_file
from tests.ingest import aiddata_support
from tests.ingest.aiddata_support import fingerprint, write_csv

SUBSET = "aiddata-gcdf3/df_filtered_gcdf3_ge10m.csv"
DICTIONARY = "aiddata-gcdf3/gcdf3_data_dictionary.csv"
DATASET = "aiddata-gcdf3"
COLUMNS = [
    "AidData Record ID",
    "Recommended For Aggregates",
    "Umbrella",
    "Recipient",
    "Recipient ISO-3",
    "Commitment Year",
    "Title",
    "Status",
    "Flow Type",
    "Flow Class",
    "Sector Code",
    "Sector Name",
    "Amount (Constant USD 2021)",
    "Actual Implementation Start Date (MM/DD/YYYY)",
    "Actual Completion Date (MM/DD/YYYY)",
]


sqlite_ws = aiddata_support.sqlite_ws


def record(record_id: int, **changes: Any) -> dict[str, Any]:
    """A valid GCDF 3.0 record (a 2015 grant to Ghana), with ``changes`` by column name."""
    values: dict[str, Any] = {
        "AidData Record ID": record_id,
        "Recommended For Aggregates": "Yes",
        "Umbrella": "No",
        "Recipient": "Ghana",
        "Recipient ISO-3": "GHA",
        "Commitment Year": 2015,
        "Title": f"Test school {record_id}",
        "Status": "Completion",
        "Flow Type": "Grant",
        "Flow Class": "ODA-like",
        "Sector Code": 110,
        "Sector Name": "EDUCATION",
        "Amount (Constant USD 2021)": 2_500_000.25,
        "Actual Implementation Start Date (MM/DD/YYYY)": "03/01/2016",
        "Actual Completion Date (MM/DD/YYYY)": "12/31/2017",
    }
    values.update(changes)
    return values


def gcdf3_csv(
    path: Path,
    records: list[dict[str, Any]],
    *,
    columns: list[str] = COLUMNS,
    encoding: str = "utf-8",
) -> Path:
    return write_csv(path, columns, records, encoding=encoding)


# --- the real 961-row subset ----------------------------------------------------------------------


def test_real_subset_of_projects_over_10m(sqlite_ws: Workspace) -> None:
    import pandas as pd

    path = shared_file(SUBSET)
    report = import_file(sqlite_ws, "gcdf3", path)
    assert report.rejected == []
    assert report.inserted == 961

    source = pd.read_csv(path)
    project = models.Project
    with sqlite_ws.reading() as connection:
        total = connection.execute(
            select(func.sum(project.amount_usd_constant)).where(project.dataset == DATASET)
        ).scalar_one()
        by_class = dict(
            connection.execute(
                select(project.flow_class, func.count())
                .where(project.dataset == DATASET)
                .group_by(project.flow_class)
            ).all()
        )
        expressway = connection.execute(
            select(project).where(project.identifier == "AidData-GCDF3-71672")
        ).one()
        country = connection.execute(
            select(models.ProjectCountry.iso3).where(
                models.ProjectCountry.project_id == expressway.id
            )
        ).scalar_one()
        sector = connection.execute(
            select(models.ProjectSector.vocabulary, models.ProjectSector.code).where(
                models.ProjectSector.project_id == expressway.id
            )
        ).one()
    assert total == pytest.approx(source["Adjusted Amount (Constant USD 2021)"].sum(), rel=1e-12)
    assert by_class == source["Flow Class"].value_counts().to_dict()

    # Record 71672: China Eximbank's buyer's credit for Section A4 of the Colombo-Katunayake
    # Expressway, Sri Lanka, 2009.
    assert expressway.title.startswith("China Eximbank provides $66.783 million buyer’s credit")
    assert expressway.commitment_year == 2009
    assert expressway.status == 3  # Completion -> Finalisation
    assert (expressway.flow_class, expressway.flow_type, expressway.finance_type) == (
        "OOF-like",
        21,
        421,
    )
    assert expressway.amount_usd_constant == pytest.approx(100_309_208.68509)
    assert expressway.amount_base_year == 2021
    assert country == "LKA"
    assert tuple(sector) == ("2", "210")
    # The subset has neither the flag nor the umbrella column: unknown, not guessed.
    assert expressway.recommended_for_aggregates is None
    assert expressway.extras["completion_year"] == 2013
    assert expressway.extras["intent"] == "Mixed"
    assert expressway.extras["funding_agencies_type"] == "State-owned Policy Bank"

    again = import_file(sqlite_ws, "gcdf3", path)
    assert again.records_written == 0
    assert again.unchanged == 961


# --- the full release layout, as a workbook ---------------------------------------------------


def release_workbook(path: Path, rows: list[dict[str, Any]], *, title_rows: int = 2) -> Path:
    """An .xlsx with all 126 GCDF 3.0 fields (names from the data dictionary), header below a
    title block, and ``rows`` given by field name (other fields empty)."""
    import openpyxl

    with shared_file(DICTIONARY).open(encoding="utf-8") as handle:
        fields = [entry["field_name"] for entry in csv.DictReader(handle)]
    assert len(fields) == 126
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for _ in range(title_rows):
        sheet.append(["AidData's Global Chinese Development Finance Dataset, Version 3.0"])
    sheet.append(fields)
    for values in rows:
        unknown = set(values) - set(fields)
        assert not unknown, unknown
        sheet.append([values.get(name) for name in fields])
    book.save(path)
    return path


POWER_LOAN = {
    "AidData Record ID": 900001,
    "Recommended For Aggregates": "Yes",
    "AidData Parent ID": "P-77",
    "Umbrella": "No",
    "Financier Country": "China (People's Republic of)",
    "Recipient": "Pakistan",
    "Recipient ISO-3": "PAK",
    "Recipient Region": "Asia",
    "Commitment Year": 2015,
    "Title": "CDB and ICBC provide $1.6 billion buyer's credit for a test power plant",
    "Description": "A test record in the GCDF 3.0 layout.",
    "Status": "Implementation",
    "Intent": "Commercial",
    "Flow Type": "Loan",
    "Flow Type Simplified": "Loan",
    "Flow Class": "OOF-like",
    "Sector Code": 230,
    "Sector Name": "ENERGY",
    "Infrastructure": "Yes",
    "Funding Agencies": "China Development Bank (CDB)|Industrial and Commercial Bank of China",
    "Funding Agencies Type": "State-owned Policy Bank|State-owned Commercial Bank",
    "Cofinancing Agencies": "Asian Development Bank",
    "Cofinancing Agencies Type": "Other Intergovernmental Organization",
    "Direct Receiving Agencies": "Test Power Company (Private) Limited",
    "Direct Receiving Agencies Type": "Recipient Special Purpose Vehicle/Joint Venture",
    "Implementing Agencies": "PowerChina|Test Contractor Ltd",
    "Implementing Agencies Type": "Chinese State-owned Company|Recipient Private Sector",
    "Guarantee Provided": "Yes",
    "Guarantor": "Government of Pakistan",
    "Guarantor Agency Type": "Recipient Government Agency",
    "Insurance Provided": "Yes",
    "Insurance Provider": "China Export & Credit Insurance Corporation (Sinosure)",
    "Insurance Provider Agency Type": "Chinese State-owned Company",
    "Collateralized/Securitized": "Yes",
    "Amount (Original Currency)": 1_600_000_000,
    "Original Currency": "USD",
    "Amount (Constant USD 2021)": 1_800_000_000.5,
    "Amount (Nominal USD)": 1_600_000_000,
    "Adjusted Amount (Original Currency)": 1_500_000_000,
    "Adjusted Amount (Constant USD 2021)": 1_700_000_000.25,
    "Adjusted Amount (Nominal USD)": 1_500_000_000,
    "Commitment Date (MM/DD/YYYY)": dt.datetime(2015, 4, 20),
    "Planned Implementation Start Date (MM/DD/YYYY)": dt.datetime(2015, 6, 1),
    "Actual Implementation Start Date (MM/DD/YYYY)": dt.datetime(2015, 8, 1),
    "Planned Completion Date (MM/DD/YYYY)": dt.datetime(2018, 6, 1),
    "Actual Completion Date (MM/DD/YYYY)": dt.datetime(2019, 1, 15),
    "Maturity": 15,
    "Interest Rate": 4.5,
    "Grace Period": 3,
    "Management Fee": 0.5,
    "Commitment Fee": 0.5,
    "Grant Element (OECD Cash-Flow)": 12.3,
    "Export Buyer's Credit": "Yes",
    "OECD ODA Income Group": "Lower middle income",
    "Location Narrative": "Near a test port.",
}
REGIONAL_PLEDGE = {
    "AidData Record ID": 900002,
    "Recommended For Aggregates": "No",
    "Umbrella": "No",
    "Recipient": "Africa, regional",
    "Recipient Region": "Africa",
    "Commitment Year": 2018,
    "Title": "China pledges training for African officials",
    "Status": "Pipeline: Pledge",
    "Flow Type": "Free-standing Technical Assistance",
    "Flow Class": "ODA-like",
    "Sector Code": 150,
    "Sector Name": "GOVERNMENT AND CIVIL SOCIETY",
}
UMBRELLA = {
    "AidData Record ID": 900003,
    "Recommended For Aggregates": "No",
    "Umbrella": "Yes",
    "Recipient": "Kenya",
    "Recipient ISO-3": "KEN",
    "Commitment Year": 2014,
    "Title": "Framework agreement (umbrella)",
    "Status": "Implementation",
    "Flow Type": "Loan",
    "Flow Class": "Vague (Official Finance)",
    "Sector Code": 210,
    "Sector Name": "TRANSPORT AND STORAGE",
    "Adjusted Amount (Constant USD 2021)": 3_000_000_000,
}


def test_release_layout_workbook_on_both_back_ends(workspace: Workspace, tmp_path: Path) -> None:
    path = release_workbook(tmp_path / "GCDF_3.0.xlsx", [POWER_LOAN, REGIONAL_PLEDGE, UMBRELLA])
    report = import_file(workspace, "gcdf3", path)
    assert report.rejected == []
    assert report.inserted == 3
    project, organisation, participation = models.Project, models.Organisation, models.Participation
    with workspace.reading() as connection:
        ids = dict(connection.execute(select(project.source_record_id, project.id)).all())
        loan = connection.execute(select(project).where(project.id == ids["900001"])).one()
        roles = set(
            connection.execute(
                select(
                    organisation.name,
                    organisation.org_type,
                    organisation.country_iso3,
                    participation.role,
                )
                .join(participation, participation.organisation_id == organisation.id)
                .where(participation.project_id == loan.id)
            ).all()
        )
        terms = connection.execute(
            select(models.LoanTerms).where(models.LoanTerms.project_id == loan.id)
        ).one()
        transaction = connection.execute(
            select(models.Transaction).where(models.Transaction.project_id == loan.id)
        ).one()
        provider, receiver = (
            connection.execute(
                select(organisation.name).where(organisation.id == org_id)
            ).scalar_one()
            for org_id in (transaction.provider_org_id, transaction.receiver_org_id)
        )
        pledge = connection.execute(select(project).where(project.id == ids["900002"])).one()
        pledge_region = connection.execute(
            select(models.ProjectRegion.code).where(models.ProjectRegion.project_id == pledge.id)
        ).scalar_one()
        pledge_transactions = connection.execute(
            select(func.count()).where(models.Transaction.project_id == pledge.id)
        ).scalar_one()
        umbrella = connection.execute(select(project).where(project.id == ids["900003"])).one()

    # Adjusted amounts (AidData's recommendation for aggregates); the face value stays in extras.
    assert (loan.amount_currency, loan.amount_original) == ("USD", 1_500_000_000)
    assert (loan.amount_usd_nominal, loan.amount_usd_constant) == (1_500_000_000, 1_700_000_000.25)
    assert loan.extras["amount_constant_usd_2021_face_value"] == 1_800_000_000.5
    assert (loan.planned_start, loan.actual_start) == (dt.date(2015, 6, 1), dt.date(2015, 8, 1))
    assert (loan.planned_end, loan.actual_end) == (dt.date(2018, 6, 1), dt.date(2019, 1, 15))
    assert loan.extras["commitment_date"] == "2015-04-20"
    assert (loan.status, loan.flow_type, loan.finance_type) == (2, 22, 421)  # export credit
    assert loan.recommended_for_aggregates is True
    assert loan.extras["intent"] == "Commercial"
    assert loan.extras["aiddata_parent_id"] == "P-77"
    assert roles == {
        ("China Development Bank (CDB)", 15, "CHN", "funding"),
        ("Industrial and Commercial Bank of China", 15, "CHN", "funding"),
        ("Asian Development Bank", 40, None, "funding"),
        ("PowerChina", 15, "CHN", "implementing"),
        ("Test Contractor Ltd", 72, "PAK", "implementing"),
        ("Government of Pakistan", 10, "PAK", "guarantor"),
        ("China Export & Credit Insurance Corporation (Sinosure)", 15, "CHN", "insurer"),
    }
    assert (terms.interest_rate_pct, terms.maturity_years, terms.grace_period_years) == (4.5, 15, 3)
    assert (terms.management_fee_pct, terms.commitment_fee_pct) == (0.5, 0.5)
    assert terms.grant_element_pct == 12.3
    assert (terms.collateralised, terms.insured) == (True, True)
    assert (transaction.type, transaction.date) == (2, dt.date(2015, 4, 20))
    assert transaction.usd_constant == 1_700_000_000.25
    assert (provider, receiver) == (
        "China Development Bank (CDB)",
        "Test Power Company (Private) Limited",
    )
    # A regional pledge: no country, DAC region "Africa, regional", not for aggregates, and no
    # transaction because its amount is unknown.
    assert pledge.status == 1
    assert pledge.recommended_for_aggregates is False
    assert pledge.amount_usd_constant is None
    assert pledge_region == "298"
    assert pledge.extras["recipient"] == "Africa, regional"
    assert pledge_transactions == 0
    assert (pledge.aid_type, pledge.finance_type) == ("D02", 110)
    assert umbrella.is_umbrella is True
    assert umbrella.recommended_for_aggregates is False
    assert umbrella.flow_type is None  # "Vague (Official Finance)" is neither ODA nor OOF


# --- small bad files ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"Amount (Constant USD 2021)": "n/a?"}, "Amount (Constant USD 2021)", "not a number"),
        (
            {"Actual Completion Date (MM/DD/YYYY)": "01/31/2016"},
            "Actual Completion Date (MM/DD/YYYY)",
            "actual completion before actual start: 2016-01-31 is before 2016-03-01",
        ),
        (
            {"Actual Implementation Start Date (MM/DD/YYYY)": "13/45/2016"},
            "Actual Implementation Start Date (MM/DD/YYYY)",
            "not a date",
        ),
        (
            {"Actual Implementation Start Date (MM/DD/YYYY)": "01/01/2216"},
            "Actual Implementation Start Date (MM/DD/YYYY)",
            "out of range",
        ),
        ({"Recipient ISO-3": "XYZ"}, "Recipient", "unknown recipient ISO-3 code 'XYZ'"),
        ({"Flow Class": "ODA-ish"}, "Flow Class", "unknown flow class"),
        ({"AidData Record ID": "abc"}, "AidData Record ID", "record id"),
    ],
)
def test_bad_values_are_row_errors_and_nothing_is_written(
    sqlite_ws: Workspace, tmp_path: Path, changes: dict[str, Any], field: str, reason: str
) -> None:
    path = gcdf3_csv(tmp_path / "g.csv", [record(1), record(2, **changes)])
    before = fingerprint(sqlite_ws)
    with pytest.raises(ImportRejected) as caught:
        # strict: unreadable values are rejected either way; dates out of order only so
        import_file(sqlite_ws, "gcdf3", path, strict=True)
    assert fingerprint(sqlite_ws) == before
    [error] = caught.value.report.rejected
    assert (error.row, error.field) == (3, field)
    assert reason in error.reason


def test_blank_amount_is_unknown_not_zero(sqlite_ws: Workspace, tmp_path: Path) -> None:
    path = gcdf3_csv(tmp_path / "g.csv", [record(1, **{"Amount (Constant USD 2021)": ""})])
    import_file(sqlite_ws, "gcdf3", path)
    with sqlite_ws.reading() as connection:
        amount = connection.execute(select(models.Project.amount_usd_constant)).scalar_one()
    assert amount is None


def test_duplicate_ids_are_rejected(sqlite_ws: Workspace, tmp_path: Path) -> None:
    path = gcdf3_csv(tmp_path / "g.csv", [record(7), record(7)])
    report = import_file(sqlite_ws, "gcdf3", path, dry_run=True)
    [dup] = report.rejected
    assert (dup.row, dup.field, dup.value) == (3, "id", "AidData-GCDF3-7")


@pytest.mark.parametrize(
    ("renamed", "expected"),
    [
        ({"Title": "Titel"}, "'Title' (closest: 'Titel')"),
        ({"Amount (Constant USD 2021)": "Amount"}, "missing an amount column"),
    ],
)
def test_missing_or_renamed_columns(
    sqlite_ws: Workspace, tmp_path: Path, renamed: dict[str, str], expected: str
) -> None:
    columns = [renamed.get(c, c) for c in COLUMNS]
    values = {renamed.get(k, k): v for k, v in record(1).items()}
    path = gcdf3_csv(tmp_path / "g.csv", [values], columns=columns)
    before = fingerprint(sqlite_ws)
    with pytest.raises(InvalidInput) as caught:
        import_file(sqlite_ws, "gcdf3", path)
    assert expected in caught.value.message
    assert fingerprint(sqlite_ws) == before


def test_country_table_beside_the_file_is_a_fallback(sqlite_ws: Workspace, tmp_path: Path) -> None:
    congo = record(1, Recipient="Congo - Brazzaville", **{"Recipient ISO-3": None})
    path = gcdf3_csv(tmp_path / "g.csv", [congo])
    report = import_file(sqlite_ws, "gcdf3", path, dry_run=True)
    [error] = report.rejected
    assert (error.field, error.value) == ("Recipient", "Congo - Brazzaville")
    assert "country_aliases" in error.reason
    (tmp_path / "gcdf3_standardized_countrynames.csv").write_text(
        "recipient,country_name,iso3c,country_or_regional\nCongo - Brazzaville,Congo,COG,country\n",
        encoding="utf-8",
    )
    import_file(sqlite_ws, "gcdf3", path)
    with sqlite_ws.reading() as connection:
        iso3 = connection.execute(select(models.ProjectCountry.iso3)).scalar_one()
    assert iso3 == "COG"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", r"empty \(0 bytes\)"),
        (",".join(COLUMNS).encode() + b"\n", "no data rows"),
        (",".join(COLUMNS).encode("utf-16"), "UTF-16"),
        (
            ",".join(COLUMNS).encode() + b"\n1,Yes,No,C\xf4te d'Ivoire,CIV,2015\n",
            "byte 0xf4 at offset .* is not valid utf-8",
        ),
    ],
)
def test_unreadable_files(
    sqlite_ws: Workspace, tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "g.csv"
    path.write_bytes(content)
    before = fingerprint(sqlite_ws)
    with pytest.raises(InvalidInput, match=expected):
        import_file(sqlite_ws, "gcdf3", path)
    assert fingerprint(sqlite_ws) == before


# --- the shared AidData vocabularies ------------------------------------------------------------


def test_vocabulary_tables_map_onto_iati_codes() -> None:
    from beltroad.ingest import aiddata
    from beltroad.reference.iati import DAC3_SECTORS, ActivityStatus, AidType, FinanceType

    assert {g.dac3 for g in aiddata.SECTOR_GROUPS.values()} <= set(DAC3_SECTORS)
    assert set(aiddata.SECTOR_NAMES.values()) <= set(aiddata.SECTOR_GROUPS)
    assert {s.code for s in aiddata.STATUSES.values()} <= {s.code for s in ActivityStatus}
    for instrument in aiddata.INSTRUMENTS.values():
        assert instrument.finance_type is None or FinanceType(instrument.finance_type)
        assert instrument.aid_type is None or AidType(instrument.aid_type)
    # OECD DAC region codes (IATI RegionVocabulary 1)
    dac_regions = {"89", "189", "289", "298", "380", "389", "489", "498", "589", "619", "679"}
    dac_regions |= {"689", "789", "798", "889", "998"}
    assert set(aiddata.DAC_REGIONS.values()) <= dac_regions
