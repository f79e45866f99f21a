"""``beltroad tasks`` and ``beltroad units`` (issue #15)."""

import datetime as dt
from typing import Annotated

import typer

from beltroad.cli.coordination import run
from beltroad.cli.output import Format, FormatOption, emit
from beltroad.errors import InvalidInput

tasks_app = typer.Typer(
    rich_markup_mode=None,
    help="Units' tasks: add, list, update, escalate, recur.",
    no_args_is_help=True,
)
units_app = typer.Typer(
    rich_markup_mode=None, help="Organisational units (a tree).", no_args_is_help=True
)

COLUMNS = ("id", "title", "unit_id", "due_on", "status", "done_on", "escalated_to", "version")


def _day(value: str | None, flag: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput.at("expected YYYY-MM-DD", field=flag, value=value) from None


@units_app.command("add")
def units_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Unit name.")],
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            help="ministry, department, province, locality, agency, enterprise, zone, other.",
        ),
    ],
    parent: Annotated[int | None, typer.Option("--parent", help="Parent unit id.")] = None,
    country: Annotated[
        str | None, typer.Option("--country", help="ISO3 of a partner-country unit.")
    ] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Add a unit (under a parent unit, or as a root)."""
    from beltroad.services.tasks import add_unit

    result = run(ctx, add_unit, name, kind, parent_id=parent, country=country)
    emit(result, [result], fmt)


@units_app.command("list")
def units_list(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """Units the acting user can see."""
    from beltroad.services.tasks import list_units

    rows = run(ctx, list_units)
    emit(rows, rows, fmt, title="units")


@tasks_app.command("add")
def tasks_add(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(help="What to do.")],
    unit: Annotated[int, typer.Option("--unit", help="Owning unit id.")],
    due: Annotated[str, typer.Option("--due", help="Due date, YYYY-MM-DD.")],
    project: Annotated[str | None, typer.Option("--project", help="Project identifier.")] = None,
    depends_on: Annotated[
        list[int] | None, typer.Option("--depends-on", help="Task id it waits for (repeatable).")
    ] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Add a task owned by a unit."""
    from beltroad.services.tasks import add_task

    result = run(
        ctx,
        add_task,
        title,
        unit_id=unit,
        due_on=due,
        project=project,
        depends_on=tuple(depends_on or ()),
    )
    emit(result, [{k: result.get(k) for k in COLUMNS}], fmt)


@tasks_app.command("list")
def tasks_list(
    ctx: typer.Context,
    unit: Annotated[int | None, typer.Option("--unit", help="This unit and its subtree.")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only open tasks past due.")] = False,
    today: Annotated[
        str | None, typer.Option("--today", help="Judge overdue as of this date.")
    ] = None,
    status: Annotated[str | None, typer.Option("--status", help="open, done or cancelled.")] = None,
    project: Annotated[str | None, typer.Option("--project", help="Project identifier.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000, help="At most N.")] = 100,
    fmt: FormatOption = Format.table,
) -> None:
    """List tasks, soonest due first."""
    from beltroad.services.tasks import list_tasks

    day = (_day(today, "--today") or dt.date.today()) if overdue else None
    rows = run(
        ctx, list_tasks, unit_id=unit, overdue_on=day, status=status, project=project, limit=limit
    )
    emit(rows, [{k: r.get(k) for k in COLUMNS} for r in rows], fmt, title="tasks")


@tasks_app.command("update")
def tasks_update(
    ctx: typer.Context,
    task_id: Annotated[int, typer.Argument(help="Task id.")],
    version: Annotated[
        int, typer.Option("--version", help="The version you saw (optimistic lock).")
    ],
    status: Annotated[str | None, typer.Option("--status", help="open, done or cancelled.")] = None,
    done: Annotated[str | None, typer.Option("--done", help="Done on, YYYY-MM-DD.")] = None,
    due: Annotated[str | None, typer.Option("--due", help="New due date.")] = None,
    title: Annotated[str | None, typer.Option("--title", help="New title.")] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Change a task; refused if someone changed it since --version."""
    from beltroad.services.tasks import update_task

    result = run(
        ctx,
        update_task,
        task_id,
        expected_version=version,
        status=status,
        done_on=done,
        due_on=due,
        title=title,
    )
    emit(result, [{k: result.get(k) for k in COLUMNS}], fmt)


@tasks_app.command("depend")
def tasks_depend(
    ctx: typer.Context,
    task_id: Annotated[int, typer.Argument(help="The task that waits.")],
    on: Annotated[int, typer.Option("--on", help="The task it waits for.")],
) -> None:
    """Make a task depend on another (cycles are refused)."""
    from beltroad.services.tasks import add_dependency

    run(ctx, add_dependency, task_id, on)


@tasks_app.command("escalate")
def tasks_escalate(
    ctx: typer.Context,
    today: Annotated[
        str | None, typer.Option("--today", help="Judge overdue as of this date.")
    ] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Escalate overdue tasks to their unit's parent unit (and notify it)."""
    from beltroad.services.tasks import escalate_overdue

    rows = run(ctx, escalate_overdue, today=_day(today, "--today") or dt.date.today())
    emit(rows, rows, fmt, title="escalated")


@tasks_app.command("notify-due")
def tasks_notify_due(
    ctx: typer.Context,
    today: Annotated[str | None, typer.Option("--today", help="As of this date.")] = None,
    days: Annotated[int, typer.Option("--days", min=0, max=366, help="Look ahead N days.")] = 7,
    fmt: FormatOption = Format.table,
) -> None:
    """Queue "review due" notices for open tasks due within N days."""
    from beltroad.services.tasks import notify_due

    rows = run(ctx, notify_due, today=_day(today, "--today") or dt.date.today(), days=days)
    emit(rows, rows, fmt, title="notices queued")


@tasks_app.command("recur")
def tasks_recur(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(help="The reporting task.")],
    unit: Annotated[int, typer.Option("--unit", help="Unit id.")],
    every: Annotated[str, typer.Option("--every", help="monthly, quarterly or annual.")],
    first_due: Annotated[str, typer.Option("--first-due", help="First due date.")],
    until: Annotated[str | None, typer.Option("--until", help="Last possible due date.")] = None,
    each_child: Annotated[
        bool, typer.Option("--each-child", help="One per child unit (e.g. each zone).")
    ] = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Define a recurring reporting task."""
    from beltroad.services.tasks import add_recurring

    rows = run(
        ctx,
        add_recurring,
        title,
        unit_id=unit,
        every=every,
        first_due=first_due,
        until=until,
        each_child=each_child,
    )
    emit(rows, rows, fmt, title="recurring tasks")


@tasks_app.command("generate")
def tasks_generate(
    ctx: typer.Context,
    until: Annotated[str, typer.Option("--until", help="Create instances due up to this date.")],
    fmt: FormatOption = Format.table,
) -> None:
    """Create the due instances of recurring tasks (once per due date)."""
    from beltroad.services.tasks import generate_recurring

    rows = run(ctx, generate_recurring, until=_day(until, "--until"))
    emit(rows, [{k: r.get(k) for k in COLUMNS} for r in rows], fmt, title="created")


def register(app: typer.Typer) -> None:
    app.add_typer(tasks_app, name="tasks")
    app.add_typer(units_app, name="units")
