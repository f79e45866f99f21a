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

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Final

import pycountry

from beltroad.errors import InvalidInput
from beltroad.ingest.base import (
    Item,
    ReadNotes,
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
    require_file,
    text,
    year,
)
from beltroad.ingest.table_files import csv_table as _csv_table
from beltroad.ingest.table_files import parquet_table, xlsx_table
from beltroad.ingest.table_mapping import (
    EXAMPLE,
    FIELDS,
    TableMapping,
    load_mapping,
)
from beltroad.ingest.table_splits import quality_kinds, recipients
from beltroad.ingest.table_splits import sectors as sector_list
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
from beltroad.spreadsheet import unguard

SCAN_ROWS: Final = 30
_STATUS_LABELS = {member.label.casefold(): int(member) for member in ActivityStatus}

__all__ = ["FIELDS", "TableImporter", "TableMapping", "load_mapping"]


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
    summary = "any CSV or XLSX project list, with a TOML mapping file"

    def __init__(self, mapping: Path | str | None = None) -> None:
        self.mapping_path = None if mapping is None else Path(mapping)
        self._mapping: TableMapping | None = None
        self.notes = ReadNotes()

    def mapping(self) -> TableMapping:
        if self.mapping_path is None:
            raise InvalidInput(
                "a `table` import needs a mapping file that names the dataset and says which "
                "column holds which field (mapping: a MAPPING.toml file)",
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
            header, rows = xlsx_table(m, path, self.notes)
        elif suffix in (".csv", ".txt", ".tsv"):
            header, rows = _csv_table(m, path)
        elif suffix == ".parquet":
            header, rows = parquet_table(m, path)
        else:
            raise InvalidInput.at(
                f"unsupported file type {suffix or '(none)'!r} (expected .csv, .xlsx or .parquet)",
                file=str(path),
            )
        self.notes.columns(header, m.columns.values())
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
            value = unguard(raw.get(column))
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
        money = _money(ctx, self._number(m))
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
        countries, sectors = _splits(ctx)
        status = ctx.get("status", _status)
        commitment_year = ctx.get("commitment_year", year)
        flow_class = ctx.get("flow_class", _limited, length=32)
        recommended = ctx.get("recommended_for_aggregates", boolean)
        umbrella = ctx.get("umbrella", boolean)
        kinds = ctx.get("quality", quality_kinds) or set()
        source_id = ctx.get("source_record_id", _limited, length=160)
        if ctx.errors:
            return ctx.errors, None, ()
        participations = tuple(
            Participation(OrgRef(name=org), role.value)
            for name, role in (
                ("financier", ParticipationRole.FUNDING),
                ("implementer", ParticipationRole.IMPLEMENTING),
            )
            if (org := text(values.get(name))) is not None
        )
        flags = tuple(ctx.flags)
        # a quality column (beltroad's export) keeps the flag kinds of the original import
        quality = ";".join(sorted(kinds | {f.kind for f in flags})) or quality_of(flags)
        record = ProjectRecord(
            identifier=m.identifier_prefix + ident,
            title=title,
            provenance=Provenance(
                dataset=m.dataset,
                source_record_id=source_id or ident,
                recommended_for_aggregates=recommended,
                quality=quality,
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
            countries=countries,
            sectors=sectors,
            participations=participations,
            is_umbrella=bool(umbrella),
        )
        return [], record, flags

    @staticmethod
    def _number(m: TableMapping) -> Any:
        """The number parser of the mapping's decimal mark."""
        if m.decimal == ".":
            return number

        def decimal_comma(value: Any, *, what: str) -> float | None:
            if isinstance(value, str):
                value = value.strip().replace("\u00a0", "").replace(" ", "").replace(".", "")
                value = value.replace(",", ".")
            return number(value, what=what)

        return decimal_comma


def _money(ctx: RowContext, numeric: Any) -> Money | None:
    """The row's amounts: a commitment, so never negative; a currency for the original."""
    fields = (
        ("amount", "an amount"),
        ("amount_usd_nominal", "an amount in current USD"),
        ("amount_usd_constant", "an amount in constant USD"),
    )
    found: dict[str, float | None] = {}
    for name, what in fields:
        value = ctx.get(name, numeric, what=what)
        if value is not None and value < 0:
            ctx.fail(
                name,
                ctx.values.get(name),
                f"negative commitment (expected {what} of 0 or more, or empty; a table row is "
                "a project's commitment, and only a reversal transaction may be negative)",
            )
            value = None
        found[name] = value
    currency = ctx.get("currency", _currency)
    base_year = ctx.get("base_year", year)
    amount = found["amount"]
    if (
        amount is not None
        and currency is None
        and not any(e.field == "currency" for e in ctx.errors)
    ):
        ctx.fail("currency", ctx.values.get("currency"), "currency missing for the amount")
    if all(v is None for v in found.values()):
        return None
    return Money(
        currency=currency,
        original=amount,
        usd_nominal=found["amount_usd_nominal"],
        usd_constant=found["amount_usd_constant"],
        base_year=base_year,
    )


def _splits(ctx: RowContext) -> tuple[tuple[CountrySplit, ...], tuple[SectorSplit, ...]]:
    """Recipient countries and sectors: one (``recipient``, ``sector``) or a list with shares
    (``recipients``, ``sectors`` with ``sector_shares``)."""
    values = ctx.values
    countries: tuple[CountrySplit, ...] = ()
    if not blank(values.get("recipients")):
        countries = ctx.get("recipients", recipients, shares=values.get("recipient_shares")) or ()
    elif not blank(values.get("recipient")):
        found = ctx.get("recipient", country)
        countries = (CountrySplit(found.iso3),) if found else ()
    sectors_found: tuple[SectorSplit, ...] = ()
    if not blank(values.get("sectors")):
        sectors_found = ctx.get("sectors", sector_list, shares=values.get("sector_shares")) or ()
    else:
        sector = ctx.get("sector", _sector)
        sectors_found = (sector,) if sector else ()
    return countries, sectors_found
