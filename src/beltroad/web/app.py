"""FastAPI application factory. Routes are thin: parse, call one services function, render."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates

from beltroad.errors import (
    BeltroadError,
    Conflict,
    DataUnavailable,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from beltroad.services.summary import portfolio_summary
from beltroad.services.workspace import Workspace, open_workspace
from beltroad.settings import Settings

TEMPLATES = Path(__file__).with_name("templates")

STATUS = (
    (InvalidInput, 422),
    (NotFound, 404),
    (PermissionDenied, 403),
    (Conflict, 409),
    (DataUnavailable, 503),
)


def status_for(exc: BeltroadError) -> int:
    for kind, status in STATUS:
        if isinstance(exc, kind):
            return status
    return 500


def workspace(request: Request) -> Workspace:
    """The app's open workspace (set up by the lifespan handler)."""
    ws = request.app.state.workspace
    assert isinstance(ws, Workspace)
    return ws


WorkspaceDep = Annotated[Workspace, Depends(workspace)]


def create_app(settings: Settings) -> FastAPI:
    """Build the app for ``settings``; the database is opened at start-up, not at import."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.workspace = open_workspace(settings)
        try:
            yield
        finally:
            app.state.workspace.close()

    app = FastAPI(title="beltroad", version="0.1.0", lifespan=lifespan)
    templates = Jinja2Templates(directory=str(TEMPLATES))

    @app.exception_handler(BeltroadError)
    async def on_error(request: Request, exc: BeltroadError) -> Any:
        status = status_for(exc)
        body = {"error": type(exc).__name__, "message": exc.message, "hint": exc.hint}
        if request.url.path.startswith("/api"):
            return JSONResponse(body, status_code=status)
        return templates.TemplateResponse(
            request, "error.html", {"error": body, "status": status}, status_code=status
        )

    @app.get("/api/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/api/summary")
    def summary(ws: WorkspaceDep) -> dict[str, Any]:
        return portfolio_summary(ws).as_dict()

    @app.get("/", response_class=HTMLResponse)
    def home(request: Request, ws: WorkspaceDep) -> Any:
        return templates.TemplateResponse(request, "home.html", {"summary": portfolio_summary(ws)})

    return app
