"""Risk pages: country scores with their components, the risk register with review and
escalation, early warnings and incidents. Reads and reviews go through
:mod:`beltroad.services.risk_views`, which keeps each user to their scope."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from beltroad.errors import DataUnavailable
from beltroad.services import risk_register, risk_views
from beltroad.services.permissions import Action, covers_all, read_scope
from beltroad.web.api.deps import WorkspaceDep
from beltroad.web.pages.forms import fields, optional_integer
from beltroad.web.render import NAV, NavItem, page
from beltroad.web.session import PageUser

router = APIRouter()
NAV.append(NavItem("/risk", "Risk"))
#: Register fields a review form may change, with how each is read.
SCALES = ("likelihood", "impact", "residual_likelihood", "residual_impact")
TEXTS = ("mitigation", "owner", "status", "review_on")


@router.get("/risk")
def country_scores(
    request: Request,
    ws: WorkspaceDep,
    user: PageUser,
    year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
) -> Response:
    unavailable = False
    scores: list[Any] = []
    try:
        scores = risk_views.country_scores(ws, user, year=year)
    except DataUnavailable:  # no indicator data imported yet: say so, do not guess
        unavailable = True
    context = {"scores": scores, "year": year, "unavailable": unavailable}
    return page(request, "risk/scores.html", context, user=user)


@router.get("/risk/register")
def register_page(
    request: Request,
    ws: WorkspaceDep,
    user: PageUser,
    status: str | None = None,
    escalation: bool = False,
) -> Response:
    view = risk_views.register(ws, user, status=status or None, escalation_only=escalation)
    context = {
        "view": view,
        "status": status or "",
        "statuses": risk_register.STATUSES,
        "escalation": escalation,
        "may_escalate": covers_all(user, Action.approve),
    }
    return page(request, "risk/register.html", context, user=user)


@router.post("/risk/register/escalate")
async def register_escalate(request: Request, ws: WorkspaceDep, user: PageUser) -> Response:
    await fields(request)
    risk_views.escalate(ws, user)
    return RedirectResponse("/risk/register?escalation=true", status_code=303)


@router.get("/risk/register/{entry_id}")
def entry_page(request: Request, ws: WorkspaceDep, user: PageUser, entry_id: int) -> Response:
    entry = risk_views.entry(ws, user, entry_id)
    history = risk_views.entry_history(ws, user, entry_id)
    scope = read_scope(user, Action.edit_record)
    context = {
        "entry": entry,
        "history": history,
        "statuses": risk_register.STATUSES,
        "may_review": scope.everything or bool(scope.countries or scope.unit_roots),
    }
    return page(request, "risk/entry.html", context, user=user)


@router.post("/risk/register/{entry_id}")
async def entry_review(
    request: Request, ws: WorkspaceDep, user: PageUser, entry_id: int
) -> Response:
    values = await fields(request)
    changes: dict[str, Any] = {}
    for name in SCALES:
        number = optional_integer(values, name)
        if number is not None:
            changes[name] = number
    for name in TEXTS:
        if values.get(name):
            changes[name] = values[name]
    risk_views.review(ws, user, entry_id, changes=changes, note=values.get("note") or None)
    return RedirectResponse(f"/risk/register/{entry_id}", status_code=303)


@router.get("/risk/warnings")
def warnings_page(
    request: Request,
    ws: WorkspaceDep,
    user: PageUser,
    country: str | None = None,
) -> Response:
    country = (country or "").strip().upper() or None
    context = {
        "warnings": risk_views.stored_warnings(ws, user),
        "incidents": risk_views.incident_rows(ws, user, country=country),
        "country": country or "",
    }
    return page(request, "risk/warnings.html", context, user=user)
