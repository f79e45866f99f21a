"""Typed records shared by ingest, engines, services and storage.

Frozen, slotted dataclasses (``__slots__``: no per-instance dict, faster to build and to read):
what an importer yields and what storage writes. Codes follow IATI 2.03
(``beltroad.reference.iati``); dates are ``datetime.date``; money carries currency and base year.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Money:
    """An amount four ways; any may be unknown (None), which is not zero."""

    currency: str | None = None
    original: float | None = None
    usd_nominal: float | None = None
    usd_constant: float | None = None
    base_year: int | None = None


#: ``Provenance.quality`` of an imported record in which no check found anything to flag.
QUALITY_OK = "ok"


@dataclass(frozen=True, slots=True)
class Provenance:
    dataset: str
    source_record_id: str | None = None
    recommended_for_aggregates: bool | None = None
    #: "ok", or the kinds of the record's quality flags (``date_order;currency``); None for a
    #: record no importer checked (synthetic, entered by hand).
    quality: str | None = None
    is_synthetic: bool = False


@dataclass(frozen=True, slots=True)
class QualityFlag:
    """A published value that is readable but inconsistent: the record is kept and says so.

    ``code`` is ``<kind>:<detail>`` and never changes once shipped (people filter on it), e.g.
    ``date_order:actual_end<actual_start``; ``field`` and ``value`` are the source's column and
    the value as given there (where to look); ``reason`` names every value involved.
    """

    code: str
    field: str | None
    value: str | None
    reason: str

    @property
    def kind(self) -> str:
        return self.code.partition(":")[0]


def quality_of(flags: Iterable[QualityFlag]) -> str:
    """What ``Provenance.quality`` says for a record with ``flags``: "ok" or their kinds.

    >>> quality_of([])
    'ok'
    >>> quality_of([QualityFlag("date_order:actual_end<actual_start", None, None, "...")])
    'date_order'
    """
    kinds = sorted({flag.kind for flag in flags})
    return ";".join(kinds) if kinds else QUALITY_OK


@functools.lru_cache(maxsize=4096)  # read for every participation and transaction a writer stores
def _name_key(name: str) -> str:
    return "name:" + " ".join(name.lower().split())


@dataclass(frozen=True, slots=True)
class OrgRef:
    """An organisation as a source names it; ``ref`` is its IATI identifier when known."""

    name: str
    ref: str | None = None
    org_type: int | None = None
    country_iso3: str | None = None
    is_international: bool = False
    name_zh: str | None = None

    @property
    def key(self) -> str:
        """How organisations are matched across records: the IATI ref, else the name."""
        return self.ref or _name_key(self.name)


@dataclass(frozen=True, slots=True)
class CountrySplit:
    iso3: str
    percentage: float = 100.0


@dataclass(frozen=True, slots=True)
class RegionSplit:
    """An IATI recipient region (regions are not countries): code, vocabulary, percentage."""

    code: str
    vocabulary: str = "1"  # IATI RegionVocabulary: 1 = OECD DAC, 2 = UN M49
    percentage: float = 100.0


@dataclass(frozen=True, slots=True)
class SectorSplit:
    code: str
    vocabulary: str = "1"  # IATI SectorVocabulary: 1 = DAC 5-digit, 2 = DAC 3-digit
    percentage: float = 100.0


@dataclass(frozen=True, slots=True)
class Participation:
    org: OrgRef
    role: str  # beltroad.reference.iati.ParticipationRole value


@dataclass(frozen=True, slots=True)
class TransactionRecord:
    type: int  # IATI TransactionType
    date: dt.date | None
    money: Money
    provider: OrgRef | None = None
    receiver: OrgRef | None = None
    #: IATI's value date (the day the value's exchange rate is taken at), when it differs from
    #: ``date``; None means the same day.
    value_date: dt.date | None = None


@dataclass(frozen=True, slots=True)
class LoanTermsRecord:
    interest_rate_pct: float | None = None
    reference_rate: str | None = None
    margin_pct: float | None = None
    maturity_years: float | None = None
    grace_period_years: float | None = None
    grant_element_pct: float | None = None
    repayment_type: str | None = None
    commitment_fee_pct: float | None = None
    management_fee_pct: float | None = None
    collateralised: bool | None = None
    insured: bool | None = None


@dataclass(frozen=True, slots=True)
class LocationRecord:
    name: str | None = None
    lat: float | None = None
    lon: float | None = None
    admin_level: int | None = None
    admin_code: str | None = None
    share: float | None = None
    exactness: int | None = None
    precision: int | None = None
    source: str | None = None


@dataclass(frozen=True, slots=True)
class ProjectRecord:
    identifier: str
    title: str
    provenance: Provenance
    description: str | None = None
    status: int | None = None  # IATI ActivityStatus
    stage: str | None = None
    planned_start: dt.date | None = None
    actual_start: dt.date | None = None
    planned_end: dt.date | None = None
    actual_end: dt.date | None = None
    commitment_year: int | None = None
    flow_class: str | None = None
    flow_type: int | None = None
    finance_type: int | None = None
    aid_type: str | None = None
    amount: Money | None = None
    countries: tuple[CountrySplit, ...] = ()
    sectors: tuple[SectorSplit, ...] = ()
    participations: tuple[Participation, ...] = ()
    transactions: tuple[TransactionRecord, ...] = ()
    loan_terms: LoanTermsRecord | None = None
    locations: tuple[LocationRecord, ...] = ()
    is_umbrella: bool = False
    parent_identifier: str | None = None
    corridor_id: str | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    regions: tuple[RegionSplit, ...] = ()


@dataclass(frozen=True, slots=True)
class PartnershipRecord:
    """A country (iso3) or an organisation joining cooperation, and leaving it."""

    provenance: Provenance
    country_iso3: str | None = None
    organisation: OrgRef | None = None
    joined_on: dt.date | None = None
    exited_on: dt.date | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class IndicatorRecord:
    iso3: str
    indicator: str
    period: str
    value: float | None
    vintage: str
    dataset: str


@dataclass(frozen=True, slots=True)
class PortRecord:
    unlocode: str | None
    name: str
    country_iso3: str | None
    lat: float
    lon: float
    provenance: Provenance
    wpi_number: str | None = None
    harbor_size: str | None = None
    harbor_type: str | None = None
    max_depth_m: float | None = None
    extras: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CountryProfileRecord:
    """World Bank region and income group of a country, as a source states them."""

    iso3: str
    region: str | None
    income_group: str | None
    source: str


@dataclass(frozen=True, slots=True)
class RateRecord:
    """A year of a deflator index or of an annual-average exchange rate (units per USD)."""

    kind: str  # "deflator" or "fx-annual"
    series: str
    currency: str
    year: int
    value: float
    vintage: str
    dataset: str
    observations: int | None = None  # sub-annual values averaged (4 quarters), None if annual


Record = (
    CountryProfileRecord
    | ProjectRecord
    | PartnershipRecord
    | IndicatorRecord
    | PortRecord
    | RateRecord
)
