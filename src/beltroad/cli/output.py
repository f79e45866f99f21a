"""Render results as a table, JSON or CSV on stdout. Progress and logs go to stderr."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import sys
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

from rich.console import Console
from rich.table import Table

from beltroad.errors import InvalidInput


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
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
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


def with_flags(exc: InvalidInput, flags: Mapping[str, str]) -> InvalidInput:
    """``exc`` with each service field it names replaced by the option that sets it.

    Services name fields (``base_year``); a user of the command line knows them as options
    (``--base-year``). The problems keep their reasons, files, rows and values.
    """
    problems = tuple(
        dataclasses.replace(p, field=flags.get(p.field, p.field)) if p.field else p
        for p in exc.problems
    )
    if not problems:
        return exc
    message = "; ".join(p.describe() for p in problems)
    return InvalidInput(message, hint=exc.hint, problems=problems)
