"""``beltroad import KIND PATH``: validate, preview and write a file all-or-nothing.

Records are written in batches inside one transaction while the file streams, so memory stays
bounded on large files; a rejected row (with ``on_error="fail"``) rolls the whole import back.

Published data imports as published: a record whose values are readable but inconsistent (a
completion date before its start date) is kept, its ``quality`` names the problem and its flags
are stored for ``beltroad data quality``. A ``strict`` import rejects such rows instead. What
cannot be read (an amount that is not a number, a date that is not a calendar date, a missing or
duplicate id) is rejected either way.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Connection

from beltroad.errors import Conflict, InvalidInput
from beltroad.ingest.base import Importer, Item, ReadNotes, RowError, require_file
from beltroad.ingest.limits import record_problems
from beltroad.progress import NULL_PROGRESS, Progress
from beltroad.records import (
    CountryProfileRecord,
    IndicatorRecord,
    PartnershipRecord,
    PortRecord,
    ProjectRecord,
    QualityFlag,
    RateRecord,
    Record,
)
from beltroad.services import overlaps as overlap_links
from beltroad.services.users import LOCAL_ADMIN, local_actor
from beltroad.services.workspace import Workspace
from beltroad.storage import audit, generation, import_lock, inventory, quality, rates, writes
from beltroad.storage import overlaps as overlap_store

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
    "deflator-fred": "beltroad.ingest.rates:FredDeflatorImporter",
    "deflator-dac": "beltroad.ingest.rates:DacDeflatorImporter",
    "deflator-wdi": "beltroad.ingest.rates:WdiDeflatorImporter",
    "fx-imf": "beltroad.ingest.rates:ImfRatesImporter",
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
    overlaps: Any = None  # services.overlaps.Refresh when the import changed projects
    strict: bool = False
    #: kind -> records kept with a flag of that kind (a record with two kinds counts in both)
    flagged: dict[str, int] = field(default_factory=dict)
    flagged_records: int = 0
    flags: list[dict[str, Any]] = field(default_factory=list)
    #: region/income records: they update ``countries``, which keeps no dataset column
    country_profiles: int = 0
    #: columns missing and unused, formula cells read from cache (importers that tell)
    notes: ReadNotes | None = None

    def as_dict(self) -> dict[str, Any]:
        return (
            {
                "kind": self.kind,
                "file": self.file,
                "dataset": self.dataset,
                "rows_read": self.rows_read,
                "records_valid": self.records_valid,
                "records_written": self.records_written,
                "inserted": self.inserted,
                "updated": self.updated,
                "unchanged": self.unchanged,
                "flagged_records": self.flagged_records,
                "flagged": dict(sorted(self.flagged.items())),
                "rejected": [e.as_dict() for e in self.rejected],
                "flags": self.flags,
                "dry_run": self.dry_run,
                "on_error": self.on_error,
                "strict": self.strict,
            }
            | (self.notes.as_dict() if self.notes is not None and self.notes.checked else {})
            | ({"overlaps": self.overlaps.__dict__} if self.overlaps is not None else {})
        )


class ImportRejected(InvalidInput):
    """A fail-mode import met rejected rows; nothing was written. Carries the full report."""

    def __init__(self, report: ImportReport) -> None:
        first = report.rejected[0]
        where = f"row {first.row}" if first.row is not None else "file"
        super().__init__(
            f"{report.file}: {len(report.rejected)} row(s) rejected, nothing imported "
            f"(first: {where}, field {first.field}, value {first.value!r}: {first.reason})",
            hint="list every rejected row with a dry run, fix the file, or import the valid "
            "rows and skip the rejected ones (on_error=skip)",
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


def import_file(
    workspace: Workspace,
    kind: str,
    path: Path,
    *,
    dry_run: bool = False,
    on_error: OnError = "fail",
    strict: bool = False,
    progress: Progress = NULL_PROGRESS,
    options: dict[str, Any] | None = None,
) -> ImportReport:
    """Import ``path`` as ``kind``. Raises :class:`ImportRejected` when fail-mode rejects rows.

    Flagged records (readable but inconsistent values) are kept and counted by kind in the
    report; ``strict=True`` rejects them like unreadable rows.
    """
    if on_error not in ("fail", "skip"):
        raise InvalidInput.at("expected fail or skip", field="on_error", value=on_error)
    importer = importer_for(kind, **(options or {}))
    require_file(path)
    source = importer.source(path)
    report = ImportReport(
        kind=kind,
        file=str(path),
        dataset=source.dataset,
        dry_run=dry_run,
        on_error=on_error,
        strict=strict,
    )
    items = importer.read(path, progress=progress)
    notes = getattr(importer, "notes", None)  # filled in as the file is read
    if isinstance(notes, ReadNotes):
        report.notes = notes
    try:
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
        if not import_lock.try_lock_import(connection, source.dataset):
            holders = import_lock.holders(connection, source.dataset)
            raise Conflict(
                f"another import of the dataset {source.dataset!r} is running on this database"
                + (f" ({'; '.join(holders)})" if holders else "")
                + f"; {path.name} was not imported, nothing was written",
                hint="wait for the other import to finish, then run this one again (it will "
                "find the records it wrote unchanged)",
            )
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
            # Country profiles are counted here: the countries they update carry no dataset
            # (else Natural Earth would list 0 records).
            records=inventory.dataset_record_count(connection, source.dataset)
            + report.country_profiles,
            parameters={"kind": kind, "file": path.name},
            file_sha256=fingerprint.result(),
        )
        # In the import's transaction: no total ever sees the new records without their links.
        if (report.inserted or report.updated) and overlap_store.has_projects(
            connection, source.dataset
        ):
            report.overlaps = overlap_links.refresh_in(connection, workspace.settings)
        if report.records_written:  # an import that changed nothing wrote nothing to audit
            audit_import(connection, report, path, fingerprint.result())
    return report


def audit_import(connection: Connection, report: ImportReport, path: Path, sha256: str) -> None:
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
    flag_rows: dict[str, list[dict[str, Any]]] = defaultdict(list)  # dataset -> record_flags rows
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
        problems = record_problems(record)  # text limits and NUL bytes, on every back end
        if problems:
            report.rejected.extend(RowError(item.number, *problem) for problem in problems)
            continue
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
        if item.flags:
            if report.strict:
                report.rejected.extend(
                    RowError(item.number, f.field, f.value, f"{f.reason} (strict import)")
                    for f in item.flags
                )
                continue
            rows = _flag_rows(record, key, item.number, item.flags)
            _count_flags(report, rows)
            flag_rows[_dataset_of(record)].extend(rows)
        report.records_valid += 1
        if isinstance(record, CountryProfileRecord):
            report.country_profiles += 1
        elif isinstance(record, ProjectRecord):
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
        datasets = {report.dataset, *project_datasets, *flag_rows}
        _store_flags(connection, seen, datasets, flag_rows)


RECORD_TYPES: dict[type, str] = {
    ProjectRecord: "project",
    PartnershipRecord: "partnership",
    PortRecord: "port",
}


def _dataset_of(record: Record) -> str:
    provenance = getattr(record, "provenance", None)
    return provenance.dataset if provenance is not None else getattr(record, "dataset", "")


def _flag_rows(
    record: Record,
    key: tuple[type, str] | None,
    number: int,
    flags: tuple[QualityFlag, ...],
) -> list[dict[str, Any]]:
    """The ``record_flags`` rows of one flagged record."""
    title = getattr(record, "title", None) or getattr(record, "name", None)
    return [
        {
            "dataset": _dataset_of(record),
            "record_type": RECORD_TYPES.get(type(record), type(record).__name__.lower())[:16],
            "record_id": key[1] if key is not None else str(number),
            "title": title,
            "kind": flag.kind[:32],
            "code": flag.code[:96],
            "row": number,
            "field": None if flag.field is None else flag.field[:160],
            "value": flag.value,
            "reason": flag.reason,
        }
        for flag in flags
    ]


def _count_flags(report: ImportReport, rows: list[dict[str, Any]]) -> None:
    report.flagged_records += 1
    for kind in sorted({row["kind"] for row in rows}):
        report.flagged[kind] = report.flagged.get(kind, 0) + 1
    report.flags.extend(
        {k: row[k] for k in ("row", "record_id", "code", "field", "value", "reason")}
        for row in rows
    )


def _store_flags(
    connection: Connection,
    seen: dict[tuple[type, str], int | None],
    datasets: set[str],
    flag_rows: dict[str, list[dict[str, Any]]],
) -> None:
    """Replace the stored flags of every record this import read (flagged now or not), so a
    corrected re-import clears what the earlier one flagged."""
    written = {key[1] for key in seen if key[0] in RECORD_TYPES}
    for dataset in sorted(datasets):
        quality.replace_flags(connection, dataset, written, flag_rows.get(dataset, []))


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
    if isinstance(record, RateRecord):
        return (RateRecord, f"{record.series}/{record.currency}/{record.year}")
    return None


WRITERS: dict[type, Callable[[Connection, Any], writes.WriteCounts]] = {
    ProjectRecord: writes.write_projects,
    PartnershipRecord: writes.write_partnerships,
    IndicatorRecord: writes.write_indicators,
    PortRecord: writes.write_ports,
    CountryProfileRecord: writes.write_country_profiles,
    RateRecord: rates.write_rates,
}


def _flush(connection: Connection | None, batch: list[Record], report: ImportReport) -> None:
    if not batch or connection is None:
        return
    counts = WRITERS[type(batch[0])](connection, batch)
    report.inserted += counts.inserted
    report.updated += counts.updated
    report.unchanged += counts.unchanged
    report.records_written += counts.written
