"""The dashboard: where the portfolio stands, each figure with its rule, base year and sources."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from beltroad.services.dashboard import dashboard_figures
from beltroad.services.headline import headline
from beltroad.services.summary import portfolio_summary
from beltroad.services.world_map import country_shapes
from beltroad.web.api.deps import WorkspaceDep
from beltroad.web.render import page
from beltroad.web.session import PageUser

router = APIRouter()


@router.get("/")
def dashboard(request: Request, ws: WorkspaceDep, user: PageUser) -> Response:
    summary = portfolio_summary(ws)
    figures = dashboard_figures(ws, user)
    context: dict[str, Any] = {
        "summary": summary,
        "headline": headline(ws),
        "figures": figures,
        "sources": [d for d in summary.datasets if d.get("records")],
    }
    return page(request, "dashboard.html", context, user=user)


@router.get("/dashboard/shapes.json")
def shapes(ws: WorkspaceDep, user: PageUser) -> Response:
    """Country outlines for the map (Natural Earth 1:110m from the dataset registry)."""
    return JSONResponse(country_shapes(ws), headers={"Cache-Control": "private, max-age=86400"})
