"""Connectivity (issue #18 part 2, the route part): the sea route between two ports with chosen
passages closed, beside the route on the open network — distance, days and fuel before and
after, and the passages each crosses. The route reads no portfolio record, so every signed-in
user may ask for one; the closure cost uses the voyage assumptions shown with it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from beltroad.reference.passages import SEAROUTE_KEYS, passage_by_key
from beltroad.services import connectivity, exposure
from beltroad.services.permissions import Action, require_global
from beltroad.services.vessels import vessel_catalogue
from beltroad.web.api.deps import WorkspaceDep
from beltroad.web.render import NAV, NavItem, page
from beltroad.web.session import PageUser

router = APIRouter()
NAV.append(NavItem("/connectivity", "Connectivity"))


@router.get("/connectivity")
def route_page(
    request: Request,
    ws: WorkspaceDep,
    user: PageUser,
    origin: Annotated[str, Query(alias="from", max_length=80)] = "",
    destination: Annotated[str, Query(alias="to", max_length=80)] = "",
    close: Annotated[list[str] | None, Query(max_length=40)] = None,
    vessel: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    closed = [c for c in close or [] if c]
    result = None
    before = None
    ship = vessel.strip() or None
    if origin.strip() and destination.strip():
        found = connectivity.route(
            ws, origin.strip(), destination.strip(), close=closed or None, vessel=ship
        )
        result = found.as_dict()
        # The map draws the open network's line too (for this vessel class): one more route.
        before = result["geometry"]
        if closed:
            before = connectivity.route(
                ws, origin.strip(), destination.strip(), vessel=ship
            ).as_dict()["geometry"]
    passages = [(key, passage_by_key(key).name) for key in SEAROUTE_KEYS]
    context = {
        "vessel": ship or "",
        "vessels": [(v.key, v.name) for v in vessel_catalogue().vessels.values()],
        "before": before,
        "origin": origin,
        "destination": destination,
        "closed": set(closed),
        "passages": passages,
        "groups": connectivity.CLOSURE_GROUPS,
        "result": result,
    }
    return page(request, "connectivity/route.html", context, user=user)


@router.get("/connectivity/exposure")
def exposure_page(
    request: Request,
    ws: WorkspaceDep,
    user: PageUser,
    close: Annotated[list[str] | None, Query(max_length=40)] = None,
) -> Response:
    """The exposure table of one closure (the chosen passages closed together): ports, projects,
    countries and corridors. It adds up the whole portfolio, so it is for scope all."""
    require_global(user, Action.read, what="see the portfolio's exposure to a closure")
    closed = [c for c in close or [] if c]
    found = None
    if closed:
        found = exposure.exposure(ws, close=[",".join(closed)]).as_dict()
    passages = [(key, passage_by_key(key).name) for key in SEAROUTE_KEYS]
    context = {
        "closed": set(closed),
        "passages": passages,
        "groups": connectivity.CLOSURE_GROUPS,
        "found": found,
    }
    return page(request, "connectivity/exposure.html", context, user=user)
