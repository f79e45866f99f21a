"""``beltroad data overlaps`` and ``data overlap-review``: a few lines over the services."""

from typing import Annotated

import typer

from beltroad.cli.output import Format, emit


def register(app: typer.Typer) -> None:
    from beltroad.cli.data import data_app

    data_app.command("overlaps")(overlaps_command)
    data_app.command("overlap-review")(review_command)


def overlaps_command(
    ctx: typer.Context,
    status: Annotated[
        list[str] | None,
        typer.Option(
            "--status",
            help="Only rows of this status (repeatable): set_aside, linked, candidate, rejected.",
        ),
    ] = None,
    refresh: Annotated[
        bool, typer.Option("--refresh", help="Recompute the links first (imports do it too).")
    ] = False,
    limit: Annotated[int | None, typer.Option("--limit", help="Show at most N rows.")] = None,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="Output format: table, json or csv.")
    ] = Format.table,
) -> None:
    """Records that are one project across datasets: links, scores and records set aside."""
    from beltroad.cli.main import state
    from beltroad.errors import InvalidInput
    from beltroad.services.overlaps import overlaps
    from beltroad.services.workspace import open_workspace

    workspace = open_workspace(state(ctx).settings())
    try:
        result = overlaps(workspace, status=status or (), refresh=refresh, limit=limit)
    except InvalidInput as exc:
        raise _flagged(exc) from None
    finally:
        workspace.close()
    rows = [
        {
            "status": r["status"],
            "score": r["score"],
            "record": r["record"]["identifier"],
            "other (counts)" if r["status"] == "set_aside" else "other": r["other"]["identifier"],
        }
        for r in result.rows
    ]
    if fmt is Format.csv:
        rows = [
            {
                "status": r["status"],
                "method": r["method"],
                "score": r["score"],
                **{f"record_{k}": v for k, v in r["record"].items()},
                **{f"other_{k}": v for k, v in r["other"].items()},
                "reason": r["reason"],
                "precedence": result.precedence,
            }
            for r in result.rows
        ]
    counts = ", ".join(f"{n:,} {s}" for s, n in result.counts.items())
    note = (
        f"{counts}; precedence {result.precedence}; candidates from score {result.threshold}; "
        "reasons and score components with --format json or csv"
    )
    if result.notes:
        note += "; " + "; ".join(result.notes)
    emit(result.as_dict(), rows, fmt, title="records across datasets", note=note)


def review_command(
    ctx: typer.Context,
    decision: Annotated[str, typer.Argument(help="accept (one project) or reject (two).")],
    first: Annotated[str, typer.Argument(help="Identifier of one record.")],
    second: Annotated[str, typer.Argument(help="Identifier of the other record.")],
    note: Annotated[
        str | None, typer.Option("--note", help="Why (kept with the decision).")
    ] = None,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="Output format: table, json or csv.")
    ] = Format.table,
) -> None:
    """Accept or reject a candidate pair; the precedence rule then picks the record that counts."""
    from beltroad.cli.main import state
    from beltroad.errors import InvalidInput
    from beltroad.services.overlaps import review
    from beltroad.services.workspace import open_workspace

    workspace = open_workspace(state(ctx).settings())
    try:
        refreshed = review(workspace, first, second, decision, note=note)  # type: ignore[arg-type]
    except InvalidInput as exc:
        raise _flagged(exc) from None
    finally:
        workspace.close()
    payload = {"decision": decision, "first": first, "second": second, **refreshed.__dict__}
    rows = [{"measure": k, "value": v} for k, v in payload.items()]
    emit(payload, rows, fmt, title="overlap review")


#: Service field names -> the flags and arguments that set them.
FLAGS = {"status": "--status", "limit": "--limit", "decision": "DECISION", "second": "SECOND"}


def _flagged(exc: Exception) -> Exception:
    """The service names fields; say the flag instead."""
    from beltroad.errors import InvalidInput

    assert isinstance(exc, InvalidInput)
    message = exc.message
    for problem in exc.problems:
        if problem.field in FLAGS:
            message = message.replace(problem.field, FLAGS[problem.field], 1)
    return InvalidInput(message, hint=exc.hint, problems=exc.problems)
