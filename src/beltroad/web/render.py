"""Rendering pages: one Jinja2 environment, and the context every page template gets.

Every page passes through :func:`page`, which adds the translator ``_``, the language, the
formatters, the CSRF field, the navigation for the user's roles and whether the front-end
assets are installed (the layout says how to fetch them when they are not).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from beltroad.services.permissions import Action, Actor, covers_all
from beltroad.web import i18n
from beltroad.web.assets import missing
from beltroad.web.security import CSRF_FIELD

TEMPLATES = Path(__file__).with_name("templates")


@dataclass(frozen=True)
class NavItem:
    path: str
    label: str  # English source text; translated in the layout
    action: Action | None = None  # shown when the user may do this with scope all


#: The top bar (docs/ui.md). Pages of other groups add themselves here as they arrive.
NAV: list[NavItem] = [
    NavItem("/", "Dashboard"),
    NavItem("/projects", "Projects"),
]


@lru_cache(maxsize=1)
def templates() -> Jinja2Templates:
    found = Jinja2Templates(directory=str(TEMPLATES))
    found.env.autoescape = True
    return found


@lru_cache(maxsize=1)
def assets_missing() -> tuple[str, ...]:
    # Checked once per process: assets are installed before the server starts.
    return tuple(missing())


def nav_for(user: Actor | None) -> list[NavItem]:
    if user is None:
        return []
    return [n for n in NAV if n.action is None or covers_all(user, n.action)]


def page(
    request: Request,
    name: str,
    context: dict[str, Any],
    *,
    user: Actor | None,
    status_code: int = 200,
) -> HTMLResponse:
    language = getattr(request.state, "locale", i18n.DEFAULT)
    translator = i18n.gettext_for(language)
    csrf = getattr(request.state, "csrf_token", "")
    base = {
        "_": translator.gettext,
        "lang": language,
        "languages": i18n.LANGUAGE_NAMES,
        "user": user,
        "nav": nav_for(user),
        "path": request.url.path,
        "csrf_token": csrf,
        "csrf_input": Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, csrf),
        "num": lambda v, d=0: i18n.number(v, language, d),
        "money": lambda v, cur="USD", year=None: i18n.money(v, cur, language, year),
        "date": lambda v: i18n.date(v, language),
        "assets_missing": assets_missing(),
        "public_mode": _public_mode(request),
    }
    return templates().TemplateResponse(request, name, {**base, **context}, status_code=status_code)


def _public_mode(request: Request) -> bool:
    """Whether the read-only public pages are on (the login page links to them)."""
    workspace = getattr(request.app.state, "workspace", None)
    return bool(workspace is not None and workspace.settings.public_mode)
