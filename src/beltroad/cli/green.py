"""``beltroad green classify`` and ``beltroad green override``: a few lines over
:mod:`beltroad.services.green`."""

from pathlib import Path
from typing import Annotated

import typer

from beltroad.cli.acting import acting_login
from beltroad.cli.output import Format, FormatOption, emit
from beltroad.errors import InvalidInput

green_app = typer.Typer(
    rich_markup_mode=None, help="Green traffic light (BRIGC red / yellow / green) with evidence."
)

FLAGS = {"green_config": "--green-config", "eco_areas": "--eco-areas", "justification": "--reason"}


def register(app: typer.Typer) -> None:
    app.add_typer(green_app, name="green")


def _flagged(exc: InvalidInput) -> InvalidInput:
    """The service names fields; say which flag carried the value."""
    for problem in exc.problems:
        if problem.field in FLAGS:
            exc.message = exc.message.replace(f"field {problem.field}", f"{FLAGS[problem.field]}")
    return exc


@green_app.command("classify")
def classify_command(
    ctx: typer.Context,
    green_config: Annotated[
        Path | None,
        typer.Option("--green-config", help="TOML merged over the packaged green.toml (rules)."),
    ] = None,
    eco_areas: Annotated[
        Path | None,
        typer.Option(
            "--eco-areas",
            help="CSV identifier,area: projects in an ecologically important area (red).",
        ),
    ] = None,
    dataset: Annotated[str | None, typer.Option("--dataset", help="Only this dataset.")] = None,
    base_year: Annotated[
        int | None,
        typer.Option("--base-year", help="Constant-USD base year of amounts (default: commonest)."),
    ] = None,
    shares_only: Annotated[
        bool, typer.Option("--shares", help="Table/CSV: only the green shares.")
    ] = False,
    limit: Annotated[
        int, typer.Option("--limit", min=1, help="Table: projects shown (JSON has all).")
    ] = 50,
    fmt: FormatOption = Format.table,
) -> None:
    """Classify every project red / yellow / green with evidence per criterion; store it."""
    from beltroad.cli.main import state
    from beltroad.services import green
    from beltroad.services.workspace import open_workspace

    try:
        config = green.load_config(green_config)
        areas = green.read_eco_areas(eco_areas) if eco_areas else None
        workspace = open_workspace(state(ctx).settings())
        try:
            report = green.classify(
                workspace, config=config, eco_areas=areas, dataset=dataset, base_year=base_year
            )
        finally:
            workspace.close()
    except InvalidInput as exc:
        raise _flagged(exc) from None
    if fmt is Format.json:
        emit(report.as_dict(), [], fmt)
        return
    if fmt is Format.csv and not shares_only:
        emit({}, report.rows(), fmt)
        return
    if not shares_only:
        emit({}, report.rows(limit), fmt, title=f"green classes (first {limit})")
    emit({}, report.share_rows(), fmt, title="green shares", note=report.note())


@green_app.command("override")
def override_command(
    ctx: typer.Context,
    identifier: Annotated[str, typer.Argument(help="The project's identifier.")],
    green_class: Annotated[
        str | None, typer.Argument(help="green, yellow or red; omit with --clear.")
    ] = None,
    reason: Annotated[
        str, typer.Option("--reason", help="Justification (required; kept in the audit log).")
    ] = "",
    clear: Annotated[bool, typer.Option("--clear", help="Remove the override.")] = False,
    actor: Annotated[
        str | None,
        typer.Option("--actor", help="The user login who overrides (default: the --as user)."),
    ] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Override a project's class with a justification; the change is audited."""
    from beltroad.cli.main import state
    from beltroad.services import green
    from beltroad.services.workspace import open_workspace

    if clear == (green_class is not None):
        raise InvalidInput.at("give a class (green, yellow, red) or --clear", field="CLASS")
    workspace = open_workspace(state(ctx).settings())
    try:
        result = green.override(
            workspace,
            identifier,
            None if clear else green_class,
            justification=reason,
            actor=acting_login(ctx, workspace, actor),
        )
    except InvalidInput as exc:
        raise _flagged(exc) from None
    finally:
        workspace.close()
    rows = [{"item": k, "value": v} for k, v in result.items()]
    emit(result, rows, fmt, title="green override")
