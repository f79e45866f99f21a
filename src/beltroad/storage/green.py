"""Queries behind issue #17: the projects the green, integrity, debt, benefit and selection
engines read, and the traffic-light, override and integrity-flag tables they write.

Rows go out as plain dicts; the services build engine records from them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from beltroad.storage import models
from beltroad.storage.models import table

_CHUNK = 2000  # keeps IN lists well under SQLite's variable limit


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def project_rows(
    connection: Connection,
    *,
    dataset: str | None = None,
    include_synthetic: bool = True,
    with_text: bool = True,
) -> list[dict[str, Any]]:
    """Every project with its countries ``[(iso3, pct)]``, sectors ``[(vocab, code)]`` and the
    facts the #17 engines read. Umbrella records, records AidData does not recommend for
    aggregates and records set aside as another dataset's project (``set_aside``) are returned
    too, marked, so that callers can say how many they leave out."""
    p = models.Project
    columns = [
        p.id,
        p.identifier,
        p.title,
        p.dataset,
        p.source_record_id,
        p.status,
        p.commitment_year,
        p.amount_usd_constant,
        p.amount_base_year,
        p.amount_usd_nominal,
        p.is_umbrella,
        p.recommended_for_aggregates,
        p.is_synthetic,
        p.green_class,
        p.extras,
    ]
    if with_text:
        columns.append(p.description)
    query = select(*columns).order_by(p.id)
    if dataset is not None:
        query = query.where(p.dataset == dataset)
    if not include_synthetic:
        query = query.where(p.is_synthetic.is_(False))
    rows = [dict(r._mapping) for r in connection.execute(query)]
    ids = [r["id"] for r in rows]
    countries: dict[int, list[tuple[str, float]]] = defaultdict(list)
    sectors: dict[int, list[tuple[str, str]]] = defaultdict(list)
    pc, ps = models.ProjectCountry, models.ProjectSector
    for chunk in _chunks(ids):
        for r in connection.execute(
            select(pc.project_id, pc.iso3, pc.percentage).where(pc.project_id.in_(chunk))
        ):
            countries[r.project_id].append((r.iso3, float(r.percentage)))
        for s in connection.execute(
            select(ps.project_id, ps.vocabulary, ps.code).where(ps.project_id.in_(chunk))
        ):
            sectors[s.project_id].append((s.vocabulary, s.code))
    # Records set aside as the same project as another dataset's (issue #11's overlap links).
    links = models.table(models.RecordLink)
    aside = set(
        connection.execute(
            select(links.c.project_id).where(links.c.status == "set_aside").distinct()
        ).scalars()
    )
    for row in rows:
        row["set_aside"] = row["id"] in aside
        row["countries"] = sorted(countries.get(row["id"], []))
        row["sectors"] = sorted(sectors.get(row["id"], []))
        row["extras"] = row["extras"] or {}
    return rows


def project_by_identifier(connection: Connection, identifier: str) -> dict[str, Any] | None:
    p = models.Project
    row = connection.execute(
        select(p.id, p.identifier, p.title, p.green_class).where(p.identifier == identifier)
    ).first()
    return None if row is None else dict(row._mapping)


# --- green traffic light ----------------------------------------------------------------------


def overrides(connection: Connection) -> dict[int, dict[str, Any]]:
    o = models.GreenOverride
    return {
        r.project_id: dict(r._mapping)
        for r in connection.execute(
            select(o.project_id, o.green_class, o.justification, o.actor, o.at)
        )
    }


def override(connection: Connection, project_id: int) -> dict[str, Any] | None:
    return overrides_for(connection, [project_id]).get(project_id)


def overrides_for(connection: Connection, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    o = models.GreenOverride
    out: dict[int, dict[str, Any]] = {}
    for chunk in _chunks(list(ids)):
        for r in connection.execute(
            select(o.project_id, o.green_class, o.justification, o.actor, o.at).where(
                o.project_id.in_(chunk)
            )
        ):
            out[r.project_id] = dict(r._mapping)
    return out


def set_override(connection: Connection, values: dict[str, Any]) -> None:
    o = models.GreenOverride
    connection.execute(delete(o).where(o.project_id == values["project_id"]))
    connection.execute(insert(table(o)), [values])


def clear_override(connection: Connection, project_id: int) -> None:
    o = models.GreenOverride
    connection.execute(delete(o).where(o.project_id == project_id))


def replace_assessments(
    connection: Connection, rows: Sequence[dict[str, Any]], ids: Sequence[int]
) -> None:
    """The new traffic lights of ``ids`` (old rows replaced) and ``projects.green_class``."""
    g, p = models.GreenAssessment, models.Project
    for chunk in _chunks(list(ids)):
        connection.execute(delete(g).where(g.project_id.in_(chunk)))
    for start in range(0, len(rows), _CHUNK):
        connection.execute(insert(table(g)), list(rows[start : start + _CHUNK]))
    by_class: dict[str | None, list[int]] = defaultdict(list)
    for row in rows:
        cls = row["green_class"] if row["green_class"] in ("green", "yellow", "red") else None
        by_class[cls].append(row["project_id"])
    for cls, members in by_class.items():
        for chunk in _chunks(members):
            connection.execute(update(p).where(p.id.in_(chunk)).values(green_class=cls))


def any_assessment(connection: Connection) -> bool:
    """Whether a classification run has stored any traffic light."""
    g = models.GreenAssessment
    return connection.execute(select(g.project_id).limit(1)).first() is not None


def policy_flags(connection: Connection) -> dict[int, str | None]:
    """Project id -> policy flag of every stored assessment (the evidence is not read)."""
    g = models.GreenAssessment
    return {
        r.project_id: r.policy_flag for r in connection.execute(select(g.project_id, g.policy_flag))
    }


def assessments(
    connection: Connection, ids: Sequence[int] | None = None
) -> dict[int, dict[str, Any]]:
    g = models.GreenAssessment
    query = select(
        g.project_id,
        g.green_class,
        g.brigc_class,
        g.ifc_category,
        g.ifc_implied,
        g.policy_flag,
        g.evidence,
        g.config_version,
        g.assessed_at,
    )
    if ids is None:
        return {r.project_id: dict(r._mapping) for r in connection.execute(query)}
    out: dict[int, dict[str, Any]] = {}
    for chunk in _chunks(list(ids)):
        for r in connection.execute(query.where(g.project_id.in_(chunk))):
            out[r.project_id] = dict(r._mapping)
    return out


# --- integrity flags --------------------------------------------------------------------------


def flags(connection: Connection, *, status: str | None = None) -> list[dict[str, Any]]:
    f = models.IntegrityFlag
    query = select(*table(f).columns).order_by(f.id)
    if status is not None:
        query = query.where(f.status == status)
    return [dict(r._mapping) for r in connection.execute(query)]


def flag(connection: Connection, flag_id: int) -> dict[str, Any] | None:
    f = models.IntegrityFlag
    row = connection.execute(select(*table(f).columns).where(f.id == flag_id)).first()
    return None if row is None else dict(row._mapping)


def upsert_flags(
    connection: Connection,
    found: Sequence[dict[str, Any]],
    at: dt.datetime,
    *,
    kinds: Sequence[str] | None = None,
) -> dict[str, int]:
    """Insert new flags, refresh the explanation of known ones (their status and dismissal are
    kept), and delete open flags (of ``kinds``, default all) no longer found. Returns counts."""
    f = models.IntegrityFlag
    query = select(f.id, f.key, f.status)
    if kinds is not None:
        query = query.where(f.kind.in_(kinds))
    known = {r.key: r for r in connection.execute(query)}
    seen = set()
    new: list[dict[str, Any]] = []
    updated = 0
    for item in found:
        seen.add(item["key"])
        if item["key"] in known:
            connection.execute(
                update(f)
                .where(f.id == known[item["key"]].id)
                .values(
                    message=item["message"],
                    explanation=item["explanation"],
                    severity=item["severity"],
                    detected_at=at,
                )
            )
            updated += 1
        else:
            new.append(item | {"status": "open", "detected_at": at})
    for start in range(0, len(new), _CHUNK):
        connection.execute(insert(table(f)), new[start : start + _CHUNK])
    gone = [r.id for key, r in known.items() if key not in seen and r.status == "open"]
    for chunk in _chunks(gone):
        connection.execute(delete(f).where(f.id.in_(chunk)))
    return {"new": len(new), "updated": updated, "resolved": len(gone)}


def dismiss_flag(
    connection: Connection, flag_id: int, *, reason: str, actor: str, at: dt.datetime
) -> None:
    f = models.IntegrityFlag
    connection.execute(
        update(f)
        .where(f.id == flag_id)
        .values(status="dismissed", dismissed_reason=reason, dismissed_by=actor, dismissed_at=at)
    )


def participants(connection: Connection, ids: Sequence[int]) -> dict[int, list[tuple[str, str]]]:
    """Per project, its organisations' (role, name)."""
    pa, o = models.Participation, models.Organisation
    out: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for chunk in _chunks(list(ids)):
        for r in connection.execute(
            select(pa.project_id, pa.role, o.name)
            .join(o, o.id == pa.organisation_id)
            .where(pa.project_id.in_(chunk))
        ):
            out[r.project_id].append((r.role, r.name))
    return dict(out)


