"""``beltroad routes`` and ``beltroad exposure`` (filled in by issue #6)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Attach ``routes`` and ``exposure`` to the root app."""
