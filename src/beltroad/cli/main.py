"""Entry point and global options. Each command is a few lines over a services function."""

import errno
import os
import sys
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.text import Text

from beltroad.cli.output import Format, FormatOption, emit, internal_error, stderr_console
from beltroad.errors import BeltroadError

if TYPE_CHECKING:  # pydantic-settings costs ~0.4 s: imported when a command needs settings
    from beltroad.settings import Settings

app = typer.Typer(
    rich_markup_mode=None,
    name="beltroad",
    help="Plan, coordinate and manage a Belt and Road style cooperation portfolio.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@dataclass
class State:
    """What the global options gave; settings are built on first use, not at start-up."""

    config_file: Path | None = None
    flags: dict[str, Any] = field(default_factory=dict)
    as_login: str | None = None  # --as: act as this user instead of the local administrator

    def settings(self, **more: Any) -> "Settings":
        from beltroad.settings import load_settings

        return load_settings(self.config_file, **(self.flags | more))


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option("--db", help="Database URL (env BELTROAD_DB). Default: SQLite in DATA_DIR."),
    ] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option("--data-dir", help="Data directory (env BELTROAD_DATA_DIR)."),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option("--config", help="Settings file (default ./beltroad.toml)."),
    ] = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the traceback when a command fails.")
    ] = False,
    as_login: Annotated[
        str | None,
        typer.Option("--as", help="Act as this user (default: the local administrator)."),
    ] = None,
) -> None:
    """beltroad: registry, analytics, risk and connectivity for a cooperation portfolio."""
    ctx.obj = State(
        config_file=config,
        flags={"db": db, "data_dir": data_dir, "debug": debug or None},
        as_login=as_login,
    )


def state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    assert isinstance(obj, State)
    return obj


