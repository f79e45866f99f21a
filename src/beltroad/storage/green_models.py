"""Green traffic lights, their overrides and integrity flags (issue #17).

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
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from beltroad.storage.models import Base

# --- green, clean: traffic lights and integrity flags (issue #17, migration 0010_green) -------


class GreenAssessment(Base):
    """The last traffic-light run for a project, with its evidence per criterion."""

    __tablename__ = "green_assessments"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    green_class: Mapped[str] = mapped_column(String(8))
    brigc_class: Mapped[str] = mapped_column(String(8))
    ifc_category: Mapped[str | None] = mapped_column(String(4))
    ifc_implied: Mapped[str | None] = mapped_column(String(4))
    policy_flag: Mapped[str | None] = mapped_column(String(24))
    evidence: Mapped[list[Any] | None] = mapped_column(JSON)
    config_version: Mapped[str] = mapped_column(String(64))
    assessed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class GreenOverride(Base):
    """A person's class for a project; the justification is required and the change audited."""

    __tablename__ = "green_overrides"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    green_class: Mapped[str] = mapped_column(String(8))
    justification: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    __table_args__ = (CheckConstraint("green_class in ('green', 'yellow', 'red')", name="class"),)


class IntegrityFlag(Base):
    """A red flag; ``key`` makes re-detection an update; dismissal needs a reason."""

    __tablename__ = "integrity_flags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(240), unique=True)
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    subject: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(Text)
    explanation: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="open")
    dismissed_reason: Mapped[str | None] = mapped_column(Text)
    dismissed_by: Mapped[str | None] = mapped_column(String(64))
    dismissed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    detected_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    __table_args__ = (
        CheckConstraint("status in ('open', 'dismissed')", name="status"),
        CheckConstraint("status <> 'dismissed' OR dismissed_reason IS NOT NULL", name="reason"),
    )
