"""``beltroad users``, ``audit``, ``freeze``/``unfreeze`` and ``notifications`` (issue #15).

Every command acts as the local administrator, or as the user named by the global ``--as``.
"""

import datetime as dt
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer

from beltroad.cli.output import Format, FormatOption, emit
from beltroad.errors import InvalidInput

#: Service field names -> the flags that feed them, for error messages.
FLAGS = {
    "scope": "--scope",
    "password": "--password-stdin",
    "expires_days": "--expires-days",
    "since": "--since",
    "period": "PERIOD",
}


@contextmanager
def session(ctx: typer.Context) -> Iterator[tuple[Any, Any]]:
    """The open workspace and the acting user; field names in errors become flag names."""
    from beltroad.cli.main import state
    from beltroad.services.users import resolve_actor
    from beltroad.services.workspace import open_workspace

    st = state(ctx)
    workspace = open_workspace(st.settings())
    try:
        actor = resolve_actor(workspace, st.as_login)
        try:
            yield workspace, actor
        except InvalidInput as exc:
            raise _with_flags(exc) from None
    finally:
        workspace.close()


def _with_flags(exc: InvalidInput) -> InvalidInput:
    message = exc.message
    for problem in exc.problems:
        flag = FLAGS.get(problem.field or "") or (
            f"--{problem.field.replace('_', '-')}" if problem.field else None
        )
        if flag and problem.field and f"field {problem.field}" in message:
            message = message.replace(f"field {problem.field}", flag)
    return InvalidInput(message, hint=exc.hint, problems=exc.problems)


