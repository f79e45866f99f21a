"""Data freeze: a reporting period (a year, a quarter or a month) can be locked; edits to data
dated inside it are refused with a message that says who can unlock it."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection

from beltroad.errors import Conflict, InvalidInput, NotFound
from beltroad.services import audit_log
from beltroad.services.permissions import Action, Actor, require_global, who_can
from beltroad.services.workspace import Workspace
from beltroad.storage import workflow as store

_PERIOD = re.compile(r"^(\d{4})(?:-(Q[1-4]|\d{2}))?$")


def parse_period(period: str) -> tuple[str, dt.date, dt.date]:
    """``2025`` (a year), ``2025-Q1`` (a quarter) or ``2025-03`` (a month): its first and last
    day.

    >>> parse_period("2025-Q2")[1:]
    (datetime.date(2025, 4, 1), datetime.date(2025, 6, 30))
    """
    text = period.strip().upper()
    match = _PERIOD.match(text)
    if match is None:
        raise InvalidInput.at(
            "expected a period YYYY, YYYY-Qn or YYYY-MM (e.g. 2025, 2025-Q1, 2025-03)",
            field="period",
            value=period,
        )
    year, part = int(match[1]), match[2]
    if part is None:
        return text, dt.date(year, 1, 1), dt.date(year, 12, 31)
    if part.startswith("Q"):
        first = 3 * (int(part[1]) - 1) + 1
        last = first + 2
    else:
        first = last = int(part)
        if not 1 <= first <= 12:
            raise InvalidInput.at("the month must be 01-12", field="period", value=period)
    return (
        text,
        dt.date(year, first, 1),
        dt.date(year, last, calendar.monthrange(year, last)[1]),
    )


def freeze(
    workspace: Workspace, actor: Actor, period: str, *, note: str | None = None
) -> dict[str, Any]:
    require_global(actor, Action.freeze, what="freeze reporting periods")
    name, start, end = parse_period(period)
    now = audit_log.utc_now()
    with workspace.writing() as connection:
        if store.frozen(connection, name) is not None:
            raise Conflict(f"period {name} is already frozen")
        values = {
            "period": name,
            "starts_on": start,
            "ends_on": end,
            "frozen_by": actor.user_id,
            "frozen_at": now,
            "note": note,
        }
        store.freeze(connection, values)
        after = {"period": name, "starts_on": start, "ends_on": end, "note": note}
        audit_log.record(connection, actor, "freeze", "period", name, None, after, now=now)
    return {
        "period": name,
        "starts_on": start.isoformat(),
        "ends_on": end.isoformat(),
        "by": actor.login,
    }


def unfreeze(workspace: Workspace, actor: Actor, period: str) -> dict[str, Any]:
    require_global(actor, Action.freeze, what="unfreeze reporting periods")
    name, _, _ = parse_period(period)
    with workspace.writing() as connection:
        found = store.frozen(connection, name)
        if found is None:
            raise NotFound(f"period {name} is not frozen")
        store.unfreeze(connection, name)
        audit_log.record(
            connection, actor, "unfreeze", "period", name, {"period": name, "by": found["by"]}, None
        )
    return {"period": name, "unfrozen_by": actor.login}


def list_frozen(workspace: Workspace, actor: Actor) -> list[dict[str, Any]]:
    with workspace.reading() as connection:
        return [
            {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in row.items()}
            for row in store.all_frozen(connection)
        ]


def check_not_frozen(connection: Connection, dates: Iterable[dt.date | None], *, what: str) -> None:
    """Refuse a change to data dated inside a frozen period, saying who can unlock it."""
    wanted = sorted({d for d in dates if d is not None})
    hits = store.frozen_covering(connection, wanted)
    if hits:
        first = hits[0]
        raise Conflict(
            f"{what} touches data of frozen period {first['period']} "
            f"({first['starts_on']} to {first['ends_on']}, frozen by {first['by']})",
            hint=f"users with role {who_can(Action.freeze)} (scope all) can unlock it: "
            f"beltroad unfreeze {first['period']}",
        )
