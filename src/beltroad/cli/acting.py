"""Who a command acts as, for the audit trail: the login named by ``--actor``, else the global
``--as`` user, else the local administrator. Always an existing, active user: an unknown login
is an error naming it, never free text written into the audit log."""

from typing import Any

import typer

from beltroad.errors import InvalidInput, NotFound


def acting_login(ctx: typer.Context, workspace: Any, actor: str | None) -> str:
    from beltroad.cli.main import state
    from beltroad.services.users import resolve_actor

    login = actor if actor is not None else state(ctx).as_login
    try:
        return resolve_actor(workspace, login).login
    except NotFound as exc:
        if login is None:  # no local administrator: the message says to run init
            raise
        field = "--actor" if actor is not None else "--as"
        raise InvalidInput.at(
            "no active user has this login (expected one of `beltroad users list`)",
            field=field,
            value=login,
            hint=exc.hint,
        ) from None
