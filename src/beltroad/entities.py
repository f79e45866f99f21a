"""The registry's own entities, as people enter them: organisations, cooperation documents,
overseas enterprises and cooperation zones.

Frozen dataclasses that the services take (``beltroad registry``, the entity import and, later,
the API and web), each with its columns described once in :data:`COLUMNS`: the XLSX templates,
the import and the docs all read that table. References to other records (a country, an
organisation, a zone) are kept as the user wrote them; the services resolve them against the
registry and reject what does not resolve, with the closest matches.

:func:`problems` checks what can be checked without the registry (required fields, dates in
order, local jobs within all jobs, money with its currency and price basis).

>>> problems(ZoneEntity(source_id="Z1", name="Zone", host_country="KHM", jobs=10, jobs_local=20))
[('jobs_local', 20, 'jobs_local exceeds jobs (expected at most 10)')]
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any, Final

from beltroad.entity_kinds import EntityKind as EntityKind
from beltroad.reference.iati import OrganisationType

DOCUMENT_TYPES: Final = ("mou", "agreement", "plan", "joint_statement", "other")
DOCUMENT_STATUSES: Final = ("in_force", "expired", "terminated", "draft", "proposed")


@dataclass(frozen=True)
class OrganisationEntity:
    name: str
    ref: str | None = None
    name_zh: str | None = None
    org_type: int | None = None
    country: str | None = None
    international: bool = False
    parent: str | None = None


@dataclass(frozen=True)
class DocumentEntity:
    source_id: str
    title: str
    doc_type: str
    countries: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    signed_on: dt.date | None = None
    expires_on: dt.date | None = None
    status: str = "in_force"
    scope: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class EnterpriseEntity:
    source_id: str
    name: str
    host_country: str
    home_province: str | None = None
    sector: str | None = None
    parent: str | None = None
    zone: str | None = None
    established_on: dt.date | None = None
    closed_on: dt.date | None = None
    stock: float | None = None
    stock_currency: str | None = None
    stock_base_year: int | None = None  # None: nominal; a year: constant USD of that year
    employees: int | None = None
    employees_local: int | None = None
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class ZoneEntity:
    source_id: str
    name: str
    host_country: str
    name_zh: str | None = None
    developer: str | None = None
    established_year: int | None = None
    area_km2: float | None = None
    investment: float | None = None
    investment_currency: str | None = None
    investment_base_year: int | None = None  # None: nominal; a year: constant USD of that year
    enterprises: int | None = None
    jobs: int | None = None
    jobs_local: int | None = None
    lat: float | None = None
    lon: float | None = None


Entity = OrganisationEntity | DocumentEntity | EnterpriseEntity | ZoneEntity

ENTITY_TYPES: Final[dict[EntityKind, type[Any]]] = {
    EntityKind.ORGANISATION: OrganisationEntity,
    EntityKind.DOCUMENT: DocumentEntity,
    EntityKind.ENTERPRISE: EnterpriseEntity,
    EntityKind.ZONE: ZoneEntity,
}


def kind_of(entity: Entity) -> EntityKind:
    return next(kind for kind, cls in ENTITY_TYPES.items() if isinstance(entity, cls))


# --- columns -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One template column: the field it fills and what a person must put in it.

    ``parse`` names the value parser (see :mod:`beltroad.ingest.entity_rows`).
    """

    field: str
    parse: str
    meaning: str
    required: bool = False
    allowed: str = ""
    example: str = ""

    @property
    def type_label(self) -> str:
        return {
            "text": "text",
            "list": "list separated by ';'",
            "date": "date (YYYY-MM-DD)",
            "year": "year",
            "integer": "whole number >= 0",
            "number": "number >= 0",
            "coordinate": "decimal degrees",
            "bool": "yes/no",
            "currency": "ISO 4217 code",
            "basis": "price basis",
            "org_type": "IATI OrganisationType code",
            "choice": "one of the allowed values",
            "sector": "OECD DAC sector code",
        }[self.parse]


