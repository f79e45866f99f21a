"""Projects through submit → review → approve, and through the lifecycle (issue #15).

* Coordinators (and partners, planners, admins within their scope) edit a project only through
  a *draft version*: the registry row keeps the approved values until a planner approves.
* :func:`submit` runs the validation rules (shares sum to 100, required fields of the state,
  unique identifier, dates in order, amounts with currency and basis) and lists every failure.
* :func:`approve` applies the draft, if the project did not change meanwhile (optimistic
  locking on ``projects.version``: the second of two editors gets a conflict, never a silent
  overwrite); :func:`return_` sends it back with a comment. Versions are kept and
  :func:`compare` shows them field by field.
* :func:`transition` moves a project through the lifecycle (``config/lifecycle.toml``); each
  move is an event with who, when and why, and sets the IATI ActivityStatus.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from beltroad.engines.lifecycle import LifecycleConfig, parse_lifecycle, validate_record
from beltroad.errors import Conflict, FieldProblem, InvalidInput, NotFound, PermissionDenied
from beltroad.services import audit_log, notifications
from beltroad.services.freeze import check_not_frozen
from beltroad.services.permissions import Action, Actor, Target, require
from beltroad.services.registry_access import identifier_clash, scoped_project, unit_target
from beltroad.services.workspace import Workspace
from beltroad.storage import audit, registry_reads
from beltroad.storage import workflow as store

ENTITY = "project"
DATES = ("planned_start", "actual_start", "planned_end", "actual_end")
INTS = ("commitment_year", "amount_base_year", "unit_id")
FLOATS = ("amount_original", "amount_usd_nominal", "amount_usd_constant")
TEXTS = ("title", "description", "amount_currency", "corridor_id", "green_class")
EDITABLE = (*TEXTS, *DATES, *INTS, *FLOATS, "is_flagship", "countries", "sectors")


def load_lifecycle() -> LifecycleConfig:
    text = resources.files("beltroad").joinpath("config/lifecycle.toml").read_text("utf-8")
    return parse_lifecycle(tomllib.loads(text), source="beltroad/config/lifecycle.toml")


def _coerce(name: str, value: Any) -> Any:
    """A field's value as stored in a version's payload (JSON: dates as ISO text)."""
    if name == "is_flagship":
        return bool(value)
    if value is None:
        return [] if name in ("countries", "sectors") else None
    try:
        if name in DATES:
            return (
                value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
            ).isoformat()
        if name in INTS:
            return int(value)
        if name in FLOATS:
            return float(value)
        if name == "is_flagship":
            return bool(value)
        if name in TEXTS:
            return str(value)
        if name in ("countries", "sectors"):
            return [_split(name, item) for item in value]
    except (TypeError, ValueError, KeyError):
        pass
    expected = {
        **dict.fromkeys(DATES, "a date YYYY-MM-DD"),
        **dict.fromkeys(INTS, "a whole number"),
        **dict.fromkeys(FLOATS, "a number"),
        "countries": "a list of {iso3, percentage}",
        "sectors": "a list of {code, vocabulary, percentage}",
    }.get(name, "a value")
    raise InvalidInput.at(f"expected {expected}", field=name, value=value)


def _split(name: str, item: Mapping[str, Any]) -> dict[str, Any]:
    percentage = float(item.get("percentage", 100.0))
    if not 0 < percentage <= 100:
        raise ValueError(percentage)
    if name == "countries":
        return {"iso3": str(item["iso3"]).upper(), "percentage": percentage}
    return {
        "vocabulary": str(item.get("vocabulary") or "1"),
        "code": str(item["code"]),
        "percentage": percentage,
    }


def clean_changes(changes: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise InvalidInput.at(
            f"not an editable project field (expected any of {', '.join(EDITABLE)})",
            field=unknown[0],
            value=changes[unknown[0]],
        )
    return {name: _coerce(name, value) for name, value in changes.items()}


def snapshot(project: Mapping[str, Any]) -> dict[str, Any]:
    """The editable fields of a project, as a version payload holds them."""
    return {name: _coerce(name, project.get(name)) for name in EDITABLE}


def _dates_touched(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[dt.date]:
    """Dates whose period a change touches: changed date fields (old and new values), and the
    commitment year when an amount or the year changes."""
    found: list[dt.date] = []
    for name in DATES:
        if before.get(name) != after.get(name):
            found += [
                dt.date.fromisoformat(str(v)) for v in (before.get(name), after.get(name)) if v
            ]
    money = ("commitment_year", *FLOATS, "amount_currency", "amount_base_year")
    if any(before.get(n) != after.get(n) for n in money):
        for year in (before.get("commitment_year"), after.get("commitment_year")):
            if year:
                found.append(dt.date(int(year), 1, 1))
    return found


@dataclass(frozen=True)
class VersionView:
    identifier: str
    version_no: int
    state: str
    draft_version: int
    payload: dict[str, Any]
    comment: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "identifier": self.identifier,
            "version_no": self.version_no,
            "state": self.state,
            "draft_version": self.draft_version,
            "payload": self.payload,
            "comment": self.comment,
        }


def _view(identifier: str, row: Mapping[str, Any]) -> VersionView:
    return VersionView(
        identifier,
        int(row["version_no"]),
        str(row["state"]),
        int(row["version"]),
        dict(row["payload"] or {}),
        row.get("comment"),
    )


def _new_target(connection: Any, payload: Mapping[str, Any]) -> Target:
    countries = frozenset(c["iso3"] for c in payload.get("countries") or [])
    return unit_target(connection, payload.get("unit_id"), countries)


def create_project(
    workspace: Workspace, actor: Actor, identifier: str, fields: Mapping[str, Any]
) -> VersionView:
    """A new project in the initial lifecycle state, with its first draft version."""
    payload = clean_changes(fields)
    if not identifier.strip():
        raise InvalidInput.at("a project needs an identifier", field="identifier", value=identifier)
    if not payload.get("title"):
        raise InvalidInput.at("a project needs a title", field="title", value=None)
    config = load_lifecycle()
    now = audit_log.utc_now()
    with workspace.writing() as connection:
        target = _new_target(connection, payload)
        require(actor, Action.edit_record, target, what="project", key=identifier)
        if registry_reads.identifier_taken(connection, identifier, None):
            raise identifier_clash(connection, actor, identifier)
        for iso3 in {c["iso3"] for c in payload.get("countries") or []}:
            if not registry_reads.exists(connection, "country", iso3):
                raise InvalidInput.at(
                    "no country with this ISO3 code", field="countries", value=iso3
                )
        initial = config.states[config.initial]
        project_id = store.insert_project(
            connection,
            {
                "identifier": identifier,
                "title": payload["title"],
                "dataset": "manual",
                "lifecycle_state": initial.name,
                "status": initial.iati_status,
                "stage": initial.funnel_stage or None,
                "unit_id": payload.get("unit_id"),
                "version": 1,
            },
        )
        full = snapshot({}) | payload
        store.replace_splits(connection, project_id, full.get("countries"), full.get("sectors"))
        row = {
            "entity": ENTITY,
            "entity_id": identifier,
            "state": "draft",
            "version_no": 1,
            "base_version": 1,
            "payload": full,
            "created_by": actor.user_id,
            "created_at": now,
            "submitted_at": now,
            "version": 1,
        }
        store.add_version(connection, row)
        audit_log.record(connection, actor, "create", ENTITY, identifier, None, full, now=now)
    return VersionView(identifier, 1, "draft", 1, full)


def edit(
    workspace: Workspace,
    actor: Actor,
    identifier: str,
    changes: Mapping[str, Any],
    *,
    draft_version: int | None = None,
) -> VersionView:
    """Change a project's open draft (made from the approved record if there is none)."""
    cleaned = clean_changes(changes)
    now = audit_log.utc_now()
    with workspace.writing() as connection:
        project, _ = scoped_project(connection, actor, identifier, Action.edit_record)
        key = str(project["identifier"])
        current = snapshot(project)
        check_not_frozen(
            connection, _dates_touched(current, current | cleaned), what=f"this edit of {key}"
        )
        open_row = store.open_version(connection, ENTITY, key)
        if open_row is not None and open_row["state"] == "submitted":
            raise Conflict(
                f"version {open_row['version_no']} of {key} is submitted for review",
                hint="wait for a planner to approve or return it",
            )
        if open_row is not None:
            if draft_version is not None and draft_version != open_row["version"]:
                raise Conflict(
                    f"the draft of {key} was changed by someone else (you edited draft version "
                    f"{draft_version}, it is now {open_row['version']})",
                    hint="reload the draft and apply your change again",
                )
            payload = dict(open_row["payload"] or {}) | cleaned
            if not store.update_version(
                connection,
                int(open_row["id"]),
                int(open_row["version"]),
                {"payload": payload, "state": "draft"},
            ):
                raise Conflict(f"the draft of {key} was changed by someone else", hint="reload it")
            row = open_row | {
                "payload": payload,
                "state": "draft",
                "version": open_row["version"] + 1,
            }
        else:
            payload = current | cleaned
            row = {
                "entity": ENTITY,
                "entity_id": key,
                "state": "draft",
                "version_no": store.next_version_no(connection, ENTITY, key),
                "base_version": int(project["version"]),
                "payload": payload,
                "created_by": actor.user_id,
                "created_at": now,
                "submitted_at": now,
                "version": 1,
            }
            store.add_version(connection, row)
        before, after = audit_log.changed(current, payload)
        audit_log.record(connection, actor, "draft", ENTITY, key, before, after, now=now)
    return _view(key, row)


