"""Thin reads of the registry entities for the JSON API and the permission checks (issue #15):
list with filters and pagination, read one, and what a record belongs to (countries, units,
organisations)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, false, func, or_, select

from beltroad.storage import coordination_models as cm
from beltroad.storage import models
from beltroad.storage.models import table

#: Entity -> (model, key column, country column or None, searchable text column).
ENTITIES: dict[str, tuple[Any, Any, Any, Any]] = {
    "countries": (models.Country, models.Country.iso3, models.Country.iso3, models.Country.name_en),
    "organisations": (
        models.Organisation,
        models.Organisation.id,
        models.Organisation.country_iso3,
        models.Organisation.name,
    ),
    "documents": (
        models.CooperationDocument,
        models.CooperationDocument.id,
        None,
        models.CooperationDocument.title,
    ),
    "enterprises": (
        models.OverseasEnterprise,
        models.OverseasEnterprise.id,
        models.OverseasEnterprise.host_iso3,
        models.OverseasEnterprise.name,
    ),
    "zones": (
        models.CooperationZone,
        models.CooperationZone.id,
        models.CooperationZone.host_iso3,
        models.CooperationZone.name,
    ),
}


def plain(row: Mapping[str, Any]) -> dict[str, Any]:
    """A row as JSON-ready values (dates as ISO text)."""
    return {k: v.isoformat() if isinstance(v, dt.date | dt.datetime) else v for k, v in row.items()}


def exists(connection: Connection, kind: str, value: str) -> bool:
    """Whether a country (ISO3), unit or organisation (id) exists."""
    query: Select[Any]
    if kind == "country":
        query = select(models.Country.iso3).where(models.Country.iso3 == value)
    elif kind == "unit":
        query = select(cm.Unit.id).where(cm.Unit.id == int(value))
    elif kind == "org":
        query = select(models.Organisation.id).where(models.Organisation.id == int(value))
    else:
        return False
    return connection.execute(query).first() is not None


# --- units: the tree --------------------------------------------------------------------------


def unit_parents(connection: Connection) -> dict[int, int | None]:
    """Every unit's parent (units are few: thousands at most)."""
    u = table(cm.Unit).c
    return {int(r.id): r.parent_id for r in connection.execute(select(u.id, u.parent_id))}


def ancestors(parents: Mapping[int, int | None], unit_id: int | None) -> frozenset[int]:
    """The unit and every unit above it."""
    found: set[int] = set()
    while unit_id is not None and unit_id not in found:
        found.add(unit_id)
        unit_id = parents.get(unit_id)
    return frozenset(found)


def subtree(parents: Mapping[int, int | None], roots: Collection[int]) -> frozenset[int]:
    """The units in ``roots`` and every unit below them."""
    children: dict[int, list[int]] = {}
    for child, parent in parents.items():
        if parent is not None:
            children.setdefault(parent, []).append(child)
    found: set[int] = set()
    stack = [r for r in roots if r in parents]
    while stack:
        unit = stack.pop()
        if unit not in found:
            found.add(unit)
            stack.extend(children.get(unit, ()))
    return frozenset(found)


# --- projects ---------------------------------------------------------------------------------

# Core columns, not ORM attributes: a tenth of the cost per query (no ORM adaptation).
_P = table(models.Project).c
#: Columns a project list may be sorted by.
PROJECT_SORTS = (
    "id",
    "identifier",
    "title",
    "commitment_year",
    "amount_usd_constant",
    "lifecycle_state",
    "status",
)

PROJECT_COLUMNS = tuple(
    _P[name]
    for name in (
        "id",
        "identifier",
        "title",
        "description",
        "status",
        "lifecycle_state",
        "stage",
        "unit_id",
        "planned_start",
        "actual_start",
        "planned_end",
        "actual_end",
        "commitment_year",
        "amount_currency",
        "amount_original",
        "amount_usd_nominal",
        "amount_usd_constant",
        "amount_base_year",
        "corridor_id",
        "green_class",
        "is_flagship",
        "dataset",
        "is_synthetic",
        "version",
    )
)


def project_scope_clause(
    countries: Collection[str], units: Collection[int], orgs: Collection[int]
) -> ColumnElement[bool]:
    """Projects in any of these countries, units or organisations' participations."""
    p = models.Project
    parts: list[ColumnElement[bool]] = []
    if countries:
        pc = models.ProjectCountry
        parts.append(p.id.in_(select(pc.project_id).where(pc.iso3.in_(sorted(countries)))))
    if units:
        parts.append(p.unit_id.in_(sorted(units)))
    if orgs:
        pa = models.Participation
        parts.append(p.id.in_(select(pa.project_id).where(pa.organisation_id.in_(sorted(orgs)))))
    return or_(*parts) if parts else false()


