"""``beltroad template``, ``beltroad registry ...`` and ``beltroad reported ...``: a few lines
each over :mod:`beltroad.services.registry`, :mod:`beltroad.services.registry_import` and
:mod:`beltroad.services.reported`."""

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer

from beltroad.cli.output import Format, FormatOption, emit, stderr_console
from beltroad.entity_kinds import EntityKind
from beltroad.errors import InvalidInput

KindArgument = Annotated[
    EntityKind, typer.Argument(help="organisation, document, enterprise or zone.")
]
SetOption = Annotated[
    list[str] | None,
    typer.Option("--set", help="FIELD=VALUE, as in the template's column (repeat the option)."),
]
FLAGS = {"on_error": "--on-error", "mapping": "--mapping", "entity": "--entity"}

registry_app = typer.Typer(
    rich_markup_mode=None,
    help="The registry's own entities: organisations, documents, enterprises, zones.",
)
reported_app = typer.Typer(
    rich_markup_mode=None, help="Reported statistics: official figures with their sources."
)


def register(app: typer.Typer) -> None:
    app.command("template")(template_command)
    app.add_typer(registry_app, name="registry")
    app.add_typer(reported_app, name="reported")


def _actor(ctx: typer.Context, workspace: Any) -> Any:
    """The acting user: the local administrator, or the user named by the global ``--as``."""
    from beltroad.cli.main import state
    from beltroad.services.users import resolve_actor

    return resolve_actor(workspace, state(ctx).as_login)


def _workspace(ctx: typer.Context) -> Any:
    from beltroad.cli.main import state
    from beltroad.services.workspace import open_workspace

    return open_workspace(state(ctx).settings())


