"""Hardening of the web application: allowed hosts, security headers, CSRF, login throttling.

Sessions themselves are in :mod:`beltroad.web.session`; who may see what is decided by
:mod:`beltroad.services.permissions` inside every service call.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.responses import PlainTextResponse

from beltroad.errors import InvalidInput, TooManyAttempts
from beltroad.settings import Settings

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "[::1]", "::1"})

#: No inline script anywhere (JS lives in static files). Inline *styles* stay allowed: ECharts,
#: Swagger UI and ReDoc set style attributes and ReDoc injects <style> elements; ReDoc's
#: search runs in a blob: worker.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src 'self' blob:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}

CSRF_COOKIE = "beltroad_csrf"
CSRF_FIELD = "csrf_token"


def allowed_hosts(settings: Settings) -> frozenset[str] | None:
    """The Host names answered; None when any is (``*``)."""
    if "*" in settings.allowed_hosts:
        return None
    names = {h.lower() for h in settings.allowed_hosts} | LOOPBACK_NAMES
    if settings.host not in ("0.0.0.0", "::"):  # noqa: S104 - a comparison, not a bind
        names.add(settings.host.lower())
    return frozenset(names)


def host_name(header: str) -> str:
    """``example.org:8000`` -> ``example.org``; ``[::1]:8000`` -> ``[::1]``."""
    header = header.strip().lower()
    if header.startswith("["):
        return header.split("]", 1)[0] + "]"
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def is_loopback(host: str) -> bool:
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def install(app: FastAPI, settings: Settings) -> None:
    """Host check and security headers on every answer, static files and errors included."""
    hosts = allowed_hosts(settings)

    @app.middleware("http")
    async def harden(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        if hosts is not None and host_name(request.headers.get("host", "")) not in hosts:
            answer: Response = PlainTextResponse(
                "400: this server does not answer to that Host header "
                "(add it to the allowed_hosts setting)",
                status_code=400,
            )
        else:
            answer = await call_next(request)
        for name, value in HEADERS.items():
            answer.headers.setdefault(name, value)
        return answer


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def check_csrf(request: Request, submitted: str | None) -> None:
    """Double-submit check: the form's token must equal the signed cookie's (see session)."""
    expected = getattr(request.state, "csrf_token", None)
    if not expected or not submitted or not hmac.compare_digest(str(expected), submitted):
        raise InvalidInput.at(
            "the form's security token is missing or stale",
            field=CSRF_FIELD,
            hint="reload the page and submit the form again",
        )


class LoginThrottle:
    """Failed logins per client address in a sliding window, in this process.

    The per-user lock-out is the service's (``users.login``); this one stops one address from
    trying many users. Each worker process counts on its own, which bounds the total too.
    """

    def __init__(self, limit: int = 20, window_s: float = 600.0) -> None:
        self.limit = limit
        self.window_s = window_s
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, address: str, now: float) -> deque[float]:
        seen = self._failures.setdefault(address, deque())
        while seen and seen[0] <= now - self.window_s:
            seen.popleft()
        return seen

    def check(self, address: str) -> None:
        now = time.monotonic()
        with self._lock:
            seen = self._recent(address, now)
            if len(seen) >= self.limit:
                wait = int(seen[0] + self.window_s - now) + 1
                raise TooManyAttempts(
                    f"too many failed logins from this address; try again in {wait} s",
                    retry_after=wait,
                )

    def failed(self, address: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._recent(address, now).append(now)
            if len(self._failures) > 10_000:  # bounded memory under a spray of addresses
                oldest = next(iter(self._failures))
                del self._failures[oldest]
