"""``gcdf3``: AidData's Global Chinese Development Finance Dataset 3.0, in its release layout.

AidData (2023), Global Chinese Development Finance Dataset, Version 3.0. The release has 126
fields (``gcdf3_data_dictionary.csv``); this importer needs only the essential ones (record id,
recipient, commitment year, title, status, flow class, sector name and one amount column) and maps
every other known field when present, so the 20,985-row release (.xlsx or .csv) and subsets of it
(such as the 961-row, 21-column ``df_filtered_gcdf3_ge10m.csv``) import alike.

The vocabularies it maps through (status, sector, flow, agency type) live in
:mod:`beltroad.ingest.aiddata_codes` and the record is put together by
:func:`beltroad.ingest.aiddata.build_project`, shared with the ``gcdf3-geo``, ``gcdf2`` and
``gcof1`` importers.

Decisions:

* **Amounts** are the *adjusted* amounts when the file has them (AidData recommends them for
  aggregates: they leave out PBOC swap and rescue-loan rollovers), else the face values; the face
  value in constant USD is kept in ``extras`` when it differs. Base year 2021; blank is unknown.
* **Recipients** resolve through the exact country matcher (Recipient ISO-3 first, then the name,
  then ``gcdf3_standardized_countrynames.csv`` if it sits next to the file). A record AidData marks
  regional ("Africa, regional", "Multi-Region") is kept with no recipient country and with the
  OECD DAC region its label names (IATI RegionVocabulary 1); the label stays in
  ``extras["recipient"]``. Anything else unresolvable is a row error.
* **Recommended for aggregates** is AidData's own flag. When a file lacks it, AidData's documented
  rule is applied where its inputs are known (pledged, suspended and cancelled records and umbrella
  records are "No"); otherwise it stays unknown (None).
* A commitment (or, for pledges, an outgoing pledge) transaction carries the project amount, dated
  by the commitment date, from the first funding agency to the first direct receiving agency.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from beltroad.ingest.aiddata import (
    NameTable,
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
    norm,
    sector_group_of,
    status_of,
)
from beltroad.ingest.base import (
    Item,
    ReadNotes,
    RowContext,
    SourceInfo,
    boolean,
    date,
    read_text,
    text,
    year,
)
from beltroad.ingest.sheets import table_rows
from beltroad.progress import NULL_PROGRESS, Progress
from beltroad.records import Money, Participation, ProjectRecord
from beltroad.reference.iati import ParticipationRole

DATASET = "aiddata-gcdf3"
STANDARD_NAMES_FILE = "gcdf3_standardized_countrynames.csv"
BASE_YEAR = 2021
GCDF3_CITATION = (
    "AidData (2023), Global Chinese Development Finance Dataset, Version 3.0 / GeoGCDF v3.0"
)

REQUIRED = (
    "AidData Record ID",
    "Recipient",
    "Commitment Year",
    "Title",
    "Status",
    "Flow Class",
    "Sector Name",
)
# Per measure, the adjusted column wins over the face-value one when the file has both.
CONSTANT_COLUMNS = ("Adjusted Amount (Constant USD 2021)", "Amount (Constant USD 2021)")
NOMINAL_COLUMNS = ("Adjusted Amount (Nominal USD)", "Amount (Nominal USD)")
ORIGINAL_COLUMNS = ("Adjusted Amount (Original Currency)", "Amount (Original Currency)")
AMOUNT_COLUMNS = CONSTANT_COLUMNS + NOMINAL_COLUMNS + ORIGINAL_COLUMNS
DATE_FORMATS = ("%m/%d/%Y", "%Y-%m-%d")  # as the headers say, plus ISO (R exports)

COMMITMENT_DATE = "Commitment Date (MM/DD/YYYY)"
PLANNED_START = "Planned Implementation Start Date (MM/DD/YYYY)"
ACTUAL_START = "Actual Implementation Start Date (MM/DD/YYYY)"
PLANNED_END = "Planned Completion Date (MM/DD/YYYY)"
ACTUAL_END = "Actual Completion Date (MM/DD/YYYY)"
DATE_COLUMNS = {
    "planned_start": PLANNED_START,
    "actual_start": ACTUAL_START,
    "planned_end": PLANNED_END,
    "actual_end": ACTUAL_END,
}
EXPORT_CREDIT_MARKERS = (
    "Export Buyer's Credit",
    "Supplier’s Credit/Export Seller’s Credit",
    "Supplier's Credit/Export Seller's Credit",
)
# (column of names, column of types, role); names and types are pipe-delimited and aligned.
AGENCY_COLUMNS = (
    ("Funding Agencies", "Funding Agencies Type", ParticipationRole.FUNDING),
    ("Cofinancing Agencies", "Cofinancing Agencies Type", ParticipationRole.FUNDING),
    ("Implementing Agencies", "Implementing Agencies Type", ParticipationRole.IMPLEMENTING),
    ("Guarantor", "Guarantor Agency Type", ParticipationRole.GUARANTOR),
    ("Insurance Provider", "Insurance Provider Agency Type", ParticipationRole.INSURER),
)
# Kept in ProjectRecord.extras (AidData fields with no beltroad column): extras key -> column.
EXTRAS = {
    "intent": "Intent",
    "recipient_region": "Recipient Region",
    "oecd_oda_income_group": "OECD ODA Income Group",
    "location_narrative": "Location Narrative",
    "aiddata_parent_id": "AidData Parent ID",
    "level_of_public_liability": "Level of Public Liability",
    "source_quality_score": "Source Quality Score",
}


def standard_names(path: Path) -> NameTable:
    """AidData's recipient -> ISO3 table, when ``gcdf3_standardized_countrynames.csv`` is beside
    ``path``: a fallback for names the exact matcher does not know (and for regional labels)."""
    found = path.with_name(STANDARD_NAMES_FILE)
    if not found.is_file():
        return {}
    table: dict[str, tuple[str | None, bool]] = {}
    for row in csv.DictReader(read_text(found, "utf-8-sig").splitlines()):
        name = text(row.get("recipient"))
        if name:
            regional = (text(row.get("country_or_regional")) or "").casefold() == "regional"
            table[name.casefold()] = (text(row.get("iso3c")), regional)
    return table


class Gcdf3Importer:
    kind = "gcdf3"
    summary = "AidData GCDF 3.0 project table, the release layout or a subset of it (.csv/.xlsx)"

    def source(self, path: Path) -> SourceInfo:
        return SourceInfo(
            dataset=DATASET,
            title="AidData Global Chinese Development Finance Dataset, Version 3.0",
            citation=GCDF3_CITATION,
            licence="ODC-By 1.0",
        )

    def __init__(self) -> None:
        self.notes = ReadNotes()

    def read(self, path: Path, *, progress: Progress = NULL_PROGRESS) -> Iterator[Item]:
        header, rows = table_rows(
            path, required=REQUIRED, what="the GCDF 3.0 release layout", notes=self.notes
        )
        require_amount_column(header, AMOUNT_COLUMNS, file=str(path))
        present = set(header)
        self.notes.columns(header, expected_columns(present))
        names = standard_names(path)
        yield from project_items(path, rows, lambda ctx: _project(ctx, present, names), progress)


def expected_columns(present: set[str]) -> list[str]:
    """Every column the importer reads from a file with the columns ``present``.

    Where the release has alternatives (sector code or name, flow type or its simplified
    form, adjusted or face amounts), the ones the file has count; else the first is expected.
    """

    def one_of(*names: str) -> list[str]:
        found = [name for name in names if name in present]
        return found or [names[0]]

    return [
        *REQUIRED,
        *one_of("Sector Code", "Sector Name"),
        *one_of("Flow Type", "Flow Type Simplified"),
        *one_of(*CONSTANT_COLUMNS),
        *one_of(*NOMINAL_COLUMNS),
        *one_of(*ORIGINAL_COLUMNS),
        "Original Currency",
        "Recipient ISO-3",
        "Umbrella",
        "Recommended For Aggregates",
        COMMITMENT_DATE,
        *DATE_COLUMNS.values(),
        *(c for c in EXPORT_CREDIT_MARKERS if c in present),
        "Interest-Free Loan",
        "Interest Rate",
        "Maturity",
        "Grace Period",
        "Management Fee",
        "Commitment Fee",
        "Grant Element (OECD Cash-Flow)",
        "Collateralized/Securitized",
        "Insurance Provided",
        "Infrastructure",
        *EXTRAS.values(),
        "Implementation Start Year",
        "Completion Year",
        *(column for names, types, _ in AGENCY_COLUMNS for column in (names, types)),
        "Direct Receiving Agencies",
        "Direct Receiving Agencies Type",
        "Description",
    ]


def _project(ctx: RowContext, present: set[str], names: NameTable) -> ProjectRecord | None:
    values = ctx.values
    record_id = ctx.get("AidData Record ID", record_number)
    title = ctx.get("Title", required_text, what="a project title")
    status = ctx.get("Status", status_of)
    flow_class = ctx.get("Flow Class", flow_class_of)
    commitment_year = ctx.get("Commitment Year", year)
    group = ctx.get("Sector Code" if "Sector Code" in present else "Sector Name", sector_group_of)
    recipients = ctx.get(
        "Recipient", lambda v: resolve_recipient(v, values.get("Recipient ISO-3"), names)
    )
    instrument_field = "Flow Type" if "Flow Type" in present else "Flow Type Simplified"
    instrument = ctx.get(instrument_field, instrument_of)
    umbrella = ctx.get("Umbrella", boolean)
    recommended = ctx.get("Recommended For Aggregates", boolean)
    notes: dict[str, Any] = {}  # what _money sets aside
    money, face_constant = _money(ctx, present, notes)
    committed = ctx.get(COMMITMENT_DATE, date, formats=DATE_FORMATS)
    dates = read_dates(ctx, DATE_COLUMNS, DATE_FORMATS)
    export_credit = any([ctx.get(c, boolean) for c in EXPORT_CREDIT_MARKERS if c in present])
    interest_free = ctx.get("Interest-Free Loan", boolean)
    terms = loan_terms(
        ctx,
        {
            "interest_rate_pct": "Interest Rate",
            "maturity_years": "Maturity",
            "grace_period_years": "Grace Period",
            "management_fee_pct": "Management Fee",
            "commitment_fee_pct": "Commitment Fee",
            "grant_element_pct": "Grant Element (OECD Cash-Flow)",
        },
        {"collateralised": "Collateralized/Securitized", "insured": "Insurance Provided"},
        is_loan=bool(interest_free) or (instrument is not None and instrument.is_loan),
    )
    extras: dict[str, Any] = {
        "aiddata_sector": text(values.get("Sector Name")),
        "aiddata_flow_type": text(values.get(instrument_field)),
        "infrastructure": ctx.get("Infrastructure", boolean),
        **keep_extras(ctx, EXTRAS),
        "commitment_date": committed.isoformat() if committed else None,
        **notes,
    }
    for key, column, known in (
        ("implementation_start_year", "Implementation Start Year", dates.actual_start),
        ("completion_year", "Completion Year", dates.actual_end),
    ):  # a subset may have the year and not the date
        if known is None and column in present:
            extras[key] = ctx.get(column, year)
    if ctx.errors:
        return None
    assert recipients is not None
    countries = recipients[0]
    iso3 = countries[0].iso3 if len(countries) == 1 else None
    if not countries:
        extras["recipient"] = text(values.get("Recipient"))
    if face_constant is not None and money is not None and face_constant != money.usd_constant:
        extras["amount_constant_usd_2021_face_value"] = face_constant
    participations: list[Participation] = []
    for names_column, types_column, role in AGENCY_COLUMNS:
        if names_column not in present:  # a subset may carry the types without the names
            extras[norm(types_column).replace(" ", "_")] = text(values.get(types_column))
            continue
        participations += [
            Participation(org, role.value)
            for org in agencies(
                values.get(names_column),
                values.get(types_column),
                recipient_iso3=iso3,
                default_country="CHN" if names_column == "Funding Agencies" else None,
            )
        ]
    receivers = agencies(
        values.get("Direct Receiving Agencies"),
        values.get("Direct Receiving Agencies Type"),
        recipient_iso3=iso3,
    )
    return build_project(
        dataset=DATASET,
        prefix="AidData-GCDF3",
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
        export_credit=export_credit,
        money=money,
        committed=committed,
        participations=participations,
        receivers=receivers,
        terms=terms,
        extras=extras,
    )


def _money(
    ctx: RowContext, present: set[str], notes: dict[str, Any]
) -> tuple[Money | None, float | None]:
    """The amount (adjusted where the file has it) and the face value in constant USD."""
    constant_what, nominal_what = "an amount in constant 2021 USD", "an amount in nominal USD"
    constant = _first(ctx, present, CONSTANT_COLUMNS, constant_what)
    nominal = _first(ctx, present, NOMINAL_COLUMNS, nominal_what)
    original_column = next((c for c in ORIGINAL_COLUMNS if c in present), ORIGINAL_COLUMNS[1])
    original, currency = original_amount(ctx, original_column, "Original Currency", notes)
    face = None
    if CONSTANT_COLUMNS[0] in present and CONSTANT_COLUMNS[1] in present:
        face = ctx.get(CONSTANT_COLUMNS[1], amount, what=constant_what)
    money = make_money(
        currency=currency,
        original=original,
        usd_nominal=nominal,
        usd_constant=constant,
        base_year=BASE_YEAR,
    )
    return money, face


def _first(ctx: RowContext, present: set[str], columns: tuple[str, ...], what: str) -> Any:
    """The amount in the first of ``columns`` the file has (None when it has none)."""
    column = next((c for c in columns if c in present), None)
    return None if column is None else ctx.get(column, amount, what=what)
