"""Example stress scenarios shipped with beltroad (TOML files beside this module).

>>> sorted(p.name for p in example_files())  # doctest: +SKIP
['red_sea_closure.toml', 'regional_conflict.toml', 'sanctions_round.toml']
"""

from __future__ import annotations

from importlib import resources
from importlib.abc import Traversable


def example_files() -> list[Traversable]:
    """The shipped scenario files."""
    folder = resources.files(__name__)
    return sorted(
        (item for item in folder.iterdir() if item.name.endswith(".toml")), key=lambda t: t.name
    )
