"""/docs and /redoc from the installed assets (no CDN; the start-up script is a static file)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from beltroad.web.render import page
from beltroad.web.session import MaybeUser

router = APIRouter()


@router.get("/docs")
def swagger(request: Request, user: MaybeUser) -> Response:
    return page(request, "docs/swagger.html", {}, user=user)


@router.get("/redoc")
def redoc(request: Request, user: MaybeUser) -> Response:
    return page(request, "docs/redoc.html", {}, user=user)
