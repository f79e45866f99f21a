"""Per-record limits: no single record of any file can take more than a bounded amount of memory.

The limits (documented in docs/cli.md, "Limits", and named in every error they raise):

=========================  ============  ===================================================
limit                      value         where it is enforced
=========================  ============  ===================================================
text of one value          1,048,576     every field, cell or element text of every importer;
                           characters    also the csv module's field limit (Python's default,
                                         131,072, would otherwise be an internal error)
title                      4,000         every record's title
                           characters
XML of one IATI activity   4 MiB         while the file streams: the parser stops before
                                         the activity's tree is built (a tree takes up to
                                         ~25 bytes of memory per byte of XML: ~100 MB)
children of an activity    10,000        elements directly inside one ``iati-activity``
XML nesting                256 levels    libxml2's own limit (beltroad never asks for more)
=========================  ============  ===================================================

The real files beltroad was checked on stay far below: the longest text in the shared AidData,
World Port Index and IATI files is 23,942 characters (a GCDF 3.0 description), the longest
title 427 characters, the largest IATI activity 105 KB with 560 children.

A title or description over its limit rejects its row (``--on-error skip`` imports the others);
a CSV field over the limit, and an IATI activity over the byte limit, stop the import with
nothing written (the reader cannot skip past them safely). A NUL character in a text is refused
the same way on both databases (PostgreSQL cannot store one in a text column; SQLite would store
it silently): a CSV field or a title, description or identifier rejects the row, naming the field.
"""

from __future__ import annotations

import csv
import io
from typing import IO, Any

from beltroad.errors import InvalidInput

MAX_TEXT_CHARS = 1 << 20
MAX_TITLE_CHARS = 4_000
MAX_ACTIVITY_BYTES = 4 << 20
MAX_ACTIVITY_CHILDREN = 10_000
MAX_XML_DEPTH = 256  # libxml2's default (XML_PARSE_HUGE, which raises it, is never set)

PREVIEW = 60  # characters of a rejected long value shown in the report


def preview(value: str) -> str:
    """The start of a long value and its length, for an error report (never the whole value)."""
    if len(value) <= PREVIEW:
        return value
    return f"{value[:PREVIEW]}... ({len(value):,} characters)"


# --- records -------------------------------------------------------------------------------------


#: Top-level text fields of a record that are checked one by one (O(1) per record).
CHECKED_FIELDS = ("identifier", "title", "description", "name", "notes")


def record_problems(record: Any) -> list[tuple[str, str, str]]:
    """``(field, value preview, reason)`` for each checked text of ``record`` over a limit.

    Only the record's own free-text fields are looked at (a few ``len`` calls and ``in``
    searches, run in C): a full walk of every nested string took 10% of an IATI import. The
    texts nested deeper are covered where they are read: CSV fields by :class:`CsvReader` (length
    and NUL), text files by ``read_text`` (NUL), IATI by the activity's byte limit and libxml2,
    which refuses a NUL character.
    """
    problems: list[tuple[str, str, str]] = []
    for name in CHECKED_FIELDS:
        value = getattr(record, name, None)
        if not isinstance(value, str):
            continue
        limit = MAX_TITLE_CHARS if name == "title" else MAX_TEXT_CHARS
        if len(value) > limit:
            what = "a title" if name == "title" else "one value"
            problems.append(
                (name, preview(value), f"longer than {limit:,} characters (the limit for {what})")
            )
        elif "\x00" in value:
            problems.append((name, preview(value), nul_reason(value.index("\x00"))))
    return problems


def nul_reason(at: int) -> str:
    """Why a text holding a NUL character at ``at`` (0-based) is refused."""
    return (
        f"contains a NUL character (byte 0x00) at position {at + 1:,}; a database text field "
        "cannot hold one (expected text without NUL bytes: the file may be binary, or UTF-16 "
        "read as UTF-8)"
    )


# --- CSV -----------------------------------------------------------------------------------------


