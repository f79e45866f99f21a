"""The optimistic-locking column of the registry entities (migration 0012_gaps).

A mixin of its own so that ``models`` stays within its size; only ``beltroad.storage`` imports
it.
"""

from __future__ import annotations

from sqlalchemy import Integer, text
from sqlalchemy.orm import Mapped, mapped_column


class Versioned:
    """``version`` starts at 1; every write checks the version it read and bumps it, so the
    second of two concurrent edits gets a conflict instead of overwriting the first."""

    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))
