"""``gcdf2``: AidData's Global Chinese Development Finance Dataset 2.0, in its 70-column layout.

AidData GCDF 2.0 (2000-2017), for example the military companion
``MilitaryAidDatasGlobalChineseDevelopmentFinanceDataset_v2.0.csv`` (446 rows). AidData wrote
these CSV files in Windows-1252, the latin-1 superset whose 0x80-0x9F bytes are curly quotes and
dashes (and "ž" in "Oružane snage"): the file is decoded as such, without a UTF-8 attempt. A
file that starts with a UTF-8 byte-order mark says it is UTF-8 and is read so; UTF-16 and binary
files are refused with a clear message.

Mapping as for GCDF 3.0 (:mod:`beltroad.ingest.aiddata_codes`), with the 2.0 names:
``AidData TUFF Project ID`` -> ``AidData-GCDF2-<id>``; ``Recommended For Aggregates`` (or the
military file's ``Recommended For Military Aggregates``) -> recommended for aggregates; amounts in
original currency, nominal USD (``Amount (Nominal)``) and constant 2017 USD
(``Amount (Constant USD2017)``); agencies with their ``... Origin`` columns; ``Accountable
Agencies`` (AidData 2.0's guarantors and insurers together) -> guarantor or insurer when only one
of "Guarantee Provided" / "Insurance Provided" is Yes, else the IATI "accountable" role.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from beltroad.errors import InvalidInput
from beltroad.ingest.aiddata import (
    agencies,
    amount,
    build_project,
    keep_extras,
    loan_terms,
    make_money,
    original_amount,
    project_items,
    read_dates,
    record_number,
    require_amount_column,
    required_text,
    resolve_recipient,
)
from beltroad.ingest.aiddata_codes import (
    flow_class_of,
    instrument_of,
    sector_group_of,
    status_of,
)
from beltroad.ingest.base import (
    Item,
    ReadNotes,
    RowContext,
    SourceInfo,
    boolean,
    csv_rows,
    require_columns,
    require_file,
    text,
    year,
)
from beltroad.ingest.sheets import refuse_utf16_or_binary
from beltroad.progress import NULL_PROGRESS, Progress
from beltroad.records import Participation, ProjectRecord
from beltroad.reference.iati import ParticipationRole

DATASET = "aiddata-gcdf2"
BASE_YEAR = 2017
ENCODING = "cp1252"  # Windows-1252: latin-1 with printable 0x80-0x9F
RECORD_ID = "AidData TUFF Project ID"
REQUIRED = (
    RECORD_ID,
    "Recipient",
    "Commitment Year",
    "Title",
    "Status",
    "Flow Class",
    "Sector Name",
)
CONSTANT = "Amount (Constant USD2017)"
NOMINAL = "Amount (Nominal)"
AMOUNT_COLUMNS = (CONSTANT, NOMINAL, "Amount (Original Currency)")
RECOMMENDED = ("Recommended For Aggregates", "Recommended For Military Aggregates")
DATE_FORMATS = ("%m/%d/%Y", "%Y-%m-%d")
PLANNED_START = "Planned Implementation Start Date (MM/DD/YYYY)"
PLANNED_END = "Planned Completion Date (MM/DD/YYYY)"
ACTUAL_START = "Actual Implementation Start Date (MM/DD/YYYY)"
ACTUAL_END = "Actual Completion Date (MM/DD/YYYY)"
# Read in this order, so that row errors keep their order.
DATE_COLUMNS = {
    "planned_start": PLANNED_START,
    "planned_end": PLANNED_END,
    "actual_start": ACTUAL_START,
    "actual_end": ACTUAL_END,
}
AGENCY_COLUMNS = (
    ("Funding Agencies", ParticipationRole.FUNDING),
    ("Cofinancing Agencies", ParticipationRole.FUNDING),
    ("Implementing Agencies", ParticipationRole.IMPLEMENTING),
)
EXTRAS = {
    "intent": "Intent",
    "concessional": "Concessional",
    "recipient_region": "Recipient Region",
    "location_narrative": "Geographic Location",
    "loan_type": "Loan Type",
    "commitment_year_estimated": "Commitment Year Estimated",
    "source_quality_score": "Source Quality Score",
}


def expected_columns(present: set[str]) -> list[str]:
    """Every column the importer reads from a file with the columns ``present``."""
    return [
        *REQUIRED,
        *AMOUNT_COLUMNS,
        "Original Currency",
        "Sector Code" if "Sector Code" in present else "Sector Name",
        "Sector Name",
        "Flow Type",
        next((c for c in RECOMMENDED if c in present), RECOMMENDED[0]),
        "Umbrella",
        *DATE_COLUMNS.values(),
        *EXTRAS.values(),
        *LOAN_COLUMNS,
        "Guarantee Provided",
        "Insurance Provided",
        *(
            f"{column}{suffix}"
            for column, _ in AGENCY_COLUMNS
            for suffix in ("", " Type", " Origin")
        ),
        *(f"Receiving Agencies{suffix}" for suffix in ("", " Type", " Origin")),
        "Description",
    ]


LOAN_COLUMNS = (
    "Interest Rate",
    "Maturity",
    "Grace Period",
    "Management Fee",
    "Commitment Fee",
    "Grant Element",
    "Collateralized/Securitized",
)


class Gcdf2Importer:
    kind = "gcdf2"
    summary = "AidData GCDF 2.0 project table, 70-column layout (Windows-1252/latin-1 CSV)"

    def source(self, path: Path) -> SourceInfo:
        return SourceInfo(
            dataset=DATASET,
            title="AidData Global Chinese Development Finance Dataset, Version 2.0",
            citation="AidData GCDF 2.0",
            licence="ODC-By 1.0",
        )

    def __init__(self) -> None:
        self.notes = ReadNotes()

    def read(self, path: Path, *, progress: Progress = NULL_PROGRESS) -> Iterator[Item]:
        header, rows = legacy_csv_rows(path)
        require_columns(header, REQUIRED, file=str(path))
        require_amount_column(header, AMOUNT_COLUMNS, file=str(path))
        present = set(header)
        self.notes.columns(header, expected_columns(present))
        yield from project_items(path, rows, lambda ctx: _project(ctx, present), progress)


def legacy_csv_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """Rows of a Windows-1252 CSV; a UTF-8 BOM switches to UTF-8; UTF-16 and binary refused."""
    require_file(path)
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    if head.startswith(b"PK\x03\x04"):
        raise InvalidInput.at(
            "this is a zip or Excel workbook, not the GCDF 2.0 CSV file",
            file=str(path),
            hint="export the sheet as CSV",
        )
    refuse_utf16_or_binary(path, head, expected="a latin-1 (Windows-1252) CSV file")
    encoding = "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else ENCODING
    return csv_rows(path, encoding=encoding)


def _project(ctx: RowContext, present: set[str]) -> ProjectRecord | None:
    values = ctx.values
    record_id = ctx.get(RECORD_ID, record_number)
    title = ctx.get("Title", required_text, what="a project title")
    status = ctx.get("Status", status_of)
    flow_class = ctx.get("Flow Class", flow_class_of)
    instrument = ctx.get("Flow Type", instrument_of)
    group = ctx.get("Sector Code" if "Sector Code" in present else "Sector Name", sector_group_of)
    commitment_year = ctx.get("Commitment Year", year)
    recipients = ctx.get("Recipient", resolve_recipient)
    recommended_column = next((c for c in RECOMMENDED if c in present), RECOMMENDED[0])
    recommended = ctx.get(recommended_column, boolean)
    umbrella = ctx.get("Umbrella", boolean)
    extras: dict[str, Any] = {
        "aiddata_sector": text(values.get("Sector Name")),
        "aiddata_flow_type": text(values.get("Flow Type")),
        **keep_extras(ctx, EXTRAS),
    }
    original, currency = original_amount(
        ctx, "Amount (Original Currency)", "Original Currency", extras
    )
    money = make_money(
        currency=currency,
        original=original,
        usd_nominal=ctx.get(NOMINAL, amount, what="an amount in nominal USD"),
        usd_constant=ctx.get(CONSTANT, amount, what="an amount in constant 2017 USD"),
        base_year=BASE_YEAR,
    )
    dates = read_dates(ctx, DATE_COLUMNS, DATE_FORMATS)
    guaranteed = ctx.get("Guarantee Provided", boolean)
    insured = ctx.get("Insurance Provided", boolean)
    terms = loan_terms(
        ctx,
        {
            "interest_rate_pct": "Interest Rate",
            "maturity_years": "Maturity",
            "grace_period_years": "Grace Period",
            "management_fee_pct": "Management Fee",
            "commitment_fee_pct": "Commitment Fee",
            "grant_element_pct": "Grant Element",
        },
        {"collateralised": "Collateralized/Securitized", "insured": "Insurance Provided"},
        is_loan=instrument is not None and instrument.is_loan,
    )
    if ctx.errors:
        return None
    assert recipients is not None
    countries = recipients[0]
    if not countries:
        extras["recipient"] = text(values.get("Recipient"))
    iso3 = countries[0].iso3 if countries else None
    accountable = ParticipationRole.ACCOUNTABLE
    if guaranteed and not insured:
        accountable = ParticipationRole.GUARANTOR
    elif insured and not guaranteed:
        accountable = ParticipationRole.INSURER
    participations = [
        Participation(org, role.value)
        for column, role in (*AGENCY_COLUMNS, ("Accountable Agencies", accountable))
        for org in agencies(
            values.get(column),
            values.get(f"{column} Type"),
            origins=values.get(f"{column} Origin"),
            recipient_iso3=iso3,
            default_country="CHN" if column == "Funding Agencies" else None,
        )
    ]
    receivers = agencies(
        values.get("Receiving Agencies"),
        values.get("Receiving Agencies Type"),
        origins=values.get("Receiving Agencies Origin"),
        recipient_iso3=iso3,
    )
    return build_project(
        dataset=DATASET,
        prefix="AidData-GCDF2",
        record_id=record_id,
        title=title,
        description=text(values.get("Description")),
        status=status,
        status_name=text(values.get("Status")),
        recommended=recommended,
        umbrella=umbrella,
        group=group,
        recipients=recipients,
        commitment_year=commitment_year,
        dates=dates,
        flow_class=flow_class,
        instrument=instrument,
        export_credit=bool(instrument and instrument.export_credit),
        money=money,
        committed=None,
        participations=participations,
        receivers=receivers,
        terms=terms,
        extras=extras,
    )
