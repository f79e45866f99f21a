"""Record linkage across datasets and data quality flags (issue #11).

Only ``beltroad.storage`` imports this module; ``beltroad.storage.models`` imports it (and
re-exports its classes) so that the tables share one metadata.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from beltroad.storage.models import Base

# --- record linkage across datasets (issue #11, migration 0005_overlaps) ---------------------


class RecordLink(Base):
    """A computed link between two projects, or a project set aside (``status`` says which).

    Rebuilt from the projects and the reviews whenever datasets are imported (or on demand):
    ``linked``/``candidate``/``rejected`` rows are pairs (``project_id``, ``other_id``);
    ``set_aside`` rows say that ``project_id`` is left out of totals because ``other_id`` counts.
    """

    __tablename__ = "record_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    other_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))  # linked, candidate, rejected, set_aside
    method: Mapped[str] = mapped_column(String(16))  # identifier, similarity, review
    score: Mapped[float | None] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class RecordReview(Base):
    """A reviewer's decision on a pair of records, by identifier (so it survives re-imports)."""

    __tablename__ = "record_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    first: Mapped[str] = mapped_column(String(160))
    second: Mapped[str] = mapped_column(String(160))
    decision: Mapped[str] = mapped_column(String(8))  # accept, reject
    reviewed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    note: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (
        UniqueConstraint("first", "second", name="uq_record_reviews_pair"),
        CheckConstraint("decision IN ('accept', 'reject')", name="decision"),
    )


# --- data quality (issue #11, migration 0008_quality) -----------------------------------------


class RecordFlag(Base):
    """A quality flag of an imported record: what is readable but inconsistent in it.

    The record itself says ``quality`` ("ok" or its flags' kinds); this table keeps each flag
    with the source's field, the value as given and the reason, so that ``beltroad data quality``
    can list them by dataset and kind. A re-import of the record replaces its flags.
    """

    __tablename__ = "record_flags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset: Mapped[str] = mapped_column(String(64))
    record_type: Mapped[str] = mapped_column(String(16))  # project, partnership, port
    record_id: Mapped[str] = mapped_column(String(160))  # project identifier, else source id
    title: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(32))
    code: Mapped[str] = mapped_column(String(96))
    row: Mapped[int | None] = mapped_column(Integer)  # row or line in the imported file
    field: Mapped[str | None] = mapped_column(String(160))
    value: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    __table_args__ = (Index("ix_record_flags_dataset_kind", "dataset", "kind"),)
