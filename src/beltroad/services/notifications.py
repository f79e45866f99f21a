"""Notifications as an outbox (issue #15): written in the same transaction as the event that
causes them (an escalation, an approval requested, a version returned, a review due), read by
the web and ``beltroad notifications list``, and mailed by :func:`send_mail` only when the
``smtp_host`` setting is set (standard library ``smtplib`` with STARTTLS).
"""

from __future__ import annotations

import datetime as dt
import smtplib
from collections.abc import Mapping
from email.message import EmailMessage
from typing import Any

from sqlalchemy import Connection

from beltroad.services.permissions import Actor, Role
from beltroad.services.workspace import Workspace
from beltroad.storage import accounts, outbox, registry_reads


def _queue(connection: Connection, now: dt.datetime, **values: Any) -> bool:
    return outbox.add(connection, {"created_at": now, **values})


def approval_requested(
    connection: Connection, identifier: str, version_no: int, by: Actor, now: dt.datetime
) -> None:
    for user in accounts.users_with_role(connection, (Role.planner.value, Role.admin.value)):
        if user["username"] == "local-admin":
            continue
        _queue(
            connection,
            now,
            kind="approval_requested",
            user_id=user["id"],
            subject=f"Approval requested: {identifier} version {version_no}",
            body=f"{by.login} submitted version {version_no} of project {identifier} for review.",
            entity="project",
            entity_id=identifier,
            key=f"approval:{identifier}:{version_no}:{user['id']}",
        )


def returned(
    connection: Connection,
    identifier: str,
    version: Mapping[str, Any],
    comment: str,
    now: dt.datetime,
) -> None:
    if version.get("created_by") is None:
        return
    _queue(
        connection,
        now,
        kind="returned",
        user_id=version["created_by"],
        subject=f"Returned: {identifier} version {version['version_no']}",
        body=f"Version {version['version_no']} of {identifier} was returned: {comment}",
        entity="project",
        entity_id=identifier,
    )


def escalated(
    connection: Connection, task: Mapping[str, Any], to_unit: int, now: dt.datetime
) -> bool:
    return _queue(
        connection,
        now,
        kind="escalation",
        unit_id=to_unit,
        subject=f"Overdue task escalated: {task['title']}",
        body=f"Task {task['id']} of unit {task['unit_id']} was due on {task['due_on']} and is "
        f"not done; it is escalated to unit {to_unit}.",
        entity="task",
        entity_id=str(task["id"]),
        key=f"escalation:{task['id']}:{to_unit}",
    )


def review_due(connection: Connection, task: Mapping[str, Any], now: dt.datetime) -> bool:
    return _queue(
        connection,
        now,
        kind="review_due",
        unit_id=task["unit_id"],
        subject=f"Due soon: {task['title']}",
        body=f"Task {task['id']} is due on {task['due_on']}.",
        entity="task",
        entity_id=str(task["id"]),
        key=f"due:{task['id']}:{task['due_on']}",
    )


def list_for(
    workspace: Workspace, actor: Actor, *, unread_only: bool = False
) -> list[dict[str, Any]]:
    """The actor's notifications: addressed to them, or to a unit in their unit scopes."""
    roots = [
        int(g.value) for g in actor.grants if g.scope == "unit" and g.value and g.value.isdigit()
    ]
    with workspace.reading() as connection:
        units = registry_reads.subtree(registry_reads.unit_parents(connection), roots)
        rows = outbox.for_user(connection, actor.user_id, units, unread_only=unread_only)
    return [registry_reads.plain(r) for r in rows]


def send_mail(workspace: Workspace, *, now: dt.datetime | None = None) -> dict[str, int]:
    """Mail queued notifications to users with an address; needs ``smtp_host``."""
    settings = workspace.settings
    if not settings.smtp_host:
        return {"sent": 0, "failed": 0, "skipped_no_smtp": 1}
    now = now or dt.datetime.now(dt.UTC)
    sent = failed = 0
    with workspace.reading() as connection:
        pending = outbox.unsent(connection)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
        smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
        for item in pending:
            message = EmailMessage()
            message["From"] = settings.mail_from
            message["To"] = item["email"]
            message["Subject"] = item["subject"]
            message.set_content(item["body"])
            try:
                smtp.send_message(message)
                result: dict[str, Any] = {"emailed_at": now}
                sent += 1
            except smtplib.SMTPException as exc:
                result = {"email_error": str(exc)[:500]}
                failed += 1
            with workspace.writing() as connection:
                outbox.mark(connection, int(item["id"]), **result)
    return {"sent": sent, "failed": failed, "skipped_no_smtp": 0}
