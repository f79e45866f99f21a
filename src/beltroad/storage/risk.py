"""Queries behind ``beltroad risk``: indicator observations, exposure, the register, incidents
and warnings. Rows go out as plain tuples and dicts; the services build records from them."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from beltroad.storage import audit, models
from beltroad.storage.models import table

ObservationRow = tuple[str, str, float, str]  # indicator, period, value, vintage


def known_countries(connection: Connection, iso3s: Iterable[str]) -> set[str]:
    """Which of ``iso3s`` are in the countries table."""
    wanted = sorted(set(iso3s))
    if not wanted:
        return set()
    c = models.Country
    return set(connection.scalars(select(c.iso3).where(c.iso3.in_(wanted))))


def country_names(connection: Connection) -> dict[str, str]:
    c = models.Country
    return {row.iso3: row.name_en for row in connection.execute(select(c.iso3, c.name_en))}


def yearly_span(connection: Connection, indicators: Sequence[str]) -> tuple[int, int] | None:
    """First and last year of ``indicators`` (yearly periods and months alike)."""
    ci = models.CountryIndicator
    row = connection.execute(
        select(func.min(ci.period), func.max(ci.period)).where(ci.indicator.in_(indicators))
    ).one()
    if row[0] is None:
        return None
    return int(str(row[0])[:4]), int(str(row[1])[:4])


def observations(
    connection: Connection,
    indicators: Sequence[str],
    *,
    first_year: int,
    last_year: int,
    countries: Sequence[str] | None = None,
) -> dict[str, list[ObservationRow]]:
    """Per ISO3, the values of ``indicators`` whose period lies in ``first_year..last_year``
    (years and months; a period's text sorts by its date)."""
    ci = models.CountryIndicator
    query = select(ci.iso3, ci.indicator, ci.period, ci.value, ci.vintage).where(
        ci.indicator.in_(indicators),
        ci.period >= f"{first_year:04d}",
        ci.period < f"{last_year + 1:04d}",
        ci.value.is_not(None),
    )
    if countries is not None:
        query = query.where(ci.iso3.in_(sorted(set(countries))))
    found: dict[str, list[ObservationRow]] = defaultdict(list)
    for row in connection.execute(query):
        found[row.iso3].append((row.indicator, row.period, float(row.value), row.vintage))
    return dict(found)


def country_exposure(connection: Connection) -> dict[str, dict[str, Any]]:
    """Per host country: projects (split by country percentage), their constant-USD amount,
    overseas enterprises and zones; every project counted under AidData's rule."""
    p, pc = models.Project, models.ProjectCountry
    result: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"projects": 0, "amount": 0.0, "enterprises": 0, "zones": 0}
    )
    rows = connection.execute(
        select(
            pc.iso3,
            func.count(p.id),
            func.sum(p.amount_usd_constant * pc.percentage / 100.0),
        )
        .join(p, p.id == pc.project_id)
        .where(p.recommended_for_aggregates.is_not(False), p.is_umbrella.is_(False))
        .where(p.status.is_(None) | p.status.in_((1, 2)))
        .group_by(pc.iso3)
    )
    for iso3, count, amount in rows:
        result[iso3]["projects"] = int(count)
        result[iso3]["amount"] = float(amount or 0.0)
    for model, key in (
        (models.OverseasEnterprise, "enterprises"),
        (models.CooperationZone, "zones"),
    ):
        for iso3, count in connection.execute(
            select(model.host_iso3, func.count(model.id)).group_by(model.host_iso3)
        ):
            result[iso3][key] = int(count)
    return dict(result)


