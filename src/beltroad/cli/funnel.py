"""``beltroad funnel``: a few lines over :func:`beltroad.services.funnel.funnel`."""

from typing import Annotated

import typer

from beltroad.cli.output import Format, emit, with_flags
from beltroad.errors import InvalidInput


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
    base_year: Annotated[
        int | None,
        typer.Option(
            "--base-year",
            help="Amounts in constant USD of this year (default: newest base year in the data).",
        ),
    ] = None,
    deflator: Annotated[
        str | None,
        typer.Option("--deflator", help="Deflator series to convert with (default: DAC, GDPDEF)."),
    ] = None,
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
            workspace,
            as_of=as_of,
            stalled_months=stalled_months,
            worst=worst,
            rule=rule,
            base_year=base_year,
            deflator=deflator,
        )
    except InvalidInput as exc:
        raise with_flags(exc, {"base_year": "--base-year", "deflator": "--deflator"}) from None
    finally:
        workspace.close()
    emit(result.as_dict(), result.rows(), fmt, title="blueprint to reality", note=result.note())
