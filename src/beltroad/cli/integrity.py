"""``beltroad integrity scan`` (scan and list red flags) and ``beltroad integrity dismiss``."""

from pathlib import Path
from typing import Annotated

import typer

from beltroad.cli.acting import acting_login
from beltroad.cli.output import Format, FormatOption, emit
from beltroad.errors import InvalidInput

FLAGS = {"sanctions": "--sanctions", "integrity_config": "--integrity-config", "reason": "--reason"}
integrity_app = typer.Typer(
    rich_markup_mode=None,
    help="Integrity red flags with explanations; dismissal only with a reason.",
)


def register(app: typer.Typer) -> None:
    app.add_typer(integrity_app, name="integrity")


def _flagged(exc: InvalidInput) -> InvalidInput:
    for p in exc.problems:
        if p.field in FLAGS:
            exc.message = exc.message.replace(f"field {p.field}", FLAGS[p.field])
    return exc


@integrity_app.command("scan")
def scan_command(
    ctx: typer.Context,
    sanctions: Annotated[
        Path | None,
        typer.Option("--sanctions", help="Debarment/sanctions CSV (columns name, list)."),
    ] = None,
    integrity_config: Annotated[
        Path | None,
        typer.Option("--integrity-config", help="TOML merged over the packaged integrity.toml."),
    ] = None,
    dataset: Annotated[str | None, typer.Option("--dataset", help="Only this dataset.")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="Show only this kind of flag.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Table: flags shown.")] = 40,
    fmt: FormatOption = Format.table,
) -> None:
    """Detect and list red flags: single bidder, cost overrun, missing procurement information,
    contract splitting, and counterparties matching a debarment or sanctions list."""
    from beltroad.cli.main import state
    from beltroad.services import integrity
    from beltroad.services.workspace import open_workspace

    try:
        config = integrity.load_config(integrity_config)
        entries = integrity.read_sanctions(sanctions) if sanctions else []
        workspace = open_workspace(state(ctx).settings())
        try:
            report = integrity.scan(
                workspace,
                sanctions=entries,
                sanctions_list=str(sanctions) if sanctions else None,
                config=config,
                dataset=dataset,
            )
        finally:
            workspace.close()
    except InvalidInput as exc:
        raise _flagged(exc) from None
    if kind is not None:
        report.flags[:] = [f for f in report.flags if f["kind"] == kind]
    if fmt is Format.json:
        emit(report.as_dict(), [], fmt)
        return
    if fmt is Format.csv:
        emit({}, report.rows(), fmt)
        return
    emit({}, report.rows(limit), fmt, title=f"integrity flags (first {limit})")
    changes = ", ".join(f"{k} {v}" for k, v in report.counts.items())
    emit(
        {},
        report.summary_rows(),
        fmt,
        title="by kind",
        note=f"config {report.config.version}; this run: {changes}. Dismiss a flag with "
        "`beltroad integrity dismiss ID --reason TEXT`.",
    )


@integrity_app.command("dismiss")
def dismiss_command(
    ctx: typer.Context,
    flag_id: Annotated[int, typer.Argument(help="The flag's id (see `beltroad integrity scan`).")],
    reason: Annotated[str, typer.Option("--reason", help="Why it is dismissed (required).")] = "",
    actor: Annotated[
        str | None,
        typer.Option("--actor", help="The user login who dismisses (default: the --as user)."),
    ] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Dismiss a flag; a reason is required and the dismissal is audited."""
    from beltroad.cli.main import state
    from beltroad.services import integrity
    from beltroad.services.workspace import open_workspace

    workspace = open_workspace(state(ctx).settings())
    try:
        result = integrity.dismiss(
            workspace, flag_id, reason=reason, actor=acting_login(ctx, workspace, actor)
        )
    except InvalidInput as exc:
        raise _flagged(exc) from None
    finally:
        workspace.close()
    emit(result, [{"item": k, "value": v} for k, v in result.items()], fmt, title="dismissed")