def active_projects(connection: Connection, *, min_amount: float) -> list[dict[str, Any]]:
    """Projects in the pipeline or under way (IATI status 1 or 2, or none) of at least
    ``min_amount`` constant USD, counted under AidData's rule, with host countries and sectors."""
    p = models.Project
    rows = connection.execute(
        select(
            p.id,
            p.identifier,
            p.title,
            p.status,
            p.stage,
            p.flow_class,
            p.finance_type,
            p.amount_usd_constant,
            p.is_flagship,
        )
        .where(p.recommended_for_aggregates.is_not(False), p.is_umbrella.is_(False))
        .where(p.status.is_(None) | p.status.in_((1, 2)))
        .where(p.amount_usd_constant >= min_amount)
        .order_by(p.identifier)
    ).all()
    ids = [r.id for r in rows]
    countries: dict[int, list[tuple[str, float]]] = defaultdict(list)
    sectors: dict[int, list[str]] = defaultdict(list)
    for chunk in _chunks(ids, 500):
        pc, ps = models.ProjectCountry, models.ProjectSector
        for pid, iso3, pct in connection.execute(
            select(pc.project_id, pc.iso3, pc.percentage).where(pc.project_id.in_(chunk))
        ):
            countries[pid].append((iso3, float(pct)))
        for pid, code in connection.execute(
            select(ps.project_id, ps.code).where(ps.project_id.in_(chunk))
        ):
            sectors[pid].append(code)
    return [
        {
            "identifier": r.identifier,
            "title": r.title,
            "status": r.status,
            "stage": r.stage,
            "flow_class": r.flow_class,
            "finance_type": r.finance_type,
            "amount": float(r.amount_usd_constant),
            "is_flagship": bool(r.is_flagship),
            "countries": tuple(sorted(countries[r.id], key=lambda c: -c[1])),
            "sectors": tuple(sorted(sectors[r.id])),
        }
        for r in rows
    ]


