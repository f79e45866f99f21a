"""The registry's tables (SQLAlchemy 2 declarative models).

Only ``beltroad.storage`` imports this module. Codes follow the IATI 2.03 codelists
(``beltroad.reference.iati``); beltroad's extensions are plain columns next to them.

Money is kept four ways: the original currency and value, USD nominal, and USD constant together
with its base year, because sources report different ones and conversion loses information.
Floating point (IEEE double) holds amounts to the cent up to ~USD 90 trillion, enough for a
portfolio; SQLite has no decimal type anyway.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from beltroad.storage.versioned import Versioned

# Stable constraint names, so that migrations behave the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class Provenance:
    """Where an imported record came from, and whether AidData recommends it for aggregates."""

    dataset: Mapped[str] = mapped_column(String(64), index=True, default="manual")
    source_record_id: Mapped[str | None] = mapped_column(String(128))
    recommended_for_aggregates: Mapped[bool | None] = mapped_column(Boolean)
    quality: Mapped[str | None] = mapped_column(String(32))
    is_synthetic: Mapped[bool] = mapped_column(Boolean, default=False)


# --- reference facts -------------------------------------------------------------------------


class Country(Base):
    __tablename__ = "countries"

    iso3: Mapped[str] = mapped_column(String(3), primary_key=True)
    iso2: Mapped[str] = mapped_column(String(2), unique=True)
    numeric: Mapped[str | None] = mapped_column(String(3))
    name_en: Mapped[str] = mapped_column(String(128))
    official_name: Mapped[str | None] = mapped_column(String(256))
    name_zh: Mapped[str | None] = mapped_column(String(128))
    region: Mapped[str | None] = mapped_column(String(64))
    income_group: Mapped[str | None] = mapped_column(String(64))


class Corridor(Base):
    __tablename__ = "corridors"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    name_en: Mapped[str] = mapped_column(String(128))
    name_zh: Mapped[str | None] = mapped_column(String(128))
    key_routes: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)


class CorridorCountry(Base):
    __tablename__ = "corridor_countries"

    corridor_id: Mapped[str] = mapped_column(ForeignKey("corridors.id"), primary_key=True)
    iso3: Mapped[str] = mapped_column(ForeignKey("countries.iso3"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16), default="core")
    __table_args__ = (CheckConstraint("role in ('core', 'extension')", name="role"),)


class Passage(Base):
    """A maritime chokepoint or passage, keyed by the ``searoute`` passage name."""

    __tablename__ = "passages"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    portwatch_id: Mapped[str | None] = mapped_column(String(32))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    searoute_key: Mapped[str | None] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(Text)
    tag: Mapped[str | None] = mapped_column(Text)  # standards.md verification tags


class Codelist(Base):
    """IATI codelist entries, so that SQL reports can show labels next to codes."""

    __tablename__ = "codelists"

    codelist: Mapped[str] = mapped_column(String(64), primary_key=True)
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    label: Mapped[str] = mapped_column(String(256))


class ReportedStatistic(Base):
    """An official figure kept for reconciliation against the registry."""

    __tablename__ = "reported_statistics"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), index=True)
    label: Mapped[str] = mapped_column(Text)
    value: Mapped[float] = mapped_column(Float)
    qualifier: Mapped[str] = mapped_column(String(8))
    unit: Mapped[str] = mapped_column(String(32))
    as_of: Mapped[dt.date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(Text)
    source_date: Mapped[dt.date] = mapped_column(Date)
    # Migration 0006_registry (issue #11): what the figure covers, and where it was published.
    scope: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (
        UniqueConstraint("key", "as_of", "source", name="uq_reported_statistics_key_as_of_source"),
        CheckConstraint("qualifier in ('over', 'about', 'exact', 'under')", name="qualifier"),
    )


class Dataset(Base):
    """One import of one file: the provenance that records point to by ``dataset`` name."""

    __tablename__ = "datasets"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    citation: Mapped[str | None] = mapped_column(Text)
    licence: Mapped[str | None] = mapped_column(String(128))
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    parameters: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    is_synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    loaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    records: Mapped[int] = mapped_column(Integer, default=0)


# --- parties and agreements ------------------------------------------------------------------


class Organisation(Versioned, Provenance, Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # How records find the organisation again: its IATI ref, else "name:" + normalised name.
    key: Mapped[str] = mapped_column(String(300), unique=True)
    ref: Mapped[str | None] = mapped_column(String(128), index=True)  # IATI org identifier
    name: Mapped[str] = mapped_column(String(256), index=True)
    name_zh: Mapped[str | None] = mapped_column(String(256))
    org_type: Mapped[int | None] = mapped_column(SmallInteger)  # IATI OrganisationType
    country_iso3: Mapped[str | None] = mapped_column(ForeignKey("countries.iso3"))
    is_international: Mapped[bool] = mapped_column(Boolean, default=False)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))


class Partnership(Provenance, Base):
    """When a country or international organisation joined, and when it left."""

    __tablename__ = "partnerships"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    country_iso3: Mapped[str | None] = mapped_column(ForeignKey("countries.iso3"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    joined_on: Mapped[dt.date | None] = mapped_column(Date)
    exited_on: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (
        UniqueConstraint("dataset", "source_record_id", name="uq_partnerships_dataset_source"),
        CheckConstraint("(country_iso3 IS NULL) <> (organisation_id IS NULL)", name="one_party"),
        CheckConstraint(
            "exited_on IS NULL OR joined_on IS NULL OR exited_on >= joined_on", name="dates"
        ),
    )


class CooperationDocument(Versioned, Provenance, Base):
    __tablename__ = "cooperation_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    doc_type: Mapped[str] = mapped_column(String(32))  # mou, plan, agreement, ...
    iati_category: Mapped[str | None] = mapped_column(String(8))  # IATI DocumentCategory
    signed_on: Mapped[dt.date | None] = mapped_column(Date)
    expires_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="in_force")
    scope: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)


class DocumentParty(Base):
    __tablename__ = "document_parties"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("cooperation_documents.id", ondelete="CASCADE"), index=True
    )
    country_iso3: Mapped[str | None] = mapped_column(ForeignKey("countries.iso3"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))


# --- projects (IATI activities) --------------------------------------------------------------


class Project(Provenance, Base):
    __tablename__ = "projects"

    # No index of its own: the unique (dataset, source_record_id) index serves dataset look-ups.
    dataset: Mapped[str] = mapped_column(String(64), default="manual")
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    identifier: Mapped[str] = mapped_column(String(160), unique=True)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[int | None] = mapped_column(SmallInteger)  # IATI ActivityStatus
    stage: Mapped[str | None] = mapped_column(String(32))  # beltroad lifecycle: mou..completion
    planned_start: Mapped[dt.date | None] = mapped_column(Date)
    actual_start: Mapped[dt.date | None] = mapped_column(Date)
    planned_end: Mapped[dt.date | None] = mapped_column(Date)
    actual_end: Mapped[dt.date | None] = mapped_column(Date)
    commitment_year: Mapped[int | None] = mapped_column(SmallInteger)
    flow_class: Mapped[str | None] = mapped_column(String(32))  # AidData: ODA-like, OOF-like, ...
    flow_type: Mapped[int | None] = mapped_column(SmallInteger)  # IATI FlowType
    finance_type: Mapped[int | None] = mapped_column(SmallInteger)  # IATI FinanceType
    aid_type: Mapped[str | None] = mapped_column(String(8))  # IATI AidType
    amount_currency: Mapped[str | None] = mapped_column(String(3))
    amount_original: Mapped[float | None] = mapped_column(Float)
    amount_usd_nominal: Mapped[float | None] = mapped_column(Float)
    amount_usd_constant: Mapped[float | None] = mapped_column(Float)
    amount_base_year: Mapped[int | None] = mapped_column(SmallInteger)
    corridor_id: Mapped[str | None] = mapped_column(ForeignKey("corridors.id"))
    is_flagship: Mapped[bool] = mapped_column(Boolean, default=False)
    green_class: Mapped[str | None] = mapped_column(String(8))  # BRIGC traffic light
    is_umbrella: Mapped[bool] = mapped_column(Boolean, default=False)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"))
    parent_identifier: Mapped[str | None] = mapped_column(String(160))
    extras: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # source fields kept verbatim
    content_hash: Mapped[str | None] = mapped_column(String(64))  # lets re-imports change nothing
    # Added by migration 0005 (issue #15): the lifecycle state (config/lifecycle.toml), the
    # owning unit, and the optimistic-locking version every coordinated write checks and bumps.
    # ``unit_id`` has no foreign key: SQLite's ALTER TABLE cannot add one, and a batch copy of
    # the table would drop its analytics triggers; the services check the unit exists.
    lifecycle_state: Mapped[str | None] = mapped_column(String(32))
    unit_id: Mapped[int | None] = mapped_column(Integer, index=True)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))
    public: Mapped[bool] = mapped_column(Boolean, default=False, index=True)  # 0015_web2 (#16)
    __table_args__ = (
        UniqueConstraint("dataset", "source_record_id", name="uq_projects_dataset_source"),
        CheckConstraint("status IS NULL OR status BETWEEN 1 AND 6", name="status"),
    )


class ProjectCountry(Base):
    __tablename__ = "project_countries"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    iso3: Mapped[str] = mapped_column(ForeignKey("countries.iso3"), primary_key=True)
    percentage: Mapped[float] = mapped_column(Float, default=100.0)
    __table_args__ = (CheckConstraint("percentage > 0 AND percentage <= 100", name="pct"),)


class ProjectRegion(Base):
    """An IATI recipient region with its percentage (regions are not countries)."""

    __tablename__ = "project_regions"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    vocabulary: Mapped[str] = mapped_column(String(4), primary_key=True)
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    percentage: Mapped[float] = mapped_column(Float, default=100.0)


class ProjectSector(Base):
    __tablename__ = "project_sectors"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    vocabulary: Mapped[str] = mapped_column(String(4), primary_key=True)  # IATI SectorVocabulary
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    percentage: Mapped[float] = mapped_column(Float, default=100.0)
    __table_args__ = (CheckConstraint("percentage > 0 AND percentage <= 100", name="pct"),)


class Participation(Base):
    """An organisation's role in a project (IATI roles plus guarantor and insurer)."""

    __tablename__ = "participations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # No index of its own: the unique (project_id, organisation_id, role) index leads with it.
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    __table_args__ = (
        UniqueConstraint(
            "project_id", "organisation_id", "role", name="uq_participations_project_org_role"
        ),
    )


