"""What AidData's importers share: parties, recipients, amounts, dates and the project record.

Used by the ``gcdf3``, ``gcdf3-geo``, ``gcdf2`` and ``gcof1`` importers; the vocabularies they map
through (status, sector, flow, agency type) are tables in :mod:`beltroad.ingest.aiddata_codes`.
Each importer parses its own columns and hands the parts to :func:`build_project`, which puts
together the :class:`ProjectRecord` the same way for all four; :func:`project_items` turns a
file's rows into records and row errors.

>>> resolve_recipient("Africa, regional")[1][0].code
'298'
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from beltroad.errors import InvalidInput, NotFound
from beltroad.ingest.aiddata_codes import (
    INSTRUMENTS,
    SECTOR_GROUPS,
    SECTOR_NAMES,
    STATUSES,
    Instrument,
    SectorGroup,
    agency_type,
    aggregates_flag,
    flow_type_of,
    is_pledge,
    listing,
    norm,
    sector_split,
)
from beltroad.ingest.base import (
    Item,
    Row,
    RowContext,
    ValueProblem,
    blank,
    boolean,
    date,
    integer,
    number,
    order_flag,
    text,
)
from beltroad.ingest.sheets import no_rows
from beltroad.progress import Progress
from beltroad.records import (
    QUALITY_OK,
    CountrySplit,
    LoanTermsRecord,
    LocationRecord,
    Money,
    OrgRef,
    Participation,
    ProjectRecord,
    Provenance,
    QualityFlag,
    RegionSplit,
    TransactionRecord,
    quality_of,
)
from beltroad.reference.countries import resolve_country
from beltroad.reference.iati import (
    ActivityStatus,
    OrganisationType,
    ParticipationRole,
    TransactionType,
)

__all__ = [  # the vocabulary tables stay reachable here, where they used to live
    "DAC_REGIONS",
    "INSTRUMENTS",
    "SECTOR_GROUPS",
    "SECTOR_NAMES",
    "STATUSES",
    "Dates",
    "NameTable",
    "Recipients",
    "agencies",
    "amount",
    "build_project",
    "check_dates",
    "commitment",
    "is_regional",
    "keep_extras",
    "loan_terms",
    "make_money",
    "org_ref",
    "original_amount",
    "project_items",
    "read_dates",
    "record_number",
    "require_amount_column",
    "required_text",
    "resolve_recipient",
]

# --- organisations --------------------------------------------------------------------------------

_ORIGIN_NAMES = {
    norm("China (People's Republic of)"): "financier",
    "recipient": "recipient",
    "other": "other",
}


def org_ref(
    name: str,
    type_text: str | None,
    *,
    origin: str | None = None,
    recipient_iso3: str | None = None,
    default_country: str | None = None,
) -> OrgRef:
    origin, kind = agency_type(type_text, origin)
    country_iso3 = {"financier": "CHN", "recipient": recipient_iso3}.get(origin or "")
    if origin is None:
        country_iso3 = default_country
    return OrgRef(
        name=" ".join(name.split()),
        org_type=kind,
        country_iso3=country_iso3,
        is_international=kind == OrganisationType.MULTILATERAL,
    )


def _pipe(value: Any) -> list[str]:
    raw = text(value)
    return [] if raw is None else [part.strip() for part in raw.split("|")]


def agencies(
    names: Any,
    types: Any,
    *,
    origins: Any = None,
    recipient_iso3: str | None = None,
    default_country: str | None = None,
) -> list[OrgRef]:
    """Organisations from AidData's pipe-delimited names, types (and origins), aligned by place.

    Types or origins that do not line up with the names are ignored rather than guessed.
    """
    name_list = _pipe(names)
    type_list = _pipe(types)
    origin_list = _pipe(origins)
    if len(type_list) != len(name_list):
        type_list = []
    if len(origin_list) != len(name_list):
        origin_list = []
    found = []
    for index, name in enumerate(name_list):
        if blank(name):
            continue
        type_text = text(type_list[index]) if type_list else None
        origin_text = text(origin_list[index]) if origin_list else None
        found.append(
            org_ref(
                name,
                type_text,
                origin=_ORIGIN_NAMES.get(norm(origin_text)) if origin_text else None,
                recipient_iso3=recipient_iso3,
                default_country=default_country,
            )
        )
    return found


# --- recipients -----------------------------------------------------------------------------------

_REGIONAL = re.compile(r"(,\s*regional|^multi-?region(al)?)$", re.IGNORECASE)
#: AidData's regional recipient labels are OECD DAC recipient names: label -> IATI Region code
#: (RegionVocabulary 1, OECD DAC). GCOF 1.0's "Caribbean, regional" is DAC's "West Indies", its
#: "Southeast Asia, regional" falls in DAC's "Far East Asia"; "Multi-Region" is DAC's
#: "Developing countries, unspecified".
DAC_REGIONS: Mapping[str, str] = MappingProxyType(
    {
        norm(label): code
        for label, code in (
            ("Europe, regional", "89"),
            ("North of Sahara, regional", "189"),
            ("South of Sahara, regional", "289"),
            ("Africa, regional", "298"),
            ("West Indies, regional", "380"),
            ("Caribbean, regional", "380"),
            ("North & Central America, regional", "389"),
            ("South America, regional", "489"),
            ("America, regional", "498"),
            ("Middle East, regional", "589"),
            ("Central Asia, regional", "619"),
            ("South Asia, regional", "679"),
            ("South & Central Asia, regional", "689"),
            ("Far East Asia, regional", "789"),
            ("Southeast Asia, regional", "789"),
            ("Asia, regional", "798"),
            ("Oceania, regional", "889"),
            ("Multi-Region", "998"),
        )
    }
)


def is_regional(name: str) -> bool:
    """AidData's labels for multi-country records: "Africa, regional", "Multi-Region"."""
    return bool(_REGIONAL.search(name.strip()))


