"""``beltroad risk register``: list, add, review, escalate, refresh and the audit trail.

Every write is one transaction, and every change to an entry writes an ``audit_events`` row with
the entry before and after. Auto entries are created and re-scored by :func:`refresh` from the
country scores and the active projects; a person's likelihood and impact (set by
:func:`review`) mark the entry ``overridden`` and win over later re-scoring, which is still
recorded in the entry's explanation.

>>> add_entry(workspace, subject="country:PAK", category="security", title="Site attack",
...           likelihood=4, impact=5, owner="Country office")  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from beltroad.engines.risk_config import RiskConfig
from beltroad.engines.risk_register import (
    CATEGORIES,
    OPEN_STATUSES,
    STATUSES,
    SUBJECT_KINDS,
    EntryState,
    check_choice,
    check_scale,
    escalation_reasons,
    score_of,
)
from beltroad.errors import InvalidInput, NotFound
from beltroad.services.risk import load_config
from beltroad.services.workspace import Workspace
from beltroad.storage import risk as queries

ENTITY = "risk_entry"
_AUDITED = (
    "likelihood",
    "impact",
    "mitigation",
    "residual_likelihood",
    "residual_impact",
    "owner",
    "status",
    "review_on",
    "overridden",
    "title",
)


def parse_date(value: str | dt.date | None, field: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput.at(
            "not a date (expected YYYY-MM-DD, e.g. 2026-03-31)", field=field, value=value
        ) from None


def parse_subject(workspace: Workspace, subject: str) -> tuple[str, str]:
    """``KIND:REF`` (``country:PAK``, ``project:ID``, ``enterprise:12``, ``zone:NAME``), checked
    against the registry."""
    kind, sep, ref = subject.partition(":")
    if not sep or not ref.strip():
        raise InvalidInput.at(
            f"expected KIND:REF with KIND one of {', '.join(SUBJECT_KINDS)} "
            "(e.g. country:PAK or project:IDENTIFIER)",
            field="subject",
            value=subject,
        )
    kind = check_choice(kind, SUBJECT_KINDS, "subject")
    with workspace.reading() as connection:
        stored = queries.subject_exists(connection, kind, ref.strip())
    if stored is None:
        what = {
            "country": "no country with this ISO3 code",
            "project": "no project with this identifier",
            "enterprise": "no overseas enterprise with this id or name",
            "zone": "no cooperation zone with this id or name",
        }[kind]
        raise InvalidInput.at(what, field="subject", value=subject)
    return kind, stored


def audited_fields(row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in _AUDITED:
        if key in row:
            value = row[key]
            out[key] = value.isoformat() if isinstance(value, dt.date) else value
    return out


def _state(row: dict[str, Any]) -> EntryState:
    return EntryState(
        likelihood=row["likelihood"],
        impact=row["impact"],
        residual_likelihood=row["residual_likelihood"],
        residual_impact=row["residual_impact"],
        status=row["status"],
        review_on=row["review_on"],
    )


def entry_view(row: dict[str, Any], *, today: dt.date, threshold: int) -> dict[str, Any]:
    """An entry with its inherent and residual scores and why it must escalate, if it must."""
    state = _state(row)
    explanation = row.get("explanation") or {}
    return {
        "id": row["id"],
        "subject": f"{row['subject_kind']}:{row['subject_ref']}",
        "subject_kind": row["subject_kind"],
        "subject_ref": row["subject_ref"],
        "category": row["category"],
        "title": row["title"],
        "likelihood": row["likelihood"],
        "impact": row["impact"],
        "inherent": state.inherent,
        "mitigation": row["mitigation"],
        "residual_likelihood": row["residual_likelihood"],
        "residual_impact": row["residual_impact"],
        "residual": state.residual,
        "owner": row["owner"],
        "status": row["status"],
        "review_on": row["review_on"].isoformat() if row["review_on"] else None,
        "auto": bool(row["is_auto"]),
        "overridden": bool(row["overridden"]),
        "why": explanation.get("why"),
        "escalation": escalation_reasons(state, today=today, threshold=threshold),
    }


@dataclass
class RegisterView:
    entries: list[dict[str, Any]]
    threshold: int
    today: dt.date

    def as_dict(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "escalation_threshold": self.threshold,
            "entries": self.entries,
        }

    def rows(self) -> list[dict[str, Any]]:
        keep = ("id", "subject", "category", "likelihood", "impact", "inherent", "residual")
        return [
            {k: e[k] for k in keep}
            | {
                "status": e["status"],
                "owner": e["owner"],
                "review_on": e["review_on"],
                "escalate": "; ".join(e["escalation"]),
            }
            for e in self.entries
        ]


def list_entries(
    workspace: Workspace,
    *,
    subject: str | None = None,
    category: str | None = None,
    status: str | None = None,
    escalation_only: bool = False,
    top: int | None = None,
    today: dt.date | None = None,
    config: RiskConfig | None = None,
) -> RegisterView:
    """Entries, highest residual score first; ``escalation_only`` keeps those to escalate."""
    config = config or load_config()
    today = today or dt.date.today()
    kind = ref = None
    if subject:
        kind, ref = parse_subject(workspace, subject)
    if category:
        category = check_choice(category, CATEGORIES, "category")
    statuses = [check_choice(status, STATUSES, "status")] if status else None
    with workspace.reading() as connection:
        rows = queries.entries(
            connection, subject_kind=kind, subject_ref=ref, category=category, statuses=statuses
        )
    threshold = config.register.escalation_threshold
    views = [entry_view(r, today=today, threshold=threshold) for r in rows]
    if escalation_only:
        views = [v for v in views if v["escalation"]]
    views.sort(key=lambda v: (-v["residual"], -v["inherent"], v["id"]))
    return RegisterView(views[:top] if top else views, threshold, today)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def add_entry(
    workspace: Workspace,
    *,
    subject: str,
    category: str,
    title: str,
    likelihood: int,
    impact: int,
    mitigation: str | None = None,
    residual_likelihood: int | None = None,
    residual_impact: int | None = None,
    owner: str | None = None,
    status: str = "open",
    review_on: str | dt.date | None = None,
    actor: str = "beltroad",
    today: dt.date | None = None,
    config: RiskConfig | None = None,
) -> dict[str, Any]:
    """Add a manual entry; all input is checked before anything is written."""
    config = config or load_config()
    today = today or dt.date.today()
    category = check_choice(category, CATEGORIES, "category")
    status = check_choice(status, STATUSES, "status")
    check_scale(likelihood, "likelihood")
    check_scale(impact, "impact")
    check_scale(residual_likelihood, "residual_likelihood")
    check_scale(residual_impact, "residual_impact")
    if (residual_likelihood is None) != (residual_impact is None):
        raise InvalidInput.at(
            "give both residual_likelihood and residual_impact, or neither",
            field="residual_impact" if residual_impact is None else "residual_likelihood",
            value=residual_likelihood if residual_impact is None else residual_impact,
        )
    if not title.strip():
        raise InvalidInput.at("a title is required", field="title", value=title)
    review = parse_date(review_on, "review_on") or today + dt.timedelta(
        days=config.register.review_interval_days
    )
    kind, ref = parse_subject(workspace, subject)
    now = utc_now()
    row = {
        "subject_kind": kind,
        "subject_ref": ref,
        "category": category,
        "title": title.strip(),
        "likelihood": likelihood,
        "impact": impact,
        "mitigation": mitigation,
        "residual_likelihood": residual_likelihood,
        "residual_impact": residual_impact,
        "owner": owner,
        "status": status,
        "review_on": review,
        "is_auto": False,
        "explanation": {"source": "manual", "by": actor},
        "auto_key": None,
        "overridden": False,
        "created_at": now,
        "updated_at": now,
    }
    with workspace.writing() as connection:
        [entry_id] = queries.insert_entries(connection, [row])
        queries.insert_audit(
            connection, [audit_event(now, actor, "create", entry_id, None, audited_fields(row))]
        )
    return entry_view(
        row | {"id": entry_id}, today=today, threshold=config.register.escalation_threshold
    )


def audit_event(
    at: dt.datetime,
    actor: str,
    action: str,
    entry_id: int,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> dict[str, Any]:
    return {
        "at": at,
        "actor": actor,
        "action": action,
        "entity": ENTITY,
        "entity_id": str(entry_id),
        "before": before,
        "after": after,
    }


def _entry(workspace: Workspace, entry_id: int) -> dict[str, Any]:
    with workspace.reading() as connection:
        found = queries.entries(connection, entry_id=entry_id)
    if not found:
        raise NotFound(
            f"no risk register entry {entry_id}", hint="`beltroad risk register list` shows them"
        )
    return found[0]


def review(
    workspace: Workspace,
    entry_id: int,
    *,
    likelihood: int | None = None,
    impact: int | None = None,
    mitigation: str | None = None,
    residual_likelihood: int | None = None,
    residual_impact: int | None = None,
    owner: str | None = None,
    status: str | None = None,
    review_on: str | dt.date | None = None,
    note: str | None = None,
    actor: str = "beltroad",
    today: dt.date | None = None,
    config: RiskConfig | None = None,
) -> dict[str, Any]:
    """Record a review: any field may change; the next review date moves on by the configured
    interval unless given. Changing an auto entry's likelihood or impact is an override."""
    config = config or load_config()
    today = today or dt.date.today()
    check_scale(likelihood, "likelihood")
    check_scale(impact, "impact")
    check_scale(residual_likelihood, "residual_likelihood")
    check_scale(residual_impact, "residual_impact")
    if status is not None:
        status = check_choice(status, STATUSES, "status")
    next_review = parse_date(review_on, "review_on") or today + dt.timedelta(
        days=config.register.review_interval_days
    )
    before = _entry(workspace, entry_id)
    changes: dict[str, Any] = {"review_on": next_review}
    for name, value in (
        ("likelihood", likelihood),
        ("impact", impact),
        ("mitigation", mitigation),
        ("residual_likelihood", residual_likelihood),
        ("residual_impact", residual_impact),
        ("owner", owner),
        ("status", status),
    ):
        if value is not None:
            changes[name] = value
    after = before | changes
    if (after["residual_likelihood"] is None) != (after["residual_impact"] is None):
        raise InvalidInput.at(
            "a residual score needs both residual_likelihood and residual_impact",
            field="residual_impact" if after["residual_impact"] is None else "residual_likelihood",
            value=after["residual_likelihood"] or after["residual_impact"],
        )
    if before["is_auto"] and (
        after["likelihood"] != before["likelihood"] or after["impact"] != before["impact"]
    ):
        changes["overridden"] = True
        after["overridden"] = True
    now = utc_now()
    changes["updated_at"] = now
    record_after = audited_fields(after) | ({"note": note} if note else {})
    with workspace.writing() as connection:
        queries.update_entry(connection, entry_id, changes)
        action = "override" if changes.get("overridden") and not before["overridden"] else "review"
        queries.insert_audit(
            connection,
            [audit_event(now, actor, action, entry_id, audited_fields(before), record_after)],
        )
    return entry_view(
        after | {"updated_at": now}, today=today, threshold=config.register.escalation_threshold
    )


