"""``beltroad breakdown``: a few lines over :func:`beltroad.services.breakdown.breakdown`."""

from collections.abc import Sequence
from typing import Annotated, Any

import typer

from beltroad.cli.output import Format, emit, with_flags
from beltroad.errors import InvalidInput

#: Service fields and the options that set them, for error messages.
FLAGS = {
    "by": "--by",
    "measure": "--measure",
    "rule": "--rule",
    "filters": "--filter",
    "base_year": "--base-year",
    "deflator": "--deflator",
}


#: Words a ``--filter`` value may use for "no value for this dimension".
NULL_WORDS = ("unspecified", "none", "null", "")


def parse_filters(items: Sequence[str]) -> dict[str, Any]:
    """``--filter`` values: ``["country=PAK", "year=2015"]`` -> ``{"country": "PAK", "year":
    2015}``; ``unspecified`` is ``None`` (no value for that dimension).

    >>> parse_filters(["country=PAK", "year=2015", "sector=unspecified"])
    {'country': 'PAK', 'year': 2015, 'sector': None}
    """
    from beltroad.services.breakdown import INT_DIMENSIONS

    parsed: dict[str, Any] = {}
    for item in items:
        dim, sep, raw = item.partition("=")
        dim, value = dim.strip(), raw.strip()
        if not sep:
            raise InvalidInput.at(
                "expected DIM=VALUE, for example country=PAK", field="--filter", value=item
            )
        if value.lower() in NULL_WORDS:
            parsed[dim] = None
        elif dim in INT_DIMENSIONS:
            try:
                parsed[dim] = int(value)
            except ValueError:
                raise InvalidInput.at(
                    f"expected a whole number for {dim}", field="--filter", value=item
                ) from None
        else:
            parsed[dim] = value
    return parsed


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
            help="commitment (constant USD), commitment-nominal, disbursement (IATI "
            "disbursements and expenditure) or projects.",
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
    base_year: Annotated[
        int | None,
        typer.Option(
            "--base-year",
            help="Constant USD of this year (default: the newest base year in the data).",
        ),
    ] = None,
    deflator: Annotated[
        str | None,
        typer.Option(
            "--deflator", help="Deflator series to convert with (default: DAC, GDPDEF, WDI)."
        ),
    ] = None,
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
            filters=parse_filters(filters or ()),
            split_counts=split_counts,
            base_year=base_year,
            deflator=deflator,
        )
    except InvalidInput as exc:
        raise with_flags(exc, FLAGS) from None
    finally:
        workspace.close()
    payload = result.as_dict()
    rows = [
        {k: ("no amount" if k == "basis" and v is None else v) for k, v in row.items()}
        for row in result.table()
    ]
    if fmt is not Format.json:  # a reason, never a blank, where a group has no amount
        rows = [
            {**row, "amount": row.get("amount_status") or "not reported"}
            if row.get("amount") is None and result.measure != "projects"
            else row
            for row in rows
        ]
    rows = [{k: v for k, v in row.items() if k != "amount_status"} for row in rows]
    if fmt is Format.csv:  # a CSV has no note: every row names the rule, measure and base year
        label = {
            "measure": result.measure,
            "rule": result.rule,
            "base_year": result.base_year,
            "set_aside_duplicates": result.set_aside,
        }
        if result.money:  # where the conversion factors came from
            used = result.money["deflator"] or {}
            label["deflator"] = (
                f"{used['series']} ({used['dataset']}, {used['vintage']})" if used else ""
            )
            label["unconvertible_projects"] = result.money["unconvertible_projects"]
        rows = [{**row, **label, "synthetic": result.synthetic} for row in rows]
    note = f"rule {result.rule}; measure {result.measure}; base year {result.base_year}"
    note += (
        f"; {result.set_aside:,} duplicate records set aside (precedence {result.precedence}; "
        "see `beltroad data overlaps`)"
    )
    if "corridor_rule" in payload:
        note += f"; {payload['corridor_rule']}"
    if result.money:
        note += "\n" + "\n".join(result.money["notes"])
        if result.money["default_base_year"]:
            note += "\n(--base-year YEAR converts to another year)"
    if result.not_reported_by:
        note += "\nnot reported (no disbursement transactions): " + ", ".join(
            result.not_reported_by
        )
    if result.synthetic:
        note += f"; {payload['synthetic_label']}"
    title = f"breakdown by {', '.join(result.by)}"
    emit(payload, rows, fmt, title=title, note=note)
