"""Reading the ``table`` importer's files: CSV, XLSX and Parquet, through a :class:`TableMapping`.

Each reader gives the header and (row number, row) pairs: CSV lines, Excel rows, or Parquet
records counted from 1 (Parquet has no lines). The XLSX reader streams the cells with
:func:`beltroad.ingest.sheets.sheet_values`, so a formula without a cached value reaches the row
as an :class:`~beltroad.ingest.base.UncachedFormula` (a rejected row) and cached ones are counted
in the read's :class:`~beltroad.ingest.base.ReadNotes`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Final

from beltroad.errors import InvalidInput
from beltroad.ingest.base import ReadNotes, blank, read_text
from beltroad.ingest.limits import CsvReader
from beltroad.ingest.table_mapping import TableMapping, unknown_names

SCAN_ROWS: Final = 30
Rows = Iterator[tuple[int, dict[str, Any]]]


def _cell(value: Any) -> Any:
    """Excel gives 17.0 for a typed 17; a cell read as text should say "17"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def missing_columns(
    mapping: TableMapping, header: Sequence[str], file: Path, row: int
) -> InvalidInput | None:
    present = set(header)
    # a column the mapping already uses for another field is not a useful suggestion
    unused = [h for h in header if h and h not in mapping.columns.values()]
    described = []
    for name, column in mapping.columns.items():
        if column in present:
            continue
        close = difflib.get_close_matches(column, unused, n=1, cutoff=0.6)
        described.append(
            f"{column!r} (mapped to {name}"
            + (f"; closest in the file: {close[0]!r})" if close else "; nothing close)")
        )
    if not described:
        return None
    return InvalidInput.at(
        f"the file lacks column{'s' if len(described) > 1 else ''} named in [columns]: "
        + ", ".join(described),
        file=str(file),
        row=row,
        field="header",
        hint=f"fix [columns] in {mapping.path.name}, or set [table] header_row if the header "
        "is not on the first row",
    )


def csv_table(mapping: TableMapping, path: Path) -> tuple[list[str], Rows]:
    content = read_text(path, mapping.encoding)
    reader = CsvReader(content, delimiter=mapping.delimiter, file=str(path))
    wanted = mapping.header_row or 1
    header: list[str] | None = None
    for values in reader:
        if reader.line_num >= wanted:
            header = [h.strip() for h in values]
            break
    if header is None or not any(header):
        raise InvalidInput.at(f"no header on row {wanted}", file=str(path), row=wanted)
    problem = missing_columns(mapping, header, path, reader.line_num)
    if problem:
        raise problem
    names = header
    reader.width = len(header)

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        for values in reader:
            if any(v.strip() for v in values):
                yield reader.line_num, dict(zip(names, values, strict=False))

    return header, rows()


def xlsx_table(
    mapping: TableMapping, path: Path, notes: ReadNotes | None = None
) -> tuple[list[str], Rows]:
    import zipfile

    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise InvalidInput.at(
            f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})", file=str(path)
        ) from None
    try:
        found = _find_header(mapping, book)
    except BaseException:
        book.close()
        raise
    if found is None:
        book.close()  # a read-only workbook holds its file open until closed
        raise InvalidInput.at("the workbook has no rows", file=str(path))
    sheet, header, header_row, complete = found
    problem = None if complete else missing_columns(mapping, header, path, header_row)
    if problem is not None:
        book.close()
        raise problem
    return header, _sheet_rows(book, sheet, header, header_row, (str(path), notes))


def _find_header(mapping: TableMapping, book: Any) -> tuple[Any, list[str], int, bool] | None:
    """The sheet, header, header row and whether it holds every mapped column (else the closest)."""
    if mapping.sheet is not None and mapping.sheet not in book.sheetnames:
        raise unknown_names("sheet", [mapping.sheet], book.sheetnames, mapping.path)
    sheets = [book[mapping.sheet]] if mapping.sheet else list(book.worksheets)
    wanted = set(mapping.columns.values())
    best: tuple[int, Any, list[str], int] | None = None
    for sheet in sheets:
        rows = sheet.iter_rows(values_only=True)
        for number_, values in enumerate(rows, start=1):
            if mapping.header_row is not None and number_ < mapping.header_row:
                continue
            if number_ > (mapping.header_row or SCAN_ROWS):
                break
            header = ["" if v is None else str(v).strip() for v in values]
            hits = len(wanted & set(header))
            if hits == len(wanted):
                rows.close()
                return sheet, header, number_, True
            if best is None or hits > best[0]:
                best = (hits, sheet, header, number_)
        rows.close()
    return None if best is None else (best[1], best[2], best[3], False)


def _sheet_rows(
    book: Any,
    sheet: Any,
    header: list[str],
    header_row: int,
    where: tuple[str, ReadNotes | None],
) -> Rows:
    from beltroad.ingest.sheets import note_formulas, sheet_values

    file, notes = where
    formulas: dict[int, int] = {}
    try:
        for number_, values in sheet_values(sheet, file=file, formulas=formulas):
            if number_ <= header_row or all(blank(v) for v in values):
                continue
            yield number_, dict(zip(header, (_cell(v) for v in values), strict=False))
    finally:
        book.close()
        if notes is not None:
            note_formulas(notes, header, formulas)


def parquet_table(mapping: TableMapping, path: Path) -> tuple[list[str], Rows]:
    """A Parquet file's columns and records (numbered from 1), read a row group at a time."""
    try:
        import pyarrow.parquet as pq
    except ImportError:  # pragma: no cover - pyarrow is a dependency of beltroad's exports
        raise InvalidInput.at("reading Parquet needs pyarrow", file=str(path)) from None
    try:
        source = pq.ParquetFile(path)
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        raise InvalidInput.at(
            f"not a readable Parquet file ({type(exc).__name__}: {exc})", file=str(path)
        ) from None
    header = [str(name) for name in source.schema_arrow.names]
    problem = missing_columns(mapping, header, path, 1)
    if problem is not None:
        raise problem

    def rows() -> Rows:
        number_ = 0
        try:
            for batch in source.iter_batches(batch_size=2000):
                for record in batch.to_pylist():
                    number_ += 1
                    if all(blank(v) for v in record.values()):
                        continue
                    yield number_, {k: _cell(v) for k, v in record.items()}
        except (OSError, ValueError) as exc:
            raise InvalidInput.at(
                f"the Parquet file cannot be read past record {number_} "
                f"({type(exc).__name__}: {exc})",
                file=str(path),
            ) from None
        finally:
            source.close()

    return header, rows()
