"""Users, roles and scopes; argon2 passwords; API tokens; login throttling (issue #15).

Passwords are hashed with argon2id (``argon2-cffi``). API tokens are 256 random bits shown
once; only their SHA-256 is stored (a token has far too much entropy for a slow hash to add
anything, and a fast one keeps every API request cheap). Tokens expire and can be revoked.

The command line acts as the local administrator, ``local-admin``, a real user created by
``beltroad init`` that has no password (it cannot log in to the API).

>>> add_user(workspace, actor, "amina", Role.partner, [("country", "PAK")])  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection

from beltroad.errors import Conflict, InvalidInput, NotFound, TooManyAttempts, Unauthenticated
from beltroad.services import audit_log
from beltroad.services.permissions import (
    SCOPE_KINDS,
    Action,
    Actor,
    Grant,
    Role,
    require_global,
)
from beltroad.services.workspace import Workspace
from beltroad.storage import accounts, registry_reads

LOCAL_ADMIN = "local-admin"
TOKEN_PREFIX = "brt_"  # noqa: S105 (a marker that makes leaked tokens findable, not a secret)
_HASHER = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified against when the login is unknown, so that a wrong login costs as long as a
    wrong password and timing does not tell which logins exist (made on first use)."""
    return _HASHER.hash("not a password of anyone")


MIN_PASSWORD = 10


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput.at(
            f"too short (expected at least {MIN_PASSWORD} characters)", field="password"
        )
    return _HASHER.hash(password)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def local_actor(connection: Connection) -> Actor | None:
    """The local administrator, if this database has one (``beltroad init`` creates it)."""
    if accounts.user(connection, LOCAL_ADMIN) is None:
        return None
    return actor_of(connection, LOCAL_ADMIN)


def ensure_local_admin(connection: Connection, now: dt.datetime) -> int:
    """The local administrator the CLI acts as; created once, by ``beltroad init``."""
    found = accounts.user(connection, LOCAL_ADMIN)
    if found is not None:
        return int(found["id"])
    user_id = accounts.add_user(
        connection,
        login=LOCAL_ADMIN,
        display_name="Local administrator (command line)",
        email=None,
        password_hash=None,
        now=now,
    )
    accounts.add_grant(connection, user_id, Role.admin, "all", None)
    return user_id


def actor_of(connection: Connection, login: str) -> Actor:
    found = accounts.user(connection, login)
    if found is None or not found["is_active"]:
        raise NotFound(f"no active user {login!r}", hint="see `beltroad users list`")
    grants = tuple(
        Grant(Role(role), kind, value)
        for role, kind, value in accounts.grants(connection, int(found["id"]))
        if role in Role.__members__
    )
    return Actor(user_id=int(found["id"]), login=str(found["username"]), grants=grants)


def resolve_actor(workspace: Workspace, login: str | None = None) -> Actor:
    """The user the command line acts as: ``login``, or the local administrator."""
    with workspace.reading() as connection:
        if login is None and accounts.user(connection, LOCAL_ADMIN) is None:
            raise NotFound(
                "the local administrator does not exist in this database",
                hint="run `beltroad init` to create it",
            )
        return actor_of(connection, login or LOCAL_ADMIN)


def parse_scope(text: str) -> tuple[str, str | None]:
    """``country:PAK``, ``unit:12``, ``org:7`` or ``all``."""
    if text == "all":
        return "all", None
    kind, sep, value = text.partition(":")
    if not sep or kind not in SCOPE_KINDS or kind == "all" or not value.strip():
        raise InvalidInput.at(
            "expected all, country:ISO3, unit:ID or org:ID", field="scope", value=text
        )
    value = value.strip()
    if kind == "country":
        value = value.upper()
    elif not value.isdigit():
        raise InvalidInput.at(f"a {kind} scope needs a numeric id", field="scope", value=text)
    return kind, value


def _check_scope_exists(connection: Connection, kind: str, value: str | None) -> None:
    if value is None:
        return
    if not registry_reads.exists(connection, kind, value):
        raise InvalidInput.at(
            f"no {kind} with this code or id", field="scope", value=f"{kind}:{value}"
        )


@dataclass(frozen=True)
class UserView:
    login: str
    display_name: str | None
    email: str | None
    active: bool
    grants: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "login": self.login,
            "display_name": self.display_name,
            "email": self.email,
            "active": self.active,
            "grants": self.grants,
        }


