"""Coordination tables (issue #15, migration 0009_coord): units, API tokens, lifecycle events,
plans, recurring tasks, task dependencies, frozen periods, the notification outbox and the
audit head.

Only ``beltroad.storage`` imports this module; ``beltroad.storage.models`` imports it so that
the tables share one metadata.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from beltroad.storage.models import Base


class Unit(Base):
    """An organisational unit: ministry → department, province → locality, a partner-country
    agency, an enterprise, a zone. Units form a tree through ``parent_id``."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(256))
    kind: Mapped[str] = mapped_column(String(32))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    country_iso3: Mapped[str | None] = mapped_column(ForeignKey("countries.iso3"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))
    __table_args__ = (UniqueConstraint("parent_id", "name", name="uq_units_parent_id_name"),)


class ApiToken(Base):
    """An API token: only its SHA-256 is stored; it expires and can be revoked."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # shown in listings, never enough to log in
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class LifecycleEvent(Base):
    """One transition of a project's lifecycle: who, when, why, and the IATI status it set."""

    __tablename__ = "lifecycle_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    from_state: Mapped[str | None] = mapped_column(String(32))
    to_state: Mapped[str] = mapped_column(String(32))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    iati_status: Mapped[int | None] = mapped_column(SmallInteger)


class Plan(Base):
    """A cooperation plan (five-year, annual, ...) with dated targets."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    description: Mapped[str | None] = mapped_column(Text)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="dates"),)


class PlanTarget(Base):
    """A dated target of a plan for one metric, overall or for one country, corridor, sector
    or unit. Money targets are constant USD of ``base_year``."""

    __tablename__ = "plan_targets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    metric: Mapped[str] = mapped_column(String(32))
    dimension: Mapped[str] = mapped_column(String(16))
    key: Mapped[str | None] = mapped_column(String(64))
    target: Mapped[float] = mapped_column(Float)
    due_on: Mapped[dt.date] = mapped_column(Date)
    base_year: Mapped[int | None] = mapped_column(SmallInteger)


class PlanProject(Base):
    """A project of a plan's blueprint, tracked through the lifecycle."""

    __tablename__ = "plan_projects"

    plan_id: Mapped[int] = mapped_column(
        ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True
    )
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )


class RecurringTask(Base):
    """A reporting task that recurs (monthly, quarterly, annually) for one unit."""

    __tablename__ = "recurring_tasks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    every: Mapped[str] = mapped_column(String(16))
    first_due: Mapped[dt.date] = mapped_column(Date)
    until: Mapped[dt.date | None] = mapped_column(Date)
    next_due: Mapped[dt.date] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))


class TaskDependency(Base):
    """``task_id`` cannot be done before ``depends_on_id`` is."""

    __tablename__ = "task_dependencies"

    task_id: Mapped[int] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True
    )
    depends_on_id: Mapped[int] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    __table_args__ = (CheckConstraint("task_id <> depends_on_id", name="not_self"),)


class PeriodFreeze(Base):
    """A locked reporting period: edits to data dated inside it are refused until unfrozen."""

    __tablename__ = "period_freezes"

    period: Mapped[str] = mapped_column(String(16), primary_key=True)  # 2025, 2025-Q1, 2025-03
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    frozen_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    frozen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    note: Mapped[str | None] = mapped_column(Text)


class Notification(Base):
    """The outbox: escalations, approvals requested, reviews due. Email is optional."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    entity: Mapped[str | None] = mapped_column(String(64))
    entity_id: Mapped[str | None] = mapped_column(String(160))
    key: Mapped[str | None] = mapped_column(String(200), unique=True)  # one notice per event
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    emailed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    email_error: Mapped[str | None] = mapped_column(Text)


class AuditHead(Base):
    """One row: the newest ``seq`` and ``row_hash`` of the audit chain. Appends lock it, which
    orders the chain; ``beltroad audit verify`` compares the chain's end with it, so deleting
    the newest rows is found too."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    row_hash: Mapped[str] = mapped_column(String(64))
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)
