"""``beltroad import KIND PATH``: validate, preview and write a file all-or-nothing.

Records are written in batches inside one transaction while the file streams, so memory stays
bounded on large files; a rejected row (with ``--on-error fail``) rolls the whole import back.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import importlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Connection

from beltroad.errors import InvalidInput
from beltroad.ingest.base import Importer, Item, RowError, require_file
from beltroad.progress import NULL_PROGRESS, Progress
from beltroad.records import (
    CountryProfileRecord,
    IndicatorRecord,
    PartnershipRecord,
    PortRecord,
    ProjectRecord,
    Record,
)
from beltroad.services.users import LOCAL_ADMIN, local_actor
from beltroad.services.workspace import Workspace
from beltroad.storage import audit, generation, inventory, writes

OnError = Literal["fail", "skip"]

# kind -> "module:factory"; modules are imported only when their kind is used.
IMPORTERS: dict[str, str] = {
    "gcdf3-geo": "beltroad.ingest.aiddata_geo:GeoGcdf3Importer",
    "gcdf3": "beltroad.ingest.aiddata_gcdf3:Gcdf3Importer",
    "gcdf2": "beltroad.ingest.aiddata_gcdf2:Gcdf2Importer",
    "gcof1": "beltroad.ingest.aiddata_gcof1:Gcof1Importer",
    "iati": "beltroad.ingest.iati:IatiImporter",
    "table": "beltroad.ingest.table:TableImporter",
    "bri-members": "beltroad.ingest.bri_members:BriMembersImporter",
    "wgi": "beltroad.ingest.indicators:WgiImporter",
    "gpr": "beltroad.ingest.indicators:GprImporter",
    "ndgain": "beltroad.ingest.indicators:NdGainImporter",
    "imf-debt": "beltroad.ingest.indicators:ImfDebtImporter",
    "wpi": "beltroad.ingest.ports:WpiImporter",
    "naturalearth": "beltroad.ingest.naturalearth:NaturalEarthImporter",
}

BATCH = 2000


@dataclass
class ImportReport:
    kind: str
    file: str
    dataset: str
    dry_run: bool
    on_error: OnError
    rows_read: int = 0
    records_written: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    records_valid: int = 0
    rejected: list[RowError] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "file": self.file,
            "dataset": self.dataset,
            "rows_read": self.rows_read,
            "records_valid": self.records_valid,
            "records_written": self.records_written,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": [e.as_dict() for e in self.rejected],
            "dry_run": self.dry_run,
            "on_error": self.on_error,
        }


class ImportRejected(InvalidInput):
    """A fail-mode import met rejected rows; nothing was written. Carries the full report."""

    def __init__(self, report: ImportReport) -> None:
        first = report.rejected[0]
        where = f"row {first.row}" if first.row is not None else "file"
        super().__init__(
            f"{report.file}: {len(report.rejected)} row(s) rejected, nothing imported "
            f"(first: {where}, field {first.field}, value {first.value!r}: {first.reason})",
            hint="see the full list with --dry-run --format json, fix the file, "
            "or import the valid rows with --on-error skip",
        )
        self.report = report


def importer_for(kind: str, **options: Any) -> Importer:
    target = IMPORTERS.get(kind)
    if target is None:
        raise InvalidInput.at(
            f"unknown import kind (expected one of {', '.join(sorted(IMPORTERS))})",
            field="KIND",
            value=kind,
        )
    module_name, factory = target.split(":")
    module = importlib.import_module(module_name)
    made: Importer = getattr(module, factory)(**options)
    return made


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@contextmanager
def _fewer_collections(threshold: int = 50_000) -> Iterator[None]:
    """Run the cycle collector every ``threshold`` allocations instead of every 700.

    An import allocates a great many short-lived, acyclic objects (elements, records, row
    tuples); at the default threshold the collector takes ~7% of a small import while finding
    nothing. It still runs, so memory stays bounded on multi-gigabyte streams.
    """
    before = gc.get_threshold()
    gc.set_threshold(threshold, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def import_file(
    workspace: Workspace,
    kind: str,
    path: Path,
    *,
    dry_run: bool = False,
    on_error: OnError = "fail",
    progress: Progress = NULL_PROGRESS,
    options: dict[str, Any] | None = None,
) -> ImportReport:
    """Import ``path`` as ``kind``. Raises :class:`ImportRejected` when fail-mode rejects rows."""
    if on_error not in ("fail", "skip"):
        raise InvalidInput.at("expected fail or skip", field="--on-error", value=on_error)
    importer = importer_for(kind, **(options or {}))
    require_file(path)
    source = importer.source(path)
    report = ImportReport(
        kind=kind, file=str(path), dataset=source.dataset, dry_run=dry_run, on_error=on_error
    )
    items = importer.read(path, progress=progress)
    try:
        with _fewer_collections():
            return _run(workspace, items, report, path, kind, source)
    finally:
        close = getattr(items, "close", None)
        if close is not None:
            close()  # release the file even when a write or a rejection stops us early


def _run(
    workspace: Workspace,
    items: Iterator[Item],
    report: ImportReport,
    path: Path,
    kind: str,
    source: Any,
) -> ImportReport:
    if report.dry_run:
        _consume(items, report, None)
        return report
    with (
        # hashlib and file reads release the GIL: the file's fingerprint is taken while the
        # import reads it.
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="beltroad-sha256") as hasher,
        workspace.writing() as connection,
        # SQLite's analytics triggers would bump the generation once per written row (about
        # as dear as the row itself); paused, it is bumped once, and a failure rolls back.
        generation.paused_triggers(connection),
    ):
        fingerprint = hasher.submit(file_sha256, path)
        transaction = connection.get_transaction()
        _consume(items, report, connection)
        if report.rejected and report.on_error == "fail":
            assert transaction is not None
            transaction.rollback()
            raise ImportRejected(report)
        inventory.record_dataset(
            connection,
            name=source.dataset,
            title=source.title,
            citation=source.citation,
            licence=source.licence,
            is_synthetic=False,
            records=inventory.dataset_record_count(connection, source.dataset),
            parameters={"kind": kind, "file": path.name},
            file_sha256=fingerprint.result(),
        )
        if report.records_written:  # an import that changed nothing wrote nothing to audit
            _audit_import(connection, report, path, fingerprint.result())
    return report


def _audit_import(connection: Connection, report: ImportReport, path: Path, sha256: str) -> None:
    """One audit event per import, in its transaction (issue #15), by the local administrator
    the command line acts as."""
    actor = local_actor(connection)
    after = {
        "kind": report.kind,
        "file": path.name,
        "sha256": sha256,
        "rows_read": report.rows_read,
        "records_written": report.records_written,
        "rejected": len(report.rejected),
        "on_error": report.on_error,
    }
    audit.append(
        connection,
        [
            audit.AuditInput(
                actor_id=actor.user_id if actor else None,
                actor=actor.login if actor else LOCAL_ADMIN,
                action="import",
                entity="dataset",
                entity_id=report.dataset,
                after=after,
            )
        ],
        at=dt.datetime.now(dt.UTC),
    )


def _consume(
    items: Iterator[Item],
    report: ImportReport,
    connection: Connection | None,
) -> None:
    """Validate every item; write valid records in batches when ``connection`` is given."""
    pending: dict[type, list[Record]] = defaultdict(list)

    def flush(batch: list[Record]) -> None:
        if batch and connection is not None:
            _flush(connection, batch, report)

    seen: dict[tuple[type, str], int | None] = {}
    project_datasets: set[str] = set()
    last_row: int | None = None
    for item in items:
        number = item.row if isinstance(item, RowError) else item.number
        if number is None or number != last_row:  # a row may yield several records
            report.rows_read += 1
        last_row = number
        if isinstance(item, RowError):
            report.rejected.append(item)
            continue
        record = item.record
        key = _identity(record)
        if key is not None:
            if key in seen:
                report.rejected.append(
                    RowError(
                        item.number,
                        "id",
                        key[1],
                        f"duplicate id in this file (first seen at row {seen[key]})",
                    )
                )
                continue
            seen[key] = item.number
        report.records_valid += 1
        if isinstance(record, ProjectRecord):
            project_datasets.add(record.provenance.dataset)
        if connection is not None and (not report.rejected or report.on_error == "skip"):
            batch = pending[type(record)]
            batch.append(record)
            if len(batch) >= BATCH:
                flush(batch)
                batch.clear()
    if connection is not None and (not report.rejected or report.on_error == "skip"):
        for batch in pending.values():
            flush(batch)
        for dataset in sorted(project_datasets):  # parents may sit in any earlier batch
            writes.link_parents(connection, dataset)


def _identity(record: Record) -> tuple[type, str] | None:
    if isinstance(record, ProjectRecord):
        return (ProjectRecord, record.identifier)
    if isinstance(record, PartnershipRecord | PortRecord):
        sid = record.provenance.source_record_id
        return None if sid is None else (type(record), sid)
    if isinstance(record, CountryProfileRecord):
        return (CountryProfileRecord, record.iso3)
    if isinstance(record, IndicatorRecord):
        return (IndicatorRecord, f"{record.iso3}/{record.indicator}/{record.period}")
    return None


WRITERS: dict[type, Callable[[Connection, Any], writes.WriteCounts]] = {
    ProjectRecord: writes.write_projects,
    PartnershipRecord: writes.write_partnerships,
    IndicatorRecord: writes.write_indicators,
    PortRecord: writes.write_ports,
    CountryProfileRecord: writes.write_country_profiles,
}


def _flush(connection: Connection | None, batch: list[Record], report: ImportReport) -> None:
    if not batch or connection is None:
        return
    counts = WRITERS[type(batch[0])](connection, batch)
    report.inserted += counts.inserted
    report.updated += counts.updated
    report.unchanged += counts.unchanged
    report.records_written += counts.written