#: (recipient countries, recipient regions): one of them is empty.
Recipients = tuple[tuple[CountrySplit, ...], tuple[RegionSplit, ...]]
#: recipient name (case-folded) -> (ISO3 or None, regional?), as AidData's own table states it.
NameTable = Mapping[str, tuple[str | None, bool]]
_NO_TABLE: NameTable = MappingProxyType({})


def resolve_recipient(
    name_value: Any, iso_value: Any = None, table: NameTable = _NO_TABLE
) -> Recipients:
    """The recipient country of an AidData record, or its region when AidData marks it regional.

    Never guessed: the ISO3 code wins when the file has one; then the exact country matcher on
    the name; then AidData's own name table (``table``). A regional label gives no country and the
    OECD DAC region it names (none when the label is not a DAC region). Else a ValueProblem.
    """
    code = text(iso_value)
    if code is not None:
        try:
            return (CountrySplit(resolve_country(code).iso3),), ()
        except NotFound:
            raise ValueProblem(
                f"unknown recipient ISO-3 code {code!r} (expected an ISO 3166 alpha-3 code)"
            ) from None
    name = text(name_value)
    if name is None:
        raise ValueProblem("recipient missing (expected a country name or ISO 3166 code)")
    iso3, regional = table.get(name.casefold(), (None, False))
    for candidate in (name, iso3):
        if candidate:
            try:
                return (CountrySplit(resolve_country(candidate).iso3),), ()
            except NotFound:
                pass
    if regional or is_regional(name):
        region = DAC_REGIONS.get(norm(name))
        return (), (RegionSplit(region, vocabulary="1"),) if region else ()
    raise ValueProblem(
        "unknown recipient: expected an exact country name or ISO 3166 code, or an AidData "
        "regional label such as 'Africa, regional' (if this spelling is a country, add a reviewed "
        "alias to beltroad.reference.country_aliases)"
    )


# --- values ---------------------------------------------------------------------------------------


def record_number(value: Any) -> int:
    result = integer(value, what="an AidData record id (a whole number)")
    if result is None:
        raise ValueProblem("record id missing (expected an AidData record id, a whole number)")
    if result <= 0:
        raise ValueProblem("not a valid record id (expected a positive whole number)")
    return result


def required_text(value: Any, *, what: str = "a value") -> str:
    result = text(value)
    if result is None:
        raise ValueProblem(f"missing (expected {what})")
    return result


def amount(value: Any, *, what: str = "an amount") -> float | None:
    """A non-negative amount; blank (or AidData's " ") is unknown, not zero."""
    result = number(value, what=what)
    if result is not None and result < 0:
        raise ValueProblem(f"negative amount (expected {what} of 0 or more, or empty)")
    return result


