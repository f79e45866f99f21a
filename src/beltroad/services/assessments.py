"""The #17 assessments as the JSON API and the web read and act on them, with the permission
checks of issue #15: green classes with their evidence and overrides, integrity flags and
their dismissal, debt signals per country, the benefit balance, and flagship selection.

Reads are scoped like every registry read: a reader of everything sees the whole portfolio;
a scoped reader (a partner's country, a coordinator's unit) sees the projects in their scope,
and only the country aggregates of the countries they are scoped to (an aggregate over other
projects would reveal them). Portfolio-wide results (the exposure to debt distress, the
flagship selection) need a reader of everything.

Overrides and dismissals are judgements on the record, so they need the ``approve`` action
(admin, planner) on the project's scope, and land in the audit log under the user's login.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from beltroad.errors import InvalidInput, NotFound, PermissionDenied
from beltroad.services import benefits, debt, green, green_read, integrity, selection
from beltroad.services.permissions import (
    Action,
    Actor,
    ReadScope,
    Target,
    not_found,
    read_scope,
    require,
    who_can,
)
from beltroad.services.registry_access import Page, check_page, project_scope, scoped_project
from beltroad.services.workspace import Workspace
from beltroad.storage import green as green_store
from beltroad.storage import scoped

FLAG_STATUSES = ("open", "dismissed")


def _visible(workspace: Workspace, scope: ReadScope) -> dict[int, str] | None:
    """id -> identifier of the projects a scoped reader may see; None for everything."""
    if scope.everything:
        return None
    with workspace.reading() as connection:
        return scoped.project_identifiers(connection, project_scope(connection, scope))


def _whole_portfolio(actor: Actor, what: str) -> None:
    if not read_scope(actor).everything:
        raise PermissionDenied(
            f"{actor.login} may not see {what}: it covers the whole portfolio",
            hint=f"this needs a read grant on scope all (roles {who_can(Action.read)})",
        )


# --- green ----------------------------------------------------------------------------------


def green_classes(
    workspace: Workspace,
    actor: Actor,
    *,
    green_class: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page:
    """The stored traffic lights (the last ``green classify`` run) of the projects in scope,
    each with its evidence per criterion and a person's override if any."""
    check_page(limit, offset)
    if green_class is not None and green_class not in green.CLASSES:
        raise InvalidInput.at(
            f"expected one of {', '.join(green.CLASSES)}",
            field="green_class",
            value=green_class,
        )
    visible = _visible(workspace, read_scope(actor))
    with workspace.reading() as connection:
        stored = green_store.assessments(connection, None if visible is None else list(visible))
        overrides = green_store.overrides_for(connection, list(stored))
        names = visible or scoped.project_identifiers(connection, None)
    items = []
    for pid in sorted(stored):
        row = stored[pid]
        override = overrides.get(pid)
        shown = str(override["green_class"]) if override else str(row["green_class"])
        if green_class is not None and shown != green_class:
            continue
        items.append(
            {
                "identifier": names.get(pid),
                "green_class": shown,
                "computed_class": row["brigc_class"] if override else row["green_class"],
                "ifc_category": row["ifc_category"],
                "ifc_implied": row["ifc_implied"],
                "policy_flag": row["policy_flag"],
                "evidence": row["evidence"],
                "config_version": row["config_version"],
                "assessed_at": str(row["assessed_at"]),
                "override": {k: str(v) for k, v in override.items() if k != "project_id"}
                if override
                else None,
            }
        )
    return Page(len(items), limit, offset, items[offset : offset + limit])


def green_shares(workspace: Workspace, actor: Actor) -> dict[str, Any]:
    """Green shares by count and amount: the portfolio's for a reader of everything, else
    those of the countries the reader is scoped to, from the stored classes (computed now
    only when no classification run has been stored)."""
    scope = read_scope(actor)
    shares = green_read.green_report(workspace).shares()
    if scope.everything:
        return shares
    return {
        "portfolio": None,
        "countries": {k: v for k, v in shares["countries"].items() if k in scope.countries},
        "basis": shares["basis"],
    }


def override_green(
    workspace: Workspace,
    actor: Actor,
    identifier: str,
    green_class: str | None,
    *,
    justification: str,
) -> dict[str, Any]:
    """Set (or with None clear) a person's class, with a justification; audited."""
    with workspace.reading() as connection:
        scoped_project(connection, actor, identifier, Action.approve)
    return green.override(
        workspace, identifier, green_class, justification=justification, actor=actor.login
    )


