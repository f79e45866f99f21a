"""The analytics change log (migration 0014_snap14): which projects each write touched.

Written only by triggers (see the migration); read by :mod:`beltroad.storage.changes`.
``analytics_state.changes_from`` is the generation the log is complete from; ``logging`` is 1,
or 0 inside a bulk load of new data that logs one unlocated change instead of one per row.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Index, Integer
from sqlalchemy.orm import Mapped, mapped_column

from beltroad.storage.models import Base, Project


class AnalyticsChange(Base):
    """One project a write touched, at the generation it was written (NULL: not located)."""

    __tablename__ = "analytics_changes"

    # INTEGER on SQLite: the rowid itself (a BIGINT primary key would not autoincrement).
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True
    )
    generation: Mapped[int] = mapped_column(BigInteger)
    project_id: Mapped[int | None] = mapped_column(BigInteger)


Index("ix_analytics_changes_generation", AnalyticsChange.generation)
# Migration 0014_snap14: deleting a project checks its children by parent_id (see there).
Index("ix_projects_parent_id", Project.parent_id)
