"""``beltroad template KIND [PATH]``: an XLSX (or CSV) template for a registry entity.

The workbook has three sheets: the table to fill in (its header row only), ``columns`` (for every
column: meaning, type, required, allowed values, example) and ``source`` (the dataset name, title,
citation and licence that the import files the rows under). A filled-in template imports with
``beltroad import table FILE --entity KIND`` and no mapping file.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Final

from beltroad.entities import COLUMNS, EntityKind
from beltroad.errors import InvalidInput
from beltroad.ingest.entity_rows import SOURCE_KEYS, SOURCE_SHEET

EXPLAIN_HEADER: Final = ("column", "meaning", "type", "required", "allowed values", "example")
SOURCE_HELP: Final = {
    "dataset": "short name the rows are filed under (letters, digits, . _ -), e.g. mofcom-zones",
    "title": "what the table is",
    "citation": "where the figures come from: publisher, title, date",
    "licence": "terms of use of the source",
}


def explanation_rows(kind: EntityKind) -> list[tuple[str, str, str, str, str, str]]:
    """The ``columns`` sheet: one row per template column."""
    return [
        (c.field, c.meaning, c.type_label, "yes" if c.required else "no", c.allowed, c.example)
        for c in COLUMNS[kind]
    ]


def write_template(kind: EntityKind, path: Path) -> Path:
    """Write the template of ``kind`` to ``path`` (.xlsx, or .csv for the header alone)."""
    suffix = path.suffix.lower()
    header = [c.field for c in COLUMNS[kind]]
    if suffix == ".csv":
        with path.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerow(header)
        return path
    if suffix != ".xlsx":
        raise InvalidInput.at(
            f"unsupported template type {suffix or '(none)'!r} (expected .xlsx or .csv)",
            field="path",
            value=str(path),
        )
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    table = book.active
    assert table is not None
    table.title = f"{kind.value}s"
    table.append(header)
    bold = Font(bold=True)
    for cell in table[1]:
        cell.font = bold
    table.freeze_panes = "A2"
    for index, name in enumerate(header, start=1):
        table.column_dimensions[openpyxl.utils.get_column_letter(index)].width = max(
            12, len(name) + 4
        )
    explain = book.create_sheet("columns")
    explain.append(EXPLAIN_HEADER)
    for row in explanation_rows(kind):
        explain.append(row)
    for cell in explain[1]:
        cell.font = bold
    for letter, width in zip("ABCDEF", (22, 50, 26, 10, 60, 30), strict=True):
        explain.column_dimensions[letter].width = width
    source = book.create_sheet(SOURCE_SHEET)
    source.append(("key", "value", "meaning"))
    for key in SOURCE_KEYS:
        source.append((key, None, SOURCE_HELP[key]))
    for cell in source[1]:
        cell.font = bold
    source.column_dimensions["A"].width = 12
    source.column_dimensions["B"].width = 50
    source.column_dimensions["C"].width = 70
    book.save(path)
    return path
