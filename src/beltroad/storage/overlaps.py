"""Record links across datasets: what linkage reads, what it writes, what reviewers decide."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, delete, insert, select

from beltroad.engines.overlaps import Decision, Link, LinkRecord, SetAside, pair_key
from beltroad.storage import models
from beltroad.storage.models import table


def link_records(connection: Connection) -> list[LinkRecord]:
    """Every project as linkage reads it: dataset, ids, countries, year, amount and title."""
    p = table(models.Project)
    pc = table(models.ProjectCountry)
    countries: dict[int, list[str]] = defaultdict(list)
    for pid, iso3 in connection.execute(
        select(pc.c.project_id, pc.c.iso3).order_by(pc.c.project_id, pc.c.iso3)
    ):
        countries[pid].append(iso3)
    rows = connection.execute(
        select(
            p.c.id,
            p.c.dataset,
            p.c.identifier,
            p.c.source_record_id,
            p.c.commitment_year,
            p.c.amount_usd_constant,
            p.c.amount_usd_nominal,
            p.c.title,
            p.c.is_synthetic,
        ).order_by(p.c.id)
    )
    return [
        LinkRecord(
            project_id=r.id,
            dataset=r.dataset,
            identifier=r.identifier,
            record_id=r.source_record_id,
            countries=tuple(countries.get(r.id, ())),
            year=r.commitment_year,
            amount=r.amount_usd_constant
            if r.amount_usd_constant is not None
            else r.amount_usd_nominal,
            title=r.title or "",
            synthetic=bool(r.is_synthetic),
        )
        for r in rows
    ]


def reviews(connection: Connection) -> dict[tuple[str, str], Decision]:
    """Every reviewer decision, by the pair of identifiers (in :func:`pair_key` order)."""
    r = table(models.RecordReview)
    return {
        (row.first, row.second): row.decision
        for row in connection.execute(select(r.c.first, r.c.second, r.c.decision))
    }


def save_review(
    connection: Connection, first: str, second: str, decision: Decision, note: str | None
) -> None:
    """Record (or change) the decision on a pair."""
    first, second = pair_key(first, second)
    r = table(models.RecordReview)
    connection.execute(delete(r).where(r.c.first == first, r.c.second == second))
    connection.execute(
        insert(r).values(
            first=first,
            second=second,
            decision=decision,
            reviewed_at=dt.datetime.now(dt.UTC),
            note=note,
        )
    )


def _rows(links: Iterable[Link], set_aside: Iterable[SetAside]) -> list[dict[str, Any]]:
    rows = [
        {
            "project_id": link.a.project_id,
            "other_id": link.b.project_id,
            "status": link.status,
            "method": link.method,
            "score": link.score,
            "reason": link.reason,
            "details": dict(link.components) or None,
        }
        for link in links
    ]
    rows += [
        {
            "project_id": s.project_id,
            "other_id": s.kept_id,
            "status": "set_aside",
            "method": "precedence",
            "score": None,
            "reason": s.reason,
            "details": None,
        }
        for s in set_aside
    ]
    return rows


def _key(row: Any) -> tuple[Any, ...]:
    score = row["score"]
    return (
        row["project_id"],
        row["other_id"],
        row["status"],
        row["method"],
        None if score is None else round(float(score), 6),
        row["reason"],
    )


def replace_links(
    connection: Connection, links: Sequence[Link], set_aside: Sequence[SetAside]
) -> bool:
    """Store the links; True if anything changed (an unchanged set writes nothing, so the
    analytics snapshot stays valid)."""
    t = table(models.RecordLink)
    new = _rows(links, set_aside)
    old = connection.execute(
        select(t.c.project_id, t.c.other_id, t.c.status, t.c.method, t.c.score, t.c.reason)
    ).mappings()
    if sorted(map(_key, old)) == sorted(map(_key, new)):
        return False
    connection.execute(delete(t))
    if new:
        connection.execute(insert(t), new)
    return True


@dataclass(frozen=True)
class StoredLink:
    status: str
    method: str
    score: float | None
    reason: str
    details: dict[str, Any] | None
    project: dict[str, Any]
    other: dict[str, Any]


def stored_links(connection: Connection) -> list[StoredLink]:
    """Every stored link with both projects' dataset, identifier, title, year and amount."""
    t = table(models.RecordLink)
    p = table(models.Project)
    a = p.alias("a")
    b = p.alias("b")
    cols = (
        "dataset",
        "identifier",
        "title",
        "commitment_year",
        "amount_usd_constant",
        "amount_base_year",
    )
    query = (
        select(
            t.c.status,
            t.c.method,
            t.c.score,
            t.c.reason,
            t.c.details,
            *(a.c[c].label(f"a_{c}") for c in cols),
            *(b.c[c].label(f"b_{c}") for c in cols),
        )
        .join(a, a.c.id == t.c.project_id)
        .join(b, b.c.id == t.c.other_id)
        .order_by(t.c.status, t.c.project_id, t.c.other_id)
    )
    out: list[StoredLink] = []
    for row in connection.execute(query).mappings():
        out.append(
            StoredLink(
                status=row["status"],
                method=row["method"],
                score=row["score"],
                reason=row["reason"],
                details=row["details"],
                project={c: row[f"a_{c}"] for c in cols},
                other={c: row[f"b_{c}"] for c in cols},
            )
        )
    return out


def set_aside_counts(connection: Connection) -> dict[str, int]:
    """How many records of each dataset are set aside."""
    t = table(models.RecordLink)
    p = table(models.Project)
    counts: dict[str, int] = defaultdict(int)
    query = select(p.c.dataset).join(t, t.c.project_id == p.c.id).where(t.c.status == "set_aside")
    for (dataset,) in connection.execute(query):
        counts[dataset] += 1
    return dict(counts)


def not_set_aside(project_id: Any) -> ColumnElement[bool]:
    """SQL condition: the project is not set aside (for every SQL total over projects)."""
    t = table(models.RecordLink)
    condition: ColumnElement[bool] = project_id.not_in(
        select(t.c.project_id).where(t.c.status == "set_aside")
    )
    return condition


def project_ids(connection: Connection, identifiers: Sequence[str]) -> dict[str, int]:
    p = table(models.Project)
    rows = connection.execute(select(p.c.identifier, p.c.id).where(p.c.identifier.in_(identifiers)))
    return {r.identifier: r.id for r in rows}


def has_projects(connection: Connection, dataset: str) -> bool:
    p = table(models.Project)
    return (
        connection.execute(select(p.c.id).where(p.c.dataset == dataset).limit(1)).first()
        is not None
    )
