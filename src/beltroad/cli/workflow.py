"""``beltroad workflow`` (drafts, submit, approve, return, lifecycle) and ``beltroad plan``."""

import json
from typing import Annotated, Any

import typer

from beltroad.cli.coordination import run
from beltroad.cli.output import Format, FormatOption, emit
from beltroad.errors import InvalidInput

workflow_app = typer.Typer(
    rich_markup_mode=None,
    help="Projects through draft, submit, review, approve, and the lifecycle.",
    no_args_is_help=True,
)
plan_app = typer.Typer(
    rich_markup_mode=None,
    help="Plans with dated targets; plan against actual.",
    no_args_is_help=True,
)

ProjectArg = Annotated[str, typer.Argument(help="Project identifier (or id).")]


def _fields(values: list[str] | None) -> dict[str, Any]:
    """``--set FIELD=VALUE``: JSON values where they parse (numbers, lists), else text."""
    out: dict[str, Any] = {}
    for item in values or []:
        name, sep, raw = item.partition("=")
        if not sep or not name:
            raise InvalidInput.at("expected FIELD=VALUE", field="--set", value=item)
        try:
            out[name] = json.loads(raw)
        except json.JSONDecodeError:
            out[name] = raw
    return out


def _version(view: Any, fmt: Format) -> None:
    data = view.as_dict()
    emit(data, [{k: v for k, v in data.items() if k != "payload"}], fmt, title="version")


SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        help="FIELD=VALUE, repeatable; JSON values for lists (countries, sectors).",
    ),
]


