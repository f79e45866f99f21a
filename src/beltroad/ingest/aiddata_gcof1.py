"""``gcof1``: AidData's Global Chinese Official Finance Dataset 1.0 (2000-2014).

Dreher, Fuchs, Parks, Strange, Tierney (2017/2021), AidData GCOF 1.0. The workbook's sheet
``ChineseOfficialFinance1.0`` holds 5,466 rows x 54 columns. It is streamed, never loaded whole:
openpyxl opens the workbook read-only and :mod:`beltroad.ingest.sheets` streams the cells (see
there why; ``benchmarks/bench_gcof_import.py`` times the whole import against
``pandas.read_excel``). A CSV export of the same table imports alike.

Mapping:

* ``project_id`` -> identifier ``AidData-GCOF1-<project_id>``;
  ``recommended_for_research`` -> ``Provenance.recommended_for_aggregates`` (AidData counts only
  those 4,373 rows in its totals); ``umbrella`` (0/1) -> ``is_umbrella``.
* ``amount`` + ``currency`` -> original amount; ``usd_current`` -> nominal USD;
  ``usd_defl_2014`` -> constant USD, base year 2014. AidData writes an unknown amount as a blank
  string (" "): that is unknown (None), never zero and never an error.
* ``status``, ``flow``, ``flow_class``, ``crs_sector_code`` through
  :mod:`beltroad.ingest.aiddata_codes`.
* ``start_planned`` / ``start_actual`` / ``end_planned`` / ``end_actual`` -> planned and actual
  dates (an end before its start is a row error).
* ``funding_agency`` and ``cofinancing_agency`` -> funding, ``implementing_agency`` ->
  implementing ("Name, Type; Name, Type"); ``recipient_agencies`` -> the commitment's receiver.
* ``recipient_condensed`` / ``recipient_iso3`` -> recipient; a regional record ("Africa,
  regional") keeps no country, names its OECD DAC region and lists the countries AidData names in
  ``extras["recipient_countries"]`` (no split is invented).
* ``interest_rate``, ``maturity``, ``grace_period``, ``grant_element`` -> loan terms.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from beltroad.ingest.aiddata import (
    Recipients,
    amount,
    build_project,
    is_regional,
    loan_terms,
    make_money,
    original_amount,
    project_items,
    read_dates,
    record_number,
    required_text,
    resolve_recipient,
)
from beltroad.ingest.aiddata_codes import (
    AGENCY_TYPES,
    agency_type,
    flow_class_of,
    instrument_of,
    norm,
    sector_group_of,
    status_of,
)
from beltroad.ingest.base import Item, ReadNotes, RowContext, SourceInfo, boolean, text, year
from beltroad.ingest.sheets import table_rows
from beltroad.ingest.sources import registered_source
from beltroad.progress import NULL_PROGRESS, Progress
from beltroad.records import OrgRef, Participation, ProjectRecord
from beltroad.reference.countries import resolve_country
from beltroad.reference.iati import OrganisationType, ParticipationRole

DATASET = "aiddata-gcof1"
SHEET = "ChineseOfficialFinance1.0"
BASE_YEAR = 2014
REQUIRED = (
    "project_id",
    "recommended_for_research",
    "year",
    "recipient_condensed",
    "title",
    "status",
    "flow_class",
    "crs_sector_code",
    "usd_defl_2014",
)
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y")
DATE_COLUMNS = {
    "planned_start": "start_planned",
    "actual_start": "start_actual",
    "planned_end": "end_planned",
    "actual_end": "end_actual",
}
EXTRAS = {
    "intent": "intent",
    "recipient_region": "recipient_region",
    "location_narrative": "location_details",
    "loan_type": "loan_type",
}
#: Every column the importer reads; the import report lists those a file lacks or adds.
COLUMNS = (
    *REQUIRED,
    "umbrella",
    "funding_agency",
    "cofinancing_agency",
    "implementing_agency",
    "recipient_agencies",
    "recipient_iso3",
    "description",
    "flow",
    "amount",
    "currency",
    "usd_current",
    "crs_sector_name",
    "line_of_credit",
    "year_uncertain",
    *DATE_COLUMNS.values(),
    *EXTRAS.values(),
    "interest_rate",
    "maturity",
    "grace_period",
    "grant_element",
)


class Gcof1Importer:
    kind = "gcof1"
    summary = "AidData Global Chinese Official Finance Dataset 1.0 (xlsx sheet or CSV)"

    def __init__(self) -> None:
        self.notes = ReadNotes()

    def source(self, path: Path) -> SourceInfo:
        return registered_source(DATASET)

    def read(self, path: Path, *, progress: Progress = NULL_PROGRESS) -> Iterator[Item]:
        # No sheet name: the header scan takes the first sheet holding the table, so a workbook
        # with the sheet renamed (or the header below a title block) still imports.
        _, rows = table_rows(
            path, required=REQUIRED, what="the GCOF 1.0 layout", notes=self.notes, expected=COLUMNS
        )
        yield from project_items(path, rows, _project, progress)


def _project(ctx: RowContext) -> ProjectRecord | None:
    values = ctx.values
    record_id = ctx.get("project_id", record_number)
    title = ctx.get("title", required_text, what="a project title")
    status = ctx.get("status", status_of)
    flow_class = ctx.get("flow_class", flow_class_of)
    instrument = ctx.get("flow", instrument_of)
    group = ctx.get("crs_sector_code", sector_group_of)
    commitment_year = ctx.get("year", year)
    recommended = ctx.get("recommended_for_research", boolean)
    umbrella = ctx.get("umbrella", boolean)
    found = ctx.get("recipient_condensed", _recipient, iso3=values.get("recipient_iso3"))
    extras: dict[str, Any] = {
        "aiddata_sector": text(values.get("crs_sector_name")),
        "aiddata_flow_type": text(values.get("flow")),
        "line_of_credit": ctx.get("line_of_credit", boolean),
        "year_uncertain": ctx.get("year_uncertain", boolean),
        **{key: text(values.get(column)) for key, column in EXTRAS.items()},
    }
    original, currency = original_amount(ctx, "amount", "currency", extras)
    money = make_money(
        currency=currency,
        original=original,
        usd_nominal=ctx.get("usd_current", amount, what="an amount in current USD"),
        usd_constant=ctx.get("usd_defl_2014", amount, what="an amount in constant 2014 USD"),
        base_year=BASE_YEAR,
    )
    dates = read_dates(ctx, DATE_COLUMNS, DATE_FORMATS)
    terms = loan_terms(
        ctx,
        {
            "interest_rate_pct": "interest_rate",
            "maturity_years": "maturity",
            "grace_period_years": "grace_period",
            "grant_element_pct": "grant_element",
        },
        {},
        is_loan=instrument is not None and instrument.is_loan,
    )
    if ctx.errors:
        return None
    assert found is not None
    recipients, listed = found
    countries = recipients[0]
    if not countries:
        extras["recipient"] = text(values.get("recipient_condensed"))
        extras["recipient_countries"] = listed or None
    iso3 = countries[0].iso3 if countries else None
    participations = [
        Participation(org, ParticipationRole.FUNDING.value)
        for column in ("funding_agency", "cofinancing_agency")
        for org in named_agencies(values.get(column), country="CHN" if column[0] == "f" else None)
    ] + [
        Participation(org, ParticipationRole.IMPLEMENTING.value)
        for org in named_agencies(values.get("implementing_agency"))
    ]
    receivers = named_agencies(values.get("recipient_agencies"), country=iso3)
    return build_project(
        dataset=DATASET,
        prefix="AidData-GCOF1",
        record_id=record_id,
        title=title,
        description=text(values.get("description")),
        status=status,
        status_name=text(values.get("status")),
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


def _recipient(value: Any, *, iso3: Any) -> tuple[Recipients, list[str]]:
    """Countries, regions and, for a regional record, the ISO3 codes AidData lists for it.

    ``recipient_iso3`` is one code for a country record and a "; "-separated list (with the
    regional label in it) for a regional one; only the former is used as the recipient.
    """
    codes = [c.strip() for c in str(iso3 or "").split(";") if c.strip()]
    name = text(value)
    single = codes[0] if len(codes) == 1 and not is_regional(codes[0]) else None
    if name is not None and is_regional(name):
        single = None
    found = resolve_recipient(value, single)
    listed: list[str] = []
    if not found[0]:
        for code in codes:
            if not is_regional(code):
                try:
                    listed.append(resolve_country(code).iso3)
                except LookupError:
                    continue
    return found, sorted(set(listed))


def named_agencies(value: Any, *, country: str | None = None) -> list[OrgRef]:
    """Organisations from GCOF's "Name, Type; Name, Type" cells; the type is optional.

    A trailing part is a type only when it is a known AidData agency type, so "China Overseas
    Engineering Group Co., Ltd." keeps its comma.
    """
    raw = text(value)
    if raw is None:
        return []
    found = []
    for part in raw.split(";"):
        pieces = part.split(",")
        name, kind_text = part, None
        for tail in (2, 1):  # "Academic, Training and Research" holds a comma itself
            if len(pieces) > tail and norm(",".join(pieces[-tail:])) in AGENCY_TYPES:
                name, kind_text = ",".join(pieces[:-tail]), ",".join(pieces[-tail:])
                break
        name = " ".join(name.split()).strip(" ,")
        if not name:
            continue
        _, kind = agency_type(kind_text)
        found.append(
            OrgRef(
                name=name,
                org_type=kind,
                country_iso3=country,
                is_international=kind == OrganisationType.MULTILATERAL,
            )
        )
    return found
