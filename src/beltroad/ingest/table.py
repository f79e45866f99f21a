"""``table``: any CSV or XLSX project list, read through a small TOML mapping file.

The mapping names the data set and says which column holds which project field::

    [table]
    dataset = "ministry-projects"      # required: the dataset name records are filed under
    title = "Ministry project list 2024"
    citation = "Ministry of Transport (2024), project list"
    licence = "internal use"
    sheet = "Projects"                 # optional, xlsx: default the first sheet with the columns
    header_row = 3                     # optional: default row 1 (csv) or found in the top 30 rows
    delimiter = ";"                    # optional, csv (default ",")
    encoding = "cp1252"                # optional, csv (default utf-8, with or without BOM)
    decimal = ","                      # optional: "1.234,5" is 1234.5 (default ".")
    identifier_prefix = "ministry-"    # optional: default "<dataset>-"; "" keeps ids as they are

    [columns]                          # field = "column in the file"; see FIELDS
    identifier = "Project ID"
    title = "Project name"
    recipient = "Country"
    status = "Status"
    amount = "Amount"
    currency = "Currency"

    [values.status]                    # optional value maps, per field: "as in the file" = value
    "Completed" = 3
    "Under construction" = 2

    [dates]
    formats = ["%d.%m.%Y"]             # optional: strptime formats for the date fields

    [defaults]                         # optional: a value for a field the file leaves blank
    base_year = 2021                   # or has no column for (e.g. "constant 2021 USD")

Identifiers are prefixed with the dataset name by default because project identifiers are unique
across all datasets: a bare "17" would otherwise replace another source's project "17". Use
``identifier_prefix = ""`` for identifiers that are already global (IATI identifiers).
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import re
import tomllib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pycountry

from beltroad.errors import InvalidInput
from beltroad.ingest.base import (
    DATE_FORMATS,
    Item,
    Row,
    RowContext,
    SourceInfo,
    ValueProblem,
    blank,
    boolean,
    check_order,
    country,
    date,
    integer,
    number,
    read_text,
    require_file,
    text,
    year,
)
from beltroad.progress import NULL_PROGRESS, Progress
from beltroad.records import (
    CountrySplit,
    Money,
    OrgRef,
    Participation,
    ProjectRecord,
    Provenance,
    SectorSplit,
)
from beltroad.reference.iati import DAC3_SECTORS, ActivityStatus, ParticipationRole

FIELDS: Final[dict[str, str]] = {
    "identifier": "project identifier, unique in the file (required)",
    "title": "project title (required)",
    "description": "longer description",
    "status": "IATI ActivityStatus code 1-6 or its label (Implementation, Closed...)",
    "recipient": "recipient country: ISO code or exact country name",
    "sector": "OECD DAC sector code: 5-digit purpose code or 3-digit category",
    "commitment_year": "year of commitment",
    "amount": "amount in the original currency",
    "currency": "ISO 4217 code of amount (CNY, USD...)",
    "amount_usd_nominal": "amount in current US dollars",
    "amount_usd_constant": "amount in constant US dollars of base_year",
    "base_year": "base year of amount_usd_constant",
    "planned_start": "planned start date",
    "actual_start": "actual start date",
    "planned_end": "planned end date",
    "actual_end": "actual end date",
    "financier": "funding organisation name",
    "implementer": "implementing organisation name",
    "flow_class": "flow class, e.g. ODA-like, OOF-like (32 characters at most)",
    "recommended_for_aggregates": "yes/no: counts in published totals",
}
"""Project fields a mapping's [columns] may name, with what each column must hold."""

SECTIONS: Final = ("table", "columns", "values", "dates", "defaults")
REQUIRED_FIELDS: Final = ("identifier", "title")
REQUIRED_TABLE: Final = ("dataset", "title", "citation", "licence")
SCAN_ROWS: Final = 30

EXAMPLE: Final = """\
[table]
dataset = "my-projects"
title = "My project list"
citation = "Ministry of Transport (2024), project list"
licence = "internal use"

[columns]
identifier = "Project ID"
title = "Project name"
recipient = "Country\""""

_DATASET_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_STATUS_LABELS = {member.label.casefold(): int(member) for member in ActivityStatus}