@workflow_app.command("create")
def wf_create(
    ctx: typer.Context,
    identifier: ProjectArg,
    set_: SetOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Create a project (initial lifecycle state) with its first draft."""
    from beltroad.services.workflow import create_project

    _version(run(ctx, create_project, identifier, _fields(set_)), fmt)


@workflow_app.command("edit")
def wf_edit(
    ctx: typer.Context,
    identifier: ProjectArg,
    set_: SetOption = None,
    draft_version: Annotated[
        int | None, typer.Option("--draft-version", help="The draft version you edited (lock).")
    ] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Change a project's draft (made from the approved record if none is open)."""
    from beltroad.services.workflow import edit

    _version(run(ctx, edit, identifier, _fields(set_), draft_version=draft_version), fmt)


@workflow_app.command("submit")
def wf_submit(ctx: typer.Context, identifier: ProjectArg, fmt: FormatOption = Format.table) -> None:
    """Validate the draft and put it up for review; lists every failing rule."""
    from beltroad.services.workflow import submit

    _version(run(ctx, submit, identifier), fmt)


@workflow_app.command("approve")
def wf_approve(
    ctx: typer.Context,
    identifier: ProjectArg,
    comment: Annotated[str | None, typer.Option("--comment", help="Note.")] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Approve the submitted version: it becomes the registry record."""
    from beltroad.services.workflow import approve

    _version(run(ctx, approve, identifier, comment=comment), fmt)


@workflow_app.command("return")
def wf_return(
    ctx: typer.Context,
    identifier: ProjectArg,
    comment: Annotated[str, typer.Option("--comment", help="What to fix (required).")],
    fmt: FormatOption = Format.table,
) -> None:
    """Return the submitted version to its author with a comment."""
    from beltroad.services.workflow import return_

    _version(run(ctx, return_, identifier, comment=comment), fmt)


@workflow_app.command("transition")
def wf_transition(
    ctx: typer.Context,
    identifier: ProjectArg,
    to_state: Annotated[str, typer.Argument(help="Target lifecycle state.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (recorded).")],
    version: Annotated[
        int | None, typer.Option("--version", help="The project version you saw (lock).")
    ] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Move a project through the lifecycle; sets the IATI activity status."""
    from beltroad.services.workflow import transition

    result = run(ctx, transition, identifier, to_state, reason=reason, expected_version=version)
    emit(result, [result], fmt)


@workflow_app.command("history")
def wf_history(
    ctx: typer.Context, identifier: ProjectArg, fmt: FormatOption = Format.table
) -> None:
    """Versions, lifecycle events and audit trail of a project."""
    from beltroad.services.workflow import history

    result = run(ctx, history, identifier)
    rows = [
        {
            "kind": "version",
            "at": v["created_at"],
            "what": f"v{v['version_no']} {v['state']}",
            "note": v["comment"],
        }
        for v in result["versions"]
    ] + [
        {
            "kind": "lifecycle",
            "at": e["at"],
            "what": f"{e['from_state']} -> {e['to_state']}",
            "note": f"{e['actor']}: {e['reason']}",
        }
        for e in result["events"]
    ]
    emit(
        result,
        sorted(rows, key=lambda r: str(r["at"])),
        fmt,
        title=f"history of {result['identifier']}",
    )


@workflow_app.command("compare")
def wf_compare(
    ctx: typer.Context,
    identifier: ProjectArg,
    first: Annotated[str, typer.Argument(help="Version number or 'current'.")],
    second: Annotated[str, typer.Argument(help="Version number or 'current'.")],
    fmt: FormatOption = Format.table,
) -> None:
    """Compare two versions field by field."""
    from beltroad.services.workflow import compare

    rows = run(ctx, compare, identifier, first, second)
    emit(
        rows,
        [{k: json.dumps(v) if isinstance(v, list) else v for k, v in r.items()} for r in rows],
        fmt,
    )


@workflow_app.command("pending")
def wf_pending(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """Submitted versions waiting for your decision."""
    from beltroad.services.workflow import pending

    rows = run(ctx, pending)
    emit(rows, rows, fmt, title="waiting for approval")


@workflow_app.command("milestone-add")
def wf_milestone_add(
    ctx: typer.Context,
    identifier: ProjectArg,
    name: Annotated[str, typer.Argument(help="Milestone name.")],
    planned: Annotated[str, typer.Option("--planned", help="Planned date, YYYY-MM-DD.")],
    unit: Annotated[int | None, typer.Option("--unit", help="Owning unit id.")] = None,
    stage: Annotated[str | None, typer.Option("--stage", help="Lifecycle stage it marks.")] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Add a milestone to a project."""
    from beltroad.services.milestones import add_milestone

    result = run(
        ctx, add_milestone, identifier, name, unit_id=unit, planned_on=planned, stage=stage
    )
    emit(result, [result], fmt)


@workflow_app.command("milestone-update")
def wf_milestone_update(
    ctx: typer.Context,
    milestone_id: Annotated[int, typer.Argument(help="Milestone id.")],
    version: Annotated[int, typer.Option("--version", help="The version you saw (lock).")],
    status: Annotated[
        str | None, typer.Option("--status", help="planned, reached, missed, cancelled.")
    ] = None,
    actual: Annotated[str | None, typer.Option("--actual", help="Actual date.")] = None,
    planned: Annotated[str | None, typer.Option("--planned", help="New planned date.")] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Record a milestone's status or dates."""
    from beltroad.services.milestones import update_milestone

    result = run(
        ctx,
        update_milestone,
        milestone_id,
        expected_version=version,
        status=status,
        actual_on=actual,
        planned_on=planned,
    )
    emit(result, [result], fmt)


@workflow_app.command("milestones")
def wf_milestones(
    ctx: typer.Context, identifier: ProjectArg, fmt: FormatOption = Format.table
) -> None:
    """A project's milestones, planned against actual."""
    from beltroad.services.milestones import list_milestones

    rows = run(ctx, list_milestones, identifier)
    emit(rows, rows, fmt, title=f"milestones of {identifier}")


@plan_app.command("create")
def plan_create(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Plan name.")],
    kind: Annotated[str, typer.Option("--kind", help="five_year, annual or other.")],
    starts: Annotated[str, typer.Option("--starts", help="First day, YYYY-MM-DD.")],
    ends: Annotated[str, typer.Option("--ends", help="Last day, YYYY-MM-DD.")],
    description: Annotated[str | None, typer.Option("--description", help="Text.")] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Create a plan."""
    from beltroad.services.plans import create_plan

    result = run(
        ctx, create_plan, name, kind=kind, starts_on=starts, ends_on=ends, description=description
    )
    emit(result, [result], fmt)


@plan_app.command("target")
def plan_target(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Plan name.")],
    metric: Annotated[
        str,
        typer.Option(
            "--metric",
            help="commitments_usd, projects_started, projects_completed, local_jobs, green_share.",
        ),
    ],
    target: Annotated[float, typer.Option("--target", help="The target value.")],
    due: Annotated[str, typer.Option("--due", help="Due date, YYYY-MM-DD.")],
    by: Annotated[
        str, typer.Option("--by", help="all, country, corridor, sector or unit.")
    ] = "all",
    key: Annotated[
        str | None, typer.Option("--key", help="ISO3, corridor id, DAC code prefix or unit id.")
    ] = None,
    base_year: Annotated[
        int | None, typer.Option("--base-year", help="Money: constant USD of this year.")
    ] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Add a dated target to a plan."""
    from beltroad.services.plans import add_target

    result = run(
        ctx,
        add_target,
        name,
        metric=metric,
        target=target,
        due_on=due,
        dimension=by,
        key=key,
        base_year=base_year,
    )
    emit(result, [result], fmt)


@plan_app.command("add-project")
def plan_add_project(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Plan name.")],
    project: ProjectArg,
) -> None:
    """Put a project on the plan's blueprint."""
    from beltroad.services.plans import add_project

    run(ctx, add_project, name, project)


@plan_app.command("list")
def plan_list(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """List plans."""
    from beltroad.services.plans import list_plans

    rows = run(ctx, list_plans)
    emit(rows, rows, fmt, title="plans")


@plan_app.command("show")
def plan_show(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Plan name.")],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Count actuals up to this date.")
    ] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Plan against actual: each target, the registry's figure and the gap."""
    import datetime as dt

    from beltroad.services.plans import plan_vs_actual

    day = None
    if as_of:
        try:
            day = dt.date.fromisoformat(as_of)
        except ValueError:
            raise InvalidInput.at("expected YYYY-MM-DD", field="--as-of", value=as_of) from None
    result = run(ctx, plan_vs_actual, name, as_of=day)
    cols = (
        "metric",
        "dimension",
        "key",
        "due_on",
        "measure",
        "target",
        "actual",
        "gap",
        "achieved_pct",
    )
    emit(
        result,
        [{k: t.get(k) for k in cols} for t in result["targets"]],
        fmt,
        title=f"plan {name}: target vs actual",
        note=f"blueprint by lifecycle state: {result['blueprint']}; rule: {result['rule']}",
        note_style=None,
    )


def register(app: typer.Typer) -> None:
    app.add_typer(workflow_app, name="workflow")
    app.add_typer(plan_app, name="plan")