def original_amount(
    ctx: RowContext, amount_column: str, currency_column: str, extras: dict[str, Any]
) -> tuple[float | None, str | None]:
    """The amount in its original currency and the ISO 4217 code, as far as they can be trusted.

    A currency that is not a three-letter code (GCOF 1.0 has " D" on 23 rows whose USD amounts
    are fine) makes the original amount uninterpretable, not the row wrong: both are kept as
    given in ``extras`` and the record gets no original amount.
    """
    original = ctx.get(amount_column, amount, what="an amount in the original currency")
    raw = text(ctx.values.get(currency_column))
    if raw is None or re.fullmatch(r"[A-Za-z]{3}", raw):
        return original, raw.upper() if raw else None
    extras["currency_as_given"] = raw
    extras["amount_original_as_given"] = original
    ctx.flag(
        QualityFlag(
            "currency:not_iso4217",
            currency_column,
            raw,
            f"currency {raw!r} is not an ISO 4217 code: the original amount ({original}) is "
            "kept as given in extras and not used; the USD amounts are",
        )
    )
    return None, None


def make_money(
    *,
    currency: str | None,
    original: float | None,
    usd_nominal: float | None,
    usd_constant: float | None,
    base_year: int,
) -> Money | None:
    """A Money when any amount is known, else None (unknown, which is not zero)."""
    if original is None and usd_nominal is None and usd_constant is None:
        return None
    return Money(
        currency=currency if original is not None else None,
        original=original,
        usd_nominal=usd_nominal,
        usd_constant=usd_constant,
        base_year=base_year if usd_constant is not None else None,
    )


def check_dates(ctx: RowContext, start: tuple[str, Any], end: tuple[str, Any], which: str) -> None:
    """A ``date_order`` flag when an end date (planned or actual) comes before its start date.

    AidData publishes such records (2 in GCOF 1.0, 13 in GeoGCDF 3.0) and counts them in its
    totals, so they are kept as published and flagged, not rejected.
    """
    ctx.flag(
        order_flag(
            f"date_order:{which}_end<{which}_start",
            start[1],
            end[1],
            what=f"{which} completion before {which} start",
            field=end[0],
            value=ctx.values.get(end[0]),
        )
    )


class Dates(NamedTuple):
    """A project's planned and actual start and end dates (None where unknown)."""

    planned_start: dt.date | None = None
    actual_start: dt.date | None = None
    planned_end: dt.date | None = None
    actual_end: dt.date | None = None


NO_DATES = Dates()


def read_dates(ctx: RowContext, columns: Mapping[str, str], formats: Sequence[str]) -> Dates:
    """The dates in ``columns`` (a :class:`Dates` field -> its column), read in that order.

    An end before its start (planned, then actual, where both columns are named) is flagged.
    """
    found = {attr: ctx.get(column, date, formats=formats) for attr, column in columns.items()}
    for which in ("planned", "actual"):
        start, end = f"{which}_start", f"{which}_end"
        if start in columns and end in columns:
            check_dates(ctx, (columns[start], found[start]), (columns[end], found[end]), which)
    return Dates(**found)


def loan_terms(
    ctx: RowContext,
    numbers: Mapping[str, str],
    flags: Mapping[str, str],
    *,
    is_loan: bool,
) -> LoanTermsRecord | None:
    """Loan terms from the columns named (attribute -> column), for loans or known numbers."""
    values: dict[str, Any] = {
        attr: ctx.get(column, number, what="a percentage" if attr.endswith("_pct") else "years")
        for attr, column in numbers.items()
    }
    known = any(v is not None for v in values.values())
    values.update({attr: ctx.get(column, boolean) for attr, column in flags.items()})
    if not known and not (is_loan and any(v is not None for v in values.values())):
        return None
    return LoanTermsRecord(**values)


def keep_extras(ctx: RowContext, columns: Mapping[str, str]) -> dict[str, Any]:
    """Source fields with no beltroad column, verbatim (text; numbers stay numbers)."""
    kept: dict[str, Any] = {}
    for key, column in columns.items():
        raw = ctx.values.get(column)
        if blank(raw):
            continue
        kept[key] = raw if isinstance(raw, int | float) else str(raw).strip()
    return kept