def escalate(
    workspace: Workspace,
    *,
    actor: str = "beltroad",
    today: dt.date | None = None,
    config: RiskConfig | None = None,
) -> RegisterView:
    """Set every open entry that must escalate to ``escalated`` (audited, with the reasons);
    returns all entries that must escalate, newly escalated or already."""
    config = config or load_config()
    today = today or dt.date.today()
    threshold = config.register.escalation_threshold
    now = utc_now()
    with workspace.writing() as connection:
        rows = queries.entries(connection, statuses=OPEN_STATUSES)
        flagged: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        for row in rows:
            reasons = escalation_reasons(_state(row), today=today, threshold=threshold)
            if not reasons:
                continue
            if row["status"] != "escalated":
                queries.update_entry(
                    connection, row["id"], {"status": "escalated", "updated_at": now}
                )
                events.append(
                    audit_event(
                        now,
                        actor,
                        "escalate",
                        row["id"],
                        {"status": row["status"]},
                        {"status": "escalated", "reasons": reasons},
                    )
                )
                row = row | {"status": "escalated"}
            flagged.append(entry_view(row, today=today, threshold=threshold))
        queries.insert_audit(connection, events)
    flagged.sort(key=lambda v: (-v["residual"], v["id"]))
    return RegisterView(flagged, threshold, today)


def history(workspace: Workspace, entry_id: int) -> list[dict[str, Any]]:
    """The audit trail of one entry, oldest first."""
    _entry(workspace, entry_id)
    with workspace.reading() as connection:
        trail = queries.audit_trail(connection, ENTITY, str(entry_id))
    return [t | {"at": t["at"].isoformat() if t["at"] else None} for t in trail]


def top_risks(
    workspace: Workspace, *, n: int = 5, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """The ``n`` open entries with the highest residual score."""
    view = list_entries(workspace, top=None, today=today)
    open_ = [e for e in view.entries if e["status"] in OPEN_STATUSES]
    return open_[:n]


__all__ = [
    "CATEGORIES",
    "STATUSES",
    "SUBJECT_KINDS",
    "RegisterView",
    "add_entry",
    "escalate",
    "history",
    "list_entries",
    "parse_date",
    "review",
    "score_of",
    "top_risks",
]
