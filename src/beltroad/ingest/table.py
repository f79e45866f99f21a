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

import difflib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import pycountry

from beltroad.errors import InvalidInput
from beltroad.ingest.base import (
    Item,
    Row,
    RowContext,
    SourceInfo,
    ValueProblem,
    blank,
    boolean,
    country,
    date,
    integer,
    number,
    order_flag,
    read_text,
    require_file,
    text,
    year,
)
from beltroad.ingest.limits import CsvReader
from beltroad.ingest.table_mapping import (
    EXAMPLE,
    FIELDS,
    TableMapping,
    load_mapping,
    unknown_names,
)
from beltroad.progress import NULL_PROGRESS, Progress
from beltroad.records import (
    CountrySplit,
    Money,
    OrgRef,
    Participation,
    ProjectRecord,
    Provenance,
    QualityFlag,
    SectorSplit,
    quality_of,
)
from beltroad.reference.iati import DAC3_SECTORS, ActivityStatus, ParticipationRole

SCAN_ROWS: Final = 30
_STATUS_LABELS = {member.label.casefold(): int(member) for member in ActivityStatus}

__all__ = ["FIELDS", "TableImporter", "TableMapping", "load_mapping"]


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
    reader = CsvReader(content, delimiter=mapping.delimiter, file=str(path))
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
    reader.width = len(header)

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
            errors, record, flags = self._record(m, number_, raw)
            if errors:
                yield from errors
            elif record is not None:
                yield Row(number_, record, flags)
        progress.finish()

    def _record(
        self, m: TableMapping, number_: int, raw: Mapping[str, Any]
    ) -> tuple[list[Any], ProjectRecord | None, tuple[QualityFlag, ...]]:
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
            # Kept and flagged, as published; a strict import rejects the row.
            ctx.flag(
                order_flag(
                    f"date_order:{end}<{start}",
                    dates[start],
                    dates[end],
                    what=f"{end} before {start}",
                    field=end,
                    value=values.get(end),
                )
            )
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
            return ctx.errors, None, ()
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
        flags = tuple(ctx.flags)
        record = ProjectRecord(
            identifier=m.identifier_prefix + ident,
            title=title,
            provenance=Provenance(
                dataset=m.dataset,
                source_record_id=ident,
                recommended_for_aggregates=recommended,
                quality=quality_of(flags),
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
        return [], record, flags

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