@app.command()
def init(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """Create or upgrade the database schema and load the reference facts."""
    from beltroad.cli.progress import RichProgress
    from beltroad.services.setup import initialise

    with RichProgress() as progress:
        report = initialise(state(ctx).settings(), progress=progress)
    rows = [{"item": k, "value": v} for k, v in report.reference.items()]
    rows.insert(0, {"item": "database", "value": report.database})
    rows.insert(
        1, {"item": "schema", "value": f"{report.revision_before} -> {report.revision_after}"}
    )
    emit(report.as_dict(), rows, fmt, title="beltroad init")


BaseYearOption = Annotated[
    int | None,
    typer.Option(
        "--base-year",
        help="Constant USD of this year (default: the newest base year in the data).",
    ),
]
DeflatorOption = Annotated[
    str | None,
    typer.Option("--deflator", help="Deflator series to convert with (default: DAC, GDPDEF, WDI)."),
]
MONEY_FLAGS = {"base_year": "--base-year", "deflator": "--deflator"}


@app.command()
def summary(
    ctx: typer.Context,
    base_year: BaseYearOption = None,
    deflator: DeflatorOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Show what the registry holds: counts, commitments (one base year) and datasets."""
    from beltroad.cli.output import with_flags
    from beltroad.errors import InvalidInput
    from beltroad.services.summary import portfolio_summary
    from beltroad.services.workspace import open_workspace

    workspace = open_workspace(state(ctx).settings())
    try:
        result = portfolio_summary(workspace, base_year=base_year, deflator=deflator)
    except InvalidInput as exc:
        raise with_flags(exc, MONEY_FLAGS) from None
    finally:
        workspace.close()
    notes = list(result.money["notes"]) if result.money else []
    if result.label:
        notes.append(result.label)
    emit(
        result.as_dict(),
        result.rows(),
        fmt,
        title="portfolio summary",
        note="\n".join(notes) or None,
    )


@app.command()
def demo(
    ctx: typer.Context,
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Do not start the web server afterwards.")
    ] = False,
    synthetic: Annotated[
        bool,
        typer.Option("--synthetic", help="Build the synthetic portfolio even if real data exists."),
    ] = False,
    projects: Annotated[
        int | None,
        typer.Option("--projects", min=1, help="Synthetic portfolio size (default from settings)."),
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", min=0, help="Seed of synthetic data.")
    ] = None,
    no_download: Annotated[
        bool, typer.Option("--no-download", help="Use the cache and mirror only; never download.")
    ] = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Initialise, load what data can be reached, summarise, then serve the web app."""
    from beltroad.cli.progress import RichProgress
    from beltroad.services.demo import run_demo
    from beltroad.services.process import tune_for_bulk_writes

    tune_for_bulk_writes()  # the demo imports every dataset it reaches

    settings = state(ctx).settings(synthetic_projects=projects, seed=seed)
    with RichProgress() as progress:
        report = run_demo(
            settings,
            force_synthetic=synthetic,
            allow_download=not no_download,
            progress=progress,
        )
    emit(
        report.as_dict(),
        report.summary.rows(),
        fmt,
        title="beltroad demo",
        note=report.summary.label,
    )
    if fmt is Format.table:
        if report.headline is not None:
            rows = [
                {k: r[k] for k in ("figure", "registry", "reported", "verdict")}
                for r in report.headline.rows()
            ]
            emit(rows, rows, fmt, title=f"headline as of {report.headline.as_of}, reconciled")
        if report.loaded:
            rows = report.loaded_rows()
            cited = enumerate(report.citations(), 1)
            notes = "\n".join(f"[{n}] {citation}" for n, citation in cited)
            emit(rows, rows, fmt, title="real data loaded", note=notes, note_style=None)
    console = stderr_console()
    for line in report.notes:
        console.print(f"- {line}")
    for line in report.logins:  # passwords: the terminal only, never a file
        console.print(f"- {line}", highlight=False, markup=False)
    console.print(f"summary written to {report.summary_path}")
    if not no_serve:
        _serve(settings)


@app.command("import")
def import_(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help="gcdf3, gcdf3-geo, gcdf2, gcof1, iati, table, ...")],
    path: Annotated[Path, typer.Argument(help="The file to import.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Validate and report rejected rows; write nothing.")
    ] = False,
    on_error: Annotated[
        str,
        typer.Option("--on-error", help="fail: import nothing if any row is rejected; skip."),
    ] = "fail",
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Reject records with inconsistent values (e.g. completion before start) "
            "instead of importing them flagged.",
        ),
    ] = False,
    mapping: Annotated[
        Path | None, typer.Option("--mapping", help="Mapping file (TOML) for `table` imports.")
    ] = None,
    entity: Annotated[
        str | None,
        typer.Option(
            "--entity",
            help="`table` only: the registry entity the rows are (organisation, document, "
            "enterprise, zone); a filled-in `beltroad template` needs no mapping.",
        ),
    ] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Import a data file: validate every row, then write all-or-nothing (or skip bad rows).

    Published records whose values are readable but inconsistent are kept and flagged (see
    `beltroad data quality`); unreadable values reject the row.
    """
    from beltroad.cli.progress import RichProgress
    from beltroad.services.imports import ImportRejected, import_file
    from beltroad.services.process import tune_for_bulk_writes
    from beltroad.services.workspace import open_workspace

    tune_for_bulk_writes()  # this process is the CLI's own: a library user's is left alone

    if entity is not None:
        from beltroad.cli.entities import import_entity_table

        import_entity_table(ctx, kind, entity, path, mapping, dry_run, on_error, fmt)
        return
    workspace = open_workspace(state(ctx).settings())
    options = {"mapping": mapping} if mapping is not None else None
    try:
        with RichProgress() as progress:
            report = import_file(
                workspace,
                kind,
                path,
                dry_run=dry_run,
                on_error=on_error,  # type: ignore[arg-type]
                strict=strict,
                progress=progress,
                options=options,
            )
    except ImportRejected as exc:
        _import_output(exc.report.as_dict(), fmt)
        exc.hint = (
            "see the full list with --dry-run --format json, fix the file, or import the valid "
            "rows with --on-error skip"
            + (", or keep flagged rows without --strict" if strict else "")
        )
        raise
    finally:
        workspace.close()
    _import_output(report.as_dict(), fmt)


def _import_output(payload: dict[str, Any], fmt: Format) -> None:
    rejected = payload["rejected"]
    if fmt is Format.json:
        emit(payload, [], fmt)
        return
    if fmt is Format.csv:
        emit(payload, rejected, fmt)
        return
    listed = ("columns_missing", "columns_unused", "formula_cells_from_cache")
    rows = [
        {"item": k, "value": v}
        for k, v in payload.items()
        if k not in ("rejected", "flags", "flagged", *listed)
    ]
    rows.append({"item": "rejected", "value": len(rejected)})
    for key in listed[:2]:  # what the file lacks or has beyond what the importer reads
        if key in payload:
            rows.append({"item": key.replace("_", " "), "value": ", ".join(payload[key]) or "-"})
    for column, count in payload.get("formula_cells_from_cache", {}).items():
        rows.append({"item": f"formula cells read from cache: {column}", "value": count})
    rows += [{"item": f"flagged: {k}", "value": v} for k, v in payload["flagged"].items()]
    note = None
    if payload["flagged"] and not payload["dry_run"]:
        note = "flagged records, kept as published: beltroad data quality --dataset " + str(
            payload["dataset"]
        )
    elif payload["flagged"]:
        note = "flagged records, kept as published: see --format json for each flag"
    emit(payload, rows, fmt, title="import", note=note, note_style=None)
    if rejected:
        emit(payload, rejected[:50], fmt, title="rejected rows (first 50)")


@app.command("export")
def export(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help="iati, csv, xlsx, parquet or geojson.")],
    path: Annotated[Path, typer.Argument(help="Output file.")],
    dataset: Annotated[str | None, typer.Option("--dataset", help="Only this dataset.")] = None,
    country: Annotated[
        str | None, typer.Option("--country", help="Only projects in this country (ISO code).")
    ] = None,
    status: Annotated[
        int | None, typer.Option("--status", help="Only this IATI ActivityStatus (1-6).")
    ] = None,
    no_synthetic: Annotated[
        bool, typer.Option("--no-synthetic", help="Leave synthetic records out.")
    ] = False,
    validate: Annotated[
        bool, typer.Option("--validate", help="IATI: validate the output against the XSD.")
    ] = False,
    schema_dir: Annotated[
        Path | None,
        typer.Option(
            "--schema-dir",
            help="IATI: folder with the 2.03 XSDs (default: the registry's, via cache/mirror).",
        ),
    ] = None,
    mapping_out: Annotated[
        Path | None,
        typer.Option(
            "--mapping-out",
            help="CSV/XLSX/Parquet: also write the `import table` mapping that reads it back.",
        ),
    ] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Export projects: IATI 2.03 XML, or readable CSV/XLSX/Parquet tables and GeoJSON points."""
    from beltroad.cli.output import with_flags
    from beltroad.errors import InvalidInput
    from beltroad.services.exports import export as export_service
    from beltroad.services.tabular_export import project_filter, write_import_mapping
    from beltroad.services.workspace import open_workspace

    flt = project_filter(
        dataset=dataset, country=country, status=status, include_synthetic=not no_synthetic
    )
    if mapping_out is not None:  # before the export: a refused option writes nothing
        try:
            write_import_mapping(kind, mapping_out, dataset)
        except InvalidInput as exc:
            raise with_flags(exc, {"mapping_out": "--mapping-out"}) from None
    workspace = open_workspace(state(ctx).settings())
    try:
        result = export_service(
            workspace, kind, path, flt, validate=validate, schema_dir=schema_dir
        ).as_dict()
    finally:
        workspace.close()
    rows = [{"item": k, "value": v} for k, v in result.items() if not isinstance(v, list)]
    emit(result, rows, fmt, title="export")


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option("--host", help="Bind address.")] = None,
    port: Annotated[int | None, typer.Option("--port", help="Port.")] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler", help="Dask scheduler tcp://HOST:PORT for the page's stress runs."
        ),
    ] = None,
) -> None:
    """Run the web application (FastAPI) on HOST:PORT."""
    _serve(state(ctx).settings(host=host, port=port), scheduler=scheduler)