_ORG_TYPES = ", ".join(f"{int(t)} {t.label}" for t in OrganisationType)
_BASIS = "nominal, or constant YYYY (constant US dollars of that year; currency USD)"
_COUNTRY = "ISO 3166 code (PAK, PK, 586) or exact English/Chinese country name"
_ORG_REF = "an organisation already in the registry: its IATI ref or exact name"
_SOURCE_ID = "your identifier for the row, unique in the file; importing it again updates it"

COLUMNS: Final[dict[EntityKind, tuple[Column, ...]]] = {
    EntityKind.ORGANISATION: (
        Column("name", "text", "organisation name", True, example="Asian Development Bank"),
        Column("ref", "text", "IATI organisation identifier", example="XM-DAC-46004"),
        Column("name_zh", "text", "name in Chinese", example="亚洲开发银行"),
        Column("org_type", "org_type", "IATI OrganisationType", allowed=_ORG_TYPES, example="40"),
        Column(
            "country",
            "text",
            "country of registration (blank for international bodies)",
            allowed=_COUNTRY,
            example="",
        ),
        Column(
            "international",
            "bool",
            "an international organisation (counts in the headline's partner organisations)",
            allowed="yes, no (blank: no)",
            example="yes",
        ),
        Column("parent", "text", "parent organisation", allowed=_ORG_REF, example=""),
    ),
    EntityKind.DOCUMENT: (
        Column("source_id", "text", _SOURCE_ID, True, example="DOC-2019-001"),
        Column(
            "title",
            "text",
            "document title",
            True,
            example="MoU on jointly building the Belt and Road",
        ),
        Column(
            "doc_type",
            "choice",
            "type of document",
            True,
            allowed=", ".join(DOCUMENT_TYPES),
            example="mou",
        ),
        Column(
            "countries",
            "list",
            "partner countries that are parties",
            allowed=_COUNTRY,
            example="ITA",
        ),
        Column(
            "organisations", "list", "organisations that are parties", allowed=_ORG_REF, example=""
        ),
        Column("signed_on", "date", "date signed", example="2019-03-23"),
        Column("expires_on", "date", "expiry date (blank: no expiry)", example="2024-03-22"),
        Column(
            "status",
            "choice",
            "status (blank: in_force)",
            allowed=", ".join(DOCUMENT_STATUSES),
            example="in_force",
        ),
        Column("scope", "text", "what the document covers", example="Belt and Road cooperation"),
        Column(
            "source",
            "text",
            "where the document or its announcement was published",
            example="Xinhua, 23 Mar 2019",
        ),
    ),
    EntityKind.ENTERPRISE: (
        Column("source_id", "text", _SOURCE_ID, True, example="ENT-0001"),
        Column("name", "text", "enterprise name", True, example="Example Cement Co. Ltd"),
        Column(
            "host_country",
            "text",
            "country the enterprise operates in",
            True,
            allowed=_COUNTRY,
            example="PAK",
        ),
        Column(
            "home_province",
            "text",
            "Chinese province-level division of the parent",
            allowed="a province-level division in English or Chinese (Jiangsu, 江苏, "
            "Guangdong...), Xinjiang Production and Construction Corps, or Central (central "
            "state-owned enterprises)",
            example="Jiangsu",
        ),
        Column(
            "sector",
            "sector",
            "OECD DAC sector",
            allowed="5-digit purpose code or 3-digit category",
            example="32140",
        ),
        Column("parent", "text", "parent organisation", allowed=_ORG_REF, example=""),
        Column(
            "zone",
            "text",
            "cooperation zone it is located in",
            allowed="a zone already in the registry: its source_id or exact name",
            example="",
        ),
        Column("established_on", "date", "date established", example="2016-05-01"),
        Column("closed_on", "date", "date closed (blank: operating)", example=""),
        Column("stock", "number", "direct investment stock", example="25000000"),
        Column(
            "stock_currency", "currency", "currency of stock (required with stock)", example="USD"
        ),
        Column(
            "stock_price_basis",
            "basis",
            "price basis of stock (required with stock)",
            allowed=_BASIS,
            example="nominal",
        ),
        Column("employees", "integer", "employees, all nationalities", example="850"),
        Column(
            "employees_local",
            "integer",
            "employees hired locally (at most employees)",
            example="790",
        ),
        Column("lat", "coordinate", "latitude", allowed="-90 to 90", example="24.86"),
        Column("lon", "coordinate", "longitude", allowed="-180 to 180", example="67.01"),
    ),
    EntityKind.ZONE: (
        Column("source_id", "text", _SOURCE_ID, True, example="ZONE-KHM-01"),
        Column("name", "text", "zone name", True, example="Sihanoukville Special Economic Zone"),
        Column("name_zh", "text", "name in Chinese", example="西哈努克港经济特区"),
        Column("host_country", "text", "host country", True, allowed=_COUNTRY, example="KHM"),
        Column("developer", "text", "developer organisation", allowed=_ORG_REF, example=""),
        Column("established_year", "year", "year established", example="2008"),
        Column("area_km2", "number", "area in square kilometres", example="11.13"),
        Column("investment", "number", "cumulative investment", example="1500000000"),
        Column(
            "investment_currency",
            "currency",
            "currency of investment (required with investment)",
            example="USD",
        ),
        Column(
            "investment_price_basis",
            "basis",
            "price basis of investment (required with investment)",
            allowed=_BASIS,
            example="nominal",
        ),
        Column("enterprises", "integer", "enterprises (firms) in the zone", example="180"),
        Column("jobs", "integer", "jobs, all nationalities", example="30000"),
        Column(
            "jobs_local", "integer", "jobs held by local people (at most jobs)", example="28000"
        ),
        Column("lat", "coordinate", "latitude", allowed="-90 to 90", example="10.63"),
        Column("lon", "coordinate", "longitude", allowed="-180 to 180", example="103.52"),
    ),
}
"""The template columns of each kind, in template order; a header is the field name."""

