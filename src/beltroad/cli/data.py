"""``beltroad data``: the dataset registry (list, pull, verify) and the quality flags."""

from typing import Annotated, Any

import typer

from beltroad.cli.output import Format, FormatOption, emit


def _state(ctx: typer.Context) -> Any:
    from beltroad.cli.main import state

    return state(ctx)


data_app = typer.Typer(
    rich_markup_mode=None,
    help="The dataset registry: list, pull and verify pinned public data sets.",
)


@data_app.command("list")
def data_list(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """List every dataset: licence, citation, upstream address, pinned hash, cached or not."""
    from beltroad.services.data import list_datasets

    entries = list_datasets(_state(ctx).settings())
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
            _state(ctx).settings(), names or [], allow_download=not no_download, progress=progress
        )
    rows = [{"dataset": n, "file": str(p)} for n, paths in pulled.items() for p in paths]
    emit({n: [str(p) for p in ps] for n, ps in pulled.items()}, rows, fmt, title="pulled")


@data_app.command("verify")
def data_verify(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """Re-hash the cached files against the pinned SHA-256; exit 1 if any is corrupt."""
    from beltroad.services.data import verify_cache

    rows = verify_cache(_state(ctx).settings())
    emit(rows, rows, fmt, title="dataset cache")
    if any(r["cached"] == "corrupt" for r in rows):
        raise typer.Exit(1)


@data_app.command("quality")
def data_quality(
    ctx: typer.Context,
    dataset: Annotated[str | None, typer.Option("--dataset", help="Only this dataset.")] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", help="Only this kind of flag, e.g. date_order.")
    ] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """List the quality flags of imported records by dataset and kind, with the records."""
    from beltroad.services.quality import quality_flags
    from beltroad.services.workspace import open_workspace

    workspace = open_workspace(_state(ctx).settings())
    try:
        listing = quality_flags(workspace, dataset=dataset, kind=kind)
    finally:
        workspace.close()
    if fmt is not Format.table:
        emit(listing.as_dict(), listing.flag_rows(), fmt)
        return
    note = None if listing.groups else "no quality flags: every record checked is 'ok'"
    emit({}, listing.summary_rows(), fmt, title="quality flags by dataset and kind", note=note)
    for group in listing.groups:
        # At 80 columns: the reason names the values involved; code and field are in JSON/CSV.
        rows = [
            {
                "row": r["row"],
                "identifier": r["identifier"],
                "title": _short(r["title"], 28),
                "reason": r["reason"],
            }
            for r in group.rows()
        ]
        emit({}, rows, fmt, title=f"{group.dataset}: {group.kind} ({group.records:,} records)")


def _short(value: str | None, width: int) -> str:
    text = value or ""
    return text if len(text) <= width else text[: width - 1] + "…"


def register(app: typer.Typer) -> None:
    app.add_typer(data_app, name="data")