def _chunks(items: Sequence[int], size: int) -> Iterable[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def milestone_slips(connection: Connection, as_of: dt.date) -> list[dict[str, Any]]:
    """Milestones planned on or before ``as_of``: reached late, or not reached yet."""
    m, p = models.Milestone, models.Project
    rows = connection.execute(
        select(p.identifier, p.title, m.name, m.planned_on, m.actual_on, m.status)
        .join(p, p.id == m.project_id)
        .where(m.planned_on.is_not(None), m.planned_on <= as_of)
        .order_by(p.identifier, m.planned_on)
    )
    return [dict(row._mapping) for row in rows]


def project_end_slips(connection: Connection, as_of: dt.date) -> list[dict[str, Any]]:
    """Open projects (IATI status 1 or 2) whose planned end is on or before ``as_of``."""
    p = models.Project
    rows = connection.execute(
        select(p.identifier, p.title, p.planned_end, p.actual_end, p.status)
        .where(p.planned_end.is_not(None), p.planned_end <= as_of, p.actual_end.is_(None))
        .where(p.status.in_((1, 2)))
        .where(p.recommended_for_aggregates.is_not(False), p.is_umbrella.is_(False))
        .order_by(p.planned_end, p.identifier)
    )
    return [dict(row._mapping) for row in rows]


# --- the register ---------------------------------------------------------------------------

ENTRY_FIELDS = (
    "id",
    "subject_kind",
    "subject_ref",
    "category",
    "title",
    "likelihood",
    "impact",
    "mitigation",
    "residual_likelihood",
    "residual_impact",
    "owner",
    "status",
    "review_on",
    "is_auto",
    "explanation",
    "auto_key",
    "overridden",
    "created_at",
    "updated_at",
)


def subject_exists(connection: Connection, kind: str, ref: str) -> str | None:
    """The stored reference of a project (identifier), country (ISO3), enterprise or zone (id or
    exact name), or None when there is no such subject."""
    if kind == "country":
        return ref.upper() if known_countries(connection, [ref.upper()]) else None
    if kind == "project":
        p = models.Project
        found = connection.scalar(select(p.identifier).where(p.identifier == ref))
        return str(found) if found is not None else None
    model = models.OverseasEnterprise if kind == "enterprise" else models.CooperationZone
    query = select(model.id).where(model.name == ref)
    if ref.isdigit():
        query = select(model.id).where(model.id == int(ref))
    found_id = connection.scalar(query.order_by(model.id).limit(1))
    return str(found_id) if found_id is not None else None


def entries(
    connection: Connection,
    *,
    subject_kind: str | None = None,
    subject_ref: str | None = None,
    category: str | None = None,
    statuses: Sequence[str] | None = None,
    entry_id: int | None = None,
) -> list[dict[str, Any]]:
    r = models.RiskEntry
    query = select(*(getattr(r, name) for name in ENTRY_FIELDS)).order_by(r.id)
    if entry_id is not None:
        query = query.where(r.id == entry_id)
    if subject_kind is not None:
        query = query.where(r.subject_kind == subject_kind)
    if subject_ref is not None:
        query = query.where(r.subject_ref == subject_ref)
    if category is not None:
        query = query.where(r.category == category)
    if statuses is not None:
        query = query.where(r.status.in_(list(statuses)))
    return [dict(row._mapping) for row in connection.execute(query)]


def auto_entries(connection: Connection) -> dict[str, dict[str, Any]]:
    """Every auto entry by its ``auto_key``."""
    r = models.RiskEntry
    query = select(*(getattr(r, name) for name in ENTRY_FIELDS)).where(r.auto_key.is_not(None))
    return {row.auto_key: dict(row._mapping) for row in connection.execute(query)}


def insert_entries(connection: Connection, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert entries one by one (ids are needed for the audit trail); returns their ids."""
    r = table(models.RiskEntry)
    ids: list[int] = []
    for row in rows:
        result = connection.execute(insert(r).values(**row).returning(r.c.id))
        ids.append(int(result.scalar_one()))
    return ids


def update_entry(connection: Connection, entry_id: int, values: dict[str, Any]) -> None:
    r = table(models.RiskEntry)
    connection.execute(update(r).where(r.c.id == entry_id).values(**values))


def update_entries(connection: Connection, changes: Sequence[tuple[int, dict[str, Any]]]) -> None:
    for entry_id, values in changes:
        update_entry(connection, entry_id, values)


def insert_audit(connection: Connection, events: Sequence[dict[str, Any]]) -> None:
    """Audit events: ``at``, ``actor``, ``action``, ``entity``, ``entity_id``, ``before``,
    ``after``."""
    if not events:
        return
    # Chained like every audit row (issue #15). The register's ``actor`` is the name it was
    # given; the row's ``actor_id`` is that user when one has the login, else the local
    # administrator the command line acts as.
    u = models.User
    logins = {str(e["actor"]) for e in events} | {"local-admin"}
    found = connection.execute(select(u.username, u.id).where(u.username.in_(sorted(logins))))
    ids = {row.username: row.id for row in found}
    audit.append(
        connection,
        [
            audit.AuditInput(
                actor_id=ids.get(str(e["actor"]), ids.get("local-admin")),
                actor=str(e["actor"]),
                action=e["action"],
                entity=e["entity"],
                entity_id=e.get("entity_id"),
                before=e.get("before"),
                after=e.get("after"),
            )
            for e in events
        ],
        at=events[0]["at"],
    )


def audit_trail(connection: Connection, entity: str, entity_id: str) -> list[dict[str, Any]]:
    a = models.AuditEvent
    rows = connection.execute(
        select(a.at, a.actor, a.action, a.before, a.after)
        .where(a.entity == entity, a.entity_id == entity_id)
        .order_by(a.at, a.id)
    )
    return [dict(row._mapping) for row in rows]


# --- incidents and what lies near them ------------------------------------------------------


def subject_place(
    connection: Connection, kind: str, ref: str
) -> tuple[str, float | None, float | None, str] | None:
    """Host ISO3, coordinates and name of an enterprise or zone (by id or exact name)."""
    model = models.OverseasEnterprise if kind == "enterprise" else models.CooperationZone
    query = select(model.host_iso3, model.lat, model.lon, model.name, model.id)
    query = query.where(model.id == int(ref)) if ref.isdigit() else query.where(model.name == ref)
    row = connection.execute(query.order_by(model.id).limit(1)).first()
    if row is None:
        return None
    return row.host_iso3, row.lat, row.lon, row.name


def assets_near(
    connection: Connection,
    *,
    south: float,
    north: float,
    west: float | None,
    east: float | None,
) -> list[dict[str, Any]]:
    """Enterprises, zones and project sites with coordinates inside a lat/lon box (longitude
    unbounded when ``west`` is None)."""
    found: list[dict[str, Any]] = []

    def boxed(lat: Any, lon: Any) -> list[Any]:
        where = [lat.is_not(None), lon.is_not(None), lat >= south, lat <= north]
        if west is not None and east is not None:
            where += [lon >= west, lon <= east]
        return where

    e, z = models.OverseasEnterprise, models.CooperationZone
    for row in connection.execute(
        select(e.id, e.name, e.host_iso3, e.lat, e.lon, e.employees_local, e.employees_expat).where(
            *boxed(e.lat, e.lon)
        )
    ):
        found.append(_enterprise(row))
    for row in connection.execute(
        select(z.id, z.name, z.host_iso3, z.lat, z.lon, z.jobs_local, z.jobs_expat).where(
            *boxed(z.lat, z.lon)
        )
    ):
        found.append(_zone(row))
    loc, p = models.Location, models.Project
    for site in connection.execute(
        select(p.identifier, p.title, p.status, loc.name, loc.lat, loc.lon)
        .join(p, p.id == loc.project_id)
        .where(*boxed(loc.lat, loc.lon))
    ):
        found.append(
            {
                "kind": "project",
                "ref": site.identifier,
                "name": site.title,
                "iso3": None,
                "lat": site.lat,
                "lon": site.lon,
                "details": {"site": site.name, "status": site.status},
            }
        )
    return found


def _enterprise(row: Any) -> dict[str, Any]:
    return {
        "kind": "enterprise",
        "ref": str(row.id),
        "name": row.name,
        "iso3": row.host_iso3,
        "lat": row.lat,
        "lon": row.lon,
        "details": {
            "employees_local": row.employees_local,
            "employees_expat": row.employees_expat,
        },
    }


def _zone(row: Any) -> dict[str, Any]:
    return {
        "kind": "zone",
        "ref": str(row.id),
        "name": row.name,
        "iso3": row.host_iso3,
        "lat": row.lat,
        "lon": row.lon,
        "details": {"jobs_local": row.jobs_local, "jobs_expat": row.jobs_expat},
    }


def assets_in_country(connection: Connection, iso3: str) -> list[dict[str, Any]]:
    """Every enterprise and zone hosted by ``iso3`` and every open project (IATI status 1 or 2,
    or none) in it, whether located or not."""
    e, z, p, pc = (
        models.OverseasEnterprise,
        models.CooperationZone,
        models.Project,
        models.ProjectCountry,
    )
    found = [
        _enterprise(row)
        for row in connection.execute(
            select(
                e.id, e.name, e.host_iso3, e.lat, e.lon, e.employees_local, e.employees_expat
            ).where(e.host_iso3 == iso3)
        )
    ]
    found += [
        _zone(row)
        for row in connection.execute(
            select(z.id, z.name, z.host_iso3, z.lat, z.lon, z.jobs_local, z.jobs_expat).where(
                z.host_iso3 == iso3
            )
        )
    ]
    for row in connection.execute(
        select(p.identifier, p.title, p.status)
        .join(pc, pc.project_id == p.id)
        .where(pc.iso3 == iso3, p.status.is_(None) | p.status.in_((1, 2)))
        .order_by(p.identifier)
    ):
        found.append(
            {
                "kind": "project",
                "ref": row.identifier,
                "name": row.title,
                "iso3": iso3,
                "lat": None,
                "lon": None,
                "details": {"site": None, "status": row.status},
            }
        )
    return found


def insert_incident(connection: Connection, row: dict[str, Any]) -> int:
    t = table(models.SecurityIncident)
    return int(connection.execute(insert(t).values(**row).returning(t.c.id)).scalar_one())


def incidents(
    connection: Connection,
    *,
    country: str | None = None,
    since: dt.date | None = None,
    incident_id: int | None = None,
) -> list[dict[str, Any]]:
    i = table(models.SecurityIncident).c
    query = select(table(models.SecurityIncident)).order_by(i.occurred_on.desc(), i.id.desc())
    if country is not None:
        query = query.where(i.country_iso3 == country)
    if since is not None:
        query = query.where(i.occurred_on >= since)
    if incident_id is not None:
        query = query.where(i.id == incident_id)
    return [dict(row._mapping) for row in connection.execute(query)]


# --- warnings -------------------------------------------------------------------------------

WARNING_FIELDS = (
    "key",
    "kind",
    "severity",
    "subject_kind",
    "subject_ref",
    "country_iso3",
    "period",
    "value",
    "threshold",
    "message",
    "details",
)


def store_warnings(
    connection: Connection, rows: Sequence[dict[str, Any]], *, now: dt.datetime
) -> dict[str, int]:
    """Insert new warnings, refresh re-detected ones, and mark open ones no longer detected
    ``resolved``. Returns counts."""
    w = table(models.RiskWarning)
    existing = {
        row.key: (row.id, row.status)
        for row in connection.execute(select(w.c.id, w.c.key, w.c.status))
    }
    seen: set[str] = set()
    counts = {"new": 0, "updated": 0, "resolved": 0}
    inserts: list[dict[str, Any]] = []
    for row in rows:
        if row["key"] in seen:
            continue
        seen.add(row["key"])
        values = {k: row[k] for k in WARNING_FIELDS}
        if row["key"] in existing:
            wid, _ = existing[row["key"]]
            connection.execute(
                update(w).where(w.c.id == wid).values(**values, detected_at=now, status="open")
            )
            counts["updated"] += 1
        else:
            inserts.append(values | {"detected_at": now, "status": "open"})
    if inserts:
        connection.execute(insert(w), inserts)
        counts["new"] = len(inserts)
    stale = [wid for key, (wid, status) in existing.items() if key not in seen and status == "open"]
    for chunk in _chunks(stale, 500):
        connection.execute(update(w).where(w.c.id.in_(list(chunk))).values(status="resolved"))
    counts["resolved"] = len(stale)
    return counts


def stored_warnings(
    connection: Connection, *, kind: str | None = None, status: str | None = "open"
) -> list[dict[str, Any]]:
    w = table(models.RiskWarning).c
    query = select(table(models.RiskWarning)).order_by(w.detected_at.desc(), w.id)
    if kind is not None:
        query = query.where(w.kind == kind)
    if status is not None:
        query = query.where(w.status == status)
    return [dict(row._mapping) for row in connection.execute(query)]


def holdings(connection: Connection) -> list[dict[str, Any]]:
    """Overseas enterprises and cooperation zones that are not closed, with host country and
    the best-known investment amount (USD: constant stock, else nominal stock, else assets)."""
    e, z = models.OverseasEnterprise, models.CooperationZone
    found = [
        {
            "kind": "enterprise",
            "ref": str(row.id),
            "name": row.name,
            "iso3": row.host_iso3,
            "amount": next(
                (
                    float(v)
                    for v in (row.stock_usd_constant, row.stock_usd_nominal, row.assets_usd)
                    if v is not None
                ),
                None,
            ),
        }
        for row in connection.execute(
            select(
                e.id, e.name, e.host_iso3, e.stock_usd_constant, e.stock_usd_nominal, e.assets_usd
            )
            .where(e.closed_on.is_(None))
            .order_by(e.id)
        )
    ]
    found += [
        {
            "kind": "zone",
            "ref": str(row.id),
            "name": row.name,
            "iso3": row.host_iso3,
            "amount": None if row.investment_usd is None else float(row.investment_usd),
        }
        for row in connection.execute(
            select(z.id, z.name, z.host_iso3, z.investment_usd).order_by(z.id)
        )
    ]
    return found
