"""Management tables: the risk register, milestones, tasks and approvals; people, roles, scopes
and the audit trail; security incidents and early warnings (issues #5 and #15).

Only ``beltroad.storage`` imports this module; ``beltroad.storage.models`` imports it (and
re-exports its classes) so that the tables share one metadata.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from beltroad.storage.models import Base

# --- management: risks, milestones, tasks, approvals -----------------------------------------


class RiskEntry(Base):
    __tablename__ = "risk_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_kind: Mapped[str] = mapped_column(String(16))  # project, country, enterprise, zone
    subject_ref: Mapped[str] = mapped_column(String(160), index=True)
    category: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(Text)
    likelihood: Mapped[int] = mapped_column(SmallInteger)
    impact: Mapped[int] = mapped_column(SmallInteger)
    mitigation: Mapped[str | None] = mapped_column(Text)
    residual_likelihood: Mapped[int | None] = mapped_column(SmallInteger)
    residual_impact: Mapped[int | None] = mapped_column(SmallInteger)
    owner: Mapped[str | None] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16), default="open")
    review_on: Mapped[dt.date | None] = mapped_column(Date)
    is_auto: Mapped[bool] = mapped_column(Boolean, default=False)
    explanation: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Added by migration 0003 (issue #5): auto entries are found again by ``auto_key``
    # (kind:ref:category); ``overridden`` keeps a person's likelihood and impact over re-scoring.
    auto_key: Mapped[str | None] = mapped_column(String(200), unique=True, index=True)
    overridden: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    __table_args__ = (
        CheckConstraint("likelihood BETWEEN 1 AND 5 AND impact BETWEEN 1 AND 5", name="scale"),
    )


class Milestone(Base):
    __tablename__ = "milestones"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(256))
    stage: Mapped[str | None] = mapped_column(String(32))
    planned_on: Mapped[dt.date | None] = mapped_column(Date)
    actual_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="planned")
    # Added by migration 0005 (issue #15); no foreign key, for the reason given on projects.
    unit_id: Mapped[int | None] = mapped_column(Integer, index=True)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))


class Task(Base):
    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    milestone_id: Mapped[int | None] = mapped_column(ForeignKey("milestones.id"))
    title: Mapped[str] = mapped_column(Text)
    owner_unit: Mapped[str | None] = mapped_column(String(128))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    done_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open")
    # Added by migration 0005 (issue #15): the owning unit (``owner_unit`` stays as free text
    # from before units existed), recurring definitions, escalation and optimistic locking.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    description: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16), default="task", server_default="task")
    recurrence_id: Mapped[int | None] = mapped_column(ForeignKey("recurring_tasks.id"))
    escalated_to: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    escalated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))
    __table_args__ = (
        # One unit's overdue tasks: an index range scan (issue #15's 50 ms target).
        Index("ix_tasks_unit_status_due", "unit_id", "status", "due_on"),
        Index("ix_tasks_project_id", "project_id"),
        Index("uq_tasks_recurrence_due", "recurrence_id", "due_on", unique=True),
    )


class Approval(Base):
    __tablename__ = "approvals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(160))
    state: Mapped[str] = mapped_column(String(16), default="submitted")
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Added by migration 0005 (issue #15): each row is one version of a record (draft,
    # submitted, approved, returned, superseded); ``base_version`` is the record's version the
    # draft started from, so approving over someone else's change is a conflict.
    version_no: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))
    base_version: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))
    __table_args__ = (Index("ix_approvals_entity_entity_id", "entity", "entity_id"),)


# --- people, permissions and the audit trail -------------------------------------------------


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(128))
    password_hash: Mapped[str | None] = mapped_column(String(256))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Added by migration 0005 (issue #15): mail for the notification outbox, login throttling
    # (failures in the current window, and until when logins are refused), optimistic locking.
    email: Mapped[str | None] = mapped_column(String(256))
    created_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    last_failed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))


class LoginThrottle(Base):
    """Failed logins per client address (migration 0012_gaps): one address guessing many
    logins is refused too, not only one login guessed from many addresses."""

    __tablename__ = "login_throttle"

    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    last_failed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Role(Base):
    __tablename__ = "roles"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    description: Mapped[str] = mapped_column(Text)


class Scope(Base):
    """What a role applies to: everything, one country, one organisation or one locality."""

    __tablename__ = "scopes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # all, country, unit, org (issue #15)
    value: Mapped[str | None] = mapped_column(String(160))
    __table_args__ = (UniqueConstraint("kind", "value", name="uq_scopes_kind_value"),)


class UserRole(Base):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role_name: Mapped[str] = mapped_column(ForeignKey("roles.name"), primary_key=True)
    scope_id: Mapped[int] = mapped_column(ForeignKey("scopes.id"), primary_key=True)


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str | None] = mapped_column(String(160))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Added by migration 0005 (issue #15): the hash chain (``beltroad.storage.audit``). ``seq``
    # orders the chain; ``row_hash`` covers this row's fields and ``prev_hash``, so an edit, a
    # deletion or a reordering breaks it. ``actor_id`` is the acting user.
    seq: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    row_hash: Mapped[str | None] = mapped_column(String(64))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    __table_args__ = (Index("ix_audit_events_entity_entity_id", "entity", "entity_id"),)


# --- risk: incidents and early warnings (issue #5, migration 0003) ---------------------------


class SecurityIncident(Base):
    """A security incident against a country, site, zone or enterprise (ACLED-style event type).

    ``exposure`` is the snapshot, taken when the incident was recorded, of the enterprises (with
    personnel), zones and project sites within ``radius_km``.
    """

    __tablename__ = "security_incidents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurred_on: Mapped[dt.date] = mapped_column(Date, index=True)
    event_type: Mapped[str] = mapped_column(String(48))
    sub_event_type: Mapped[str | None] = mapped_column(String(64))
    severity: Mapped[int] = mapped_column(SmallInteger)
    casualties: Mapped[int] = mapped_column(Integer, default=0)
    subject_kind: Mapped[str] = mapped_column(String(16))  # country, site, zone, enterprise
    subject_ref: Mapped[str] = mapped_column(String(160))
    country_iso3: Mapped[str] = mapped_column(ForeignKey("countries.iso3"), index=True)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    radius_km: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    exposure: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    recorded_by: Mapped[str] = mapped_column(String(64))
    __table_args__ = (
        CheckConstraint("severity BETWEEN 1 AND 5", name="severity"),
        CheckConstraint("casualties >= 0", name="casualties"),
        CheckConstraint("lat IS NULL OR (lat BETWEEN -90 AND 90)", name="lat"),
        CheckConstraint("lon IS NULL OR (lon BETWEEN -180 AND 180)", name="lon"),
    )


class RiskWarning(Base):
    """An early warning, stored for the web layer; ``key`` makes re-detection an update."""

    __tablename__ = "risk_warnings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(240), unique=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    severity: Mapped[str] = mapped_column(String(16))  # info, warning, critical
    subject_kind: Mapped[str] = mapped_column(String(16))
    subject_ref: Mapped[str] = mapped_column(String(160), index=True)
    country_iso3: Mapped[str | None] = mapped_column(String(3))
    period: Mapped[str | None] = mapped_column(String(32))
    value: Mapped[float | None] = mapped_column(Float)
    threshold: Mapped[float | None] = mapped_column(Float)
    message: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    detected_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16), default="open")
