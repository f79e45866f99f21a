"""Overseas safety (issue #18 part 3): a country's safety page (incident history and open early
warnings) and an incident's page (the assets within its radius, and the button that alerts the
owning units through the notifications outbox). Role checks are in
:mod:`beltroad.services.safety_views`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse, Response

from beltroad.services import safety_views
from beltroad.web.api.deps import WorkspaceDep
from beltroad.web.pages.forms import fields
from beltroad.web.render import page
from beltroad.web.session import PageUser

router = APIRouter()
REACH = ("projects", "enterprises", "zones")


@router.get("/safety/country/{iso3}")
def country_page(
    request: Request,
    ws: WorkspaceDep,
    user: PageUser,
    iso3: Annotated[str, Path(min_length=3, max_length=3)],
) -> Response:
    found = safety_views.country(ws, user, iso3)
    return page(request, "safety/country.html", {"found": found}, user=user)


@router.get("/safety/incidents/{incident_id}")
def incident_page(
    request: Request, ws: WorkspaceDep, user: PageUser, incident_id: int, alerted: int = -1
) -> Response:
    incident = safety_views.incident(ws, user, incident_id)
    reach: dict[str, Any] = incident.get("exposure") or {}
    context = {
        "incident": incident,
        "reach": {kind: reach.get(kind, []) for kind in REACH},
        "totals": reach.get("totals", {}),
        "may_alert": safety_views.may_alert(user),
        "alerted": alerted,
    }
    return page(request, "safety/incident.html", context, user=user)


@router.post("/safety/incidents/{incident_id}/alert")
async def incident_alert(
    request: Request, ws: WorkspaceDep, user: PageUser, incident_id: int
) -> Response:
    await fields(request)
    result = safety_views.alert(ws, user, incident_id)
    return RedirectResponse(
        f"/safety/incidents/{incident_id}?alerted={result['queued']}", status_code=303
    )