def add_user(
    workspace: Workspace,
    actor: Actor,
    login: str,
    role: Role,
    scopes: Sequence[tuple[str, str | None]] = (),
    *,
    password: str | None = None,
    email: str | None = None,
    display_name: str | None = None,
) -> UserView:
    """Create a user with one role on the given scopes (none: scope all)."""
    require_global(actor, Action.manage_users, what="add users")
    login = login.strip()
    if (
        not login
        or len(login) > 64
        or not login.replace("-", "").replace("_", "").replace(".", "").isalnum()
    ):
        raise InvalidInput.at(
            "expected 1-64 letters, digits, '.', '-' or '_'", field="login", value=login
        )
    wanted = list(scopes) or [("all", None)]
    if role is Role.partner and any(kind != "country" for kind, _ in wanted):
        raise InvalidInput.at(
            "a partner user is scoped to its own country (expected country:ISO3)",
            field="scope",
            value=[f"{k}:{v}" if v else k for k, v in wanted],
        )
    hashed = hash_password(password) if password is not None else None
    now = audit_log.utc_now()
    with workspace.writing() as connection:
        if accounts.user(connection, login) is not None:
            raise Conflict(f"a user {login!r} already exists", hint="choose another login")
        for kind, value in wanted:
            _check_scope_exists(connection, kind, value)
        user_id = accounts.add_user(
            connection,
            login=login,
            display_name=display_name,
            email=email,
            password_hash=hashed,
            now=now,
        )
        for kind, value in wanted:
            accounts.add_grant(connection, user_id, role, kind, value)
        grants = [Grant(role, k, v).label() for k, v in wanted]
        audit_log.record(
            connection,
            actor,
            "create",
            "user",
            login,
            None,
            {"login": login, "email": email, "grants": grants, "password_set": hashed is not None},
            now=now,
        )
    return UserView(login, display_name, email, True, grants)


def list_users(workspace: Workspace, actor: Actor) -> list[UserView]:
    require_global(actor, Action.manage_users, what="list users")
    with workspace.reading() as connection:
        return [
            UserView(
                row["username"],
                row["display_name"],
                row["email"],
                bool(row["is_active"]),
                [
                    Grant(Role(r), k, v).label()
                    for r, k, v in accounts.grants(connection, int(row["id"]))
                    if r in Role.__members__
                ],
            )
            for row in accounts.list_users(connection)
        ]


@dataclass(frozen=True)
class IssuedToken:
    login: str
    token: str  # shown once, never stored
    expires_at: dt.datetime

    def as_dict(self) -> dict[str, Any]:
        return {"login": self.login, "token": self.token, "expires_at": self.expires_at.isoformat()}


def _issue(
    connection: Connection, user_id: int, login: str, days: int, now: dt.datetime
) -> IssuedToken:
    if not 1 <= days <= 3650:
        raise InvalidInput.at("expected 1 to 3650 days", field="expires_days", value=days)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = now + dt.timedelta(days=days)
    accounts.add_token(
        connection,
        user_id=user_id,
        token_hash=token_digest(token),
        prefix=token[:12],
        now=now,
        expires_at=expires,
    )
    return IssuedToken(login, token, expires)


def issue_token(
    workspace: Workspace, actor: Actor, login: str, *, expires_days: int | None = None
) -> IssuedToken:
    """A new API token for ``login`` (an admin, or the user themself)."""
    if login != actor.login:
        require_global(actor, Action.manage_users, what="issue tokens for other users")
    days = expires_days or workspace.settings.token_days
    now = audit_log.utc_now()
    with workspace.writing() as connection:
        found = accounts.user(connection, login)
        if found is None:
            raise NotFound(f"no user {login!r}", hint="see `beltroad users list`")
        issued = _issue(connection, int(found["id"]), login, days, now)
        audit_log.record(
            connection,
            actor,
            "issue_token",
            "user",
            login,
            None,
            {"prefix": issued.token[:12], "expires_at": issued.expires_at.isoformat()},
            now=now,
        )
    return issued