def _serve(settings: "Settings", *, scheduler: str | None = None) -> None:
    import uvicorn

    from beltroad.services.workspace import open_workspace
    from beltroad.web.app import create_app
    from beltroad.web.assets import missing
    from beltroad.web.security import is_loopback

    open_workspace(settings).close()  # fail here, clearly, rather than on the first request
    console = stderr_console()
    if not is_loopback(settings.host) and not settings.tls_proxy:
        console.print(
            f"warning: serving on {settings.host}, reachable from other machines, without TLS: "
            "passwords and session cookies cross the network in clear. Put a TLS proxy in "
            "front and set tls_proxy = true (BELTROAD_TLS_PROXY=1), and list the public host "
            "name in allowed_hosts.",
            style="bold yellow",
        )
    absent = missing()
    if absent:
        console.print(
            f"warning: {len(absent)} front-end asset files are missing (charts, map, /docs): "
            "run `beltroad assets fetch`",
            style="bold yellow",
        )
    console.print(f"serving on http://{settings.host}:{settings.port}/ (Ctrl+C stops)")
    uvicorn.run(
        create_app(settings, scheduler=scheduler),
        host=settings.host,
        port=settings.port,
        log_level="warning",
    )


def _register_command_modules() -> None:
    from beltroad.cli.registry import register_all

    register_all(app)