class Transaction(Base):
    __tablename__ = "transactions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    type: Mapped[int] = mapped_column(SmallInteger)  # IATI TransactionType
    date: Mapped[dt.date | None] = mapped_column(Date)
    currency: Mapped[str | None] = mapped_column(String(3))
    value: Mapped[float | None] = mapped_column(Float)
    usd_nominal: Mapped[float | None] = mapped_column(Float)
    usd_constant: Mapped[float | None] = mapped_column(Float)
    base_year: Mapped[int | None] = mapped_column(SmallInteger)
    # IATI's value date, when it differs from ``date``: the day the value converts at.
    value_date: Mapped[dt.date | None] = mapped_column(Date)
    provider_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    receiver_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    is_synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    __table_args__ = (CheckConstraint("type BETWEEN 1 AND 13", name="type"),)


class LoanTerms(Base):
    __tablename__ = "loan_terms"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    interest_rate_pct: Mapped[float | None] = mapped_column(Float)
    reference_rate: Mapped[str | None] = mapped_column(String(32))  # e.g. LIBOR, SOFR
    margin_pct: Mapped[float | None] = mapped_column(Float)
    maturity_years: Mapped[float | None] = mapped_column(Float)
    grace_period_years: Mapped[float | None] = mapped_column(Float)
    grant_element_pct: Mapped[float | None] = mapped_column(Float)
    repayment_type: Mapped[str | None] = mapped_column(String(4))  # IATI LoanRepaymentType
    commitment_fee_pct: Mapped[float | None] = mapped_column(Float)
    management_fee_pct: Mapped[float | None] = mapped_column(Float)
    collateralised: Mapped[bool | None] = mapped_column(Boolean)
    insured: Mapped[bool | None] = mapped_column(Boolean)


