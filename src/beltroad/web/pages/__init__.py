"""Server-rendered pages: one module per page group, each with a ``router``.

A page module declares ``user: PageUser`` (the session's user; no session -> the login page),
calls services with that actor (their permission checks apply), and renders with
:func:`beltroad.web.render.page`. Forms include ``{{ csrf_input }}`` and the handler calls
:func:`beltroad.web.security.check_csrf`. To add a group: a module here, its templates under
``templates/<group>/``, a line in :data:`PAGE_MODULES` and, for the top bar, a
:class:`~beltroad.web.render.NavItem` in ``render.NAV``.
"""

from __future__ import annotations

import importlib

from fastapi import APIRouter

PAGE_MODULES: tuple[str, ...] = (
    "beltroad.web.pages.auth",
    "beltroad.web.pages.docs",
    "beltroad.web.pages.dashboard",
    "beltroad.web.pages.projects",
    "beltroad.web.pages.registry",
    "beltroad.web.pages.work",
    "beltroad.web.pages.control",
    "beltroad.web.pages.risk",
    "beltroad.web.pages.principles",
    "beltroad.web.pages.connectivity",
    "beltroad.web.pages.public",
    "beltroad.web.pages.scenarios",
    "beltroad.web.pages.brief",
    "beltroad.web.pages.safety",
)


def pages_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)
    for name in PAGE_MODULES:
        router.include_router(importlib.import_module(name).router)
    return router
