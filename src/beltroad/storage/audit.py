"""The append-only, hash-chained audit log (issue #15).

Every row holds ``seq`` (its place in the chain), ``prev_hash`` (the previous row's hash) and
``row_hash``: SHA-256 over the row's own fields and ``prev_hash``. Editing a row changes its
hash; deleting, inserting or reordering rows breaks the ``seq``/``prev_hash`` links; deleting
the newest rows leaves the chain shorter than ``audit_head`` says. :func:`verify` reports each.

Appends lock the ``audit_head`` row (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's write
transactions are serialised already), so concurrent writers extend one chain, in commit order.
Database triggers (migration 0005) refuse UPDATE and DELETE on ``audit_events``; someone with
the power to drop them is exactly who :func:`verify` is for.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Connection, func, insert, select, update

from beltroad.storage import coordination_models as cm
from beltroad.storage import models
from beltroad.storage.database import json_text
from beltroad.storage.models import table

GENESIS = "0" * 64
CHUNK = 5_000


@dataclass(frozen=True)
class AuditInput:
    """One event to append. ``actor`` is the acting user's login, ``actor_id`` their id."""

    actor_id: int | None
    actor: str
    action: str
    entity: str
    entity_id: str | None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


def utc_text(at: dt.datetime) -> str:
    """A timestamp as both databases give it back: UTC, microseconds (SQLite drops the zone)."""
    if at.tzinfo is not None:
        at = at.astimezone(dt.UTC).replace(tzinfo=None)
    return at.strftime("%Y-%m-%dT%H:%M:%S.%f")


def normalised(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """``value`` as it reads back from a JSON column (dates as text, keys as strings)."""
    return None if value is None else orjson.loads(json_text(value))


def chain_hash(prev_hash: str, row: dict[str, Any]) -> str:
    """SHA-256 over a row's chained fields and the previous row's hash (version 1)."""
    payload = {
        "v": 1,
        "prev": prev_hash,
        "seq": int(row["seq"]),
        "at": utc_text(row["at"]),
        "actor": row["actor"],
        "actor_id": row["actor_id"],
        "action": row["action"],
        "entity": row["entity"],
        "entity_id": row["entity_id"],
        "before": row["before"],
        "after": row["after"],
    }
    return hashlib.sha256(orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)).hexdigest()


def append(connection: Connection, events: Sequence[AuditInput], *, at: dt.datetime) -> None:
    """Append ``events`` to the chain inside the caller's transaction."""
    if not events:
        return
    head = cm.AuditHead
    row = connection.execute(
        select(head.seq, head.row_hash).where(head.id == 1).with_for_update()
    ).one()
    seq, prev = int(row.seq), str(row.row_hash)
    at = at.astimezone(dt.UTC)
    rows = []
    for event in events:
        seq += 1
        values: dict[str, Any] = {
            "seq": seq,
            "at": at,
            "actor": event.actor,
            "actor_id": event.actor_id,
            "action": event.action,
            "entity": event.entity,
            "entity_id": event.entity_id,
            "before": normalised(event.before),
            "after": normalised(event.after),
        }
        values["prev_hash"] = prev
        values["row_hash"] = prev = chain_hash(prev, values)
        rows.append(values)
    connection.execute(insert(table(models.AuditEvent)), rows)
    connection.execute(update(head).where(head.id == 1).values(seq=seq, row_hash=prev))


def query(
    connection: Connection,
    *,
    entity: str | None = None,
    entity_id: str | None = None,
    actor: str | None = None,
    since: dt.datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Audit rows, newest first, filtered."""
    a = table(models.AuditEvent).c
    stmt = select(
        a.seq, a.at, a.actor, a.actor_id, a.action, a.entity, a.entity_id, a.before, a.after
    )
    if entity is not None:
        stmt = stmt.where(a.entity == entity)
    if entity_id is not None:
        stmt = stmt.where(a.entity_id == entity_id)
    if actor is not None:
        stmt = stmt.where(a.actor == actor)
    if since is not None:
        stmt = stmt.where(a.at >= since)
    stmt = stmt.order_by(a.seq.desc().nulls_last(), a.id.desc()).limit(limit).offset(offset)
    return [dict(r._mapping) for r in connection.execute(stmt)]


def _rows(connection: Connection) -> Iterator[dict[str, Any]]:
    """Every audit row in chain order (unchained rows last), read in chunks."""
    a = models.AuditEvent
    last = None
    columns = (
        a.id,
        a.seq,
        a.at,
        a.actor,
        a.actor_id,
        a.action,
        a.entity,
        a.entity_id,
        a.before,
        a.after,
        a.prev_hash,
        a.row_hash,
    )
    while True:
        stmt = select(*columns).where(a.seq.is_not(None)).order_by(a.seq).limit(CHUNK)
        if last is not None:
            stmt = stmt.where(a.seq > last)
        batch = [dict(r._mapping) for r in connection.execute(stmt)]
        if not batch:
            break
        yield from batch
        last = batch[-1]["seq"]
    yield from (
        dict(r._mapping) for r in connection.execute(select(*columns).where(a.seq.is_(None)))
    )


def verify(connection: Connection) -> tuple[int, list[dict[str, Any]], dict[str, Any]]:
    """Walk the chain: (rows checked, problems, head). Each problem names the row and what is
    wrong with it."""
    problems: list[dict[str, Any]] = []
    expected_seq, prev = 1, GENESIS
    checked = 0
    for row in _rows(connection):
        checked += 1
        where = {"id": row["id"], "seq": row["seq"]}
        if row["seq"] is None:
            problems.append(
                where | {"problem": "not chained: written outside beltroad's audit writer"}
            )
            continue
        if row["seq"] != expected_seq:
            problems.append(
                where
                | {
                    "problem": f"expected seq {expected_seq}: rows are missing before it "
                    "(deleted) or the chain was renumbered"
                }
            )
        if row["prev_hash"] != prev:
            problems.append(
                where
                | {
                    "problem": "prev_hash does not match the row before it: a row was deleted, "
                    "inserted or reordered"
                }
            )
        if chain_hash(row["prev_hash"] or "", row) != row["row_hash"]:
            problems.append(
                where | {"problem": "row_hash does not match the row's content: it was edited"}
            )
        expected_seq, prev = int(row["seq"]) + 1, str(row["row_hash"])
    head_row = connection.execute(
        select(cm.AuditHead.seq, cm.AuditHead.row_hash).where(cm.AuditHead.id == 1)
    ).first()
    head = {
        "seq": head_row.seq if head_row else None,
        "row_hash": head_row.row_hash if head_row else None,
    }
    if head_row is None or head_row.seq != expected_seq - 1 or head_row.row_hash != prev:
        problems.append(
            {
                "id": None,
                "seq": head["seq"],
                "problem": f"the chain ends at seq {expected_seq - 1} but the head records "
                f"seq {head['seq']}: the newest rows were deleted or the head was changed",
            }
        )
    return checked, problems, head


def count(connection: Connection) -> int:
    return int(connection.execute(select(func.count()).select_from(models.AuditEvent)).scalar_one())
