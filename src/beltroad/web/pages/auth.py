"""Log in, log out and choose the language."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from beltroad.errors import InvalidInput, TooManyAttempts, Unauthenticated
from beltroad.services import users
from beltroad.web.api.deps import WorkspaceDep
from beltroad.web.i18n import LANGUAGES, LOCALE_COOKIE
from beltroad.web.render import page
from beltroad.web.security import CSRF_FIELD, LoginThrottle, check_csrf
from beltroad.web.session import MaybeUser, cookies_of, end_session, start_session

router = APIRouter()
throttle = LoginThrottle()


def safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/login")
def login_form(request: Request, user: MaybeUser, next: str = "/") -> Response:
    return page(request, "login.html", {"next": safe_next(next), "error": None}, user=user)


@router.post("/login")
def login_submit(
    request: Request,
    ws: WorkspaceDep,
    login: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "",
) -> Response:
    address = request.client.host if request.client else "unknown"
    try:
        check_csrf(request, csrf_token)
        throttle.check(address)
        issued = users.login(ws, login, password)
    except (Unauthenticated, TooManyAttempts) as exc:
        if not isinstance(exc, TooManyAttempts):
            throttle.failed(address)
        status = 429 if isinstance(exc, TooManyAttempts) else 401
        context: dict[str, object] = {"next": safe_next(next), "error": exc, "login": login}
        answer = page(request, "login.html", context, user=None, status_code=status)
        if isinstance(exc, TooManyAttempts):
            answer.headers["Retry-After"] = str(exc.retry_after)
        return answer
    except InvalidInput as exc:
        context = {"next": safe_next(next), "error": exc, "login": login}
        return page(request, "login.html", context, user=None, status_code=400)
    response = RedirectResponse(safe_next(next), status_code=303)
    start_session(request, response, issued.token)
    return response


@router.post("/logout")
def logout(request: Request, csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "") -> Response:
    check_csrf(request, csrf_token)
    response = RedirectResponse("/login", status_code=303)
    end_session(response)
    return response


@router.get("/lang/{code}")
def choose_language(request: Request, code: str, next: str = "/") -> Response:
    """Switch the page language and remember it (a cookie; no state on the server)."""
    response = RedirectResponse(safe_next(next), status_code=303)
    if code in LANGUAGES:
        cookies_of(request).set(request, response, LOCALE_COOKIE, code)
    return response
