"""``beltroad import table FILE --entity KIND``: organisations, cooperation documents, overseas
enterprises or cooperation zones from a filled-in template (or any table with a mapping file).

The same rules as every import: every row is checked (values, then every country, organisation
and zone it names against the registry, with the closest matches when one does not resolve);
by default one rejected row rejects the file and nothing is written; ``dry_run`` writes nothing;
``on_error="skip"`` writes the valid rows. A re-import updates rows by their ``source_id`` (or,
for organisations, their IATI ref or name) instead of adding them again.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection

from beltroad.entities import EntityKind, OrganisationEntity
from beltroad.errors import InvalidInput
from beltroad.ingest.base import RowError
from beltroad.ingest.entity_rows import EntityRow, EntitySource, EntityTable
from beltroad.progress import NULL_PROGRESS, Progress
from beltroad.services.imports import (
    ImportRejected,
    ImportReport,
    OnError,
    audit_import,
    file_sha256,
)
from beltroad.services.registry import Resolved, Resolver, load_resolver, resolve
from beltroad.services.workspace import Workspace
from beltroad.storage import inventory
from beltroad.storage import registry as store


def write_template(kind: EntityKind, path: Path) -> Path:
    """Write the XLSX (or CSV) template of ``kind``; see :mod:`beltroad.export.templates`."""
    from beltroad.export.templates import write_template as write

    return write(kind, path)


PENDING = -1
"""Placeholder ids of the file's own organisations until they are written (negative)."""


def import_entities(
    workspace: Workspace,
    kind: EntityKind,
    path: Path,
    *,
    mapping: Path | None = None,
    dry_run: bool = False,
    on_error: OnError = "fail",
    progress: Progress = NULL_PROGRESS,
) -> ImportReport:
    """Import one entity table. Raises :class:`ImportRejected` when fail-mode rejects rows."""
    if on_error not in ("fail", "skip"):
        raise InvalidInput.at("expected fail or skip", field="on_error", value=on_error)
    table = EntityTable(kind, path, mapping)
    source = table.source
    report = ImportReport(
        kind=f"table ({kind.value})",
        file=str(path),
        dataset=source.dataset,
        dry_run=dry_run,
        on_error=on_error,
        notes=table.notes,  # filled in as the table is read
    )
    opened = workspace.reading() if dry_run else workspace.writing()
    with opened as connection:
        resolver = load_resolver(connection)
        valid = _check(table, resolver, report, progress)
        if dry_run:
            return report
        if report.rejected and on_error == "fail":
            transaction = connection.get_transaction()
            if transaction is not None:
                transaction.rollback()
            raise ImportRejected(report)
        _write(connection, kind, valid, report)
        sha256 = file_sha256(path)
        if report.records_written:  # an import that changed nothing wrote nothing to audit
            audit_import(connection, report, path, sha256)
        inventory.record_dataset(
            connection,
            name=source.dataset,
            title=source.title,
            citation=source.citation,
            licence=source.licence,
            is_synthetic=False,
            records=inventory.dataset_record_count(connection, source.dataset),
            parameters={"kind": "table", "entity": kind.value, "file": path.name},
            file_sha256=sha256,
        )
    return report


def _check(
    table: EntityTable, resolver: Resolver, report: ImportReport, progress: Progress
) -> list[tuple[int, Resolved]]:
    rows_seen: set[int] = set()
    keys: dict[str, int] = {}
    valid: list[tuple[int, Resolved]] = []
    source: EntitySource = table.source
    for item in table.read(progress=progress):
        number = item.row if isinstance(item, RowError) else item.number
        if number is not None:
            rows_seen.add(number)
        if isinstance(item, RowError):
            report.rejected.append(item)
            continue
        assert isinstance(item, EntityRow)
        entity = item.entity
        if isinstance(entity, OrganisationEntity):
            key_field, key = ("ref", entity.ref) if entity.ref else ("name", entity.name)
            key = key.casefold()
        else:
            key_field, key = "source_id", entity.source_id
        if key in keys:
            report.rejected.append(
                RowError(
                    item.number,
                    key_field,
                    key,
                    f"duplicate in this file (first at row {keys[key]})",
                )
            )
            continue
        keys[key] = item.number
        resolved, problems = resolve(entity, resolver, dataset=source.dataset)
        if resolved is None:
            report.rejected += [RowError(item.number, f, v, r) for f, v, r in problems]
            continue
        if isinstance(entity, OrganisationEntity):
            resolver.add_org(PENDING - len(valid), entity.name, entity.ref)
        valid.append((item.number, resolved))
        report.records_valid += 1
    # parents may be defined anywhere in the file: resolved once every row has been read
    for number, resolved in list(valid):
        if resolved.parent is not None:
            got = resolver.organisation("parent", resolved.parent)
            if isinstance(got, tuple):
                report.rejected.append(RowError(number, *got))
                valid.remove((number, resolved))
                report.records_valid -= 1
    report.rows_read = len(rows_seen)
    report.rejected.sort(key=lambda e: e.row or 0)
    return valid


def _write(
    connection: Connection,
    kind: EntityKind,
    valid: list[tuple[int, Resolved]],
    report: ImportReport,
) -> None:
    rows = [resolved.row for _, resolved in valid]
    if kind is EntityKind.ORGANISATION:
        counts = store.write_organisations(connection, rows)
        ids = {o.key: o.id for o in store.organisations(connection)}
        fresh = Resolver(store.organisations(connection), [])
        for _, resolved in valid:
            if resolved.parent is None:
                continue
            parent = fresh.organisation("parent", resolved.parent)
            assert not isinstance(parent, tuple)  # checked before anything was written
            own = ids[resolved.row["key"]]
            stored = store.get(connection, "organisation", own)
            if stored is not None and stored["parent_id"] != parent:
                store.update_one(connection, "organisation", own, {"parent_id": parent})
    elif kind is EntityKind.DOCUMENT:
        counts = store.write_documents(
            connection, [(resolved.row, resolved.parties) for _, resolved in valid]
        )
    else:
        counts = store.write_keyed(connection, kind.value, rows)
    report.inserted += counts.inserted
    report.updated += counts.updated
    report.unchanged += counts.unchanged
    report.records_written += counts.written