def _validate(connection: Any, project: Mapping[str, Any], payload: Mapping[str, Any]) -> None:
    config = load_lifecycle()
    state = config.states[config.current(project["lifecycle_state"], project["status"])]
    failures = validate_record(
        payload,
        state,
        identifier_taken=registry_reads.identifier_taken(
            connection, str(project["identifier"]), int(project["id"])
        ),
    )
    if failures:
        raise InvalidInput(
            f"{project['identifier']} fails {len(failures)} validation rule(s): "
            + "; ".join(f"{f.rule} ({f.field}): {f.message}" for f in failures),
            hint="edit the draft and submit again",
            problems=tuple(
                FieldProblem(reason=f"{f.rule}: {f.message}", field=f.field) for f in failures
            ),
        )


def submit(workspace: Workspace, actor: Actor, identifier: str) -> VersionView:
    """Validate the open draft and put it up for review; lists every failing rule."""
    now = audit_log.utc_now()
    with workspace.writing() as connection:
        project, _ = scoped_project(connection, actor, identifier, Action.edit_record)
        key = str(project["identifier"])
        open_row = store.open_version(connection, ENTITY, key)
        if open_row is None or open_row["state"] == "submitted":
            raise Conflict(
                f"{key} has no draft to submit"
                + (" (it is already submitted)" if open_row is not None else ""),
                hint="edit the project first (beltroad workflow edit)",
            )
        _validate(connection, project, open_row["payload"] or {})
        values = {"state": "submitted", "submitted_by": actor.user_id, "submitted_at": now}
        store.update_version(connection, int(open_row["id"]), int(open_row["version"]), values)
        audit_log.record(
            connection,
            actor,
            "submit",
            ENTITY,
            key,
            None,
            {"version_no": open_row["version_no"]},
            now=now,
        )
        notifications.approval_requested(connection, key, int(open_row["version_no"]), actor, now)
        row = open_row | values | {"version": open_row["version"] + 1}
    return _view(key, row)