_register_command_modules()


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; every beltroad error becomes one clear message and an exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args or os.environ.get("BELTROAD_DEBUG", "").lower() in ("1", "true")
    console = stderr_console()
    try:
        # Not standalone, click *returns* the code of a command's ``typer.Exit`` instead of
        # raising it (``data verify`` exiting 1 on a corrupt file): pass that code on.
        result = app(args=args, prog_name="beltroad", standalone_mode=False)
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        console.print("aborted")
        return 130
    except typer.TyperException as exc:  # usage errors: bad option, bad value
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            console.print(Text(str(exc)))
        return int(getattr(exc, "exit_code", 2))
    except BeltroadError as error:
        if debug:
            traceback.print_exc()
        shown = _with_options(error, args)
        console.print(Text.assemble(("error: ", "bold red"), shown.message), highlight=False)
        if shown.hint:
            console.print(Text(f"  hint: {shown.hint}"), highlight=False)
        return shown.exit_code
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        if debug:
            traceback.print_exc()
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):  # a file write (export, data pull)
            where = f" while writing {exc.filename}" if exc.filename else ""
            console.print(
                Text.assemble(("error: ", "bold red"), f"the disk is full{where}: {exc.strerror}"),
                highlight=False,
            )
            console.print(Text("  hint: free some space on that disk, then run the command again"))
            return 1
        return internal_error(exc, console)
    except Exception as exc:
        if debug:
            traceback.print_exc()
        return internal_error(exc, console)
    return result if isinstance(result, int) and not isinstance(result, bool) else 0


def _with_options(exc: BeltroadError, args: Sequence[str]) -> BeltroadError:
    """The one place a service's field names become the options of the command that ran."""
    from beltroad.cli.output import option_flags, with_flags
    from beltroad.errors import InvalidInput

    if not isinstance(exc, InvalidInput) or not exc.problems:
        return exc
    if exc.message != "; ".join(p.describe() for p in exc.problems):
        return exc  # a command already said it in its own words (and options)
    command: Any = typer.main.get_command(app)
    chain = [command]
    for token in args:  # the command groups and command the words name
        commands = getattr(command, "commands", None)
        if isinstance(commands, dict) and token in commands:
            command = commands[token]
            chain.append(command)
    return with_flags(exc, option_flags(chain))
