"""Subcommands of ``beltroad risk`` (filled in by issue #5)."""

from __future__ import annotations

import typer


def register(risk_app: typer.Typer) -> None:
    """Attach this module's commands to the ``risk`` group."""
