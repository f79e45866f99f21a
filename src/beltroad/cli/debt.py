"""``beltroad debt``: a few lines over :func:`beltroad.services.debt.debt_report`."""

from pathlib import Path
from typing import Annotated

import typer

from beltroad.cli.output import Format, emit
from beltroad.errors import InvalidInput

FLAGS = {"debt_config": "--debt-config", "year": "--year", "countries": "ISO3"}


def register(app: typer.Typer) -> None:
    app.command("debt")(debt_command)


def debt_command(
    ctx: typer.Context,
    countries: Annotated[
        list[str] | None, typer.Argument(help="ISO3 codes; default every country with data.")
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", help="Assess as of this year (default: newest actual).")
    ] = None,
    debt_config: Annotated[
        Path | None,
        typer.Option("--debt-config", help="TOML merged over the packaged debt.toml."),
    ] = None,
    dataset: Annotated[
        str | None, typer.Option("--dataset", help="Exposure: only this dataset.")
    ] = None,
    base_year: Annotated[
        int | None, typer.Option("--base-year", help="Exposure: constant-USD base year.")
    ] = None,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="Output format: table, json or csv.")
    ] = Format.table,
) -> None:
    """LIC-DSF 2018 thresholds per country: ratios, thresholds, headroom, signal; and exposure."""
    from beltroad.cli.main import state
    from beltroad.services.debt import debt_report, load_config
    from beltroad.services.workspace import open_workspace

    try:
        config = load_config(debt_config)
        workspace = open_workspace(state(ctx).settings())
        try:
            report = debt_report(
                workspace,
                year=year,
                countries=countries,
                config=config,
                dataset=dataset,
                base_year=base_year,
            )
        finally:
            workspace.close()
    except InvalidInput as exc:
        for p in exc.problems:
            if p.field in FLAGS:
                exc.message = exc.message.replace(f"field {p.field}", FLAGS[p.field])
        raise
    if fmt is Format.json:
        emit(report.as_dict(), [], fmt)
        return
    emit({}, report.rows(), fmt, title=f"debt signals {report.year}")
    if fmt is Format.table:
        emit({}, report.exposure_rows(), fmt, title="portfolio exposure", note=report.note())
