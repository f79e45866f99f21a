"""What every importer shares: the protocol, row errors and self-explaining value parsers."""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from beltroad.errors import InvalidInput, NotFound
from beltroad.ingest import encodings
from beltroad.ingest.limits import CsvReader
from beltroad.progress import NULL_PROGRESS, Progress
from beltroad.records import QualityFlag, Record
from beltroad.reference.countries import CountryFact, resolve_country


@dataclass(frozen=True)
class RowError:
    """A rejected row: where (row or line), which field, the value and why."""

    row: int | None
    field: str | None
    value: Any
    reason: str

    def as_dict(self) -> dict[str, Any]:
        value = self.value
        if not isinstance(value, str | int | float | bool | type(None)):
            value = str(value)
        return {"row": self.row, "field": self.field, "value": value, "reason": self.reason}


@dataclass(frozen=True)
class Row:
    """A valid record, the row or line (or activity number) it came from, and its flags.

    ``flags`` name what is readable but inconsistent in the row (the record's
    ``provenance.quality`` already says their kinds); a strict import rejects such rows.
    """

    number: int
    record: Record
    flags: tuple[QualityFlag, ...] = ()


Item = Row | RowError


@dataclass
class ReadNotes:
    """What a read found besides rows, for the import report (also of a dry run).

    ``missing``: columns the importer reads but the file lacks (their fields stay unknown);
    ``unused``: columns the file has that the importer does not read (nothing of them is kept);
    ``formula_cached``: per column, the spreadsheet formula cells whose cached value was read.
    An importer that fills these keeps one ``notes`` per read; the import service reports it.
    """

    missing: list[str] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)
    formula_cached: dict[str, int] = field(default_factory=dict)
    checked: bool = False

    def columns(self, header: Sequence[str], expected: Iterable[str]) -> None:
        """Compare the file's header with the columns the importer reads."""
        wanted = list(dict.fromkeys(expected))
        present = list(dict.fromkeys(h for h in header if h))
        self.missing = [name for name in wanted if name not in set(present)]
        self.unused = [name for name in present if name not in set(wanted)]
        self.checked = True

    def as_dict(self) -> dict[str, Any]:
        return {
            "columns_missing": self.missing,
            "columns_unused": self.unused,
            "formula_cells_from_cache": dict(sorted(self.formula_cached.items())),
        }


@dataclass(frozen=True)
class UncachedFormula:
    """A spreadsheet cell holding a formula and no cached value: its value is unknown.

    Readers put one in the row in place of the value; :class:`RowContext` rejects the row.
    """

    sheet: str
    cell: str
    formula: str | None = None

    def reason(self) -> str:
        return (
            f"formula without a cached value (sheet {self.sheet!r}, cell {self.cell}, column "
            f"{self.cell.rstrip('0123456789')}); open and re-save in a spreadsheet program"
        )


@dataclass(frozen=True)
class SourceInfo:
    """What an importer says about the data it reads, for the datasets table and citations."""

    dataset: str
    title: str
    citation: str
    licence: str


class Importer(Protocol):
    kind: str
    summary: str

    def source(self, path: Path) -> SourceInfo:
        """The dataset name, title, citation and licence of a file of this kind."""

    def read(self, path: Path, *, progress: Progress = NULL_PROGRESS) -> Iterator[Item]:
        """Yield every record and every row error of ``path``, in file order."""


# --- files ---------------------------------------------------------------------------------------


def require_file(path: Path) -> Path:
    if not path.exists():
        raise InvalidInput.at("file not found", file=str(path))
    if path.is_dir():
        raise InvalidInput.at("is a directory, expected a file", file=str(path))
    if path.stat().st_size == 0:
        raise InvalidInput.at("the file is empty (0 bytes)", file=str(path))
    return path


def read_text(path: Path, encoding: str = "utf-8") -> str:
    """Decode a whole file, or say where the bytes stop being ``encoding``."""
    data = require_file(path).read_bytes()
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        looks_like = encodings.detect(data, complete=True)  # the whole file, not a sample
        raise InvalidInput.at(
            f"byte 0x{data[exc.start]:02x} at offset {exc.start} is not valid {encoding} "
            f"(expected a {encoding} text file; the bytes look like {looks_like})",
            file=str(path),
            row=line,
            hint="convert the file to the expected encoding or choose the matching import kind",
        ) from None


