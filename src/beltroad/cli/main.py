"""Entry point and global options. Each command is a few lines over a services function."""

from __future__ import annotations

import os
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.text import Text

from beltroad.cli.output import Format, emit, stderr_console
from beltroad.errors import BeltroadError
from beltroad.settings import Settings, load_settings

app = typer.Typer(
    name="beltroad",
    help="Plan, coordinate and manage a Belt and Road style cooperation portfolio.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

FormatOption = Annotated[
    Format, typer.Option("--format", "-f", help="Output format: table, json or csv.")
]


@dataclass
class State:
    """What the global options gave; settings are built on first use, not at start-up."""

    config_file: Path | None = None
    flags: dict[str, Any] = field(default_factory=dict)
    as_login: str | None = None  # --as: act as this user instead of the local administrator

    def settings(self, **more: Any) -> Settings:
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


@app.command()
def summary(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """Show what the registry holds: counts, commitments and datasets."""
    from beltroad.services.summary import portfolio_summary
    from beltroad.services.workspace import open_workspace

    workspace = open_workspace(state(ctx).settings())
    try:
        result = portfolio_summary(workspace)
    finally:
        workspace.close()
    emit(result.as_dict(), result.rows(), fmt, title="portfolio summary", note=result.label)


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
            # Citations as numbered notes under the table: long enough to wrap a cell into a
            # column of fragments.
            cited = list(dict.fromkeys(str(item["citation"]) for item in report.loaded))
            rows = [
                {
                    **{k: v for k, v in item.items() if k != "citation"},
                    "source": f"[{cited.index(str(item['citation'])) + 1}]",
                }
                for item in report.loaded
            ]
            notes = "\n".join(f"[{n}] {citation}" for n, citation in enumerate(cited, 1))
            emit(rows, rows, fmt, title="real data loaded", note=notes, note_style=None)
    console = stderr_console()
    for line in report.notes:
        console.print(f"- {line}")
    for line in report.logins:  # passwords: the terminal only, never a file
        console.print(f"- {line}", highlight=False, markup=False)
    console.print(f"summary written to {report.summary_path}")
    if not no_serve:
        _serve(settings)


data_app = typer.Typer(help="The dataset registry: list, pull and verify pinned public data sets.")
app.add_typer(data_app, name="data")


@data_app.command("list")
def data_list(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """List every dataset: licence, citation, upstream address, pinned hash, cached or not."""
    from beltroad.services.data import list_datasets

    entries = list_datasets(state(ctx).settings())
    rows = [
        {
            "name": e["name"],
            "files": len(e["files"]),
            "cached": e["cached"],
            "licence": e["licence"],
            "import": e["import_kind"] or "",
        }
        for e in entries
    ]
    emit(entries, rows, fmt, title="datasets")


@data_app.command("pull")
def data_pull(
    ctx: typer.Context,
    names: Annotated[
        list[str] | None, typer.Argument(help="Datasets to pull (default: all).")
    ] = None,
    no_download: Annotated[
        bool, typer.Option("--no-download", help="Use the cache and mirror only.")
    ] = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Fetch datasets into the cache: mirror first, then the publisher; hashes are checked."""
    from beltroad.cli.progress import RichProgress
    from beltroad.services.data import pull_datasets

    with RichProgress() as progress:
        pulled = pull_datasets(
            state(ctx).settings(), names or [], allow_download=not no_download, progress=progress
        )
    rows = [{"dataset": n, "file": str(p)} for n, paths in pulled.items() for p in paths]
    emit({n: [str(p) for p in ps] for n, ps in pulled.items()}, rows, fmt, title="pulled")


@data_app.command("verify")
def data_verify(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """Re-hash the cached files against the pinned SHA-256; exit 1 if any is corrupt."""
    from beltroad.services.data import verify_cache

    rows = verify_cache(state(ctx).settings())
    emit(rows, rows, fmt, title="dataset cache")
    if any(r["cached"] == "corrupt" for r in rows):
        raise typer.Exit(1)


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
    mapping: Annotated[
        Path | None, typer.Option("--mapping", help="Mapping file (TOML) for `table` imports.")
    ] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Import a data file: validate every row, then write all-or-nothing (or skip bad rows)."""
    from beltroad.cli.progress import RichProgress
    from beltroad.services.imports import ImportRejected, import_file
    from beltroad.services.workspace import open_workspace

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
                progress=progress,
                options=options,
            )
    except ImportRejected as exc:
        _import_output(exc.report.as_dict(), fmt)
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
    rows = [{"item": k, "value": v} for k, v in payload.items() if k != "rejected"]
    rows.append({"item": "rejected", "value": len(rejected)})
    emit(payload, rows, fmt, title="import")
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
        typer.Option("--schema-dir", help="IATI: folder with the 2.03 XSDs (default: registry)."),
    ] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Export projects: IATI 2.03 XML, or readable CSV/XLSX/Parquet tables and GeoJSON points."""
    from beltroad.services.tabular_export import export_table, project_filter
    from beltroad.services.workspace import open_workspace

    settings = state(ctx).settings()
    workspace = open_workspace(settings)
    try:
        if kind == "iati":
            from beltroad.services.exports import export_iati

            result = export_iati(
                workspace,
                path,
                dataset=dataset,
                validate=validate,
                schema_dir=(schema_dir or _schema_dir(settings)) if validate else None,
            ).as_dict()
        else:
            flt = project_filter(
                dataset=dataset,
                country=country,
                status=status,
                include_synthetic=not no_synthetic,
            )
            result = export_table(workspace, kind, path, flt).as_dict()
    finally:
        workspace.close()
    rows = [{"item": k, "value": v} for k, v in result.items() if not isinstance(v, list)]
    emit(result, rows, fmt, title="export")


def _schema_dir(settings: Settings) -> Path:
    from beltroad.services.data import pull_datasets

    [schema, *_] = pull_datasets(settings, ["iati-schema-2.03"])["iati-schema-2.03"]
    return schema.parent


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option("--host", help="Bind address.")] = None,
    port: Annotated[int | None, typer.Option("--port", help="Port.")] = None,
) -> None:
    """Run the web application (FastAPI) on HOST:PORT."""
    _serve(state(ctx).settings(host=host, port=port))


def _serve(settings: Settings) -> None:
    import uvicorn

    from beltroad.services.workspace import open_workspace
    from beltroad.web.app import create_app

    open_workspace(settings).close()  # fail here, clearly, rather than on the first request
    stderr_console().print(f"serving on http://{settings.host}:{settings.port}/ (Ctrl+C stops)")
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="warning")


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
        app(args=args, prog_name="beltroad", standalone_mode=False)
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
    except BeltroadError as exc:
        if debug:
            traceback.print_exc()
        console.print(Text.assemble(("error: ", "bold red"), exc.message), highlight=False)
        if exc.hint:
            console.print(Text(f"  hint: {exc.hint}"), highlight=False)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if debug:
            traceback.print_exc()
        console.print(
            Text.assemble(("internal error: ", "bold red"), f"{type(exc).__name__}: {exc}")
        )
        console.print(Text("  hint: rerun with --debug for the traceback, and report it"))
        return 1
    return 0