def run(ctx: typer.Context, call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    with session(ctx) as (workspace, actor):
        return call(workspace, actor, *args, **kwargs)


users_app = typer.Typer(
    rich_markup_mode=None, help="Users, roles, scopes and API tokens.", no_args_is_help=True
)
audit_app = typer.Typer(
    rich_markup_mode=None, help="The hash-chained audit log: list and verify.", no_args_is_help=True
)
notify_app = typer.Typer(
    rich_markup_mode=None, help="The notification outbox.", no_args_is_help=True
)


@users_app.command("add")
def users_add(
    ctx: typer.Context,
    login: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[
        str, typer.Option("--role", help="admin, planner, coordinator, partner, viewer.")
    ],
    scope: Annotated[
        list[str] | None,
        typer.Option("--scope", help="country:ISO3, unit:ID or org:ID (repeatable; default all)."),
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    email: Annotated[str | None, typer.Option("--email", help="Mail for notifications.")] = None,
    name: Annotated[str | None, typer.Option("--name", help="Display name.")] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Add a user with a role on one or more scopes."""
    from beltroad.services.permissions import Role
    from beltroad.services.users import add_user, parse_scope

    if role not in Role.__members__:
        raise InvalidInput.at(f"expected one of {', '.join(Role)}", field="--role", value=role)
    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    with session(ctx) as (workspace, actor):
        scopes = [parse_scope(s) for s in scope or []]
        view = add_user(
            workspace,
            actor,
            login,
            Role(role),
            scopes,
            password=password,
            email=email,
            display_name=name,
        )
    emit(view.as_dict(), [view.as_dict() | {"grants": ", ".join(view.grants)}], fmt, title="user")


@users_app.command("list")
def users_list(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """List users with their roles and scopes."""
    from beltroad.services.users import list_users

    views = [v.as_dict() for v in run(ctx, list_users)]
    emit(views, [v | {"grants": ", ".join(v["grants"])} for v in views], fmt, title="users")


@users_app.command("token")
def users_token(
    ctx: typer.Context,
    login: Annotated[str, typer.Argument(help="Whose token.")],
    expires_days: Annotated[
        int | None, typer.Option("--expires-days", help="Days it lasts (default: setting).")
    ] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Issue a new API token; it is printed once and stored only as a hash."""
    from beltroad.services.users import issue_token

    issued = run(ctx, issue_token, login, expires_days=expires_days)
    emit(issued.as_dict(), [issued.as_dict()], fmt, title="API token (shown once)")


@users_app.command("revoke")
def users_revoke(
    ctx: typer.Context,
    login: Annotated[str, typer.Argument(help="Whose tokens.")],
    fmt: FormatOption = Format.table,
) -> None:
    """Revoke every live API token of a user."""
    from beltroad.services.users import revoke_tokens

    n = run(ctx, revoke_tokens, login)
    emit({"login": login, "revoked": n}, [{"login": login, "revoked": n}], fmt)


@audit_app.command("list")
def audit_list(
    ctx: typer.Context,
    entity: Annotated[str | None, typer.Option("--entity", help="project, task, user, ...")] = None,
    entity_id: Annotated[str | None, typer.Option("--id", help="One record's id.")] = None,
    user: Annotated[str | None, typer.Option("--user", help="Only this user's events.")] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="From this date, YYYY-MM-DD.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000, help="At most N.")] = 100,
    fmt: FormatOption = Format.table,
) -> None:
    """Audit events, newest first."""
    from beltroad.services.audit_log import list_events

    start = None
    if since is not None:
        try:
            start = dt.datetime.combine(dt.date.fromisoformat(since), dt.time(), dt.UTC)
        except ValueError:
            raise InvalidInput.at("expected YYYY-MM-DD", field="--since", value=since) from None
    rows = run(
        ctx, list_events, entity=entity, entity_id=entity_id, user=user, since=start, limit=limit
    )
    table = [{k: v for k, v in r.items() if k not in ("before", "after")} for r in rows]
    emit(rows, table, fmt, title="audit log")


@audit_app.command("verify")
def audit_verify(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """Check the hash chain; exit 1 if any row was edited, deleted or reordered."""
    from beltroad.services.audit_log import verify

    result = run(ctx, verify)
    rows = result.problems or [{"ok": True, "rows": result.rows, "head": result.head["row_hash"]}]
    emit(result.as_dict(), rows, fmt, title="audit chain")
    if not result.ok:
        raise typer.Exit(1)


@notify_app.command("list")
def notifications_list(
    ctx: typer.Context,
    unread: Annotated[bool, typer.Option("--unread", help="Only unread ones.")] = False,
    fmt: FormatOption = Format.table,
) -> None:
    """The acting user's notifications (and their units')."""
    from beltroad.services.notifications import list_for

    rows = run(ctx, list_for, unread_only=unread)
    emit(rows, [{k: r[k] for k in ("id", "created_at", "kind", "subject")} for r in rows], fmt)


@notify_app.command("send")
def notifications_send(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """Mail queued notifications (needs the smtp_host setting)."""
    from beltroad.services.notifications import send_mail

    with session(ctx) as (workspace, _actor):
        result = send_mail(workspace)
    emit(result, [result], fmt)


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
    app.add_typer(audit_app, name="audit")
    app.add_typer(notify_app, name="notifications")

    @app.command("freeze")
    def freeze_(
        ctx: typer.Context,
        period: Annotated[str, typer.Argument(help="YYYY, YYYY-Qn or YYYY-MM.")],
        note: Annotated[str | None, typer.Option("--note", help="Why.")] = None,
        fmt: FormatOption = Format.table,
    ) -> None:
        """Lock a reporting period: edits to data dated inside it are refused."""
        from beltroad.services.freeze import freeze

        result = run(ctx, freeze, period, note=note)
        emit(result, [result], fmt)

    @app.command("unfreeze")
    def unfreeze_(
        ctx: typer.Context,
        period: Annotated[str, typer.Argument(help="YYYY, YYYY-Qn or YYYY-MM.")],
        fmt: FormatOption = Format.table,
    ) -> None:
        """Unlock a frozen reporting period (admin or planner)."""
        from beltroad.services.freeze import unfreeze

        result = run(ctx, unfreeze, period)
        emit(result, [result], fmt)