def commitment(
    money: Money | None,
    when: Any,
    *,
    provider: OrgRef | None,
    receiver: OrgRef | None,
    pledged: bool = False,
) -> tuple[TransactionRecord, ...]:
    """The commitment transaction (an outgoing pledge for a pledge), when an amount is known."""
    if money is None:
        return ()
    kind = TransactionType.OUTGOING_PLEDGE if pledged else TransactionType.OUTGOING_COMMITMENT
    return (TransactionRecord(int(kind), when, money, provider=provider, receiver=receiver),)


# --- headers --------------------------------------------------------------------------------------


def require_amount_column(header: Sequence[str], names: Sequence[str], *, file: str) -> None:
    """Fail unless the header has at least one of the amount columns ``names``."""
    if not any(name in header for name in names):
        raise InvalidInput.at(
            f"missing an amount column (expected at least one of {listing(names)})",
            file=file,
            row=1,
            field="header",
        )


# --- the project record ---------------------------------------------------------------------------


def build_project(
    *,
    dataset: str,
    prefix: str,
    record_id: int | None,
    title: str | None,
    status: ActivityStatus | None,
    status_name: str | None,
    group: SectorGroup | None,
    recipients: Recipients,
    commitment_year: int | None,
    money: Money | None,
    committed: dt.date | None,
    extras: Mapping[str, Any],
    description: str | None = None,
    recommended: bool | None = None,
    umbrella: bool | None = None,
    dates: Dates = NO_DATES,
    flow_class: str | None = None,
    instrument: Instrument | None = None,
    export_credit: bool = False,
    participations: Sequence[Participation] = (),
    receivers: Sequence[OrgRef] = (),
    terms: LoanTermsRecord | None = None,
    locations: Iterable[LocationRecord] = (),
) -> ProjectRecord:
    """The project of an AidData row whose parts parsed without a row error.

    The identifier is ``<prefix>-<record id>``; "recommended for aggregates" is the file's flag
    or AidData's rule (:func:`aggregates_flag`); the commitment transaction (dated ``committed``)
    goes from the first funding participant to the first of ``receivers``; extras that are None
    are left out. ``export_credit`` is the importer's call: GCDF 3.0 has marker columns, the older
    releases say it in the flow type.
    """
    assert record_id is not None
    assert title is not None
    assert status is not None
    assert group is not None
    funding = ParticipationRole.FUNDING
    countries, regions = recipients
    return ProjectRecord(
        identifier=f"{prefix}-{record_id}",
        title=title,
        description=description,
        provenance=Provenance(
            dataset=dataset,
            source_record_id=str(record_id),
            recommended_for_aggregates=aggregates_flag(recommended, status_name, umbrella),
            quality=QUALITY_OK,
        ),
        status=int(status),
        planned_start=dates.planned_start,
        actual_start=dates.actual_start,
        planned_end=dates.planned_end,
        actual_end=dates.actual_end,
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
            committed,
            pledged=is_pledge(status_name),
            provider=next((p.org for p in participations if p.role == funding), None),
            receiver=receivers[0] if receivers else None,
        ),
        loan_terms=terms,
        locations=tuple(locations),
        is_umbrella=bool(umbrella),
        extras={k: v for k, v in extras.items() if v is not None},
    )


def project_items(
    path: Path,
    rows: Iterable[tuple[int, dict[str, Any]]],
    project: Callable[[RowContext], ProjectRecord | None],
    progress: Progress,
) -> Iterator[Item]:
    """Each row as its project (with its quality flags), or as the row errors that kept it out;
    no rows is a file error."""
    progress.start(f"reading {path.name}")
    seen = 0
    for number_, values in rows:
        seen += 1
        progress.advance()
        ctx = RowContext(number_, values)
        record = project(ctx)
        if record is None:
            yield from ctx.errors
        elif ctx.flags:
            quality = quality_of(ctx.flags)
            provenance = dataclasses.replace(record.provenance, quality=quality)
            yield Row(number_, dataclasses.replace(record, provenance=provenance), tuple(ctx.flags))
        else:
            yield Row(number_, record)
    progress.finish()
    if not seen:
        raise no_rows(path)
