"""AidData's vocabularies as explicit tables onto IATI codelists, each with its reasoning.

Shared by the ``gcdf3``, ``gcdf3-geo``, ``gcdf2`` and ``gcof1`` importers:

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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from beltroad.ingest.base import ValueProblem, text
from beltroad.records import SectorSplit
from beltroad.reference.iati import (
    ActivityStatus,
    AidType,
    FinanceType,
    FlowType,
    OrganisationType,
)


@lru_cache(maxsize=4096)  # AidData repeats a few hundred spellings over thousands of rows
def norm(value: str) -> str:
    """AidData spellings compared loosely: case, '&' vs 'and', blanks around '/', curly quotes."""
    cleaned = value.replace("’", "'").replace("&", " and ").casefold()
    cleaned = re.sub(r"\s*/\s*", "/", cleaned)
    return " ".join(cleaned.split())


def listing(names: Iterable[str]) -> str:
    """Names quoted and comma-separated, for error messages: ``'a', 'b'``."""
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
            f"unknown status (expected one of {listing(_STATUS_NAMES)}, 'Suspended', 'Cancelled')"
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
        raise ValueProblem(f"unknown flow class (expected one of {listing(FLOW_CLASSES)})")
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
