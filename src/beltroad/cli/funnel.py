"""``beltroad funnel``: a few lines over :func:`beltroad.services.funnel.funnel`."""

from __future__ import annotations

from typing import Annotated

import typer

from beltroad.cli.output import Format, emit


def register(app: typer.Typer) -> None:
    app.command("funnel")(funnel_command)


def funnel_command(
    ctx: typer.Context,
    stalled_months: Annotated[
        int,
        typer.Option(
            "--stalled-months", help="Months without progress that make a project stalled."
        ),
    ] = 12,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Date stalled projects are judged on, YYYY-MM-DD (default: newest in the data).",
        ),
    ] = None,
    worst: Annotated[
        int, typer.Option("--worst", help="How many worst slippages and stalls to list.")
    ] = 10,
    rule: Annotated[
        str,
        typer.Option("--rule", help="aiddata: recommended records, no umbrellas; all: every one."),
    ] = "aiddata",
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="Output format: table, json or csv.")
    ] = Format.table,
) -> None:
    """Blueprint to reality: stage counts, conversion rates, slippage and stalled projects."""
    from beltroad.cli.main import state
    from beltroad.services.funnel import funnel
    from beltroad.services.workspace import open_workspace

    workspace = open_workspace(state(ctx).settings())
    try:
        result = funnel(
            workspace, as_of=as_of, stalled_months=stalled_months, worst=worst, rule=rule
        )
    finally:
        workspace.close()
    emit(result.as_dict(), result.rows(), fmt, title="blueprint to reality", note=result.note())
