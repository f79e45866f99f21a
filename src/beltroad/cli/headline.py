"""``beltroad headline``: a few lines over :func:`beltroad.services.headline.headline`."""

from typing import Annotated

import typer

from beltroad.cli.output import Format, emit, with_flags
from beltroad.errors import InvalidInput


def register(app: typer.Typer) -> None:
    app.command("headline")(headline_command)


def headline_command(
    ctx: typer.Context,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Date the figures describe, YYYY-MM-DD (default: the newest date in the data).",
        ),
    ] = None,
    base_year: Annotated[
        int | None,
        typer.Option(
            "--base-year",
            help="Investment stock in constant USD of this year (default: newest in the data).",
        ),
    ] = None,
    deflator: Annotated[
        str | None, typer.Option("--deflator", help="Deflator series to convert with.")
    ] = None,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="Output format: table, json or csv.")
    ] = Format.table,
) -> None:
    """The headline figures as of a date, each with provenance and its gap to the reported one."""
    from beltroad.cli.main import state
    from beltroad.services.headline import headline
    from beltroad.services.workspace import open_workspace

    workspace = open_workspace(state(ctx).settings())
    try:
        result = headline(workspace, as_of, base_year=base_year, deflator=deflator)
    except InvalidInput as exc:
        raise with_flags(exc, {"base_year": "--base-year", "deflator": "--deflator"}) from None
    finally:
        workspace.close()
    note = "; ".join((result.as_of_note, *result.notes))
    emit(result.as_dict(), result.rows(), fmt, title=f"headline as of {result.as_of}", note=note)
    if fmt is Format.table and result.series:
        rows = result.series_rows()
        emit(rows, rows, fmt, title="reported series (official figures, with sources)")
