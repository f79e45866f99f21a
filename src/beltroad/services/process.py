"""Tuning that changes the whole Python process, for a process beltroad owns (the CLI's).

A library user (``beltroad.open()`` in a notebook, a web worker) gets none of it: nothing in
beltroad changes the interpreter's global state unless the CLI asks, here, for a bulk write.
"""

from __future__ import annotations

import gc

from beltroad.storage import database

#: Allocations between collections of the youngest generation during bulk writes (default 700).
BULK_GC_THRESHOLD = 50_000


def tune_for_bulk_writes() -> None:
    """Fewer cycle collections and a cheaper NULL bind for the rest of this process.

    An import allocates a great many short-lived, acyclic objects (elements, records, row
    tuples); at the default threshold the collector runs often while finding nothing. It still
    runs, so memory stays bounded on multi-gigabyte streams. sqlite3 looks every None up in its
    adapter registry (:func:`beltroad.storage.database.bind_none_cheaply`).
    """
    gc.set_threshold(BULK_GC_THRESHOLD, *gc.get_threshold()[1:])
    database.bind_none_cheaply()