class Location(Base):
    __tablename__ = "locations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str | None] = mapped_column(String(256))
    admin_level: Mapped[int | None] = mapped_column(SmallInteger)
    admin_code: Mapped[str | None] = mapped_column(String(64))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    share: Mapped[float | None] = mapped_column(Float)
    exactness: Mapped[int | None] = mapped_column(SmallInteger)  # IATI GeographicExactness
    precision: Mapped[int | None] = mapped_column(SmallInteger)  # IATI GeographicalPrecision
    source: Mapped[str | None] = mapped_column(String(64))
    __table_args__ = (
        CheckConstraint("lat IS NULL OR (lat BETWEEN -90 AND 90)", name="lat"),
        CheckConstraint("lon IS NULL OR (lon BETWEEN -180 AND 180)", name="lon"),
    )


# --- enterprises and zones -------------------------------------------------------------------


class OverseasEnterprise(Versioned, Provenance, Base):
    __tablename__ = "overseas_enterprises"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(256))
    parent_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    host_iso3: Mapped[str] = mapped_column(ForeignKey("countries.iso3"), index=True)
    sector_code: Mapped[str | None] = mapped_column(String(16))
    established_on: Mapped[dt.date | None] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    stock_currency: Mapped[str | None] = mapped_column(String(3))
    stock_original: Mapped[float | None] = mapped_column(Float)
    stock_usd_nominal: Mapped[float | None] = mapped_column(Float)
    stock_usd_constant: Mapped[float | None] = mapped_column(Float)
    stock_base_year: Mapped[int | None] = mapped_column(SmallInteger)
    assets_usd: Mapped[float | None] = mapped_column(Float)
    employees_local: Mapped[int | None] = mapped_column(Integer)
    employees_expat: Mapped[int | None] = mapped_column(Integer)
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("cooperation_zones.id"))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    # Added by migration 0006_registry (issue #11): as MOFCOM and enterprise lists report them.
    home_province: Mapped[str | None] = mapped_column(String(64))
    employees_total: Mapped[int | None] = mapped_column(Integer)


