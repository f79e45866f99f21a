"""Rows of the registry's own entities: organisations, cooperation documents (with their
parties), overseas enterprises and cooperation zones.

The services hand over rows whose references are already resolved to ids; this module only
reads and writes them. Documents, enterprises and zones are keyed on ``(dataset,
source_record_id)`` (migration 0005), organisations on their ``key``, so an import run twice
updates rather than doubles.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import Connection, Table, delete, func, insert, or_, select, update

from beltroad.storage import models
from beltroad.storage.writes import WriteCounts

TABLES: Final[dict[str, type[models.Base]]] = {
    "organisation": models.Organisation,
    "document": models.CooperationDocument,
    "enterprise": models.OverseasEnterprise,
    "zone": models.CooperationZone,
}


def _table(kind: str) -> Table:
    return models.table(TABLES[kind])


@dataclass(frozen=True)
class OrgEntry:
    id: int
    key: str
    ref: str | None
    name: str


@dataclass(frozen=True)
class ZoneEntry:
    id: int
    dataset: str
    source_record_id: str | None
    name: str


def organisations(connection: Connection) -> list[OrgEntry]:
    """Every organisation's id, key, IATI ref and name (for resolving references)."""
    o = _table("organisation")
    rows = connection.execute(select(o.c.id, o.c.key, o.c.ref, o.c.name).order_by(o.c.id))
    return [OrgEntry(int(r[0]), r[1], r[2], r[3]) for r in rows]


def zones(connection: Connection) -> list[ZoneEntry]:
    z = _table("zone")
    rows = connection.execute(
        select(z.c.id, z.c.dataset, z.c.source_record_id, z.c.name).order_by(z.c.id)
    )
    return [ZoneEntry(int(r[0]), r[1], r[2], r[3]) for r in rows]


# --- import writes -------------------------------------------------------------------------------


def write_organisations(connection: Connection, rows: Sequence[dict[str, Any]]) -> WriteCounts:
    """Insert organisations by ``key``; a known one gets the given (non-empty) attributes, and
    keeps its dataset, since other records may point at it."""
    counts = WriteCounts()
    o = _table("organisation")
    for row in rows:
        stored = connection.execute(select(o).where(o.c.key == row["key"])).mappings().first()
        if stored is None:
            connection.execute(insert(o).values(**row))
            counts.inserted += 1
            continue
        changes = {
            name: value
            for name, value in row.items()
            if name not in ("key", "dataset", "source_record_id", "is_synthetic")
            and value is not None
            and stored[name] != value
        }
        if changes:
            update_one(connection, "organisation", int(stored["id"]), changes)
            counts.updated += 1
        else:
            counts.unchanged += 1
    return counts


def write_keyed(connection: Connection, kind: str, rows: list[dict[str, Any]]) -> WriteCounts:
    """Upsert enterprise or zone rows on ``(dataset, source_record_id)``. A changed record's
    version is bumped, so an edit begun before the import is refused rather than undoing it;
    rows equal to what is stored are left alone and counted."""
    counts = WriteCounts()
    if not rows:
        return counts
    t = _table(kind)
    columns = list(rows[0])
    stored: dict[tuple[Any, Any], Mapping[str, Any]] = {}
    for dataset in sorted({row["dataset"] for row in rows}):
        keys = sorted({r["source_record_id"] for r in rows if r["dataset"] == dataset} - {None})
        for start in range(0, len(keys), 500):
            found = connection.execute(
                select(t.c.id, *(t.c[c] for c in columns if c != "id")).where(
                    t.c.dataset == dataset, t.c.source_record_id.in_(keys[start : start + 500])
                )
            ).mappings()
            stored.update({(dataset, f["source_record_id"]): f for f in found})
    new = []
    for row in rows:
        before = stored.get((row["dataset"], row["source_record_id"]))
        if before is None:
            new.append(row)
            counts.inserted += 1
        elif any(before[c] != row[c] for c in columns):
            update_one(connection, kind, int(before["id"]), row)
            counts.updated += 1
        else:
            counts.unchanged += 1
    if new:
        connection.execute(insert(t), new)
    return counts


def write_documents(
    connection: Connection,
    documents: Sequence[tuple[dict[str, Any], Sequence[tuple[str | None, int | None]]]],
) -> WriteCounts:
    """Upsert documents on ``(dataset, source_record_id)`` with exactly the given parties; a
    document counts as updated when its row or its parties changed."""
    counts = WriteCounts()
    d = _table("document")
    for row, members in documents:
        stored = (
            connection.execute(
                select(d).where(
                    d.c.dataset == row["dataset"], d.c.source_record_id == row["source_record_id"]
                )
            )
            .mappings()
            .first()
        )
        if stored is None:
            id_ = insert_one(connection, "document", row)
            set_parties(connection, id_, members)
            counts.inserted += 1
            continue
        id_ = int(stored["id"])
        changed = any(stored[name] != value for name, value in row.items())
        if set_parties(connection, id_, members) or changed:
            update_one(connection, "document", id_, row)  # bumps the version once
            counts.updated += 1
        else:
            counts.unchanged += 1
    return counts


def ids_by_source(
    connection: Connection, kind: str, dataset: str, ids: Sequence[str]
) -> dict[str, int]:
    t = _table(kind)
    found: dict[str, int] = {}
    for start in range(0, len(ids), 500):
        part = list(ids[start : start + 500])
        rows = connection.execute(
            select(t.c.source_record_id, t.c.id).where(
                t.c.dataset == dataset, t.c.source_record_id.in_(part)
            )
        )
        found.update({str(r[0]): int(r[1]) for r in rows})
    return found