class CsvReader:
    """``csv.reader`` with the documented field limit, whose overflow is a clear error.

    Python's csv module refuses a field over 131,072 characters by default with ``csv.Error``
    (an internal error to the user); here the limit is :data:`MAX_TEXT_CHARS` and the error
    names the file, the line and the limit.
    """

    def __init__(self, text: str, *, delimiter: str = ",", file: str) -> None:
        # The limit is process-wide state of the csv module; setting it is idempotent.
        csv.field_size_limit(MAX_TEXT_CHARS)
        # strict: a quote left open at the end of the file is an error, not one long field
        self._reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        self._text = text
        self._file = file
        self._done = 0  # the last line of the last row read
        #: the header's number of fields once the caller knows it: longer rows are refused
        self.width: int | None = None
        # One C-speed search of the whole text; rows are searched only when it finds a NUL.
        self._has_nul = "\x00" in text
        self._header: list[str] | None = None

    @property
    def line_num(self) -> int:
        return self._reader.line_num

    def __iter__(self) -> CsvReader:
        return self

    def __next__(self) -> list[str]:
        try:
            values = next(self._reader)
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):
                opened = open_quote_line(self._text, self._done + 1)
                raise InvalidInput.at(
                    f"a quoted field opened on line {opened} is never closed: the quote runs "
                    "on to the end of the file",
                    file=self._file,
                    row=opened,
                    hint='close the quote (a quote inside a quoted field is written twice: "")',
                ) from None
            if "field larger than field limit" not in str(exc):
                raise InvalidInput.at(
                    f"not readable as CSV: {exc}", file=self._file, row=self._reader.line_num
                ) from None
            raise InvalidInput.at(
                f"a field is longer than {MAX_TEXT_CHARS:,} characters, the limit for one "
                "value (it may also be a quote left open, which runs a field on to the end "
                "of the file)",
                file=self._file,
                row=self._reader.line_num,
                hint="shorten the value, or check the quoting of the line",
            ) from None
        if self._header is None:
            self._header = values
        if self.width is not None and len(values) > self.width:
            self._refuse_extra(values)
        self._done = self._reader.line_num
        if self._has_nul:
            for number, value in enumerate(values):
                if "\x00" in value:
                    names = self._header
                    field = names[number] if number < len(names) else f"column {number + 1}"
                    raise InvalidInput.at(
                        nul_reason(value.index("\x00")),
                        file=self._file,
                        row=self._reader.line_num,
                        field=field or f"column {number + 1}",
                        value=preview(value.replace("\x00", "\\x00")),
                        hint="remove the NUL bytes; if the file is UTF-16, re-save it as UTF-8",
                    )
        return values

    def _refuse_extra(self, values: list[str]) -> None:
        """A row with more fields than the header (empty trailing fields are harmless)."""
        assert self.width is not None
        extra = [v for v in values[self.width :] if v.strip()]
        if not extra:
            return
        raise InvalidInput.at(
            f"the row has {len(values)} fields, the header {self.width}: the value(s) past the "
            "last column would be lost (a delimiter inside an unquoted value?)",
            file=self._file,
            row=self._done + 1,
            field=f"column {self.width + 1}",
            value=preview(extra[0]),
            hint="quote values that hold the delimiter, or add the missing header names",
        )


def open_quote_line(text: str, start: int) -> int:
    """The line (from ``start``, 1-based) where the quote that is still open at the end opened.

    Walks the lines of the unfinished record and keeps the line on which the count of quote
    characters last turned odd (a doubled quote inside a field changes nothing).
    """
    inside = False
    opened = start
    for number, line in enumerate(text.splitlines()[start - 1 :], start=start):
        previous = ""
        for char in line:
            if char == '"':
                inside = not inside
                if inside and previous != '"':
                    opened = number
            previous = char
    return opened


# --- streamed XML --------------------------------------------------------------------------------


class RecordTooLarge(InvalidInput):
    """One record spans more bytes of the file than :data:`MAX_ACTIVITY_BYTES`."""


class SpanLimitedReader:
    """A binary file whose reads since the last record boundary are capped.

    The importer calls :meth:`boundary` each time a record ends; if the parser has to read
    more than ``limit`` bytes without one, the next read raises :class:`RecordTooLarge`, so a
    single huge record never gets built in memory. Costs one addition per read (of 32 KB).
    """

    def __init__(self, handle: IO[bytes], *, limit: int, file: str, what: str) -> None:
        self.handle = handle
        self.limit = limit
        self.file = file
        self.what = what
        self.since = 0
        self.last_line = 0

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.since += len(data)
        if self.since > self.limit:
            after = (
                f" (the one after the {self.what} at line {self.last_line:,})"
                if self.last_line
                else " (the first)"
            )
            raise RecordTooLarge.at(
                f"one {self.what}{after} spans more than "
                f"{self.limit / (1 << 20):g} MiB of XML, the limit for one {self.what}; the "
                "import stopped before building it in memory, nothing was written",
                file=self.file,
                row=self.last_line or None,
                hint=f"split the {self.what} into smaller ones; beltroad refuses a single "
                f"{self.what} this large to keep memory bounded",
            )
        return data

    def boundary(self, line: int) -> None:
        self.since = 0
        self.last_line = line

    def tell(self) -> int:
        return self.handle.tell()


__all__ = [
    "CHECKED_FIELDS",
    "MAX_ACTIVITY_BYTES",
    "MAX_ACTIVITY_CHILDREN",
    "MAX_TEXT_CHARS",
    "MAX_TITLE_CHARS",
    "MAX_XML_DEPTH",
    "CsvReader",
    "RecordTooLarge",
    "SpanLimitedReader",
    "nul_reason",
    "preview",
    "record_problems",
]