def _pairs(values: list[str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise InvalidInput.at("expected FIELD=VALUE", field="--set", value=item)
        out[name.strip()] = value
    return out


def template_command(
    kind: KindArgument,
    path: Annotated[
        Path | None, typer.Argument(help="Where to write it (.xlsx or .csv; default KIND.xlsx).")
    ] = None,
) -> None:
    """Write the XLSX template of an entity: its columns, an explanation sheet, a source sheet."""
    from beltroad.services.registry_import import write_template

    written = write_template(kind, path or Path(f"{kind.value}s.xlsx"))
    stderr_console().print(
        f"template written to {written}; fill it in and run "
        f"`beltroad import table {written} --entity {kind.value}`"
    )


def import_entity_table(
    ctx: typer.Context,
    kind: str,
    entity: str,
    path: Path,
    mapping: Path | None,
    dry_run: bool,
    on_error: str,
    fmt: Format,
) -> None:
    """``beltroad import table FILE --entity KIND`` (called by the import command)."""
    from beltroad.cli.main import _import_output
    from beltroad.cli.progress import RichProgress
    from beltroad.services.imports import ImportRejected
    from beltroad.services.registry_import import import_entities

    if kind != "table":
        raise InvalidInput.at("--entity goes with `import table` only", field="KIND", value=kind)
    try:
        parsed = EntityKind(entity)
    except ValueError:
        choices = ", ".join(k.value for k in EntityKind)
        raise InvalidInput.at(
            f"expected one of {choices}", field="--entity", value=entity
        ) from None
    workspace = _workspace(ctx)
    try:
        with RichProgress() as progress:
            report = import_entities(
                workspace,
                parsed,
                path,
                mapping=mapping,
                dry_run=dry_run,
                on_error=on_error,  # type: ignore[arg-type]
                progress=progress,
            )
    except ImportRejected as exc:
        _import_output(exc.report.as_dict(), fmt)
        raise
    finally:
        workspace.close()
    _import_output(report.as_dict(), fmt)


@registry_app.command("add")
def registry_add(
    ctx: typer.Context,
    kind: KindArgument,
    values: SetOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Add one entity from FIELD=VALUE pairs; it is checked as an imported row would be."""
    from beltroad.services import registry

    entity = registry.build(kind, _pairs(values))
    workspace = _workspace(ctx)
    try:
        id_ = registry.create(workspace, _actor(ctx, workspace), entity)
        rows = registry.list_entities(workspace, kind, ids=[id_])
    finally:
        workspace.close()
    emit(rows[0], rows, fmt, title=f"{kind.value} added")


@registry_app.command("update")
def registry_update(
    ctx: typer.Context,
    kind: KindArgument,
    id_: Annotated[int, typer.Argument(metavar="ID", help="The record's id (see `list`).")],
    values: SetOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Change fields of one entity; the whole record is checked again."""
    from beltroad.services import registry

    changes = registry.parse_fields(kind, _pairs(values))
    workspace = _workspace(ctx)
    try:
        registry.update(workspace, _actor(ctx, workspace), kind, id_, changes)
        rows = registry.list_entities(workspace, kind, ids=[id_])
    finally:
        workspace.close()
    emit(rows[0], rows, fmt, title=f"{kind.value} {id_} updated")


@registry_app.command("delete")
def registry_delete(
    ctx: typer.Context,
    kind: KindArgument,
    id_: Annotated[int, typer.Argument(metavar="ID", help="The record's id (see `list`).")],
) -> None:
    """Delete one entity; refused while other records point at it."""
    from beltroad.services import registry

    workspace = _workspace(ctx)
    try:
        registry.delete(workspace, _actor(ctx, workspace), kind, id_)
    finally:
        workspace.close()
    stderr_console().print(f"{kind.value} {id_} deleted")


@registry_app.command("list")
def registry_list(
    ctx: typer.Context,
    kind: KindArgument,
    dataset: Annotated[str | None, typer.Option("--dataset", help="Only this dataset.")] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="At most N rows.")] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """List stored entities of a kind with their ids and datasets."""
    from beltroad.services import registry

    workspace = _workspace(ctx)
    try:
        rows = registry.list_entities(workspace, kind, dataset=dataset, limit=limit)
    finally:
        workspace.close()
    # a table shows who and where; json and csv carry every field
    shown = [dict(list(row.items())[:6]) for row in rows]
    emit(rows, shown if fmt is Format.table else rows, fmt, title=f"{kind.value}s ({len(rows)})")


@reported_app.command("list")
def reported_list(
    ctx: typer.Context,
    key: Annotated[str | None, typer.Option("--key", help="Only this figure.")] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """List the reported statistics: each figure's series with its sources."""
    from beltroad.services.reported import list_statistics

    workspace = _workspace(ctx)
    try:
        rows = list_statistics(workspace, key)
    finally:
        workspace.close()
    shown = [
        {k: r[k] for k in ("id", "key", "as_of", "qualifier", "value", "unit", "scope", "source")}
        for r in rows
    ]
    emit(rows, shown, fmt, title="reported statistics")


def _date(value: str, flag: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput.at("not a date (expected YYYY-MM-DD)", field=flag, value=value) from None


@reported_app.command("add")
def reported_add(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="Figure key, e.g. zone_local_jobs.")],
    value: Annotated[float, typer.Argument(help="The figure as published (USD in units).")],
    as_of: Annotated[str, typer.Option("--as-of", help="Date it describes, YYYY-MM-DD.")],
    source: Annotated[str, typer.Option("--source", help="Publisher, title and date.")],
    source_date: Annotated[
        str, typer.Option("--source-date", help="Date the source published it, YYYY-MM-DD.")
    ],
    label: Annotated[str, typer.Option("--label", help="What the figure is.")],
    unit: Annotated[str, typer.Option("--unit", help="USD, jobs, zones, countries...")],
    qualifier: Annotated[
        str, typer.Option("--qualifier", help="over, about, exact or under.")
    ] = "exact",
    scope: Annotated[
        str | None,
        typer.Option("--scope", help="What it covers, when narrower than the headline figure."),
    ] = None,
    url: Annotated[str | None, typer.Option("--url", help="Where it was published.")] = None,
) -> None:
    """Add an official figure to the reported series, with its source."""
    from beltroad.reference.reported import ReportedFact
    from beltroad.services.reported import add_statistic

    fact = ReportedFact(
        key=key,
        label=label,
        value=value,
        qualifier=qualifier,  # type: ignore[arg-type]  # checked by the service
        unit=unit,
        as_of=_date(as_of, "--as-of"),
        source=source,
        source_date=_date(source_date, "--source-date"),
        scope=scope,
        url=url,
    )
    workspace = _workspace(ctx)
    try:
        add_statistic(workspace, fact)
    finally:
        workspace.close()
    stderr_console().print(f"{key} as of {fact.as_of} added")


ProjectIds = Annotated[list[str], typer.Argument(metavar="IDENTIFIER...", help="Project ids.")]


@registry_app.command("publish")
def registry_publish(ctx: typer.Context, identifiers: ProjectIds) -> None:
    """Mark projects public: shown to anonymous visitors when `public_mode` is on (admin only)."""
    _set_public(ctx, identifiers, public=True)


@registry_app.command("unpublish")
def registry_unpublish(ctx: typer.Context, identifiers: ProjectIds) -> None:
    """Withdraw projects from the public pages (admin only)."""
    _set_public(ctx, identifiers, public=False)


def _set_public(ctx: typer.Context, identifiers: list[str], *, public: bool) -> None:
    from beltroad.services import publication

    workspace = _workspace(ctx)
    try:
        done = publication.set_public(workspace, _actor(ctx, workspace), identifiers, public=public)
    finally:
        workspace.close()
    word = "public" if public else "not public"
    stderr_console().print(f"{done.changed} project(s) now {word}; {done.unchanged} already {word}")
