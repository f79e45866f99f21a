"""Safety for a signed-in user (issue #18 part 3, the safety pages): the role checks in front of
:mod:`beltroad.services.safety`. A country's safety page and an incident's page are read by users
whose scope covers the country (a partner of PAK sees PAK); the alert to the owning units goes
to other people's inboxes, so it needs ``approve`` with scope all (admin, planner)."""

from __future__ import annotations

from typing import Any

from beltroad.services import safety
from beltroad.services.incidents import list_incidents
from beltroad.services.permissions import Action, Actor, covers_all, not_found, read_scope
from beltroad.services.workspace import Workspace


def _may_read_country(actor: Actor, iso3: str) -> bool:
    scope = read_scope(actor)
    return scope.everything or iso3 in scope.countries


def country(workspace: Workspace, actor: Actor, iso3: str) -> dict[str, Any]:
    code = iso3.strip().upper()
    if not _may_read_country(actor, code):
        raise not_found("country", code)
    return safety.country_safety(workspace, code)


def incident(workspace: Workspace, actor: Actor, incident_id: int) -> dict[str, Any]:
    found = list_incidents(workspace, incident_id=incident_id).incidents
    if not found or not _may_read_country(actor, str(found[0]["country_iso3"])):
        raise not_found("incident", incident_id)
    return found[0]


def may_alert(actor: Actor) -> bool:
    return covers_all(actor, Action.approve)


def alert(workspace: Workspace, actor: Actor, incident_id: int) -> dict[str, Any]:
    from beltroad.services.permissions import require_global

    incident(workspace, actor, incident_id)  # exists and is readable
    require_global(actor, Action.approve, what="alert the units owning projects near an incident")
    return safety.alert_owning_units(workspace, incident_id)


__all__ = ["alert", "country", "incident", "may_alert"]