# --- integrity ------------------------------------------------------------------------------


def integrity_flags(
    workspace: Workspace,
    actor: Actor,
    *,
    status: str | None = None,
    kind: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page:
    """Stored red flags (the last ``integrity scan``) with their explanation and status. A
    flag on no project (a counterparty) is shown to readers of everything only."""
    check_page(limit, offset)
    if status is not None and status not in FLAG_STATUSES:
        raise InvalidInput.at(
            f"expected one of {', '.join(FLAG_STATUSES)}", field="status", value=status
        )
    visible = _visible(workspace, read_scope(actor))
    with workspace.reading() as connection:
        flags = green_store.flags(connection, status=status)
    items = [
        _flag(f)
        for f in flags
        if (kind is None or f["kind"] == kind)
        and (visible is None or (f["project_id"] is not None and f["project_id"] in visible))
    ]
    return Page(len(items), limit, offset, items[offset : offset + limit])


def _flag(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}


def dismiss_flag(
    workspace: Workspace, actor: Actor, flag_id: int, *, reason: str
) -> dict[str, Any]:
    """Dismiss a flag with a reason; a flag outside the reader's scope looks missing."""
    with workspace.reading() as connection:
        flag = green_store.flag(connection, flag_id)
        if flag is None:
            raise not_found("integrity flag", flag_id)
        identifier = (
            scoped.project_identifiers(connection, None).get(flag["project_id"])
            if flag["project_id"] is not None
            else None
        )
    if identifier is None:
        # a counterparty's flag belongs to no project: judged by those who see everything
        if not read_scope(actor).everything:
            raise not_found("integrity flag", flag_id)
        require(actor, Action.approve, Target(), what="integrity flag", key=flag_id)
    else:
        with workspace.reading() as connection:
            try:
                scoped_project(connection, actor, identifier, Action.approve)
            except NotFound:  # in the flag's words: the project's would name it
                raise not_found("integrity flag", flag_id) from None
    return integrity.dismiss(workspace, flag_id, reason=reason, actor=actor.login)


# --- debt, benefits -------------------------------------------------------------------------


def debt_signals(
    workspace: Workspace, actor: Actor, *, year: int | None = None, countries: Sequence[str] = ()
) -> dict[str, Any]:
    """LIC-DSF signals per country (public IMF data), and the portfolio's exposure to high
    risk and debt distress for a reader of everything. A scoped reader gets the countries of
    their scope only, and no exposure (it sums projects outside the scope)."""
    scope = read_scope(actor)
    wanted = [c.strip().upper() for c in countries if c.strip()]
    if not scope.everything:
        outside = [c for c in wanted if c not in scope.countries]
        if outside:
            raise not_found("country", outside[0])
        wanted = wanted or sorted(scope.countries)
        if not wanted:
            return {"countries": [], "exposure": None, "note": "no country in your scope"}
    report = debt.debt_report(workspace, year=year, countries=wanted or None)
    out = report.as_dict() | {"note": report.note()}
    if not scope.everything:
        out["exposure"] = None
    return out


def benefit_balance(
    workspace: Workspace,
    actor: Actor,
    *,
    level: str = "projects",
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    """The balance index per project or country with its components and coverage."""
    check_page(limit, offset)
    if level not in ("projects", "countries"):
        raise InvalidInput.at("expected projects or countries", field="level", value=level)
    scope = read_scope(actor)
    visible = _visible(workspace, scope)
    report = benefits.benefits_report(workspace)
    rows = report.projects if level == "projects" else report.countries
    if visible is not None:
        allowed = set(visible.values()) if level == "projects" else set(scope.countries)
        rows = [b for b in rows if b.subject in allowed]
    items = [b.as_dict() for b in rows]
    page = Page(len(items), limit, offset, items[offset : offset + limit]).as_dict()
    return page | {
        "config": {"version": report.config.version, "source": report.config.source},
        "formula": "index = 100 - |host - investor|; gap = host - investor (0-100 scores)",
        "note": report.note(),
    }


# --- flagship selection ---------------------------------------------------------------------


def select_flagships(
    workspace: Workspace, actor: Actor, request: selection.SelectionRequest
) -> dict[str, Any]:
    """Rank the whole portfolio and choose the set under the budget and constraints: each
    project's rank and why it is in or out, the constraints (binding or not), the weight
    notes (normalised weights are said) and the AHP consistency ratio. Read-only."""
    _whole_portfolio(actor, "a flagship selection")
    return selection.select(workspace, request).as_dict()
