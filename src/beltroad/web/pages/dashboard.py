"""The dashboard: where the portfolio stands, each figure with its rule, base year and sources."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from beltroad.services.summary import portfolio_summary
from beltroad.web.api.deps import WorkspaceDep
from beltroad.web.render import page
from beltroad.web.session import PageUser

router = APIRouter()


@router.get("/")
def dashboard(request: Request, ws: WorkspaceDep, user: PageUser) -> Response:
    return page(request, "dashboard.html", {"summary": portfolio_summary(ws)}, user=user)