@dataclass(frozen=True)
class TableMapping:
    """A validated mapping file."""

    path: Path
    dataset: str
    title: str
    citation: str
    licence: str
    columns: dict[str, str]
    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    date_formats: tuple[str, ...] = DATE_FORMATS
    sheet: str | None = None
    header_row: int | None = None
    delimiter: str = ","
    encoding: str = "utf-8-sig"
    decimal: str = "."
    identifier_prefix: str = ""


def _unknown(kind: str, names: Sequence[str], valid: Sequence[str], file: Path) -> InvalidInput:
    described = []
    for name in names:
        close = difflib.get_close_matches(name, list(valid), n=1, cutoff=0.6)
        described.append(f"{name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
    return InvalidInput.at(
        f"unknown {kind}: {', '.join(described)} (valid: {', '.join(valid)})", file=str(file)
    )


def _string(value: Any, where: str, file: Path, *, allow_empty: bool = False) -> str:
    if not isinstance(value, str) or (not allow_empty and not value.strip()):
        raise InvalidInput.at(f"{where} must be a non-empty text", file=str(file), value=value)
    return value if allow_empty else value.strip()


def load_mapping(path: Path) -> TableMapping:
    """Read and check a mapping file; every problem is an InvalidInput naming the key."""
    source = read_text(path, "utf-8-sig")
    try:
        document = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput.at(f"not valid TOML: {exc}", file=str(path)) from None
    extra = [key for key in document if key not in SECTIONS]
    if extra:
        raise _unknown("section or top-level key", extra, SECTIONS, path)
    table = document.get("table", {})
    columns = document.get("columns")
    if not isinstance(table, dict):
        raise InvalidInput.at("[table] must be a table of keys", file=str(path))
    extra = [key for key in table if key not in (*REQUIRED_TABLE, *OPTIONS)]
    if extra:
        raise _unknown("[table] key", extra, (*REQUIRED_TABLE, *OPTIONS), path)
    missing = [key for key in REQUIRED_TABLE if key not in table]
    if missing:
        raise InvalidInput.at(
            f"[table] lacks {', '.join(missing)} (every imported dataset names its source)",
            file=str(path),
            hint="a minimal mapping:\n" + EXAMPLE,
        )
    meta = {key: _string(table[key], f"[table] {key}", path) for key in REQUIRED_TABLE}
    if not _DATASET_NAME.match(meta["dataset"]):
        raise InvalidInput.at(
            "[table] dataset must be 1-64 letters, digits, '.', '_' or '-', starting with a "
            "letter or digit",
            file=str(path),
            value=meta["dataset"],
        )
    if not isinstance(columns, dict) or not columns:
        raise InvalidInput.at(
            "no [columns] section (it says which column holds which field)",
            file=str(path),
            hint="a minimal mapping:\n" + EXAMPLE,
        )
    extra = [key for key in columns if key not in FIELDS]
    if extra:
        raise _unknown("field in [columns]", extra, list(FIELDS), path)
    missing = [key for key in REQUIRED_FIELDS if key not in columns]
    if missing:
        raise InvalidInput.at(
            f"[columns] must map {' and '.join(missing)} (required fields)", file=str(path)
        )
    mapped = {key: _string(value, f"[columns] {key}", path) for key, value in columns.items()}
    values = _value_maps(document.get("values", {}), mapped, path)
    formats = _date_formats(document.get("dates", {}), path)
    defaults = _defaults(document.get("defaults", {}), path)
    if "amount" in mapped and "currency" not in mapped and "currency" not in defaults:
        raise InvalidInput.at(
            "[columns] maps amount but no currency (an amount without its currency cannot be "
            "compared; map amount_usd_nominal for US dollars)",
            file=str(path),
        )
    options = _table_options(table, path)
    options.setdefault("identifier_prefix", f"{meta['dataset']}-")
    return TableMapping(
        path=path,
        dataset=meta["dataset"],
        title=meta["title"],
        citation=meta["citation"],
        licence=meta["licence"],
        columns=mapped,
        values=values,
        defaults=defaults,
        date_formats=formats,
        **options,
    )


def _value_maps(section: Any, mapped: dict[str, str], path: Path) -> dict[str, dict[str, Any]]:
    if not isinstance(section, dict):
        raise InvalidInput.at("[values] must hold one table per field", file=str(path))
    extra = [key for key in section if key not in FIELDS]
    if extra:
        raise _unknown("field in [values]", extra, list(FIELDS), path)
    result: dict[str, dict[str, Any]] = {}
    for name, table in section.items():
        if name not in mapped:
            raise InvalidInput.at(
                f"[values.{name}] maps values of a field that [columns] does not map",
                file=str(path),
            )
        if not isinstance(table, dict) or any(isinstance(v, dict | list) for v in table.values()):
            raise InvalidInput.at(
                f'[values.{name}] must map texts to single values, e.g. "Completed" = 3',
                file=str(path),
            )
        result[name] = {key.strip(): value for key, value in table.items()}
    return result


def _defaults(section: Any, path: Path) -> dict[str, Any]:
    if not isinstance(section, dict):
        raise InvalidInput.at("[defaults] must be a table of field = value", file=str(path))
    extra = [key for key in section if key not in FIELDS]
    if extra:
        raise _unknown("field in [defaults]", extra, list(FIELDS), path)
    bad = [key for key, value in section.items() if isinstance(value, dict | list)]
    if bad or "identifier" in section:
        raise InvalidInput.at(
            "[defaults] values must be single values, and identifier cannot have a default",
            file=str(path),
            field=(bad or ["identifier"])[0],
        )
    return dict(section)


def _date_formats(section: Any, path: Path) -> tuple[str, ...]:
    if not isinstance(section, dict):
        raise InvalidInput.at("[dates] must be a table", file=str(path))
    extra = [key for key in section if key != "formats"]
    if extra:
        raise _unknown("[dates] key", extra, ["formats"], path)
    formats = section.get("formats", list(DATE_FORMATS))
    if (
        not isinstance(formats, list)
        or not formats
        or not all(isinstance(f, str) and "%" in f for f in formats)
    ):
        raise InvalidInput.at(
            '[dates] formats must be a list of strptime formats, e.g. ["%d.%m.%Y"]',
            file=str(path),
            value=formats,
        )
    return tuple(formats)


def _known_encoding(value: Any) -> bool:
    try:
        return isinstance(value, str) and bool(codecs.lookup(value))
    except LookupError:
        return False


OPTIONS: Final[dict[str, tuple[Callable[[Any], bool], str]]] = {
    "sheet": (lambda v: isinstance(v, str) and bool(v.strip()), "a sheet name"),
    "header_row": (lambda v: type(v) is int and v >= 1, "a row number from 1"),
    "delimiter": (lambda v: isinstance(v, str) and len(v) == 1, "one character"),
    "encoding": (_known_encoding, "a known text encoding (utf-8, cp1252, latin-1...)"),
    "decimal": (lambda v: v in (".", ","), '"." or ","'),
    "identifier_prefix": (lambda v: isinstance(v, str), "a text (it may be empty)"),
}
"""The optional [table] keys: how to check each, and what it must be."""


def _table_options(table: dict[str, Any], path: Path) -> dict[str, Any]:
    for key, (ok, expected) in OPTIONS.items():
        if key in table and not ok(table[key]):
            raise InvalidInput.at(
                f"[table] {key} must be {expected}", file=str(path), value=table[key]
            )
    return {key: table[key] for key in OPTIONS if key in table}


# --- reading the table ---------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    """Excel gives 17.0 for a typed 17; a cell read as text should say "17"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _missing_columns(
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


def _csv_table(
    mapping: TableMapping, path: Path
) -> tuple[list[str], Iterator[tuple[int, dict[str, Any]]]]:
    content = read_text(path, mapping.encoding)
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=mapping.delimiter)
    wanted = mapping.header_row or 1
    header: list[str] | None = None
    for values in reader:
        if reader.line_num >= wanted:
            header = [h.strip() for h in values]
            break
    if header is None or not any(header):
        raise InvalidInput.at(f"no header on row {wanted}", file=str(path), row=wanted)
    problem = _missing_columns(mapping, header, path, reader.line_num)
    if problem:
        raise problem
    names = header

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        for values in reader:
            if any(v.strip() for v in values):
                yield reader.line_num, dict(zip(names, values, strict=False))

    return header, rows()


