"""``beltroad risk warnings`` and ``beltroad risk incident``."""

from __future__ import annotations

import typer


def register(risk_app: typer.Typer) -> None:
    """Attach ``warnings`` and ``incident`` to the ``risk`` group."""
