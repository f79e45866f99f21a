"""Registry entities from a CSV or XLSX table: ``beltroad import table --entity KIND``.

A table made from ``beltroad template KIND`` imports as it is: its header names the fields, and
its ``source`` sheet names the dataset and its citation. Any other table needs a mapping file
(the ``table`` importer's format; ``[columns]`` then only lists the columns named otherwise)::

    [table]
    dataset = "mofcom-zones-2023"
    title = "Overseas cooperation zones"
    citation = "MOFCOM (2023), list of confirmed overseas economic and trade cooperation zones"
    licence = "public information"

    [columns]
    name = "Zone"
    host_country = "Country"

Rows become :mod:`beltroad.entities` records; references to countries, organisations and zones
stay as written and are resolved by the service that writes them (:mod:`beltroad.services.
registry_import`). :func:`parse_entity` is the one parser for a table row and for the values a
person types at ``beltroad registry add``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final

from beltroad.entities import (
    COLUMNS,
    ENTITY_TYPES,
    Entity,
    EntityKind,
    entity_field,
)
from beltroad.errors import InvalidInput
from beltroad.ingest.base import (
    ReadNotes,
    RowContext,
    RowError,
    ValueProblem,
    blank,
    boolean,
    date,
    integer,
    number,
    require_file,
    text,
    year,
)
from beltroad.ingest.table import _currency, _sector
from beltroad.ingest.table_files import csv_table as _csv_table
from beltroad.ingest.table_files import xlsx_table as _xlsx_table
from beltroad.ingest.table_mapping import TableMapping, load_mapping, unknown_names
from beltroad.progress import NULL_PROGRESS, Progress
from beltroad.reference.iati import OrganisationType

SOURCE_SHEET: Final = "source"
SOURCE_KEYS: Final = ("dataset", "title", "citation", "licence")
_BASIS = re.compile(r"^constant(?:\s+usd)?\s+(\d{4})$", re.I)
_ORG_TYPE_LABELS = {t.label.casefold(): int(t) for t in OrganisationType}


def _basis(value: Any) -> int | None:
    raw = text(value)
    if raw is None or raw.casefold() == "nominal":
        return None
    found = _BASIS.match(raw)
    if found is None or not 1950 <= int(found.group(1)) <= 2100:
        raise ValueProblem(
            "not a price basis (expected nominal, or constant YYYY such as constant 2021)"
        )
    return int(found.group(1))


def _org_type(value: Any) -> int | None:
    raw = text(value)
    if raw is None:
        return None
    if raw.casefold() in _ORG_TYPE_LABELS:
        return _ORG_TYPE_LABELS[raw.casefold()]
    try:
        code = integer(raw)
    except ValueProblem:
        code = None
    if code is None or code not in {int(t) for t in OrganisationType}:
        raise ValueProblem(
            "not an IATI OrganisationType (expected a code such as 40 or a "
            "label such as Multilateral)"
        )
    return code


def _list(value: Any) -> tuple[str, ...]:
    raw = text(value)
    if raw is None:
        return ()
    return tuple(part.strip() for part in raw.split(";") if part.strip())


def _choice(value: Any) -> str | None:
    raw = text(value)
    return None if raw is None else raw.casefold().replace(" ", "_")


def _sector_code(value: Any) -> str | None:
    split = _sector(value)
    return None if split is None else split.code


def _coordinate(value: Any) -> float | None:
    return number(value, what="decimal degrees")


PARSERS: Final[dict[str, Any]] = {
    "text": text,
    "list": _list,
    "date": date,
    "year": year,
    "integer": integer,
    "number": number,
    "coordinate": _coordinate,
    "bool": boolean,
    "currency": _currency,
    "basis": _basis,
    "org_type": _org_type,
    "choice": _choice,
    "sector": _sector_code,
}


def parse_entity(
    kind: EntityKind, values: Mapping[str, Any], *, row: int | None = None
) -> tuple[Entity | None, list[RowError]]:
    """An entity from raw values keyed by column name, or the row's errors (each names its
    field, value and what was expected). Columns left out keep the entity's defaults. Checks
    across fields (:func:`beltroad.entities.problems`) are the caller's."""
    ctx = RowContext(row or 0, dict(values))
    parsed: dict[str, Any] = {}
    for column in COLUMNS[kind]:
        if column.field not in values:
            continue
        value = ctx.get(column.field, PARSERS[column.parse])
        if value is not None and value != ():
            parsed[entity_field(column.field)] = value
    if kind is EntityKind.ORGANISATION and parsed.get("international") is None:
        parsed.pop("international", None)
    errors = [replace(e, row=row) for e in ctx.errors]
    failed = {e.field for e in errors}
    cls = ENTITY_TYPES[kind]
    required = {c.field for c in COLUMNS[kind] if c.required}
    missing = [name for name in required if name not in parsed and name not in failed]
    errors += [
        RowError(row, name, values.get(name), f"{name} missing (a required field)")
        for name in missing
    ]
    if errors:
        return None, errors
    # the checks of the whole entity (problems()) run where its references are resolved, so
    # that a row's every problem is reported at once
    entity: Entity = cls(**parsed)
    return entity, []


