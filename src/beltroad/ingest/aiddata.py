"""What AidData's data sets share: vocabularies, recipients, agencies, amounts and files.

Used by the ``gcdf3``, ``gcdf3-geo``, ``gcdf2`` and ``gcof1`` importers. Every mapping from an
AidData vocabulary to an IATI codelist is an explicit table here, with its reasoning:

* :data:`STATUSES` -- AidData status to IATI ActivityStatus;
* :data:`SECTOR_GROUPS` / :data:`SECTOR_NAMES` -- AidData's sector groups to DAC 3-digit categories;
* :data:`INSTRUMENTS` and :func:`flow_type_of` -- AidData flow type and flow class to IATI
  FinanceType, AidType and FlowType;
* :data:`AGENCY_TYPES` -- AidData agency types to IATI OrganisationType.

>>> status_of("Pipeline: Commitment").label
'Pipeline/identification'
>>> sector_group_of("ENERGY").dac3
'231'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from beltroad.errors import InvalidInput, NotFound
from beltroad.ingest.base import (
    RowContext,
    ValueProblem,
    blank,
    boolean,
    check_order,
    integer,
    number,
    text,
)
from beltroad.records import (
    CountrySplit,
    LoanTermsRecord,
    Money,
    OrgRef,
    RegionSplit,
    SectorSplit,
    TransactionRecord,
)
from beltroad.reference.countries import resolve_country
from beltroad.reference.iati import (
    ActivityStatus,
    AidType,
    FinanceType,
    FlowType,
    OrganisationType,
    TransactionType,
)


@lru_cache(maxsize=4096)  # AidData repeats a few hundred spellings over thousands of rows
def norm(value: str) -> str:
    """AidData spellings compared loosely: case, '&' vs 'and', blanks around '/', curly quotes."""
    cleaned = value.replace("’", "'").replace("&", " and ").casefold()
    cleaned = re.sub(r"\s*/\s*", "/", cleaned)
    return " ".join(cleaned.split())


def _listing(names: Iterable[str]) -> str:
    return ", ".join(repr(n) for n in names)


# --- status ---------------------------------------------------------------------------------------

#: AidData status -> IATI ActivityStatus. A signed commitment not yet implemented is still
#: "pipeline"; AidData's "Completion" is physical completion while a loan is still being repaid,
#: i.e. IATI "Finalisation" (standards.md §1.3), as in the synthetic generator.
STATUSES: Mapping[str, ActivityStatus] = MappingProxyType(
    {
        "pipeline: pledge": ActivityStatus.PIPELINE_IDENTIFICATION,
        "pipeline: commitment": ActivityStatus.PIPELINE_IDENTIFICATION,
        "implementation": ActivityStatus.IMPLEMENTATION,
        "completion": ActivityStatus.FINALISATION,
        "completed": ActivityStatus.FINALISATION,
        "suspended": ActivityStatus.SUSPENDED,
        "cancelled": ActivityStatus.CANCELLED,
        "canceled": ActivityStatus.CANCELLED,
    }
)
#: Statuses AidData never recommends for aggregates (no official commitment, or not pursued).
NOT_AGGREGATED = frozenset({"pipeline: pledge", "suspended", "cancelled", "canceled"})
_STATUS_NAMES = ("Pipeline: Pledge", "Pipeline: Commitment", "Implementation", "Completion")


def status_of(value: Any) -> ActivityStatus:
    raw = text(value)
    if raw is None:
        raise ValueProblem("status missing (expected an AidData status such as 'Implementation')")
    found = STATUSES.get(" ".join(raw.casefold().split()))
    if found is None:
        raise ValueProblem(
            f"unknown status (expected one of {_listing(_STATUS_NAMES)}, 'Suspended', 'Cancelled')"
        )
    return found


def aggregates_flag(
    given: bool | None, status_name: str | None, umbrella: bool | None
) -> bool | None:
    """AidData's "recommended for aggregates": the file's flag, else AidData's rule where known.

    The rule (GCDF 3.0 field definitions): "Yes" for committed, implemented and completed records
    that are not umbrella records; "No" for pledges, suspended and cancelled records and umbrellas.
    """
    if given is not None:
        return given
    if (status_name is not None and norm(status_name) in NOT_AGGREGATED) or umbrella:
        return False
    if umbrella is False and status_name is not None:
        return True
    return None


def is_pledge(status_name: str | None) -> bool:
    return status_name is not None and norm(status_name) == "pipeline: pledge"


# --- sectors --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SectorGroup:
    """An AidData sector group (a CRS 3-digit-level code) and the DAC 3-digit category it maps to.

    ``exact`` is False where the group is wider than the category chosen (see the table).
    """

    aiddata_code: str
    dac3: str
    exact: bool = True


# AidData sector group -> DAC 3-digit category (IATI SectorVocabulary 2). AidData's groups follow
# the OECD's 3-digit level, but some span several categories: those map to the CRS "general /
# unspecified" category where one exists (111, 121, 151, 231), else to the group's main category,
# marked inexact (310 -> 311, 320 -> 321, 330 -> 331). Codes of older releases: GCOF's 700
# "Emergency Response" -> 720; 420 "Women in Development" (withdrawn; now CRS 15170) -> 151; 920
# "Support to NGOs" (withdrawn; a channel, not a sector) -> 998. Names: GCDF 2.0/3.0 upper case,
# GCOF 1.0 title case. The AidData sector name is always kept in extras["aiddata_sector"].
_NGO_SUPPORT = "Support to Non-governmental Organizations (NGOs) and Government Organizations"
_SECTOR_TABLE: tuple[tuple[str, str, bool, tuple[str, ...]], ...] = (
    ("110", "111", True, ("EDUCATION",)),  # education, level unspecified
    ("120", "121", True, ("HEALTH",)),  # health, general
    ("130", "130", True, ("POPULATION POLICIES/PROGRAMMES AND REPRODUCTIVE HEALTH",)),
    ("140", "140", True, ("WATER SUPPLY AND SANITATION",)),
    ("150", "151", True, ("GOVERNMENT AND CIVIL SOCIETY",)),  # ... general
    ("160", "160", True, ("OTHER SOCIAL INFRASTRUCTURE AND SERVICES",)),
    ("210", "210", True, ("TRANSPORT AND STORAGE",)),
    ("220", "220", True, ("COMMUNICATIONS",)),
    ("230", "231", True, ("ENERGY", "Energy Generation and Supply")),  # energy ..., general
    ("240", "240", True, ("BANKING AND FINANCIAL SERVICES",)),
    ("250", "250", True, ("BUSINESS AND OTHER SERVICES",)),
    ("310", "311", False, ("AGRICULTURE, FORESTRY, FISHING", "Agriculture, Forestry and Fishing")),
    ("320", "321", False, ("INDUSTRY, MINING, CONSTRUCTION",)),
    ("330", "331", False, ("TRADE POLICIES AND REGULATIONS", "Trade and Tourism")),
    ("410", "410", True, ("GENERAL ENVIRONMENTAL PROTECTION",)),
    ("420", "151", False, ("Women in Development",)),
    ("430", "430", True, ("OTHER MULTISECTOR",)),
    ("510", "510", True, ("GENERAL BUDGET SUPPORT",)),
    ("520", "520", True, ("DEVELOPMENTAL FOOD AID/FOOD SECURITY ASSISTANCE",)),
    ("530", "530", True, ("OTHER COMMODITY ASSISTANCE", "Non-food commodity assistance")),
    ("600", "600", True, ("ACTION RELATING TO DEBT",)),
    ("700", "720", True, ()),
    ("720", "720", True, ("EMERGENCY RESPONSE",)),
    ("730", "730", True, ("RECONSTRUCTION RELIEF AND REHABILITATION",)),
    ("740", "740", True, ("DISASTER PREVENTION AND PREPAREDNESS",)),
    ("920", "998", False, (_NGO_SUPPORT,)),
    ("998", "998", True, ("UNALLOCATED/UNSPECIFIED",)),
)  # fmt: skip
#: AidData sector group code -> the DAC 3-digit category it maps to (see the table above).
SECTOR_GROUPS: Mapping[str, SectorGroup] = MappingProxyType(
    {code: SectorGroup(code, dac3, exact) for code, dac3, exact, _ in _SECTOR_TABLE}
)
#: AidData sector name, normalised by :func:`norm` -> AidData sector group code.
SECTOR_NAMES: Mapping[str, str] = MappingProxyType(
    {norm(name): code for code, _, _, names in _SECTOR_TABLE for name in names}
)


def sector_group_of(value: Any) -> SectorGroup:
    """An AidData sector group from its code (``210``) or its name (``TRANSPORT AND STORAGE``)."""
    raw = text(value)
    if raw is None:
        raise ValueProblem("sector missing (expected an AidData sector name or 3-digit code)")
    code = raw[:-2] if raw.endswith(".0") else raw
    group = SECTOR_GROUPS.get(code) or SECTOR_GROUPS.get(SECTOR_NAMES.get(norm(raw), ""))
    if group is None:
        raise ValueProblem(
            "unknown AidData sector (expected a 3-digit OECD group code such as 210, or a name "
            "such as 'TRANSPORT AND STORAGE')"
        )
    return group


def sector_split(group: SectorGroup) -> SectorSplit:
    return SectorSplit(code=group.dac3, vocabulary="2", percentage=100.0)


# --- flow class and instrument --------------------------------------------------------------------

FLOW_CLASSES = ("ODA-like", "OOF-like", "Vague (Official Finance)", "Military")
_FLOW_CLASS_BY_NORM = {norm(c): c for c in FLOW_CLASSES}


def flow_class_of(value: Any) -> str:
    raw = text(value)
    found = _FLOW_CLASS_BY_NORM.get(norm(raw)) if raw else None
    if found is None:
        raise ValueProblem(f"unknown flow class (expected one of {_listing(FLOW_CLASSES)})")
    return found


def flow_type_of(flow_class: str | None, *, export_credit: bool = False) -> int | None:
    """IATI FlowType: ODA-like -> 10; OOF-like -> 22 for export credits, else 21; else unknown.

    AidData's classes are its own estimates of the OECD categories; "Vague" and "Military" are
    neither (IATI's OOF 20 is withdrawn, standards.md §1.3).
    """
    if flow_class == "ODA-like":
        return int(FlowType.ODA)
    if flow_class == "OOF-like":
        if export_credit:
            return int(FlowType.OFFICIALLY_SUPPORTED_EXPORT_CREDITS)
        return int(FlowType.NON_EXPORT_CREDIT_OOF)
    return None


@dataclass(frozen=True)
class Instrument:
    """An AidData flow type as IATI finance type and aid type."""

    finance_type: int | None
    aid_type: str | None = None
    export_credit: bool = False

    @property
    def is_loan(self) -> bool:
        return self.finance_type == FinanceType.STANDARD_LOAN


_GRANT = Instrument(int(FinanceType.STANDARD_GRANT))
_LOAN = Instrument(int(FinanceType.STANDARD_LOAN))
_EXPORT_CREDIT = Instrument(int(FinanceType.STANDARD_LOAN), export_credit=True)
_DEBT_RELIEF = Instrument(int(FinanceType.DEBT_FORGIVENESS_OTHER), AidType.DEBT_RELIEF.code)
_SCHOLARSHIPS = Instrument(
    int(FinanceType.STANDARD_GRANT), AidType.SCHOLARSHIPS_TRAINING_IN_DONOR_COUNTRY.code
)
_TECHNICAL_ASSISTANCE = Instrument(
    int(FinanceType.STANDARD_GRANT), AidType.OTHER_TECHNICAL_ASSISTANCE.code
)
#: AidData flow types of every release -> IATI. Debt rescheduling has no generic IATI finance
#: type (the 62x codes need the claim type), so it keeps only aid type F01 (debt relief).
_INSTRUMENT_TABLE = (
    ("Grant", _GRANT),
    ("Loan", _LOAN),
    ("Loan (excluding debt rescheduling)", _LOAN),
    ("Export credits", _EXPORT_CREDIT),
    ("Export Buyer's Credit", _EXPORT_CREDIT),
    ("Supplier's Credit/Export Seller's Credit", _EXPORT_CREDIT),
    ("Strategic/Supplier Credit", _EXPORT_CREDIT),
    ("Debt Forgiveness", _DEBT_RELIEF),
    ("Debt Relief", _DEBT_RELIEF),
    ("Debt Rescheduling", Instrument(None, AidType.DEBT_RELIEF.code)),
    ("Scholarships/Training in Donor Country", _SCHOLARSHIPS),
    ("Scholarships/training in the donor country", _SCHOLARSHIPS),
    ("Free-standing Technical Assistance", _TECHNICAL_ASSISTANCE),
    ("Vague TBD", Instrument(None)),
    ("Vague", Instrument(None)),
)
INSTRUMENTS: Mapping[str, Instrument] = MappingProxyType(
    {norm(name): instrument for name, instrument in _INSTRUMENT_TABLE}
)


def instrument_of(value: Any) -> Instrument | None:
    raw = text(value)
    if raw is None:
        return None
    found = INSTRUMENTS.get(norm(raw))
    if found is None:
        raise ValueProblem(
            "unknown AidData flow type (expected e.g. 'Grant', 'Loan', 'Debt Forgiveness', "
            "'Free-standing Technical Assistance', 'Vague TBD')"
        )
    return found


# --- organisations --------------------------------------------------------------------------------

#: AidData agency type (without its origin prefix) -> IATI OrganisationType. Private sector and
#: NGOs are refined by origin below; a JV/SPV is not necessarily a public-private partnership,
#: so it is "Other".
_T = OrganisationType
_AGENCY_TABLE = (
    ("Government Agency", _T.GOVERNMENT),
    ("State-owned Policy Bank", _T.OTHER_PUBLIC_SECTOR),
    ("State-owned Commercial Bank", _T.OTHER_PUBLIC_SECTOR),
    ("State-owned Bank", _T.OTHER_PUBLIC_SECTOR),
    ("State-owned Company", _T.OTHER_PUBLIC_SECTOR),
    ("State-owned Fund", _T.OTHER_PUBLIC_SECTOR),
    ("Intergovernmental Organization", _T.MULTILATERAL),
    ("Multilateral", _T.MULTILATERAL),
    ("Multilateral Agency", _T.MULTILATERAL),
    ("Special Purpose Vehicle/Joint Venture", _T.OTHER),
    ("Private Sector", _T.PRIVATE_SECTOR),
    ("NGO/CSO/Foundation", _T.INTERNATIONAL_NGO),
    ("NGO", _T.INTERNATIONAL_NGO),
    ("International NGO", _T.INTERNATIONAL_NGO),
    ("National NGO", _T.NATIONAL_NGO),
    ("Regional NGO", _T.REGIONAL_NGO),
    ("Foundation", _T.FOUNDATION),
    ("Public Private Partnership", _T.PUBLIC_PRIVATE_PARTNERSHIP),
    ("Academic, Training and Research", _T.ACADEMIC_TRAINING_AND_RESEARCH),
    ("Political Party", _T.OTHER),
    ("Other", _T.OTHER),
)
AGENCY_TYPES: Mapping[str, OrganisationType] = MappingProxyType(
    {norm(name): kind for name, kind in _AGENCY_TABLE}
)
_ORIGIN_PREFIXES = {"chinese": "financier", "recipient": "recipient", "other": "other"}
_ORIGIN_NAMES = {
    norm("China (People's Republic of)"): "financier",
    "recipient": "recipient",
    "other": "other",
}


def agency_type(raw: str | None, origin: str | None = None) -> tuple[str | None, int | None]:
    """(origin, IATI OrganisationType) of an AidData agency type such as "Recipient NGO/CSO/...".

    The origin is "financier", "recipient", "other" or None; unknown types give None.
    """
    if raw is None:
        return origin, None
    words = raw.split(maxsplit=1)
    if len(words) == 2 and words[0].casefold() in _ORIGIN_PREFIXES:
        origin, raw = _ORIGIN_PREFIXES[words[0].casefold()], words[1]
    kind = AGENCY_TYPES.get(norm(raw))
    if kind is None:
        return origin, None
    if kind == OrganisationType.PRIVATE_SECTOR:
        kind = {
            "financier": OrganisationType.PRIVATE_SECTOR_IN_PROVIDER_COUNTRY,
            "recipient": OrganisationType.PRIVATE_SECTOR_IN_AID_RECIPIENT_COUNTRY,
            "other": OrganisationType.PRIVATE_SECTOR_IN_THIRD_COUNTRY,
        }.get(origin or "", kind)
    elif kind == OrganisationType.INTERNATIONAL_NGO and origin == "recipient":
        kind = OrganisationType.PARTNER_COUNTRY_BASED_NGO
    return origin, int(kind)


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
    """A row error when an end date (planned or actual) comes before its start date."""
    reason = check_order(start[1], end[1], what=f"{which} completion before {which} start")
    if reason:
        ctx.fail(end[0], ctx.values.get(end[0]), reason)


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
            f"missing an amount column (expected at least one of {_listing(names)})",
            file=file,
            row=1,
            field="header",
        )