def list_projects(
    connection: Connection,
    *,
    scope: ColumnElement[bool] | None,
    country: str | None = None,
    status: int | None = None,
    lifecycle_state: str | None = None,
    dataset: str | None = None,
    q: str | None = None,
    year: int | None = None,
    corridor: str | None = None,
    sort: str = "id",
    descending: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> tuple[int, list[dict[str, Any]]]:
    """``sort`` is one of :data:`PROJECT_SORTS` (checked by the service); ties go by id."""
    p = models.Project
    query: Select[Any] = select(*PROJECT_COLUMNS)
    conditions: list[ColumnElement[bool]] = []
    if scope is not None:
        conditions.append(scope)
    if country:
        pc = models.ProjectCountry
        conditions.append(p.id.in_(select(pc.project_id).where(pc.iso3 == country)))
    if status is not None:
        conditions.append(p.status == status)
    if lifecycle_state:
        conditions.append(p.lifecycle_state == lifecycle_state)
    if dataset:
        conditions.append(p.dataset == dataset)
    if q:
        conditions.append(func.lower(p.title).contains(q.lower()))
    if year is not None:
        conditions.append(p.commitment_year == year)
    if corridor:
        conditions.append(p.corridor_id == corridor)
    query = query.where(*conditions)
    total = int(
        connection.execute(select(func.count()).select_from(p).where(*conditions)).scalar_one()
    )
    column = _P[sort] if sort in PROJECT_SORTS else p.id
    order = column.desc().nulls_last() if descending else column.asc().nulls_last()
    rows = connection.execute(query.order_by(order, p.id).limit(limit).offset(offset))
    return total, [plain(dict(r._mapping)) for r in rows]


def project(connection: Connection, identifier: str) -> dict[str, Any] | None:
    """One project by identifier (or numeric id), with its country and sector splits."""
    p = _P
    where = p.identifier == identifier
    if identifier.isdigit():
        where = or_(where, p.id == int(identifier))
    row = connection.execute(select(*PROJECT_COLUMNS).where(where).order_by(p.id).limit(1)).first()
    if row is None:
        return None
    found = dict(row._mapping)
    pc, ps = table(models.ProjectCountry).c, table(models.ProjectSector).c
    found["countries"] = [
        {"iso3": r.iso3, "percentage": r.percentage}
        for r in connection.execute(
            select(pc.iso3, pc.percentage).where(pc.project_id == found["id"]).order_by(pc.iso3)
        )
    ]
    found["sectors"] = [
        {"vocabulary": r.vocabulary, "code": r.code, "percentage": r.percentage}
        for r in connection.execute(
            select(ps.vocabulary, ps.code, ps.percentage)
            .where(ps.project_id == found["id"])
            .order_by(ps.vocabulary, ps.code)
        )
    ]
    pa = table(models.Participation).c
    found["orgs"] = sorted(
        {
            int(r.organisation_id)
            for r in connection.execute(
                select(pa.organisation_id).where(pa.project_id == found["id"])
            )
        }
    )
    return found


def identifier_taken(connection: Connection, identifier: str, project_id: int | None) -> bool:
    p = models.Project
    query = select(p.id).where(p.identifier == identifier)
    if project_id is not None:
        query = query.where(p.id != project_id)
    return connection.execute(query.limit(1)).first() is not None


# --- other registry entities ------------------------------------------------------------------


def list_entities(
    connection: Connection,
    entity: str,
    *,
    countries: Collection[str] | None,
    country: str | None = None,
    q: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[int, list[dict[str, Any]]]:
    """Rows of a registry entity; ``countries`` (None: all) limits them to a read scope. An
    entity with no country (documents) shows nothing to a country-scoped reader."""
    model, key, country_col, text_col = ENTITIES[entity]
    conditions: list[ColumnElement[bool]] = []
    if countries is not None:
        conditions.append(
            country_col.in_(sorted(countries)) if country_col is not None else false()
        )
    if country:
        conditions.append(country_col == country if country_col is not None else false())
    if q:
        conditions.append(func.lower(text_col).contains(q.lower()))
    total = int(
        connection.execute(select(func.count()).select_from(model).where(*conditions)).scalar_one()
    )
    columns = [c for c in model.__table__.columns]
    rows = connection.execute(
        select(*columns).where(*conditions).order_by(key).limit(limit).offset(offset)
    )
    return total, [plain(dict(r._mapping)) for r in rows]


def entity(
    connection: Connection, entity: str, key: str
) -> tuple[dict[str, Any], str | None] | None:
    """One row and its country (or None)."""
    model, key_col, country_col, _ = ENTITIES[entity]
    if entity != "countries" and not key.isdigit():
        return None
    value: Any = key.upper() if entity == "countries" else int(key)
    columns = [c for c in model.__table__.columns]
    row = connection.execute(select(*columns).where(key_col == value)).first()
    if row is None:
        return None
    found = plain(dict(row._mapping))
    country = found.get(country_col.key) if country_col is not None else None
    return found, country


def units_info(connection: Connection, unit_ids: Collection[int]) -> list[dict[str, Any]]:
    u = cm.Unit
    if not unit_ids:
        return []
    rows = connection.execute(
        select(u.id, u.name, u.kind, u.parent_id, u.country_iso3, u.organisation_id, u.version)
        .where(u.id.in_(sorted(unit_ids)))
        .order_by(u.id)
    )
    return [dict(r._mapping) for r in rows]
