"""Typed records shared by ingest, engines, services and storage.

Frozen dataclasses: what an importer yields and what storage writes. Codes follow IATI 2.03
(``beltroad.reference.iati``); dates are ``datetime.date``; money carries currency and base year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any


@dataclass(frozen=True)
class Money:
    """An amount four ways; any may be unknown (None), which is not zero."""

    currency: str | None = None
    original: float | None = None
    usd_nominal: float | None = None
    usd_constant: float | None = None
    base_year: int | None = None


@dataclass(frozen=True)
class Provenance:
    dataset: str
    source_record_id: str | None = None
    recommended_for_aggregates: bool | None = None
    quality: str | None = None
    is_synthetic: bool = False


@dataclass(frozen=True)
class OrgRef:
    """An organisation as a source names it; ``ref`` is its IATI identifier when known."""

    name: str
    ref: str | None = None
    org_type: int | None = None
    country_iso3: str | None = None
    is_international: bool = False
    name_zh: str | None = None

    @cached_property  # read for every participation and transaction a writer stores
    def key(self) -> str:
        """How organisations are matched across records: the IATI ref, else the name."""
        return self.ref or "name:" + " ".join(self.name.lower().split())


@dataclass(frozen=True)
class CountrySplit:
    iso3: str
    percentage: float = 100.0


@dataclass(frozen=True)
class RegionSplit:
    """An IATI recipient region (regions are not countries): code, vocabulary, percentage."""

    code: str
    vocabulary: str = "1"  # IATI RegionVocabulary: 1 = OECD DAC, 2 = UN M49
    percentage: float = 100.0


@dataclass(frozen=True)
class SectorSplit:
    code: str
    vocabulary: str = "1"  # IATI SectorVocabulary: 1 = DAC 5-digit, 2 = DAC 3-digit
    percentage: float = 100.0


@dataclass(frozen=True)
class Participation:
    org: OrgRef
    role: str  # beltroad.reference.iati.ParticipationRole value


@dataclass(frozen=True)
class TransactionRecord:
    type: int  # IATI TransactionType
    date: dt.date | None
    money: Money
    provider: OrgRef | None = None
    receiver: OrgRef | None = None


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class PartnershipRecord:
    """A country (iso3) or an organisation joining cooperation, and leaving it."""

    provenance: Provenance
    country_iso3: str | None = None
    organisation: OrgRef | None = None
    joined_on: dt.date | None = None
    exited_on: dt.date | None = None
    note: str | None = None


@dataclass(frozen=True)
class IndicatorRecord:
    iso3: str
    indicator: str
    period: str
    value: float | None
    vintage: str
    dataset: str


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class CountryProfileRecord:
    """World Bank region and income group of a country, as a source states them."""

    iso3: str
    region: str | None
    income_group: str | None
    source: str


Record = CountryProfileRecord | ProjectRecord | PartnershipRecord | IndicatorRecord | PortRecord