def csv_rows(
    path: Path, *, encoding: str = "utf-8-sig", delimiter: str = ","
) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """Header and (line number, row) pairs of a CSV file; line numbers count from 1 = header."""
    text = read_text(path, encoding)
    reader = CsvReader(text, delimiter=delimiter, file=str(path))
    try:
        header = next(reader)
    except StopIteration:
        raise InvalidInput.at("the file has no header row", file=str(path)) from None
    header = [h.strip() for h in header]
    if not any(header):
        raise InvalidInput.at("the header row is blank", file=str(path), row=1)
    reader.width = len(header)

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            yield reader.line_num, dict(zip(header, values, strict=False))

    return header, rows()


def require_columns(
    found: Sequence[str], required: Iterable[str], *, file: str, row: int = 1
) -> None:
    """Fail, naming every missing column and its closest match in the file."""
    present = set(found)
    missing = [name for name in required if name not in present]
    if not missing:
        return
    described = []
    for name in missing:
        close = difflib.get_close_matches(name, list(found), n=1, cutoff=0.6)
        described.append(f"'{name}'" + (f" (closest: '{close[0]}')" if close else ""))
    raise InvalidInput.at(
        f"missing required column{'s' if len(missing) > 1 else ''}: {', '.join(described)}",
        file=file,
        row=row,
        field="header",
        hint="rename the columns, or use `beltroad import table` with a mapping file",
    )


# --- values --------------------------------------------------------------------------------------

_BLANK = {"", "na", "n/a", "nan", "none", "null", "..", "-"}


def blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip().lower() in _BLANK


def text(value: Any) -> str | None:
    return None if blank(value) else str(value).strip()


class ValueProblem(ValueError):
    """A value that cannot be used; the importer turns it into a RowError."""


_NOT_FINITE = {"nan", "-nan", "+nan", "inf", "-inf", "+inf", "infinity", "-infinity", "+infinity"}


def number(value: Any, *, what: str = "a number") -> float | None:
    """A float, None for blank ("unknown" is not zero), or ValueProblem.

    NaN and infinities are refused, typed or as text: a file that says "NaN" computed
    something that failed, which is not the same as leaving the value out.
    """
    if isinstance(value, float) and math.isnan(value):
        raise ValueProblem(f"not a finite number: NaN (expected {what} or empty)")
    if isinstance(value, str) and value.strip().lower() in _NOT_FINITE:
        raise ValueProblem(f"not a finite number: {value.strip()!r} (expected {what} or empty)")
    if blank(value):
        return None
    if isinstance(value, bool):
        raise ValueProblem(f"expected {what}")
    if isinstance(value, int | float):
        result = float(value)
    else:
        cleaned = str(value).strip().replace(",", "").replace("$", "").replace("%", "")
        try:
            result = float(cleaned)
        except ValueError:
            raise ValueProblem(f"not a number (expected {what} or empty)") from None
    if math.isinf(result) or math.isnan(result):
        raise ValueProblem(f"not a finite number (expected {what})")
    return result


def integer(value: Any, *, what: str = "a whole number") -> int | None:
    result = number(value, what=what)
    if result is None:
        return None
    if result != int(result):
        raise ValueProblem(f"not a whole number (expected {what})")
    return int(result)


def year(value: Any, *, low: int = 1950, high: int = 2100) -> int | None:
    result = integer(value, what=f"a year from {low} to {high}")
    if result is not None and not low <= result <= high:
        raise ValueProblem(f"year out of range (expected {low} to {high})")
    return result


DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y", "%Y/%m/%d", "%Y-%m-%dT%H:%M:%S", "%Y%m%d")
_LOW_DATE = dt.date(1900, 1, 1)
_HIGH_DATE = dt.date(2100, 12, 31)


def date(value: Any, formats: Sequence[str] = DATE_FORMATS) -> dt.date | None:
    """A date from a string, a date/datetime or an Excel value; None for blank."""
    if blank(value):
        return None
    result: dt.date | None = None
    if isinstance(value, dt.datetime):
        result = value.date()
    elif isinstance(value, dt.date):
        result = value
    else:
        raw = str(value).strip()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ].*", raw):
            raw = raw[:10]
        for fmt in formats:
            try:
                result = dt.datetime.strptime(raw, fmt).date()
                break
            except ValueError:
                continue
        if result is None:
            raise ValueProblem(f"not a date (expected one of {', '.join(formats)})")
    if not _LOW_DATE <= result <= _HIGH_DATE:
        raise ValueProblem(f"date out of range (expected {_LOW_DATE} to {_HIGH_DATE})")
    return result


def boolean(value: Any) -> bool | None:
    if blank(value):
        return None
    if isinstance(value, bool):
        return value
    raw = str(value).strip().lower()
    if raw in ("true", "yes", "y", "1", "1.0", "t"):
        return True
    if raw in ("false", "no", "n", "0", "0.0", "f"):
        return False
    raise ValueProblem("not a yes/no value (expected TRUE/FALSE, Yes/No or 1/0)")


