"""``beltroad.open()`` in a notebook leaves the notebook's process as it found it (issue #13).

No garbage-collector thresholds, no sqlite3 adapters, no module-level caches: the analytics
snapshots live on the workspace, and the CLI's process-wide tuning stays in the CLI's process.
"""

from __future__ import annotations

import gc
import sqlite3
import sys
from pathlib import Path
from typing import Any

import beltroad
from beltroad.services.imports import import_file
from beltroad.services.setup import initialise
from beltroad.settings import load_settings
from tests.conftest import shared_file


def module_state() -> dict[tuple[str, str], tuple[int, int]]:
    """(module, name) -> (identity, size) of every mutable container a beltroad module holds."""
    state: dict[tuple[str, str], tuple[int, int]] = {}
    for name, module in list(sys.modules.items()):
        if not name.startswith("beltroad") or module is None:
            continue
        for attr, value in list(vars(module).items()):
            if isinstance(value, dict | list | set) and not attr.startswith("__"):
                state[(name, attr)] = (id(value), len(value))
    return state


def use_the_library(data_dir: Path, table: Path) -> Any:
    """What a notebook does: open a fresh registry, import, analyse, export."""
    settings = load_settings(data_dir=data_dir)
    initialise(settings)
    with beltroad.open(data_dir=data_dir) as portfolio:
        import_file(portfolio.workspace, "gcdf3", table, on_error="skip")
        frame = portfolio.breakdown("country")
        portfolio.breakdown("country")  # the second from the workspace's snapshot memory
        portfolio.export("csv", data_dir / "out.csv")
        assert portfolio.workspace.snapshots is not None  # the cache lives here
        return frame


def test_open_leaves_gc_sqlite3_and_module_globals_unchanged(tmp_path: Path) -> None:
    table = shared_file("aiddata-gcdf3/df_filtered_gcdf3_ge10m.csv")
    use_the_library(tmp_path / "warm", table)  # imports every module the path needs
    thresholds = gc.get_threshold()
    adapters = dict(sqlite3.adapters)
    before = module_state()

    use_the_library(tmp_path / "second", table)  # another database, as a notebook might open

    assert gc.get_threshold() == thresholds
    assert dict(sqlite3.adapters) == adapters
    assert (type(None), sqlite3.PrepareProtocol) not in sqlite3.adapters
    after = module_state()
    changed = {k: (before.get(k), v) for k, v in after.items() if before.get(k) != v}
    assert changed == {}
