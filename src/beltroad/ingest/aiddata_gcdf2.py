"""``gcdf2``: AidData's Global Chinese Development Finance Dataset 2.0, in its 70-column layout.

AidData GCDF 2.0 (2000-2017), for example the military companion
``MilitaryAidDatasGlobalChineseDevelopmentFinanceDataset_v2.0.csv`` (446 rows). AidData wrote
these CSV files in Windows-1252, the latin-1 superset whose 0x80-0x9F bytes are curly quotes and
dashes (and "ž" in "Oružane snage"): the file is decoded as such, without a UTF-8 attempt. A
file that starts with a UTF-8 byte-order mark says it is UTF-8 and is read so; UTF-16 and binary
files are refused with a clear message.

Mapping as for GCDF 3.0 (:mod:`beltroad.ingest.aiddata`), with the 2.0 names:
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
    aggregates_flag,
    amount,
    check_dates,
    commitment,
    flow_class_of,
    flow_type_of,
    instrument_of,
    is_pledge,
    keep_extras,
    loan_terms,
    make_money,
    original_amount,
    record_number,
    require_amount_column,
    required_text,
    resolve_recipient,
    sector_group_of,
    sector_split,
    status_of,
)
from beltroad.ingest.base import (
    Item,
    Row,
    RowContext,
    SourceInfo,
    boolean,
    csv_rows,
    date,
    require_columns,
    require_file,
    text,
    year,
)
from beltroad.ingest.sheets import no_rows, refuse_utf16_or_binary
from beltroad.progress import NULL_PROGRESS, Progress
from beltroad.records import Participation, ProjectRecord, Provenance
from beltroad.reference.iati import ParticipationRole

FUNDING = ParticipationRole.FUNDING.value
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

    def read(self, path: Path, *, progress: Progress = NULL_PROGRESS) -> Iterator[Item]:
        header, rows = legacy_csv_rows(path)
        require_columns(header, REQUIRED, file=str(path))
        require_amount_column(header, AMOUNT_COLUMNS, file=str(path))
        present = set(header)
        progress.start(f"reading {path.name}")
        seen = 0
        for number_, values in rows:
            seen += 1
            progress.advance()
            ctx = RowContext(number_, values)
            record = _project(ctx, present)
            if record is None:
                yield from ctx.errors
            else:
                yield Row(number_, record)
        progress.finish()
        if not seen:
            raise no_rows(path)


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
    planned_start = ctx.get(PLANNED_START, date, formats=DATE_FORMATS)
    planned_end = ctx.get(PLANNED_END, date, formats=DATE_FORMATS)
    actual_start = ctx.get(ACTUAL_START, date, formats=DATE_FORMATS)
    actual_end = ctx.get(ACTUAL_END, date, formats=DATE_FORMATS)
    check_dates(ctx, (PLANNED_START, planned_start), (PLANNED_END, planned_end), "planned")
    check_dates(ctx, (ACTUAL_START, actual_start), (ACTUAL_END, actual_end), "actual")
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
    assert record_id is not None
    assert title is not None
    assert status is not None
    assert group is not None
    assert recipients is not None
    countries, regions = recipients
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
    status_name = text(values.get("Status"))
    export_credit = bool(instrument and instrument.export_credit)
    return ProjectRecord(
        identifier=f"AidData-GCDF2-{record_id}",
        title=title,
        description=text(values.get("Description")),
        provenance=Provenance(
            dataset=DATASET,
            source_record_id=str(record_id),
            recommended_for_aggregates=aggregates_flag(recommended, status_name, umbrella),
        ),
        status=int(status),
        planned_start=planned_start,
        actual_start=actual_start,
        planned_end=planned_end,
        actual_end=actual_end,
        commitment_year=commitment_year,
        flow_class=flow_class,
        flow_type=flow_type_of(flow_class, export_credit=export_credit),
        finance_type=instrument.finance_type if instrument else None,
        aid_type=instrument.aid_type if instrument else None,
        amount=money,
        countries=countries,
        regions=regions,
        sectors=(sector_split(group),),
        participations=tuple(participations),
        transactions=commitment(
            money,
            None,
            pledged=is_pledge(status_name),
            provider=next((p.org for p in participations if p.role == FUNDING), None),
            receiver=receivers[0] if receivers else None,
        ),
        loan_terms=terms,
        is_umbrella=bool(umbrella),
        extras={k: v for k, v in extras.items() if v is not None},
    )
