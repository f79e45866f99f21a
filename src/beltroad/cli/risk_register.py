"""Subcommands of ``beltroad risk`` (issue #5 parts 1-3): country, register, warnings, incident.

Each lives in its own module; this one attaches them to the ``risk`` group.
"""

from __future__ import annotations

import typer


def register(risk_app: typer.Typer) -> None:
    """Attach this module's commands to the ``risk`` group."""
    from beltroad.cli import risk_country

    risk_country.register(risk_app)