class CooperationZone(Versioned, Provenance, Base):
    __tablename__ = "cooperation_zones"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(256))
    name_zh: Mapped[str | None] = mapped_column(String(256))
    host_iso3: Mapped[str] = mapped_column(ForeignKey("countries.iso3"), index=True)
    developer_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    established_year: Mapped[int | None] = mapped_column(SmallInteger)
    enterprises_hosted: Mapped[int | None] = mapped_column(Integer)
    investment_usd: Mapped[float | None] = mapped_column(Float)
    output_usd: Mapped[float | None] = mapped_column(Float)
    jobs_local: Mapped[int | None] = mapped_column(Integer)
    jobs_expat: Mapped[int | None] = mapped_column(Integer)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    # Migration 0006_registry (issue #11). ``investment_usd`` is nominal USD; the investment
    # as reported keeps its currency, and a constant-USD figure its base year.
    area_km2: Mapped[float | None] = mapped_column(Float)
    jobs_total: Mapped[int | None] = mapped_column(Integer)
    investment_currency: Mapped[str | None] = mapped_column(String(3))
    investment_original: Mapped[float | None] = mapped_column(Float)
    investment_usd_constant: Mapped[float | None] = mapped_column(Float)
    investment_base_year: Mapped[int | None] = mapped_column(SmallInteger)