def approve(
    workspace: Workspace, actor: Actor, identifier: str, *, comment: str | None = None
) -> VersionView:
    """Apply the submitted version to the registry (a planner's decision)."""
    now = audit_log.utc_now()
    with workspace.writing() as connection:
        project, _ = scoped_project(connection, actor, identifier, Action.approve)
        key = str(project["identifier"])
        open_row = store.open_version(connection, ENTITY, key)
        if open_row is None or open_row["state"] != "submitted":
            raise Conflict(f"{key} has no submitted version to approve")
        payload = dict(open_row["payload"] or {})
        _validate(connection, project, payload)
        current = snapshot(project)
        check_not_frozen(connection, _dates_touched(current, payload), what=f"approving {key}")
        if int(project["version"]) != int(open_row["base_version"] or 0):
            raise Conflict(
                f"{key} changed since this draft was made (draft of version "
                f"{open_row['base_version']}, the project is now at version {project['version']})",
                hint="return the draft so that it is redone on the current record",
            )
        values = {
            name: dt.date.fromisoformat(payload[name])
            if name in DATES and payload.get(name)
            else payload.get(name)
            for name in EDITABLE
            if name not in ("countries", "sectors")
        }
        if not store.bump_project(connection, int(project["id"]), int(project["version"]), values):
            raise Conflict(f"{key} was changed by someone else meanwhile", hint="reload and retry")
        store.replace_splits(
            connection, int(project["id"]), payload.get("countries"), payload.get("sectors")
        )
        decided = {
            "state": "approved",
            "decided_by": actor.user_id,
            "decided_at": now,
            "comment": comment,
        }
        store.update_version(connection, int(open_row["id"]), int(open_row["version"]), decided)
        before, after = audit_log.changed(current, payload)
        after["version_no"] = open_row["version_no"]
        audit_log.record(connection, actor, "approve", ENTITY, key, before, after, now=now)
        row = open_row | decided | {"version": open_row["version"] + 1}
    return _view(key, row)


