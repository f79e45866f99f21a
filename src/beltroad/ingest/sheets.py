"""Reading the tables that data sets ship as: CSV (UTF-8) or .xlsx, fast, with clear refusals.

:func:`table_rows` picks the reader by file type and refuses UTF-16, binary and mis-named files
with a message that says what the file is. :func:`xlsx_rows` has the header scan and errors of
:func:`beltroad.ingest.base.xlsx_rows` but streams the sheet's cells with lxml.

Why lxml: openpyxl parses sheet XML with Python-level (defusedxml) handlers, about 7 microseconds
per cell, which is most of the time of a large import (and all of ``pandas.read_excel``'s).
Here openpyxl still opens the workbook in read-only mode (sheet list, shared strings, date
styles, epoch) and only the cell stream of the chosen sheet is parsed with lxml ``iterparse``,
in C, with entities, DTDs and the network off, as in :mod:`beltroad.ingest.iati`. Values are
converted as openpyxl converts them (numbers, dates by style, shared and inline strings,
booleans, errors); should openpyxl's read-only internals change, the reader falls back to
``iter_rows(values_only=True)``.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator, Sequence
from pathlib import Path
from typing import Any

from beltroad.errors import InvalidInput
from beltroad.ingest.base import (
    ReadNotes,
    UncachedFormula,
    blank,
    csv_rows,
    require_columns,
    require_file,
)

Rows = Iterator[tuple[int, dict[str, Any]]]
Values = Generator[tuple[int, list[Any]], None, None]
_DIGITS = "0123456789"


def table_rows(
    path: Path,
    *,
    required: Sequence[str],
    what: str,
    notes: ReadNotes | None = None,
    expected: Sequence[str] = (),
) -> tuple[list[str], Rows]:
    """Header and (row number, row) pairs of a .csv (UTF-8) or .xlsx file with ``required``.

    With ``notes``, the header is compared with ``expected`` (every column the importer reads)
    and formula cells read from their cached values are counted per column.
    """
    require_file(path)
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    if path.suffix.casefold() in (".xlsx", ".xlsm"):
        header, rows = xlsx_rows(path, required=required, notes=notes)
        if notes is not None:
            notes.columns(header, expected or required)
        return header, rows
    if head.startswith(b"PK\x03\x04"):
        raise InvalidInput.at(
            "this is a zip or Excel workbook, not a CSV file",
            file=str(path),
            hint="give the workbook a .xlsx name, or export the sheet as CSV",
        )
    if path.suffix.casefold() not in (".csv", ".txt"):
        raise InvalidInput.at(
            f"unsupported file type {path.suffix or '(none)'!r} (expected .csv or .xlsx in {what})",
            file=str(path),
        )
    refuse_utf16_or_binary(path, head, expected="a UTF-8 CSV file")
    header, rows = csv_rows(path)
    require_columns(header, required, file=str(path))
    if notes is not None:
        notes.columns(header, expected or required)
    return header, rows


def no_rows(path: Path) -> InvalidInput:
    """The error for a file whose table has a header and nothing under it."""
    return InvalidInput.at("the file has a header but no data rows", file=str(path))


def refuse_utf16_or_binary(path: Path, head: bytes, *, expected: str) -> None:
    """Name UTF-16 and binary files for what they are, not as a puzzling decoding error.

    ``head`` is the first bytes of the file (64 KiB is plenty).
    """
    hint = "save or export the file again as CSV in the expected encoding"
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise InvalidInput.at(
            f"the file is UTF-16 text (it starts with a UTF-16 byte-order mark); "
            f"expected {expected}",
            file=str(path),
            row=1,
            hint=hint,
        )
    nul = head.find(b"\x00")
    if nul >= 0:
        raise InvalidInput.at(
            f"NUL byte at offset {nul}: this is a binary file or UTF-16/32 text; "
            f"expected {expected}",
            file=str(path),
            row=head[:nul].count(b"\n") + 1,
            hint=hint,
        )


def xlsx_rows(
    path: Path, *, required: Sequence[str], scan: int = 30, notes: ReadNotes | None = None
) -> tuple[list[str], Rows]:
    """Header and (Excel row number, row) pairs of the first sheet holding ``required``.

    The header is the first of the top ``scan`` rows that holds every required column; the rows
    after it stream from the same pass over the sheet. The workbook is closed when the rows are
    exhausted (or the generator is closed).
    """
    import zipfile

    import openpyxl

    require_file(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise InvalidInput.at(
            f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})", file=str(path)
        ) from None
    best: tuple[int, int, list[str]] = (-1, 0, [])
    try:
        for worksheet in book.worksheets:
            formulas: dict[int, int] = {}
            values = sheet_values(worksheet, file=str(path), formulas=formulas)
            for number, cells in values:
                if number > scan:
                    break
                header = ["" if v is None else str(v).strip() for v in cells]
                hits = sum(1 for name in required if name in header)
                if hits == len(required):
                    formulas.clear()  # count the table's cells, not the header block's
                    return header, _records(book, values, header, notes, formulas)
                if hits > best[0]:
                    best = (hits, number, header)
            values.close()
    except BaseException:
        book.close()
        raise
    book.close()
    require_columns(best[2], required, file=str(path), row=best[1] or 1)
    raise AssertionError("unreachable: require_columns raised")


def _records(
    book: Any,
    values: Values,
    header: list[str],
    notes: ReadNotes | None = None,
    formulas: dict[int, int] | None = None,
) -> Rows:
    try:
        for number, cells in values:
            if all(blank(v) for v in cells):
                continue
            yield number, dict(zip(header, cells, strict=False))
    finally:
        values.close()
        book.close()
        if notes is not None and formulas:
            note_formulas(notes, header, formulas)


def note_formulas(notes: ReadNotes, header: Sequence[str], formulas: dict[int, int]) -> None:
    """Add the per-column counts of formula cells read from cache (0-based column -> count)."""
    for index, count in formulas.items():
        name = header[index] if index < len(header) and header[index] else f"column {index + 1}"
        notes.formula_cached[name] = notes.formula_cached.get(name, 0) + count


def sheet_values(worksheet: Any, *, file: str, formulas: dict[int, int] | None = None) -> Values:
    """(Excel row number, cell values) of a read-only openpyxl worksheet, blank rows skipped.

    A formula cell gives its cached value, counted in ``formulas`` (0-based column -> count),
    or an :class:`UncachedFormula` when the file holds no cached value (a workbook written by a
    program that does not compute formulas). This is the one place that tells formulas apart;
    a calamine reader would take it over.
    """
    try:
        source = worksheet._get_source
        strings = worksheet._shared_strings
        dates = {str(style) for style in worksheet.parent._date_formats}
        durations = {str(style) for style in worksheet.parent._timedelta_formats}
        epoch = worksheet.parent.epoch
    except AttributeError:  # openpyxl's read-only internals changed: take the slow road
        return _openpyxl_values(worksheet)
    counts = {} if formulas is None else formulas
    cells = _lxml_values(source, strings, dates, durations, epoch, worksheet.title, counts)
    return _guarded(cells, file, worksheet.title)


def _guarded(values: Values, file: str, sheet: str) -> Values:
    """Say which file and sheet a broken stream came from (bad XML, a truncated zip member)."""
    import zipfile
    import zlib

    from lxml import etree

    try:
        yield from values
    except (etree.XMLSyntaxError, zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise InvalidInput.at(
            f"sheet {sheet!r} cannot be read ({type(exc).__name__}: {exc})", file=file
        ) from None
    finally:
        values.close()


def _openpyxl_values(worksheet: Any) -> Values:
    for number, cells in enumerate(worksheet.iter_rows(values_only=True), start=1):
        if any(value is not None for value in cells):
            yield number, list(cells)


def _lxml_values(
    source: Any,
    strings: Any,
    dates: set[str],
    durations: set[str],
    epoch: Any,
    sheet: str = "",
    formulas: dict[int, int] | None = None,
) -> Values:
    from lxml import etree
    from openpyxl.utils.cell import column_index_from_string

    columns: dict[str, int] = {}
    with source() as stream:
        events = etree.iterparse(
            stream,
            events=("end",),
            tag="{*}row",
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
        )
        value_tag = inline_tag = formula_tag = ""
        counts = {} if formulas is None else formulas
        for counter, (_, row) in enumerate(events, start=1):
            if not value_tag:
                namespace = row.tag[: row.tag.index("}") + 1] if row.tag[0] == "{" else ""
                value_tag, inline_tag = namespace + "v", namespace + "is"
                formula_tag = namespace + "f"
            values: list[Any] = []
            append = values.append
            for cell in row:  # the per-cell loop: keep it lean
                get = cell.get
                ref = get("r")
                if ref is not None:
                    letters = ref.rstrip(_DIGITS)
                    column = columns.get(letters)
                    if column is None:
                        column = columns[letters] = column_index_from_string(letters)
                    if column > len(values) + 1:
                        values.extend([None] * (column - 1 - len(values)))
                kind = get("t")
                text = None
                formula = None
                if len(cell):  # <v> is the last child, after any <f>; <is> is inline text
                    last = cell[-1]
                    text = last.text if last.tag == value_tag else cell.findtext(value_tag)
                    if cell[0].tag == formula_tag:
                        formula = cell[0]
                value: Any = None
                if formula is None and kind == "s" and text:  # the common cases inline
                    value = strings[int(text)]
                elif formula is None and (kind is None or kind == "n") and get("s") not in dates:
                    if text:
                        number_text = "." in text or "E" in text or "e" in text
                        value = float(text) if number_text else int(text)
                elif formula is None:
                    value = _typed(cell, kind, text, strings, dates, durations, epoch, inline_tag)
                elif text is None and kind != "inlineStr":
                    where = ref or f"{_letters(len(values))}{row.get('r') or counter}"
                    value = UncachedFormula(sheet, where, formula.text)
                else:  # a formula's cached value
                    value = _typed(cell, kind, text, strings, dates, durations, epoch, inline_tag)
                    counts[len(values)] = counts.get(len(values), 0) + 1
                append(value)
            number = row.get("r")
            yield (int(number) if number else counter), values
            # Keep memory flat: drop the row and the rows before it.
            row.clear(keep_tail=True)
            while row.getprevious() is not None:
                del row.getparent()[0]


def _typed(
    cell: Any,
    kind: str | None,
    text: str | None,
    strings: Any,
    dates: set[str],
    durations: set[str],
    epoch: Any,
    inline_tag: str,
) -> Any:
    """A cell's value as openpyxl converts it (the less common types and dated numbers)."""
    from openpyxl.utils.datetime import from_excel, from_ISO8601

    if not text:
        if kind == "inlineStr":
            inline = cell.find(inline_tag)
            return None if inline is None else "".join(inline.itertext())
        return None
    if kind is None or kind == "n":
        value: Any = float(text) if ("." in text or "E" in text or "e" in text) else int(text)
        style = cell.get("s")
        if style is not None and style in dates:
            try:
                value = from_excel(value, epoch, timedelta=style in durations)
            except (OverflowError, ValueError):
                value = "#VALUE!"  # as openpyxl reports an impossible date
        return value
    if kind == "s":
        return strings[int(text)]
    if kind == "b":
        return text == "1"
    if kind == "d":
        return from_ISO8601(text)
    return text  # "str" (a formula's text), "e" (an error such as #N/A)


def _letters(index: int) -> str:
    """Excel's column letters of a 0-based column index."""
    from openpyxl.utils.cell import get_column_letter

    return str(get_column_letter(index + 1))
