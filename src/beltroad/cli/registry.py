"""Command modules that register themselves on the root app (one module per command group)."""

import importlib

import typer

# Each module defines ``register(app: typer.Typer) -> None``.
COMMAND_MODULES: tuple[str, ...] = (
    "beltroad.cli.data",
    "beltroad.cli.breakdown",
    "beltroad.cli.headline",
    "beltroad.cli.funnel",
    "beltroad.cli.risk",
    "beltroad.cli.connectivity",
    "beltroad.cli.overlaps",
    "beltroad.cli.entities",
    "beltroad.cli.coordination",
    "beltroad.cli.workflow",
    "beltroad.cli.tasks",
    "beltroad.cli.green",
    "beltroad.cli.debt",
    "beltroad.cli.select",
    "beltroad.cli.integrity",
    "beltroad.cli.assets",
    "beltroad.cli.report",
)


def register_all(app: typer.Typer) -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(app)
