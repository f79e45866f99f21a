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
* ``status``, ``flow``, ``flow_class``, ``crs_sector_code`` through :mod:`beltroad.ingest.aiddata`.
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
    AGENCY_TYPES,
    Recipients,
    agency_type,
    aggregates_flag,
    amount,
    check_dates,
    commitment,
    flow_class_of,
    flow_type_of,
    instrument_of,
    is_pledge,
    is_regional,
    loan_terms,
    make_money,
    norm,
    original_amount,
    record_number,
    required_text,
    resolve_recipient,
    sector_group_of,
    sector_split,
    status_of,
)
from beltroad.ingest.base import Item, Row, RowContext, SourceInfo, boolean, date, text, year
from beltroad.ingest.sheets import no_rows, table_rows
from beltroad.progress import NULL_PROGRESS, Progress
from beltroad.records import OrgRef, Participation, ProjectRecord, Provenance
from beltroad.reference.countries import resolve_country
from beltroad.reference.iati import OrganisationType, ParticipationRole

FUNDING = ParticipationRole.FUNDING.value
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
EXTRAS = {
    "intent": "intent",
    "recipient_region": "recipient_region",
    "location_narrative": "location_details",
    "loan_type": "loan_type",
}


class Gcof1Importer:
    kind = "gcof1"
    summary = "AidData Global Chinese Official Finance Dataset 1.0 (xlsx sheet or CSV)"

    def source(self, path: Path) -> SourceInfo:
        return SourceInfo(
            dataset=DATASET,
            title="AidData Global Chinese Official Finance Dataset, Version 1.0",
            citation="Dreher, Fuchs, Parks, Strange, Tierney (2017/2021), AidData GCOF 1.0",
            licence="AidData terms (attribution)",
        )

    def read(self, path: Path, *, progress: Progress = NULL_PROGRESS) -> Iterator[Item]:
        # No sheet name: the header scan takes the first sheet holding the table, so a workbook
        # with the sheet renamed (or the header below a title block) still imports.
        _, rows = table_rows(path, required=REQUIRED, what="the GCOF 1.0 layout")
        progress.start(f"reading {path.name}")
        seen = 0
        for number_, values in rows:
            seen += 1
            progress.advance()
            ctx = RowContext(number_, values)
            record = _project(ctx)
            if record is None:
                yield from ctx.errors
            else:
                yield Row(number_, record)
        progress.finish()
        if not seen:
            raise no_rows(path)


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
    recipients = ctx.get("recipient_condensed", _recipient, iso3=values.get("recipient_iso3"))
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
    planned_start = ctx.get("start_planned", date, formats=DATE_FORMATS)
    actual_start = ctx.get("start_actual", date, formats=DATE_FORMATS)
    planned_end = ctx.get("end_planned", date, formats=DATE_FORMATS)
    actual_end = ctx.get("end_actual", date, formats=DATE_FORMATS)
    check_dates(ctx, ("start_planned", planned_start), ("end_planned", planned_end), "planned")
    check_dates(ctx, ("start_actual", actual_start), ("end_actual", actual_end), "actual")
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
    assert record_id is not None
    assert title is not None
    assert status is not None
    assert group is not None
    assert recipients is not None
    (countries, regions), listed = recipients
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
    status_name = text(values.get("status"))
    return ProjectRecord(
        identifier=f"AidData-GCOF1-{record_id}",
        title=title,
        description=text(values.get("description")),
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
        flow_type=flow_type_of(
            flow_class, export_credit=bool(instrument and instrument.export_credit)
        ),
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
