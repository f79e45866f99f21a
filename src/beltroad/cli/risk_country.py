"""``beltroad risk country``: a few lines over :func:`beltroad.services.risk.assess`."""

from pathlib import Path
from typing import Annotated

import typer

from beltroad.cli.output import Format, emit

RiskConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--risk-config",
        help="TOML file merged over the packaged risk.toml (weights, bands, PDs, thresholds).",
    ),
]


def register(risk_app: typer.Typer) -> None:
    risk_app.command("country")(country_command)


def country_command(
    ctx: typer.Context,
    countries: Annotated[
        list[str] | None, typer.Argument(help="ISO3 codes; default every country with data.")
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", help="Score as of this year (default: newest WGI).")
    ] = None,
    components: Annotated[
        bool,
        typer.Option(
            "--components", help="Table and CSV: one row per country and component (long form)."
        ),
    ] = False,
    top: Annotated[
        int | None, typer.Option("--top", min=1, help="Show only the N riskiest countries.")
    ] = None,
    risk_config: RiskConfigOption = None,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="Output format: table, json or csv.")
    ] = Format.table,
) -> None:
    """Explainable country risk scores: each component's value, weight, contribution, vintage."""
    from beltroad.cli.main import state
    from beltroad.services.risk import assess, load_config
    from beltroad.services.workspace import open_workspace

    config = load_config(risk_config)
    workspace = open_workspace(state(ctx).settings())
    try:
        report = assess(workspace, year=year, countries=countries or None, config=config)
    finally:
        workspace.close()
    if top is not None:
        report = report.top(top)
    if fmt is Format.csv:
        rows = report.component_rows()  # every row carries its country's score and band
    else:
        rows = report.component_table() if components else report.rows()
    emit(report.as_list(), rows, fmt, title=f"country risk {report.year}", note=report.note())