def transactions(connection: Connection, ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """Per project, its transactions with the receiver's name."""
    t, o = models.Transaction, models.Organisation
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for chunk in _chunks(list(ids)):
        for r in connection.execute(
            select(
                t.project_id,
                t.type,
                t.date,
                t.currency,
                t.value,
                t.usd_nominal,
                o.name.label("receiver"),
            )
            .outerjoin(o, o.id == t.receiver_org_id)
            .where(t.project_id.in_(chunk))
        ):
            out[r.project_id].append(dict(r._mapping))
    return dict(out)


def loan_terms(connection: Connection, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    lt = models.LoanTerms
    out: dict[int, dict[str, Any]] = {}
    for chunk in _chunks(list(ids)):
        for r in connection.execute(
            select(
                lt.project_id, lt.interest_rate_pct, lt.maturity_years, lt.grant_element_pct
            ).where(lt.project_id.in_(chunk))
        ):
            out[r.project_id] = dict(r._mapping)
    return out


__all__ = [
    "assessments",
    "clear_override",
    "dismiss_flag",
    "flag",
    "flags",
    "loan_terms",
    "override",
    "overrides",
    "overrides_for",
    "participants",
    "project_by_identifier",
    "project_rows",
    "replace_assessments",
    "set_override",
    "transactions",
    "upsert_flags",
]