def return_(workspace: Workspace, actor: Actor, identifier: str, *, comment: str) -> VersionView:
    """Send the submitted version back to its author with a comment."""
    if not comment.strip():
        raise InvalidInput.at("returning a version needs a comment", field="comment", value=comment)
    now = audit_log.utc_now()
    with workspace.writing() as connection:
        project, _ = scoped_project(connection, actor, identifier, Action.approve)
        key = str(project["identifier"])
        open_row = store.open_version(connection, ENTITY, key)
        if open_row is None or open_row["state"] != "submitted":
            raise Conflict(f"{key} has no submitted version to return")
        decided = {
            "state": "returned",
            "decided_by": actor.user_id,
            "decided_at": now,
            "comment": comment,
        }
        store.update_version(connection, int(open_row["id"]), int(open_row["version"]), decided)
        audit_log.record(
            connection,
            actor,
            "return",
            ENTITY,
            key,
            None,
            {"version_no": open_row["version_no"], "comment": comment},
            now=now,
        )
        notifications.returned(connection, key, open_row, comment, now)
        row = open_row | decided | {"version": open_row["version"] + 1}
    return _view(key, row)


def transition(
    workspace: Workspace,
    actor: Actor,
    identifier: str,
    to_state: str,
    *,
    reason: str,
    expected_version: int | None = None,
) -> dict[str, Any]:
    """Move a project to ``to_state`` if the configuration allows it and the project has the
    fields the state requires; records the event and sets the IATI status."""
    if not reason.strip():
        raise InvalidInput.at("a transition needs a reason", field="reason", value=reason)
    config = load_lifecycle()
    now = audit_log.utc_now()
    with workspace.writing() as connection:
        project, _ = scoped_project(connection, actor, identifier, Action.transition)
        key = str(project["identifier"])
        current = config.current(project["lifecycle_state"], project["status"])
        state = config.check_transition(current, to_state)
        record = snapshot(project)
        missing = [
            f.field
            for f in validate_record(record, state, identifier_taken=False)
            if f.rule == "required_for_state"
        ]
        if missing:
            raise InvalidInput(
                f"{key} cannot enter {to_state}: missing {', '.join(missing)}",
                hint="edit and approve the missing fields first",
                problems=tuple(
                    FieldProblem(reason=f"required in state {to_state}", field=m) for m in missing
                ),
            )
        version = int(project["version"]) if expected_version is None else expected_version
        values = {
            "lifecycle_state": state.name,
            "status": state.iati_status,
            "stage": state.funnel_stage or None,
        }
        if not store.bump_project(connection, int(project["id"]), version, values):
            raise Conflict(
                f"{key} is at version {project['version']}, not {version}: someone changed it",
                hint="reload the project and retry",
            )
        store.add_event(
            connection,
            {
                "project_id": project["id"],
                "from_state": current,
                "to_state": state.name,
                "at": now,
                "actor_id": actor.user_id,
                "reason": reason,
                "iati_status": state.iati_status,
            },
        )
        before = {"lifecycle_state": current, "status": project["status"]}
        after = {"lifecycle_state": state.name, "status": state.iati_status, "why": reason}
        audit_log.record(connection, actor, "transition", ENTITY, key, before, after, now=now)
    return {
        "identifier": key,
        "from": current,
        "to": state.name,
        "iati_status": state.iati_status,
        "version": version + 1,
    }


