"""FastAPI application factory. Routes are thin: parse, call one services function, render."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from beltroad.errors import (
    BeltroadError,
    Conflict,
    DataNotImported,
    DataUnavailable,
    InvalidInput,
    NotFound,
    PermissionDenied,
    TooManyAttempts,
    Unauthenticated,
)
from beltroad.services.summary import portfolio_summary
from beltroad.services.workspace import Workspace, check_schema, open_workspace
from beltroad.settings import Settings
from beltroad.web import security, session
from beltroad.web.api import api_router
from beltroad.web.pages import pages_router
from beltroad.web.render import page

STATIC = Path(__file__).with_name("static")
log = logging.getLogger("beltroad.web")

STATUS = (
    (Unauthenticated, 401),
    (TooManyAttempts, 429),
    (InvalidInput, 422),
    (NotFound, 404),
    (PermissionDenied, 403),
    (Conflict, 409),
    (DataNotImported, 409),
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


def create_app(settings: Settings, *, scheduler: str | None = None) -> FastAPI:
    """Build the app for ``settings``; the database is opened at start-up, not at import.
    ``scheduler`` (a Dask address) is where background stress jobs run their chunks."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from beltroad.services.jobs import JobPool

        app.state.workspace = open_workspace(settings)
        app.state.scheduler = scheduler
        app.state.job_pool = JobPool(settings)
        try:
            yield
        finally:
            # Shutdown does not wait here for a running stress job (its thread finishes it).
            app.state.job_pool.close(wait=False)
            app.state.workspace.close()

    # /docs and /redoc are pages of our own (web/pages/docs.py): FastAPI's load from a CDN.
    app = FastAPI(
        title="beltroad", version="0.1.0", lifespan=lifespan, docs_url=None, redoc_url=None
    )
    # Order matters: the last installed runs first, so the host check sees every request.
    session.install(app, settings)
    security.install(app, settings)
    app.mount("/static", StaticFiles(directory=str(STATIC), check_dir=False), name="static")

    @app.exception_handler(BeltroadError)
    async def on_error(request: Request, exc: BeltroadError) -> Any:
        status = status_for(exc)
        body = {"error": type(exc).__name__, "message": exc.message, "hint": exc.hint}
        if isinstance(exc, DataUnavailable) and not isinstance(exc, DataNotImported):
            # The message names the database's host, user or file: the server's log gets it,
            # a client does not.
            log.warning("data unavailable: %s", exc.message)
            body = {
                "error": "DataUnavailable",
                "message": "the service's data store is unavailable",
                "hint": "try again later",
            }
        headers = {}
        if isinstance(exc, Unauthenticated):
            headers["WWW-Authenticate"] = "Bearer"
        if isinstance(exc, TooManyAttempts):
            headers["Retry-After"] = str(exc.retry_after)
        if request.url.path.startswith("/api"):
            return JSONResponse(body, status_code=status, headers=headers)
        if isinstance(exc, Unauthenticated):
            # A page without a session: to the login form, then back here.
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
        return page(
            request,
            "error.html",
            {"error": body, "status": status, "shown": _shown(request, body, exc)},
            user=None,
            status_code=status,
        )

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, exc: RequestValidationError) -> Any:
        if request.url.path.startswith("/api"):
            return await request_validation_exception_handler(request, exc)
        # A page's query or form rejected: the same error page as every other, naming the
        # fields and what was expected.
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ())[1:])}: {e.get('msg', '')}"
            for e in exc.errors()
        )
        body = {"error": "InvalidInput", "message": problems, "hint": None}
        return page(
            request,
            "error.html",
            {"error": body, "status": 422, "shown": _shown(request, body, None)},
            user=None,
            status_code=422,
        )

    @app.exception_handler(OverflowError)
    async def on_overflow(request: Request, exc: OverflowError) -> Any:
        # SQLite stores integers in 64 bits: a larger id or number in a request cannot match
        # anything and must not be a server error (found by the schemathesis run).
        body = {
            "error": "InvalidInput",
            "message": "a number in the request is out of range (at most 9223372036854775807)",
            "hint": None,
        }
        if request.url.path.startswith("/api"):
            return JSONResponse(body, status_code=422)
        return page(
            request,
            "error.html",
            {"error": body, "status": 422, "shown": _shown(request, body, None)},
            user=None,
            status_code=422,
        )

    @app.get("/api/health")
    def health() -> dict[str, str]:
        """Liveness: the process answers. Readiness (the database) is /api/ready."""
        return {"status": "ok"}

    @app.get("/api/ready")
    def ready(ws: WorkspaceDep) -> dict[str, str]:
        """Readiness: the database answers and its schema is current (503 otherwise)."""
        check_schema(ws)
        return {"status": "ready"}

    @app.get("/api/summary")
    def summary(ws: WorkspaceDep) -> dict[str, Any]:
        # Without ``database``: its URL tells a client the file path or the server's user,
        # host, port and name.
        return {k: v for k, v in portfolio_summary(ws).as_dict().items() if k != "database"}

    app.include_router(api_router())
    app.include_router(pages_router())
    return app


def _shown(request: Request, body: dict[str, Any], exc: BeltroadError | None) -> Any:
    """The error in the page's language (web/error_text.py)."""
    from beltroad.web import i18n
    from beltroad.web.error_text import shown

    language = getattr(request.state, "locale", i18n.DEFAULT)
    return shown(body, exc, i18n.gettext_for(language).gettext)