def country(value: Any) -> CountryFact:
    """Resolve an ISO code or exact country name; an unknown name is an error, not a guess."""
    raw = text(value)
    if raw is None:
        raise ValueProblem("country missing (expected an ISO 3166 code or country name)")
    try:
        return resolve_country(raw)
    except (NotFound, LookupError) as exc:
        raise ValueProblem(str(exc).split("\n")[0]) from None


def check_order(earlier: dt.date | None, later: dt.date | None, *, what: str) -> str | None:
    """A reason when two dates are in an impossible order, else None."""
    if earlier and later and later < earlier:
        return f"{what}: {later.isoformat()} is before {earlier.isoformat()}"
    return None


def order_flag(
    code: str,
    earlier: dt.date | None,
    later: dt.date | None,
    *,
    what: str,
    field: str | None,
    value: Any,
) -> QualityFlag | None:
    """A quality flag ``code`` when two known dates are in an impossible order, else None.

    Published records keep such dates (AidData's own files have them); the flag says so.

    >>> order_flag("date_order:end<start", dt.date(2020, 1, 2), dt.date(2020, 1, 1),
    ...            what="end before start", field="end", value="2020-01-01").reason
    'end before start: 2020-01-01 is before 2020-01-02'
    """
    reason = check_order(earlier, later, what=what)
    if reason is None:
        return None
    shown = None if value is None else str(value).strip()
    return QualityFlag(code, field, shown, reason)


class RowContext:
    """Collects the problems of one row: ``ctx.get(field, parser)`` returns None on error.

    ``errors`` reject the row; ``flags`` keep it and mark what is inconsistent in it.
    """

    def __init__(self, row: int, values: dict[str, Any]) -> None:
        self.row = row
        self.values = values
        self.errors: list[RowError] = []
        self.flags: list[QualityFlag] = []
        for name, value in values.items():  # a formula nobody computed is no value at all
            if type(value) is UncachedFormula:
                shown = f"={value.formula}" if value.formula else value.cell
                self.errors.append(RowError(row, name, shown, value.reason()))

    def get(self, field: str, parse: Any = text, **kwargs: Any) -> Any:
        raw = self.values.get(field)
        try:
            return parse(raw, **kwargs)
        except ValueProblem as exc:
            self.errors.append(RowError(self.row, field, raw, str(exc)))
            return None

    def fail(self, field: str | None, value: Any, reason: str) -> None:
        self.errors.append(RowError(self.row, field, value, reason))

    def flag(self, found: QualityFlag | None) -> None:
        if found is not None:
            self.flags.append(found)


def xlsx_rows(
    path: Path,
    *,
    required: Sequence[str],
    sheet: str | None = None,
    scan: int = 30,
) -> tuple[list[str], Iterator[tuple[int, dict[str, Any]]]]:
    """Header and (row number, row) pairs of an xlsx sheet.

    The header is the first of the top ``scan`` rows that holds every ``required`` column, so a
    title block above the table is fine. Row numbers are Excel's (1-based).
    """
    import zipfile

    import openpyxl

    require_file(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise InvalidInput.at(
            f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})", file=str(path)
        ) from None
    if sheet is not None and sheet not in book.sheetnames:
        close = difflib.get_close_matches(sheet, book.sheetnames, n=1)
        raise InvalidInput.at(
            f"no sheet named {sheet!r} (sheets: {', '.join(book.sheetnames)}"
            + (f"; closest: {close[0]!r})" if close else ")"),
            file=str(path),
        )
    candidates = [book[sheet]] if sheet else list(book.worksheets)
    best: tuple[int, int, list[str]] = (-1, 0, [])
    for worksheet in candidates:
        rows = worksheet.iter_rows(values_only=True)
        for number, values in enumerate(rows, start=1):
            if number > scan:
                break
            header = ["" if v is None else str(v).strip() for v in values]
            hits = sum(1 for name in required if name in header)
            if hits == len(required):
                rows.close()  # release the sheet stream now, not at garbage collection
                return header, _sheet_rows(worksheet, header, number)
            if hits > best[0]:
                best = (hits, number, header)
        rows.close()
    book.close()
    require_columns(best[2], required, file=str(path), row=best[1] or 1)
    raise AssertionError("unreachable: require_columns raised")


def _sheet_rows(
    worksheet: Any, header: list[str], header_row: int
) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            if number <= header_row:
                continue
            if all(blank(v) for v in values):
                continue
            yield number, dict(zip(header, values, strict=False))
    finally:
        worksheet.parent.close()  # a read-only workbook holds its file open until closed