def history(workspace: Workspace, actor: Actor, identifier: str) -> dict[str, Any]:
    """A project's versions, lifecycle events and audit trail."""
    with workspace.reading() as connection:
        project, _ = scoped_project(connection, actor, identifier)
        key = str(project["identifier"])
        versions = [
            registry_reads.plain({k: v for k, v in row.items() if k != "id"})
            for row in store.versions(connection, ENTITY, key)
        ]
        events = [registry_reads.plain(e) for e in store.events(connection, int(project["id"]))]
        trail = [
            registry_reads.plain(e)
            for e in audit.query(connection, entity=ENTITY, entity_id=key, limit=500)
        ]
    return {
        "identifier": key,
        "version": project["version"],
        "lifecycle_state": project["lifecycle_state"],
        "versions": versions,
        "events": events,
        "audit": trail,
    }


def compare(
    workspace: Workspace, actor: Actor, identifier: str, first: str, second: str
) -> list[dict[str, Any]]:
    """Field-by-field differences between two versions (numbers, or ``current``)."""
    with workspace.reading() as connection:
        project, _ = scoped_project(connection, actor, identifier)
        key = str(project["identifier"])
        by_no = {
            str(v["version_no"]): dict(v["payload"] or {})
            for v in store.versions(connection, ENTITY, key)
        }
    by_no["current"] = snapshot(project)
    for name in (first, second):
        if name not in by_no:
            raise InvalidInput.at(
                f"no such version of {key} (expected one of {', '.join(by_no)})",
                field="version",
                value=name,
            )
    a, b = by_no[first], by_no[second]
    return [
        {"field": name, first: a.get(name), second: b.get(name)}
        for name in EDITABLE
        if a.get(name) != b.get(name)
    ]


def pending(workspace: Workspace, actor: Actor) -> list[dict[str, Any]]:
    """Submitted versions the actor may decide on (approve or return), oldest first."""
    out = []
    with workspace.reading() as connection:
        for row in store.submitted(connection, ENTITY):
            try:
                scoped_project(connection, actor, str(row["entity_id"]), Action.approve)
            except (NotFound, PermissionDenied):
                continue
            out.append(
                registry_reads.plain(
                    {
                        "identifier": row["entity_id"],
                        "version_no": row["version_no"],
                        "submitted_at": row["submitted_at"],
                        "submitted_by": row["submitted_by"],
                    }
                )
            )
    return out
