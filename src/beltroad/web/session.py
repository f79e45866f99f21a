"""Browser sessions: a signed, HttpOnly, SameSite cookie holding an API token.

Logging in through the form calls ``users.login`` (the same per-user lock-out as the API) and
keeps the issued token in the session cookie, so expiry, revocation and deactivation of the
user end the session exactly as they end a token. Pages declare ``user: PageUser``; a request
without a valid session is sent to the login page.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Awaitable, Callable
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from beltroad.errors import Unauthenticated
from beltroad.services.permissions import Actor
from beltroad.services.users import authenticate
from beltroad.settings import Settings
from beltroad.web.api.deps import WorkspaceDep
from beltroad.web.i18n import LOCALE_COOKIE, pick_locale
from beltroad.web.security import CSRF_COOKIE, new_csrf_token

SESSION_COOKIE = "beltroad_session"


def secret_key(settings: Settings) -> str:
    """``web_secret``, or a key generated once into the data folder (shared by workers)."""
    if settings.web_secret:
        return settings.web_secret
    path = Path(settings.data_dir) / "web_secret"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, secrets.token_urlsafe(48).encode())
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
    return path.read_text(encoding="utf-8").strip()


class Cookies:
    """Signing and the cookie attributes of this deployment."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.max_age = settings.token_days * 86_400
        self.tls_proxy = settings.tls_proxy

    @cached_property
    def session(self) -> URLSafeTimedSerializer:
        # Lazily: building an app must not write into the data folder.
        return URLSafeTimedSerializer(secret_key(self.settings), salt="beltroad-session")

    @cached_property
    def csrf(self) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(secret_key(self.settings), salt="beltroad-csrf")

    def secure(self, request: Request) -> bool:
        return self.tls_proxy or request.url.scheme == "https"

    def set(self, request: Request, response: Response, name: str, value: str) -> None:
        response.set_cookie(
            name,
            value,
            max_age=self.max_age,
            httponly=True,
            samesite="lax",
            secure=self.secure(request),
            path="/",
        )

    def load(self, serializer: URLSafeTimedSerializer, raw: str | None) -> Any:
        if not raw:
            return None
        try:
            return serializer.loads(raw, max_age=self.max_age)
        except BadSignature:
            return None


def cookies_of(request: Request) -> Cookies:
    found = request.app.state.cookies
    assert isinstance(found, Cookies)
    return found


def install(app: FastAPI, settings: Settings) -> None:
    """Every request gets ``state.csrf_token`` (a new signed cookie when it has none) and
    ``state.locale``."""
    app.state.cookies = cookies = Cookies(settings)

    @app.middleware("http")
    async def session_state(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        token = cookies.load(cookies.csrf, request.cookies.get(CSRF_COOKIE))
        fresh = not isinstance(token, str)
        request.state.csrf_token = new_csrf_token() if fresh else token
        request.state.locale = pick_locale(
            request.cookies.get(LOCALE_COOKIE), request.headers.get("accept-language")
        )
        response = await call_next(request)
        if fresh and not request.url.path.startswith(("/api", "/static")):
            cookies.set(
                request, response, CSRF_COOKIE, cookies.csrf.dumps(request.state.csrf_token)
            )
        return response


def start_session(request: Request, response: Response, token: str) -> None:
    cookies = cookies_of(request)
    cookies.set(request, response, SESSION_COOKIE, cookies.session.dumps({"token": token}))


def end_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


def session_user(request: Request, ws: WorkspaceDep) -> Actor | None:
    """The logged-in user, or None (no, a forged, an expired or a revoked session)."""
    data = cookies_of(request).load(
        cookies_of(request).session, request.cookies.get(SESSION_COOKIE)
    )
    if not isinstance(data, dict) or not isinstance(data.get("token"), str):
        return None
    try:
        return authenticate(ws, data["token"])
    except Unauthenticated:
        return None


def page_user(user: Annotated[Actor | None, Depends(session_user)]) -> Actor:
    if user is None:
        raise Unauthenticated("please log in", hint="your session is missing or has expired")
    return user


PageUser = Annotated[Actor, Depends(page_user)]
MaybeUser = Annotated[Actor | None, Depends(session_user)]
