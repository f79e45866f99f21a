"""The audit log as a use case: record a write (inside its transaction), list, verify.

Every write of the coordination services calls :func:`record` in the same transaction as the
write, so a write and its audit row land together or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from beltroad.errors import Conflict
from beltroad.services.permissions import Action, Actor, require_global
from beltroad.services.workspace import Workspace
from beltroad.storage import audit


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def record(
    connection: Connection,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: object,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    *,
    now: dt.datetime | None = None,
) -> None:
    """Append one audit event for ``actor``'s write."""
    audit.append(
        connection,
        [
            audit.AuditInput(
                actor_id=actor.user_id,
                actor=actor.login,
                action=action,
                entity=entity,
                entity_id=None if entity_id is None else str(entity_id),
                before=dict(before) if before is not None else None,
                after=dict(after) if after is not None else None,
            )
        ],
        at=now or utc_now(),
    )


def stale(
    connection: Connection, what: str, id_: object, yours: int | None, current: int | None
) -> Conflict:
    """The conflict of an edit made on an old version of a record: the record, both versions,
    and who changed it last and when, if the audit log says (bulk imports log one event per
    file, not per record)."""
    last = audit.query(connection, entity=what, entity_id=str(id_), limit=1)
    by = (
        f"; last changed by {last[0]['actor']} at {audit.utc_text(last[0]['at'])[:19]} UTC"
        if last
        else "; who changed it is not recorded for this record (an import, say)"
    )
    return Conflict(
        f"{what} {id_} was changed by someone else (you had version {yours}, it is now "
        f"{current}){by}",
        hint="reload the record and apply your change again",
    )


def changed(
    before: Mapping[str, Any], after: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that differ, before and after."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def list_events(
    workspace: Workspace,
    actor: Actor,
    *,
    entity: str | None = None,
    entity_id: str | None = None,
    user: str | None = None,
    since: dt.datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Audit events, newest first (admins and planners with scope all)."""
    require_global(actor, Action.read_audit, what="read the audit log")
    with workspace.reading() as connection:
        rows = audit.query(
            connection,
            entity=entity,
            entity_id=entity_id,
            actor=user,
            since=since,
            limit=limit,
            offset=offset,
        )
    for row in rows:
        row["at"] = row["at"].isoformat() if row["at"] else None
    return rows


@dataclass(frozen=True)
class Verification:
    rows: int
    problems: list[dict[str, Any]]
    head: dict[str, Any]

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "rows": self.rows, "head": self.head, "problems": self.problems}


def verify(workspace: Workspace, actor: Actor) -> Verification:
    """Walk the hash chain; every edit, deletion or reordering is a problem listed by row."""
    require_global(actor, Action.read_audit, what="verify the audit log")
    with workspace.reading() as connection:
        rows, problems, head = audit.verify(connection)
    return Verification(rows=rows, problems=problems, head=head)
