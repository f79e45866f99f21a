"""Render results as a table, JSON or CSV on stdout. Progress and logs go to stderr.

Every ``--format csv`` output goes through :func:`to_csv`, whose text cells pass the shared
spreadsheet guard (:mod:`beltroad.spreadsheet`): a title such as ``=HYPERLINK(...)`` prints as
``'=HYPERLINK(...)`` and cannot run when the output is opened in a spreadsheet.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

from rich.console import Console
from rich.table import Table

from beltroad.spreadsheet import guard_cell, guard_row


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def stderr_console() -> Console:
    return Console(stderr=True)


def emit(
    payload: Mapping[str, Any] | Sequence[Any],
    rows: Sequence[Mapping[str, Any]],
    fmt: Format,
    *,
    title: str | None = None,
    note: str | None = None,
    note_style: str | None = "bold yellow",
) -> None:
    """JSON prints ``payload`` whole; table and CSV print ``rows``. ``note`` goes under a table."""
    if fmt is Format.json:
        sys.stdout.write(json.dumps(payload, indent=2, default=str, ensure_ascii=False) + "\n")
    elif fmt is Format.csv:
        sys.stdout.write(to_csv(rows))
    else:
        console = Console()
        console.print(to_table(rows, title=title))
        if note:
            console.print(note, style=note_style, highlight=False)


def to_csv(rows: Sequence[Mapping[str, Any]]) -> str:
    buffer = io.StringIO()
    if rows:
        header = list(rows[0])
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(guard_row(header))
        for row in rows:
            extra = [name for name in row if name not in header]
            if extra:  # as csv.DictWriter did: a row may not add columns the header lacks
                raise ValueError(f"dict contains fields not in fieldnames: {extra!r}")
            writer.writerow([guard_cell(row.get(name)) for name in header])
    return buffer.getvalue()


def to_table(rows: Sequence[Mapping[str, Any]], *, title: str | None = None) -> Table:
    table = Table(title=title)
    if not rows:
        table.add_column("(no rows)")
        return table
    for name in rows[0]:
        table.add_column(str(name), justify="right" if _numeric(rows, name) else "left")
    for row in rows:
        table.add_row(*(_cell(row.get(name)) for name in rows[0]))
    return table


def _numeric(rows: Sequence[Mapping[str, Any]], name: str) -> bool:
    values = [row.get(name) for row in rows]
    return all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return "" if value is None else str(value)