BASIS_FIELDS: Final = {
    "stock_price_basis": "stock_base_year",
    "investment_price_basis": "investment_base_year",
}
"""Template columns whose value lands in another entity field."""


def entity_field(column: str) -> str:
    return BASIS_FIELDS.get(column, column)


def required_columns(kind: EntityKind) -> tuple[str, ...]:
    return tuple(c.field for c in COLUMNS[kind] if c.required)


# --- checks that need no registry ----------------------------------------------------------------

Problem = tuple[str, Any, str]
"""(field, value, reason): a service turns these into an error that names the field."""


def _money(
    out: list[Problem],
    amount: str,
    value: float | None,
    currency: str | None,
    base_year: int | None,
    basis_field: str,
) -> None:
    if value is None:
        return
    if currency is None:
        out.append(
            (
                f"{amount}_currency",
                None,
                f"currency missing for {amount} (expected an ISO 4217 code such as USD or CNY)",
            )
        )
    elif base_year is not None and currency != "USD":
        out.append(
            (
                basis_field,
                f"constant {base_year}",
                f"constant prices are constant US "
                f"dollars (expected nominal for {currency}, or the amount in USD)",
            )
        )


def _not_after(out: list[Problem], first: str, a: Any, second: str, b: Any) -> None:
    if a is not None and b is not None and b < a:
        out.append(
            (
                second,
                b.isoformat() if isinstance(b, dt.date) else b,
                f"before {first} {a.isoformat() if isinstance(a, dt.date) else a}",
            )
        )


def _part(out: list[Problem], part: str, whole: str, p: int | None, w: int | None) -> None:
    if p is not None and w is not None and p > w:
        out.append((part, p, f"{part} exceeds {whole} (expected at most {w})"))


