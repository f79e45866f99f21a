"""What the AidData importer tests share: a SQLite workspace, its fingerprint, and CSV writing.

The test modules bind the fixture by name (``sqlite_ws = aiddata_support.sqlite_ws``) so that
pytest finds it there; the helpers are plain functions.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from beltroad.services.setup import initialise
from beltroad.services.workspace import Workspace, open_workspace
from beltroad.settings import Settings
from beltroad.storage import inventory


@pytest.fixture
def sqlite_ws(sqlite_settings: Settings) -> Iterator[Workspace]:
    """A fresh, initialised SQLite workspace, closed after the test."""
    initialise(sqlite_settings)
    ws = open_workspace(sqlite_settings)
    try:
        yield ws
    finally:
        ws.close()


def fingerprint(workspace: Workspace) -> dict[str, Any]:
    """The workspace's table contents, to show that a refused import wrote nothing."""
    with workspace.reading() as connection:
        return inventory.table_fingerprint(connection)


def csv_text(columns: Sequence[str], rows: list[dict[str, Any]]) -> str:
    """A CSV table (CRLF line ends) of ``rows`` under ``columns``; None and missing are blank."""
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(columns)
    for values in rows:
        writer.writerow(["" if values.get(c) is None else values[c] for c in columns])
    return text.getvalue()


def write_csv(
    path: Path, columns: Sequence[str], rows: list[dict[str, Any]], *, encoding: str = "utf-8"
) -> Path:
    """``path`` holding :func:`csv_text` of ``rows`` in ``encoding``."""
    with path.open("w", newline="", encoding=encoding) as handle:
        handle.write(csv_text(columns, rows))
    return path