def _xlsx_table(
    mapping: TableMapping, path: Path
) -> tuple[list[str], Iterator[tuple[int, dict[str, Any]]]]:
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
    problem = None if complete else _missing_columns(mapping, header, path, header_row)
    if problem is not None:
        book.close()
        raise problem
    return header, _sheet_rows(book, sheet, header, header_row)


def _find_header(mapping: TableMapping, book: Any) -> tuple[Any, list[str], int, bool] | None:
    """The sheet, header, header row and whether it holds every mapped column (else the closest)."""
    if mapping.sheet is not None and mapping.sheet not in book.sheetnames:
        raise _unknown("sheet", [mapping.sheet], book.sheetnames, mapping.path)
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
    book: Any, sheet: Any, header: list[str], header_row: int
) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        for number_, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number_ <= header_row or all(blank(v) for v in values):
                continue
            yield number_, dict(zip(header, (_cell(v) for v in values), strict=False))
    finally:
        book.close()


# --- values --------------------------------------------------------------------------------------


def _status(value: Any) -> int | None:
    if blank(value):
        return None
    label = _STATUS_LABELS.get(str(value).strip().casefold())
    if label is not None:
        return label
    try:
        code = integer(value)
    except ValueProblem:
        code = None
    if code is None or code not in set(ActivityStatus):
        raise ValueProblem(
            "not an IATI activity status (expected 1-6 or a label such as Implementation; "
            "map other words with [values.status])"
        )
    return code