class Port(Provenance, Base):
    """A sea port (World Port Index), matched to the sea network by UN/LOCODE."""

    __tablename__ = "ports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unlocode: Mapped[str | None] = mapped_column(String(5), index=True)
    wpi_number: Mapped[str | None] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(256))
    country_iso3: Mapped[str | None] = mapped_column(ForeignKey("countries.iso3"), index=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    harbor_size: Mapped[str | None] = mapped_column(String(32))
    harbor_type: Mapped[str | None] = mapped_column(String(64))
    max_depth_m: Mapped[float | None] = mapped_column(Float)
    extras: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    __table_args__ = (
        UniqueConstraint("dataset", "source_record_id", name="uq_ports_dataset_source"),
    )


# --- indicators and scenarios ----------------------------------------------------------------


class CountryIndicator(Base):
    """A country-year value of an external index (WGI, GPR, ND-GAIN, IMF debt) with vintage."""

    __tablename__ = "country_indicators"

    iso3: Mapped[str] = mapped_column(ForeignKey("countries.iso3"), primary_key=True)
    indicator: Mapped[str] = mapped_column(String(64), primary_key=True)
    period: Mapped[str] = mapped_column(String(16), primary_key=True)  # 2023, 2023-05
    value: Mapped[float | None] = mapped_column(Float)
    vintage: Mapped[str] = mapped_column(String(64))
    dataset: Mapped[str] = mapped_column(String(64))


class ConversionRate(Base):
    """One year of a price index (a deflator) or of an annual-average exchange rate.

    ``kind`` is ``deflator`` (``value`` an index, any reference year: only ratios are used) or
    ``fx-annual`` (``value`` units of ``currency`` per USD). ``observations`` is how many
    sub-annual values the annual figure averages (4 for a complete year of quarters), NULL when
    the source gave the annual figure itself. The dataset row holds citation and licence.
    """

    __tablename__ = "conversion_rates"

    dataset: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    series: Mapped[str] = mapped_column(String(64), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    value: Mapped[float] = mapped_column(Float)
    observations: Mapped[int | None] = mapped_column(SmallInteger)
    vintage: Mapped[str] = mapped_column(String(64))
    __table_args__ = (
        CheckConstraint("kind in ('deflator', 'fx-annual')", name="kind"),
        CheckConstraint("value > 0", name="value"),
    )


class AnalyticsState(Base):
    """One row: a per-database id and a generation that every write to the analysed tables bumps.

    Triggers (migrations 0002 and 0004) bump it, so no writer (beltroad's own or raw SQL) can
    change the portfolio without the analytics snapshot noticing (see
    ``beltroad.analytics.snapshot``). ``changes_from``, ``logging``: see ``analytics_models``.
    """

    __tablename__ = "analytics_state"

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    instance_id: Mapped[str] = mapped_column(String(36))
    generation: Mapped[int] = mapped_column(BigInteger, default=0)
    # 0, or inside a bulk writer's transaction 1 (paused) then 2 (paused, bumped): SQLite's row
    # triggers bump only while it is below 2 (migration 0004). Never committed other than 0.
    paused: Mapped[int] = mapped_column(SmallInteger, default=0, server_default=text("0"))
    changes_from: Mapped[int] = mapped_column(BigInteger, default=0, server_default=text("0"))
    logging: Mapped[int] = mapped_column(SmallInteger, default=1, server_default=text("1"))
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)


Index("ix_projects_commitment_year", Project.commitment_year)
# Covers the headline's pass over enterprises (an index-only scan; issue #4's 1 s target).
Index(
    "ix_overseas_enterprises_headline",
    OverseasEnterprise.dataset,
    OverseasEnterprise.established_on,
    OverseasEnterprise.closed_on,
    OverseasEnterprise.is_synthetic,
    OverseasEnterprise.stock_usd_constant,
    OverseasEnterprise.stock_base_year,
)


# Migration 0006_registry: a re-imported entity table updates its rows (NULL ids never clash).
for _keyed in (OverseasEnterprise, CooperationZone, CooperationDocument):
    Index(
        f"uq_{_keyed.__tablename__}_dataset_source",
        _keyed.dataset,
        _keyed.source_record_id,
        unique=True,
    )


def table(model: type[Base]) -> Table:
    """The Core table of a model, typed as a Table (``__table__`` is typed as a FromClause)."""
    result = model.__table__
    assert isinstance(result, Table)
    return result


# The other domains' tables live in modules of their own; importing them registers them on this
# metadata, and the names below keep ``models.Task``, ``models.RecordLink``... working.
from beltroad.storage import analytics_models as _analytics_models  # noqa: E402,F401
from beltroad.storage import coordination_models as _coordination_models  # noqa: E402,F401
from beltroad.storage import green_models, job_models, linkage_models, management_models  # noqa: E402

Approval = management_models.Approval
AuditEvent = management_models.AuditEvent
Milestone = management_models.Milestone
RiskEntry = management_models.RiskEntry
RiskWarning = management_models.RiskWarning
Role = management_models.Role
Scope = management_models.Scope
SecurityIncident = management_models.SecurityIncident
Task = management_models.Task
User = management_models.User
UserRole = management_models.UserRole
RecordFlag = linkage_models.RecordFlag
RecordLink = linkage_models.RecordLink
RecordReview = linkage_models.RecordReview
GreenAssessment = green_models.GreenAssessment
GreenOverride = green_models.GreenOverride
IntegrityFlag = green_models.IntegrityFlag
Job = job_models.Job
Scenario = job_models.Scenario
ScenarioRun = job_models.ScenarioRun
