"""The ``beltroad`` command line: a thin skin over :mod:`beltroad.services`."""

from beltroad.cli.main import main

__all__ = ["main"]
