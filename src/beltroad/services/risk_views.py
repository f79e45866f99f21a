"""The risk services as a signed-in user sees them: country scores, the risk register, early
warnings and incidents, limited to the user's read scope, and register reviews checked against
the user's edit scope.

:mod:`beltroad.services.risk`, :mod:`~beltroad.services.risk_register`,
:mod:`~beltroad.services.warnings` and :mod:`~beltroad.services.incidents` are the analysts'
services (no actor). Here each row is kept only when the user may read what it is about: a
country in scope, a project, enterprise or zone the registry reads let the user see. A row
about something outside the scope is left out, exactly like a record that does not exist.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from beltroad.engines.country_risk import CountryRiskScore
from beltroad.errors import NotFound
from beltroad.services import incidents, registry_access, risk, risk_register, warnings
from beltroad.services.permissions import (
    Action,
    Actor,
    Target,
    not_found,
    read_scope,
    require,
    require_global,
)
from beltroad.services.workspace import Workspace

ENTITY_OF = {"enterprise": "enterprises", "zone": "zones"}


class ScopedSubjects:
    """Whether the actor may read a subject (``country:PAK``, ``project:ID`` ...), memoised."""

    def __init__(self, workspace: Workspace, actor: Actor) -> None:
        self.workspace = workspace
        self.actor = actor
        self.scope = read_scope(actor)
        self.seen: dict[tuple[str, str], bool] = {}

    def country(self, iso3: str | None) -> bool:
        return self.scope.everything or (iso3 is not None and iso3 in self.scope.countries)

    def readable(self, kind: str, ref: str) -> bool:
        if self.scope.everything:
            return True
        if (kind, ref) not in self.seen:
            self.seen[(kind, ref)] = self._check(kind, ref)
        return self.seen[(kind, ref)]

    def _check(self, kind: str, ref: str) -> bool:
        if kind == "country":
            return self.country(ref)
        try:
            if kind == "project":
                registry_access.read_project(self.workspace, self.actor, ref)
            elif kind in ENTITY_OF:
                registry_access.read_entity(self.workspace, self.actor, ENTITY_OF[kind], ref)
            else:
                return False
        except NotFound:
            return False
        return True


def _kept(rows: Iterable[dict[str, Any]], keep: Callable[[dict[str, Any]], bool]) -> list[Any]:
    return [r for r in rows if keep(r)]


def country_scores(
    workspace: Workspace, actor: Actor, *, year: int | None = None
) -> list[CountryRiskScore]:
    """The scored countries the actor may read, with their components."""
    scope = read_scope(actor)
    countries = None if scope.everything else sorted(scope.countries)
    if countries == []:
        return []
    return risk.country_scores(workspace, year=year, countries=countries)


def register(
    workspace: Workspace,
    actor: Actor,
    *,
    status: str | None = None,
    escalation_only: bool = False,
    today: dt.date | None = None,
) -> risk_register.RegisterView:
    """Register entries about subjects the actor may read, highest residual score first."""
    view = risk_register.list_entries(
        workspace, status=status, escalation_only=escalation_only, today=today
    )
    subjects = ScopedSubjects(workspace, actor)
    view.entries = _kept(
        view.entries, lambda e: subjects.readable(e["subject_kind"], e["subject_ref"])
    )
    return view


def entry(workspace: Workspace, actor: Actor, entry_id: int) -> dict[str, Any]:
    found = [e for e in register(workspace, actor).entries if e["id"] == entry_id]
    if not found:
        raise not_found("risk register entry", entry_id)
    return found[0]


def entry_history(workspace: Workspace, actor: Actor, entry_id: int) -> list[dict[str, Any]]:
    entry(workspace, actor, entry_id)
    return risk_register.history(workspace, entry_id)


def _require_edit(workspace: Workspace, actor: Actor, found: dict[str, Any]) -> None:
    """A review edits the entry's subject: its country, the project (its countries and units),
    or the enterprise's or zone's host country."""
    kind, ref, key = found["subject_kind"], found["subject_ref"], found["id"]
    what = "risk register entry"
    if kind == "project":
        with workspace.reading() as connection:
            registry_access.scoped_project(connection, actor, ref, Action.edit_record)
        return
    country = ref
    if kind in ENTITY_OF:
        row = registry_access.read_entity(workspace, actor, ENTITY_OF[kind], ref)
        country = row.get("host_iso3")
    countries = frozenset({country}) if country else frozenset()
    require(actor, Action.edit_record, Target(countries=countries), what=what, key=key)


def review(
    workspace: Workspace,
    actor: Actor,
    entry_id: int,
    *,
    changes: dict[str, Any],
    note: str | None = None,
) -> dict[str, Any]:
    """Record a review of an entry the actor may edit (role and scope of ``edit_record`` on the
    entry's subject); ``changes`` holds register fields (likelihood, impact, mitigation,
    residual_likelihood, residual_impact, owner, status, review_on)."""
    _require_edit(workspace, actor, entry(workspace, actor, entry_id))
    return risk_register.review(workspace, entry_id, note=note, actor=actor.login, **changes)


def stored_warnings(
    workspace: Workspace, actor: Actor, *, kind: str | None = None, status: str | None = "open"
) -> list[dict[str, Any]]:
    subjects = ScopedSubjects(workspace, actor)
    rows = warnings.stored(workspace, kind=kind, status=status)
    return _kept(
        rows,
        lambda w: (
            subjects.country(w.get("country_iso3"))
            or subjects.readable(w["subject_kind"], w["subject_ref"])
        ),
    )


def incident_rows(
    workspace: Workspace, actor: Actor, *, country: str | None = None
) -> list[dict[str, Any]]:
    """Incidents (with their radius and the assets inside it) the actor may read."""
    subjects = ScopedSubjects(workspace, actor)
    found = incidents.list_incidents(workspace, country=country)
    return _kept(
        found.rows(),
        lambda i: subjects.country(i["country"]) or subjects.readable(*i["subject"].split(":", 1)),
    )


def escalate(workspace: Workspace, actor: Actor) -> risk_register.RegisterView:
    """Escalate every open entry past its threshold or review date, over the whole register:
    a decision on everyone's risks, so it needs ``approve`` on scope all (admins, planners)."""
    require_global(actor, Action.approve, what="escalate the risk register")
    return risk_register.escalate(workspace, actor=actor.login)
