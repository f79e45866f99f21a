"""Tables and maps out: CSV, XLSX, Parquet and GeoJSON, safe to open in a spreadsheet.

Text cells (and header names) that a spreadsheet would read as a formula are prefixed with an
apostrophe by :func:`beltroad.spreadsheet.guard_cell`, the one guard every CSV and XLSX writer of
beltroad uses, so an exported title can never run as a formula (OWASP "CSV injection"). Numbers
stay numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from beltroad.spreadsheet import guard_cell, guard_row

neutralise = guard_cell  # the name this module exported before the guard was shared


def _cell(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return guard_cell(value)


def write_csv(rows: Iterable[Mapping[str, Any]], path: Path) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        header: list[str] | None = None
        for row in rows:
            if header is None:
                header = list(row)
                writer.writerow(guard_row(header))
            writer.writerow([_cell(row.get(name)) for name in header])
            count += 1
    return count


def write_xlsx(
    rows: Iterable[Mapping[str, Any]],
    path: Path,
    *,
    sheet: str = "projects",
    sources: Iterable[str] = (),
) -> int:
    """Rows on one sheet; the citations of the data on a second sheet, ``sources``."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    worksheet = book.create_sheet(sheet)
    count = 0
    header: list[str] | None = None
    for row in rows:
        if header is None:
            header = list(row)
            worksheet.append(guard_row(header))
        worksheet.append([guard_cell(row[name]) for name in header])
        count += 1
    notes = book.create_sheet("sources")
    notes.append(["source"])
    for line in sources:
        notes.append([guard_cell(line)])
    book.save(path)
    return count


def write_parquet(
    rows: Iterable[Mapping[str, Any]],
    path: Path,
    *,
    batch: int = 50_000,
    sources: Iterable[str] = (),
) -> int:
    """Rows as Parquet; citations go in the file's key-value metadata under ``sources``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer = None
    count = 0
    try:
        for chunk in _chunks(rows, batch):
            table = pa.Table.from_pylist(chunk)
            if writer is None:
                schema = table.schema.with_metadata({"sources": "\n".join(sources)})
                writer = pq.ParquetWriter(path, schema)
            writer.write_table(table.cast(writer.schema))
            count += len(chunk)
    finally:
        if writer is not None:
            writer.close()
    if writer is None:
        pq.write_table(pa.table({}), path)
    return count


def _chunks(rows: Iterable[Mapping[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(dict(row))
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def write_geojson(
    rows: Iterable[Mapping[str, Any]], path: Path, *, attribution: str | None = None
) -> int:
    """Point features from rows with ``lat`` and ``lon``; other keys become properties."""
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        handle.write('{"type": "FeatureCollection",')
        if attribution:
            handle.write(f' "attribution": {json.dumps(attribution)},')
        handle.write(' "features": [\n')
        for row in rows:
            properties = {
                k: (v.isoformat() if isinstance(v, dt.date) else v)
                for k, v in row.items()
                if k not in ("lat", "lon")
            }
            feature = {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
                "properties": properties,
            }
            handle.write(("," if count else "") + json.dumps(feature, ensure_ascii=False) + "\n")
            count += 1
        handle.write("]}\n")
    return count