# --- reading a table -----------------------------------------------------------------------------


@dataclass(frozen=True)
class EntityRow:
    number: int
    entity: Entity


@dataclass(frozen=True)
class EntitySource:
    dataset: str
    title: str
    citation: str
    licence: str


def _default_dataset(kind: EntityKind, path: Path) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", path.stem).strip("-._") or "table"
    return f"{kind.value}s-{stem}"[:64]


def _source_sheet(path: Path) -> dict[str, str]:
    """The template's ``source`` sheet: a key and a value per row (empty when absent)."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return {}
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        if SOURCE_SHEET not in book.sheetnames:
            return {}
        found: dict[str, str] = {}
        for values in book[SOURCE_SHEET].iter_rows(values_only=True):
            if len(values) >= 2 and isinstance(values[0], str) and not blank(values[1]):
                key = values[0].strip().casefold()
                if key in SOURCE_KEYS:
                    found[key] = str(values[1]).strip()
        return found
    finally:
        book.close()


class EntityTable:
    """One entity kind from a CSV/XLSX file, through the template's header or a mapping."""

    def __init__(self, kind: EntityKind, path: Path, mapping: Path | None = None) -> None:
        self.kind = kind
        self.path = require_file(path)
        self.mapping_path = mapping
        self.notes = ReadNotes()
        defaults = {c.field: c.field for c in COLUMNS[kind]}
        if mapping is not None:
            require_file(mapping)
            self.mapping = load_mapping(
                mapping,
                fields={c.field: c.meaning for c in COLUMNS[kind]},
                default_columns=defaults,
            )
            self.source = EntitySource(
                self.mapping.dataset,
                self.mapping.title,
                self.mapping.citation,
                self.mapping.licence,
            )
            return
        sheet = _source_sheet(path)
        dataset = sheet.get("dataset") or _default_dataset(kind, path)
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", dataset):
            raise InvalidInput.at(
                "dataset must be 1-64 letters, digits, '.', '_' or '-'",
                file=str(path),
                field="source sheet: dataset",
                value=dataset,
            )
        self.source = EntitySource(
            dataset=dataset,
            title=sheet.get("title") or f"{kind.value}s from {path.name}",
            citation=sheet.get("citation")
            or f"{path.name} (no citation given in its source sheet)",
            licence=sheet.get("licence") or "not stated",
        )
        self.mapping = TableMapping(
            path=path,
            dataset=dataset,
            title=self.source.title,
            citation=self.source.citation,
            licence=self.source.licence,
            columns={},
        )

    def _header_mapping(self) -> TableMapping:
        """What the header must hold: the required columns and the ones a mapping names."""
        named = dict(self.mapping.columns)
        required = {
            c.field: named.get(c.field, c.field)
            for c in COLUMNS[self.kind]
            if c.required and c.field not in self.mapping.defaults
        }
        return replace(self.mapping, columns=required | named)

    def read(self, *, progress: Progress = NULL_PROGRESS) -> Iterator[EntityRow | RowError]:
        """Every row as an entity or its errors, in file order."""
        m = self.mapping
        suffix = self.path.suffix.lower()
        if suffix in (".xlsx", ".xlsm"):
            header, rows = _xlsx_table(self._header_mapping(), self.path, self.notes)
        elif suffix in (".csv", ".txt", ".tsv"):
            header, rows = _csv_table(self._header_mapping(), self.path)
        else:
            raise InvalidInput.at(
                f"unsupported file type {suffix or '(none)'!r} (expected .csv or .xlsx)",
                file=str(self.path),
            )
        columns = {c.field: c.field for c in COLUMNS[self.kind]}
        if self.mapping_path is None:
            # A template's table: a column beltroad does not know would be dropped unseen.
            extra = [h for h in header if h and h not in columns]
            if extra:
                close = unknown_names("column", extra, list(columns), self.path)
                raise InvalidInput(
                    close.message + " (a column that is not imported would be lost)",
                    hint="rename it to a template column, delete it, or import through a "
                    "mapping file that names the columns to read",
                    problems=close.problems,
                )
        else:
            columns |= m.columns
        self.notes.columns(header, columns.values())
        progress.start(f"reading {self.path.name}")
        for number_, raw in rows:
            progress.advance()
            values: dict[str, Any] = dict(m.defaults)
            for name, column in columns.items():
                if column not in header:
                    continue
                value = raw.get(column)
                table = m.values.get(name)
                if table is not None and not blank(value):
                    value = table.get(str(value).strip(), value)
                if not blank(value) or name not in m.defaults:
                    values[name] = value
            entity, errors = parse_entity(self.kind, values, row=number_)
            if entity is None:
                yield from errors
            else:
                yield EntityRow(number_, entity)
        progress.finish()