def revoke_tokens(workspace: Workspace, actor: Actor, login: str) -> int:
    """Revoke every live token of ``login``; returns how many."""
    if login != actor.login:
        require_global(actor, Action.manage_users, what="revoke other users' tokens")
    now = audit_log.utc_now()
    with workspace.writing() as connection:
        found = accounts.user(connection, login)
        if found is None:
            raise NotFound(f"no user {login!r}", hint="see `beltroad users list`")
        revoked = accounts.revoke_tokens(connection, int(found["id"]), now)
        audit_log.record(
            connection, actor, "revoke_tokens", "user", login, None, {"revoked": revoked}, now=now
        )
    return revoked


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite gives back naive UTC timestamps."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


def authenticate(workspace: Workspace, token: str, *, now: dt.datetime | None = None) -> Actor:
    """The user a bearer token belongs to; missing, wrong, expired and revoked tokens fail
    alike, as far as the client can tell."""
    now = now or audit_log.utc_now()
    refused = Unauthenticated(
        "a valid API token is needed",
        hint="send Authorization: Bearer TOKEN (tokens from `beltroad users token LOGIN` or "
        "POST /api/v1/auth/login)",
    )
    if not token.startswith(TOKEN_PREFIX):
        raise refused
    with workspace.reading() as connection:
        found = accounts.token(connection, token_digest(token))
        if (
            found is None
            or found["revoked_at"] is not None
            or (_aware(found["expires_at"]) or now) <= now
            or not found["is_active"]
        ):
            raise refused
        return actor_of(connection, str(found["username"]))


def login(
    workspace: Workspace,
    login_name: str,
    password: str,
    *,
    address: str | None = None,
    now: dt.datetime | None = None,
) -> IssuedToken:
    """Check a password and issue a token. After too many failures for one login, or from one
    client ``address`` (whatever logins it tries), refuse for a while."""
    settings = workspace.settings
    now = now or audit_log.utc_now()
    wrong = Unauthenticated("wrong login or password")
    with workspace.writing() as connection:
        if address is not None:
            _refuse_locked_address(connection, address, now)
        found = accounts.user(connection, login_name)
        if found is None or not found["is_active"] or not found["password_hash"]:
            _verify(_dummy_hash(), password)  # the same time as a wrong password
            failed = wrong
        else:
            locked = _aware(found["locked_until"])
            if locked is not None and locked > now:
                wait = int((locked - now).total_seconds()) + 1
                raise TooManyAttempts(
                    f"too many failed logins for {login_name}; try again in {wait} s",
                    hint="an administrator can reset the password meanwhile",
                    retry_after=wait,
                )
            if _verify(str(found["password_hash"]), password):
                accounts.set_login_state(
                    connection,
                    int(found["id"]),
                    failed_logins=0,
                    last_failed_at=None,
                    locked_until=None,
                )
                return _issue(connection, int(found["id"]), login_name, settings.token_days, now)
            failures = int(found["failed_logins"] or 0) + 1
            lock = None
            if failures >= settings.login_max_failures:
                lock, failures = now + dt.timedelta(minutes=settings.login_lockout_minutes), 0
            accounts.set_login_state(
                connection,
                int(found["id"]),
                failed_logins=failures,
                last_failed_at=now,
                locked_until=lock,
            )
            failed = wrong
        if address is not None:
            _count_address_failure(
                connection,
                address,
                now,
                limit=settings.login_max_failures_per_address,
                window=dt.timedelta(minutes=settings.login_lockout_minutes),
            )
    raise failed  # after the commit: the failure counts must be kept


def _refuse_locked_address(connection: Any, address: str, now: dt.datetime) -> None:
    state = accounts.address_throttle(connection, address)
    locked = _aware(state["locked_until"]) if state else None
    if locked is not None and locked > now:
        wait = int((locked - now).total_seconds()) + 1
        raise TooManyAttempts(
            f"too many failed logins from this address; try again in {wait} s",
            hint="wait, or ask an administrator",
            retry_after=wait,
        )


def _count_address_failure(
    connection: Any, address: str, now: dt.datetime, *, limit: int, window: dt.timedelta
) -> None:
    """One more failure from ``address``; failures older than the lockout window are
    forgotten, and reaching the limit locks the address for that window."""
    state = accounts.address_throttle(connection, address) or {}
    last = _aware(state.get("last_failed_at"))
    failures = int(state.get("failures") or 0) if last and now - last < window else 0
    failures += 1
    lock = None
    if failures >= limit:
        lock, failures = now + window, 0
    accounts.set_address_throttle(
        connection, address, failures=failures, last_failed_at=now, locked_until=lock
    )


def _verify(hashed: str, password: str) -> bool:
    try:
        return _HASHER.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False