def _sector(value: Any) -> SectorSplit | None:
    raw = text(value)
    if raw is None:
        return None
    code = raw[:-2] if raw.endswith(".0") else raw
    if code.isdigit() and len(code) == 5 and code[:3] in DAC3_SECTORS:
        return SectorSplit(code=code, vocabulary="1")
    if code.isdigit() and len(code) == 3 and code in DAC3_SECTORS:
        return SectorSplit(code=code, vocabulary="2")
    raise ValueProblem(
        "not an OECD DAC sector code (expected a 5-digit purpose code such as 21020 or a "
        "3-digit category such as 210; map names with [values.sector])"
    )


def _currency(value: Any) -> str | None:
    raw = text(value)
    if raw is None:
        return None
    code = raw.upper()
    if len(code) != 3 or pycountry.currencies.get(alpha_3=code) is None:
        raise ValueProblem("not an ISO 4217 currency code (expected e.g. USD, CNY, EUR)")
    return code


def _limited(value: Any, *, length: int) -> str | None:
    result = text(value)
    if result is not None and len(result) > length:
        raise ValueProblem(f"longer than {length} characters")
    return result


class TableImporter:
    """Projects from any CSV/XLSX, with a TOML mapping file (``mapping=``) saying what is where."""

    kind = "table"
    summary = "any CSV or XLSX project list, with a TOML mapping file (--mapping)"

    def __init__(self, mapping: Path | str | None = None) -> None:
        self.mapping_path = None if mapping is None else Path(mapping)
        self._mapping: TableMapping | None = None

    def mapping(self) -> TableMapping:
        if self.mapping_path is None:
            raise InvalidInput(
                "a `table` import needs a mapping file that names the dataset and says which "
                "column holds which field (--mapping MAPPING.toml)",
                hint="a minimal mapping:\n" + EXAMPLE,
            )
        if self._mapping is None:
            require_file(self.mapping_path)
            self._mapping = load_mapping(self.mapping_path)
        return self._mapping

    def source(self, path: Path) -> SourceInfo:
        m = self.mapping()
        return SourceInfo(dataset=m.dataset, title=m.title, citation=m.citation, licence=m.licence)

    def read(self, path: Path, *, progress: Progress = NULL_PROGRESS) -> Iterator[Item]:
        m = self.mapping()
        require_file(path)
        suffix = path.suffix.lower()
        if suffix in (".xlsx", ".xlsm"):
            _, rows = _xlsx_table(m, path)
        elif suffix in (".csv", ".txt", ".tsv"):
            _, rows = _csv_table(m, path)
        else:
            raise InvalidInput.at(
                f"unsupported file type {suffix or '(none)'!r} (expected .csv or .xlsx)",
                file=str(path),
            )
        progress.start(f"reading {path.name}")
        for number_, raw in rows:
            progress.advance()
            errors, record = self._record(m, number_, raw)
            if errors:
                yield from errors
            elif record is not None:
                yield Row(number_, record)
        progress.finish()

    def _record(
        self, m: TableMapping, number_: int, raw: Mapping[str, Any]
    ) -> tuple[list[Any], ProjectRecord | None]:
        values: dict[str, Any] = dict(m.defaults)
        for name, column in m.columns.items():
            value = raw.get(column)
            table = m.values.get(name)
            if table is not None and not blank(value):
                value = table.get(str(value).strip(), value)
            if not blank(value) or name not in m.defaults:
                values[name] = value
        ctx = RowContext(number_, values)
        ident = ctx.get("identifier", _limited, length=160 - len(m.identifier_prefix))
        title = ctx.get("title")
        for name, got in (("identifier", ident), ("title", title)):
            if got is None and not any(e.field == name for e in ctx.errors):
                ctx.fail(name, values.get(name), f"{name} missing (a required field)")
        numeric = self._number(m)
        amount = ctx.get("amount", numeric, what="an amount")
        nominal = ctx.get("amount_usd_nominal", numeric, what="an amount in current USD")
        constant = ctx.get("amount_usd_constant", numeric, what="an amount in constant USD")
        currency = ctx.get("currency", _currency)
        base_year = ctx.get("base_year", year)
        formats = m.date_formats
        dates = {
            name: ctx.get(name, date, formats=formats)
            for name in ("planned_start", "actual_start", "planned_end", "actual_end")
        }
        for start, end in (("planned_start", "planned_end"), ("actual_start", "actual_end")):
            reason = check_order(dates[start], dates[end], what=f"{end} before {start}")
            if reason:
                ctx.fail(end, values.get(end), reason)
        recipient = ctx.get("recipient", country) if not blank(values.get("recipient")) else None
        sector = ctx.get("sector", _sector)
        status = ctx.get("status", _status)
        commitment_year = ctx.get("commitment_year", year)
        flow_class = ctx.get("flow_class", _limited, length=32)
        recommended = ctx.get("recommended_for_aggregates", boolean)
        if (
            amount is not None
            and currency is None
            and not any(e.field == "currency" for e in ctx.errors)
        ):
            ctx.fail("currency", values.get("currency"), "currency missing for the amount")
        if ctx.errors:
            return ctx.errors, None
        money = None
        if any(v is not None for v in (amount, nominal, constant)):
            money = Money(
                currency=currency,
                original=amount,
                usd_nominal=nominal,
                usd_constant=constant,
                base_year=base_year,
            )
        participations = tuple(
            Participation(OrgRef(name=org), role.value)
            for name, role in (
                ("financier", ParticipationRole.FUNDING),
                ("implementer", ParticipationRole.IMPLEMENTING),
            )
            if (org := text(values.get(name))) is not None
        )
        return [], ProjectRecord(
            identifier=m.identifier_prefix + ident,
            title=title,
            provenance=Provenance(
                dataset=m.dataset, source_record_id=ident, recommended_for_aggregates=recommended
            ),
            description=text(values.get("description")),
            status=status,
            planned_start=dates["planned_start"],
            actual_start=dates["actual_start"],
            planned_end=dates["planned_end"],
            actual_end=dates["actual_end"],
            commitment_year=commitment_year,
            flow_class=flow_class,
            amount=money,
            countries=(CountrySplit(recipient.iso3),) if recipient else (),
            sectors=(sector,) if sector else (),
            participations=participations,
        )

    @staticmethod
    def _number(m: TableMapping) -> Any:
        if m.decimal == ".":
            return number

        def decimal_comma(value: Any, *, what: str) -> float | None:
            if isinstance(value, str):
                value = value.strip().replace("\u00a0", "").replace(" ", "").replace(".", "")
                value = value.replace(",", ".")
            return number(value, what=what)

        return decimal_comma