def set_parties(
    connection: Connection, document_id: int, parties: Sequence[tuple[str | None, int | None]]
) -> bool:
    """Make the document's parties exactly ``(country_iso3, organisation_id)`` pairs; whether
    anything changed."""
    p = models.table(models.DocumentParty)
    stored = sorted(
        (r[0] or "", r[1] or 0)
        for r in connection.execute(
            select(p.c.country_iso3, p.c.organisation_id).where(p.c.document_id == document_id)
        )
    )
    if stored == sorted((c or "", o or 0) for c, o in parties):
        return False
    connection.execute(delete(p).where(p.c.document_id == document_id))
    if parties:
        connection.execute(
            insert(p),
            [
                {"document_id": document_id, "country_iso3": c, "organisation_id": o}
                for c, o in parties
            ],
        )
    return True


# --- one record at a time (the services' create, update, delete) --------------------------------


def get(connection: Connection, kind: str, id_: int) -> dict[str, Any] | None:
    t = _table(kind)
    row = connection.execute(select(t).where(t.c.id == id_)).mappings().first()
    return None if row is None else dict(row)


def parties(connection: Connection, document_id: int) -> list[tuple[str | None, int | None]]:
    p = models.table(models.DocumentParty)
    return [
        (r[0], r[1])
        for r in connection.execute(
            select(p.c.country_iso3, p.c.organisation_id)
            .where(p.c.document_id == document_id)
            .order_by(p.c.id)
        )
    ]


def insert_one(connection: Connection, kind: str, row: Mapping[str, Any]) -> int:
    t = _table(kind)
    result = connection.execute(insert(t).values(**row).returning(t.c.id))
    return int(result.scalar_one())


def update_one(
    connection: Connection,
    kind: str,
    id_: int,
    row: Mapping[str, Any],
    *,
    expected_version: int | None = None,
) -> bool:
    """Change a record and bump its version; with ``expected_version``, only if nobody bumped
    it since (False when somebody did: the caller reports the conflict)."""
    t = _table(kind)
    stmt = update(t).where(t.c.id == id_)
    if expected_version is not None:
        stmt = stmt.where(t.c.version == expected_version)
    result = connection.execute(stmt.values(**row, version=t.c.version + 1))
    return bool(result.rowcount)


def references(connection: Connection, kind: str, id_: int) -> dict[str, int]:
    """Rows that point at this record, by what they are (a delete must not orphan them)."""
    checks: list[tuple[str, Any, Any]] = []
    if kind == "organisation":
        checks = [
            ("document parties", models.DocumentParty, models.DocumentParty.organisation_id),
            ("project participations", models.Participation, models.Participation.organisation_id),
            (
                "enterprises (parent)",
                models.OverseasEnterprise,
                models.OverseasEnterprise.parent_org_id,
            ),
            ("zones (developer)", models.CooperationZone, models.CooperationZone.developer_org_id),
            ("partnerships", models.Partnership, models.Partnership.organisation_id),
            ("organisations (parent)", models.Organisation, models.Organisation.parent_id),
            (
                "transactions",
                models.Transaction,
                or_(
                    models.Transaction.provider_org_id == id_,
                    models.Transaction.receiver_org_id == id_,
                ),
            ),
        ]
    elif kind == "zone":
        checks = [("enterprises", models.OverseasEnterprise, models.OverseasEnterprise.zone_id)]
    found: dict[str, int] = {}
    for label, model, column in checks:
        condition = column if label == "transactions" else column == id_
        n = int(
            connection.execute(
                select(func.count()).select_from(model).where(condition)
            ).scalar_one()
        )
        if n:
            found[label] = n
    return found


def delete_one(connection: Connection, kind: str, id_: int) -> bool:
    t = _table(kind)
    if kind == "document":
        p = models.table(models.DocumentParty)
        connection.execute(delete(p).where(p.c.document_id == id_))
    return bool(connection.execute(delete(t).where(t.c.id == id_)).rowcount)


def list_rows(
    connection: Connection,
    kind: str,
    *,
    dataset: str | None = None,
    limit: int | None = None,
    ids: Sequence[int] | None = None,
) -> list[dict[str, Any]]:
    t = _table(kind)
    statement = select(t).order_by(t.c.id)
    if ids is not None:
        statement = statement.where(t.c.id.in_(list(ids)))
    if dataset is not None:
        statement = statement.where(t.c.dataset == dataset)
    if limit is not None:
        statement = statement.limit(limit)
    return [dict(r) for r in connection.execute(statement).mappings()]


def org_names(connection: Connection, ids: Sequence[int]) -> dict[int, tuple[str | None, str]]:
    """id -> (IATI ref, name) of the given organisations."""
    o = _table("organisation")
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    rows = connection.execute(select(o.c.id, o.c.ref, o.c.name).where(o.c.id.in_(wanted)))
    return {int(r[0]): (r[1], r[2]) for r in rows}


def zone_names(connection: Connection, ids: Sequence[int]) -> dict[int, str]:
    z = _table("zone")
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    return {
        int(r[0]): r[1]
        for r in connection.execute(select(z.c.id, z.c.name).where(z.c.id.in_(wanted)))
    }


def add_reported(connection: Connection, row: Mapping[str, Any]) -> bool:
    """Insert a reported statistic; False when one with the same key, date and source exists."""
    t = models.table(models.ReportedStatistic)
    clash = connection.execute(
        select(t.c.id).where(
            t.c.key == row["key"], t.c.as_of == row["as_of"], t.c.source == row["source"]
        )
    ).first()
    if clash is not None:
        return False
    connection.execute(insert(t).values(**row))
    return True


def delete_reported(connection: Connection, id_: int) -> bool:
    t = models.table(models.ReportedStatistic)
    return bool(connection.execute(delete(t).where(t.c.id == id_)).rowcount)