def problems(entity: Entity) -> list[Problem]:
    """What is wrong with an entity on its own; an empty list when nothing is."""
    out: list[Problem] = []
    kind = kind_of(entity)
    for column in COLUMNS[kind]:
        name = entity_field(column.field)
        value = getattr(entity, name, None)
        if column.required and (value is None or (isinstance(value, str) and not value.strip())):
            out.append((column.field, value, f"{column.field} missing (a required field)"))
        if column.parse in ("integer", "number") and value is not None and value < 0:
            out.append((column.field, value, "negative (expected a number >= 0)"))
    for name, low in (("lat", 90.0), ("lon", 180.0)):
        value = getattr(entity, name, None)
        if value is not None and not -low <= value <= low:
            out.append((name, value, f"out of range (expected -{low:g} to {low:g})"))
    if isinstance(entity, DocumentEntity):
        if entity.doc_type and entity.doc_type not in DOCUMENT_TYPES:
            out.append(
                (
                    "doc_type",
                    entity.doc_type,
                    f"unknown document type (expected one of {', '.join(DOCUMENT_TYPES)})",
                )
            )
        if entity.status not in DOCUMENT_STATUSES:
            out.append(
                (
                    "status",
                    entity.status,
                    f"unknown status (expected one of {', '.join(DOCUMENT_STATUSES)})",
                )
            )
        if not entity.countries and not entity.organisations:
            out.append(
                (
                    "countries",
                    None,
                    "a document needs a party (expected countries or organisations)",
                )
            )
        _not_after(out, "signed_on", entity.signed_on, "expires_on", entity.expires_on)
    elif isinstance(entity, EnterpriseEntity):
        _not_after(out, "established_on", entity.established_on, "closed_on", entity.closed_on)
        _part(out, "employees_local", "employees", entity.employees_local, entity.employees)
        _money(
            out,
            "stock",
            entity.stock,
            entity.stock_currency,
            entity.stock_base_year,
            "stock_price_basis",
        )
    elif isinstance(entity, ZoneEntity):
        _part(out, "jobs_local", "jobs", entity.jobs_local, entity.jobs)
        _money(
            out,
            "investment",
            entity.investment,
            entity.investment_currency,
            entity.investment_base_year,
            "investment_price_basis",
        )
    return out


def field_names(kind: EntityKind) -> tuple[str, ...]:
    return tuple(f.name for f in fields(ENTITY_TYPES[kind]))


PROVINCES: Final[dict[str, str]] = {
    "Beijing": "北京",
    "Tianjin": "天津",
    "Hebei": "河北",
    "Shanxi": "山西",
    "Inner Mongolia": "内蒙古",
    "Liaoning": "辽宁",
    "Jilin": "吉林",
    "Heilongjiang": "黑龙江",
    "Shanghai": "上海",
    "Jiangsu": "江苏",
    "Zhejiang": "浙江",
    "Anhui": "安徽",
    "Fujian": "福建",
    "Jiangxi": "江西",
    "Shandong": "山东",
    "Henan": "河南",
    "Hubei": "湖北",
    "Hunan": "湖南",
    "Guangdong": "广东",
    "Guangxi": "广西",
    "Hainan": "海南",
    "Chongqing": "重庆",
    "Sichuan": "四川",
    "Guizhou": "贵州",
    "Yunnan": "云南",
    "Tibet": "西藏",
    "Shaanxi": "陕西",
    "Gansu": "甘肃",
    "Qinghai": "青海",
    "Ningxia": "宁夏",
    "Xinjiang": "新疆",
    "Xinjiang Production and Construction Corps": "新疆生产建设兵团",
    "Hong Kong": "香港",
    "Macao": "澳门",
    "Central": "中央企业",
}
"""Home provinces as MOFCOM's statistics list them: the 31 mainland province-level divisions,
the Xinjiang Production and Construction Corps, Hong Kong, Macao, and "Central" for the central
state-owned enterprises MOFCOM counts apart. English name -> Chinese name."""


def province(value: str) -> str | None:
    """The English name of a home province given in English or Chinese, else None.

    >>> province("jiangsu"), province("江苏省"), province("Atlantis")
    ('Jiangsu', 'Jiangsu', None)
    """
    raw = value.strip()
    folded = raw.casefold().removesuffix(" province")
    for english, chinese in PROVINCES.items():
        if folded == english.casefold() or raw.rstrip("省市") == chinese:
            return english
    return None
