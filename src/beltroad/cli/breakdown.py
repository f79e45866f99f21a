"""``beltroad breakdown``: a few lines over :func:`beltroad.services.breakdown.breakdown`."""

from __future__ import annotations

from typing import Annotated

import typer

from beltroad.cli.output import Format, emit


def register(app: typer.Typer) -> None:
    app.command("breakdown")(breakdown_command)


def breakdown_command(
    ctx: typer.Context,
    by: Annotated[
        str,
        typer.Option(
            "--by",
            help="Dimensions, comma-separated: country, region, income, corridor, sector, "
            "sector5, year, flow-class, status, financier, dataset.",
        ),
    ],
    measure: Annotated[
        str,
        typer.Option(
            "--measure",
            help="commitment (constant USD), commitment-nominal, disbursement or projects.",
        ),
    ] = "commitment",
    rule: Annotated[
        str,
        typer.Option(
            "--rule",
            help="aiddata: only records recommended for aggregates, no umbrellas; all: every one.",
        ),
    ] = "aiddata",
    filters: Annotated[
        list[str] | None,
        typer.Option("--filter", help="DIM=VALUE, repeatable; VALUE 'unspecified' for no value."),
    ] = None,
    split_counts: Annotated[
        bool,
        typer.Option("--split-counts", help="Count projects by their shares, not whole."),
    ] = False,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="Output format: table, json or csv.")
    ] = Format.table,
) -> None:
    """Group the portfolio by one or more dimensions and sum a measure, under a named rule."""
    from beltroad.cli.main import state
    from beltroad.services.breakdown import breakdown
    from beltroad.services.workspace import open_workspace

    workspace = open_workspace(state(ctx).settings())
    try:
        result = breakdown(
            workspace,
            by.split(","),
            measure=measure,
            rule=rule,
            filters=filters or (),
            split_counts=split_counts,
        )
    finally:
        workspace.close()
    payload = result.as_dict()
    rows = [*result.rows, {**dict.fromkeys(result.by, "TOTAL"), **result.total}]
    if fmt is Format.csv:  # a CSV has no note: every row names the rule, measure and base year
        label = {
            "measure": result.measure,
            "rule": result.rule,
            "base_year": result.base_year,
            "set_aside_duplicates": result.set_aside,
        }
        rows = [{**row, **label, "synthetic": result.synthetic} for row in rows]
    note = f"rule {result.rule}; measure {result.measure}; base year {result.base_year}"
    note += (
        f"; {result.set_aside:,} duplicate records set aside (precedence {result.precedence}; "
        "see `beltroad data overlaps`)"
    )
    if "corridor_rule" in payload:
        note += f"; {payload['corridor_rule']}"
    if result.synthetic:
        note += f"; {payload['synthetic_label']}"
    title = f"breakdown by {', '.join(result.by)}"
    emit(payload, rows, fmt, title=title, note=note)
