"""Users, their roles and scopes, API tokens and login throttling (issue #15)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from beltroad.storage import coordination_models as cm
from beltroad.storage import management_models as mm
from beltroad.storage import models
from beltroad.storage.upsert import upsert


def _user_row(connection: Connection, where: Any) -> dict[str, Any] | None:
    u = models.User
    row = connection.execute(
        select(
            u.id,
            u.username,
            u.display_name,
            u.password_hash,
            u.is_active,
            u.email,
            u.failed_logins,
            u.last_failed_at,
            u.locked_until,
            u.version,
        ).where(where)
    ).first()
    return None if row is None else dict(row._mapping)


def user(connection: Connection, login: str) -> dict[str, Any] | None:
    return _user_row(connection, models.User.username == login)


def user_by_id(connection: Connection, user_id: int) -> dict[str, Any] | None:
    return _user_row(connection, models.User.id == user_id)


def grants(connection: Connection, user_id: int) -> list[tuple[str, str, str | None]]:
    ur, s = models.UserRole, models.Scope
    rows = connection.execute(
        select(ur.role_name, s.kind, s.value)
        .join(s, s.id == ur.scope_id)
        .where(ur.user_id == user_id)
        .order_by(ur.role_name, s.kind, s.value)
    )
    return [(r.role_name, r.kind, None if r.kind == "all" else r.value) for r in rows]


def add_user(
    connection: Connection,
    *,
    login: str,
    display_name: str | None,
    email: str | None,
    password_hash: str | None,
    now: dt.datetime,
) -> int:
    return int(
        connection.execute(
            insert(models.User)
            .values(
                username=login,
                display_name=display_name,
                email=email,
                password_hash=password_hash,
                is_active=True,
                created_at=now,
                failed_logins=0,
                version=1,
            )
            .returning(models.User.id)
        ).scalar_one()
    )


def scope_id(connection: Connection, kind: str, value: str | None) -> int:
    """The id of the (kind, value) scope, created if new ("all" is stored as all:*)."""
    s = models.Scope
    if kind == "all":
        value = "*"
    found = connection.execute(
        select(s.id).where(s.kind == kind, s.value.is_(None) if value is None else s.value == value)
    ).scalar()
    if found is not None:
        return int(found)
    return int(
        connection.execute(insert(s).values(kind=kind, value=value).returning(s.id)).scalar_one()
    )


def add_grant(
    connection: Connection, user_id: int, role: str, kind: str, value: str | None
) -> None:
    ur = models.UserRole
    sid = scope_id(connection, kind, value)
    exists = connection.execute(
        select(ur.user_id).where(ur.user_id == user_id, ur.role_name == role, ur.scope_id == sid)
    ).first()
    if exists is None:
        connection.execute(insert(ur).values(user_id=user_id, role_name=role, scope_id=sid))


def clear_grants(connection: Connection, user_id: int) -> None:
    connection.execute(delete(models.UserRole).where(models.UserRole.user_id == user_id))


def list_users(connection: Connection) -> list[dict[str, Any]]:
    u = models.User
    rows = connection.execute(
        select(u.id, u.username, u.display_name, u.email, u.is_active, u.created_at).order_by(
            u.username
        )
    )
    return [dict(r._mapping) for r in rows]


def users_with_role(connection: Connection, roles: tuple[str, ...]) -> list[dict[str, Any]]:
    """Active users holding any of ``roles``, with the scope of each grant."""
    u, ur, s = models.User, models.UserRole, models.Scope
    rows = connection.execute(
        select(u.id, u.username, u.email, ur.role_name, s.kind, s.value)
        .join(ur, ur.user_id == u.id)
        .join(s, s.id == ur.scope_id)
        .where(ur.role_name.in_(roles), u.is_active.is_(True))
        .order_by(u.username)
    )
    return [dict(r._mapping) for r in rows]


def set_login_state(
    connection: Connection,
    user_id: int,
    *,
    failed_logins: int,
    last_failed_at: dt.datetime | None,
    locked_until: dt.datetime | None,
) -> None:
    connection.execute(
        update(models.User)
        .where(models.User.id == user_id)
        .values(
            failed_logins=failed_logins, last_failed_at=last_failed_at, locked_until=locked_until
        )
    )


def set_password(connection: Connection, user_id: int, password_hash: str) -> None:
    u = models.User
    connection.execute(
        update(u).where(u.id == user_id).values(password_hash=password_hash, version=u.version + 1)
    )


def add_token(
    connection: Connection,
    *,
    user_id: int,
    token_hash: str,
    prefix: str,
    now: dt.datetime,
    expires_at: dt.datetime,
) -> int:
    t = cm.ApiToken
    return int(
        connection.execute(
            insert(t)
            .values(
                user_id=user_id,
                token_hash=token_hash,
                prefix=prefix,
                created_at=now,
                expires_at=expires_at,
            )
            .returning(t.id)
        ).scalar_one()
    )


def token(connection: Connection, token_hash: str) -> dict[str, Any] | None:
    t, u = cm.ApiToken, models.User
    row = connection.execute(
        select(t.id, t.user_id, t.expires_at, t.revoked_at, u.username, u.is_active)
        .join(u, u.id == t.user_id)
        .where(t.token_hash == token_hash)
    ).first()
    return None if row is None else dict(row._mapping)


def revoke_tokens(connection: Connection, user_id: int, now: dt.datetime) -> int:
    t = cm.ApiToken
    result = connection.execute(
        update(t).where(t.user_id == user_id, t.revoked_at.is_(None)).values(revoked_at=now)
    )
    return int(result.rowcount or 0)


def tokens_of(connection: Connection, user_id: int) -> list[dict[str, Any]]:
    t = cm.ApiToken
    rows = connection.execute(
        select(t.id, t.prefix, t.created_at, t.expires_at, t.revoked_at)
        .where(t.user_id == user_id)
        .order_by(t.id)
    )
    return [dict(r._mapping) for r in rows]


def address_throttle(connection: Connection, address: str) -> dict[str, Any] | None:
    """Failed logins from one client address (migration 0012_gaps)."""
    t = mm.LoginThrottle
    row = connection.execute(
        select(t.failures, t.last_failed_at, t.locked_until).where(t.address == address)
    ).first()
    return None if row is None else dict(row._mapping)


def set_address_throttle(
    connection: Connection,
    address: str,
    *,
    failures: int,
    last_failed_at: dt.datetime | None,
    locked_until: dt.datetime | None,
) -> None:
    # an upsert: two failures from one address at once must not clash on the key
    upsert(
        connection,
        models.table(mm.LoginThrottle),
        [
            {
                "address": address,
                "failures": failures,
                "last_failed_at": last_failed_at,
                "locked_until": locked_until,
            }
        ],
        ["address"],
    )
