"""coordination: units, tokens, lifecycle, plans, tasks, versions, freezes, outbox, audit chain
(issue #15)

Revision ID: 0009_coord
Revises: 0008_quality
Create Date: 2026-12-08 00:30:00

Additive only. ``projects`` and ``milestones`` gain ``unit_id`` and ``version`` (and projects
``lifecycle_state``) through a plain ALTER TABLE: batch mode would copy them and drop the
analytics triggers (0002/0004), and SQLite cannot add a foreign key in place, so ``unit_id``
there is a plain indexed integer. ``tasks``, ``approvals``, ``users`` and ``audit_events`` have
no triggers and take the batch route with foreign keys. The audit rows already present (the
risk register's) are chained here with the same hash as ``beltroad.storage.audit`` (version 1,
repeated below so this migration never changes), and triggers then refuse UPDATE and DELETE on
``audit_events``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from typing import Any

import orjson
import sqlalchemy as sa
from alembic import op

revision: str = "0009_coord"
down_revision: str | None = "0008_quality"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS = "0" * 64
NO_CHANGE = "audit_events is append-only"


def _version() -> sa.Column[Any]:
    return sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False)


def _utc_text(at: dt.datetime) -> str:
    if at.tzinfo is not None:
        at = at.astimezone(dt.UTC).replace(tzinfo=None)
    return at.strftime("%Y-%m-%dT%H:%M:%S.%f")


def _chain_hash(prev_hash: str, row: dict[str, Any]) -> str:
    payload = {
        "v": 1,
        "prev": prev_hash,
        "seq": int(row["seq"]),
        "at": _utc_text(row["at"]),
        "actor": row["actor"],
        "actor_id": row["actor_id"],
        "action": row["action"],
        "entity": row["entity"],
        "entity_id": row["entity_id"],
        "before": row["before"],
        "after": row["after"],
    }
    return hashlib.sha256(orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)).hexdigest()


def _plain_columns() -> None:
    op.add_column("projects", sa.Column("lifecycle_state", sa.String(length=32), nullable=True))
    op.add_column("projects", sa.Column("unit_id", sa.Integer(), nullable=True))
    op.add_column("projects", _version())
    op.create_index("ix_projects_unit_id", "projects", ["unit_id"])
    op.add_column("milestones", sa.Column("unit_id", sa.Integer(), nullable=True))
    op.add_column("milestones", _version())
    op.create_index("ix_milestones_unit_id", "milestones", ["unit_id"])


def _new_tables() -> None:
    op.create_table(
        "units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=256), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("country_iso3", sa.String(length=3), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        _version(),
        sa.ForeignKeyConstraint(
            ["country_iso3"], ["countries.iso3"], name="fk_units_country_iso3_countries"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name="fk_units_organisation_id_organisations",
        ),
        sa.ForeignKeyConstraint(["parent_id"], ["units.id"], name="fk_units_parent_id_units"),
        sa.PrimaryKeyConstraint("id", name="pk_units"),
        sa.UniqueConstraint("parent_id", "name", name="uq_units_parent_id_name"),
    )
    op.create_index("ix_units_parent_id", "units", ["parent_id"])
    op.create_table(
        "recurring_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("every", sa.String(length=16), nullable=False),
        sa.Column("first_due", sa.Date(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("next_due", sa.Date(), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        _version(),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name="fk_recurring_tasks_unit_id_units"),
        sa.PrimaryKeyConstraint("id", name="pk_recurring_tasks"),
    )
    op.create_index("ix_recurring_tasks_unit_id", "recurring_tasks", ["unit_id"])
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_api_tokens_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_api_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])
    op.create_table(
        "lifecycle_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("from_state", sa.String(length=32), nullable=True),
        sa.Column("to_state", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("iati_status", sa.SmallInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name="fk_lifecycle_events_actor_id_users"
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name="fk_lifecycle_events_project_id_projects",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_lifecycle_events"),
    )
    op.create_index("ix_lifecycle_events_project_id", "lifecycle_events", ["project_id"])
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _version(),
        sa.CheckConstraint("ends_on >= starts_on", name="ck_plans_dates"),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name="fk_plans_created_by_users"),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name="fk_plans_unit_id_units"),
        sa.PrimaryKeyConstraint("id", name="pk_plans"),
        sa.UniqueConstraint("name", name="uq_plans_name"),
    )
    op.create_table(
        "plan_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=32), nullable=False),
        sa.Column("dimension", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=True),
        sa.Column("target", sa.Float(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("base_year", sa.SmallInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name="fk_plan_targets_plan_id_plans", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_plan_targets"),
    )
    op.create_index("ix_plan_targets_plan_id", "plan_targets", ["plan_id"])
    op.create_table(
        "plan_projects",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name="fk_plan_projects_plan_id_plans", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name="fk_plan_projects_project_id_projects",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("plan_id", "project_id", name="pk_plan_projects"),
    )
    op.create_table(
        "period_freezes",
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("frozen_by", sa.Integer(), nullable=False),
        sa.Column("frozen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["frozen_by"], ["users.id"], name="fk_period_freezes_frozen_by_users"
        ),
        sa.PrimaryKeyConstraint("period", name="pk_period_freezes"),
    )
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("entity", sa.String(length=64), nullable=True),
        sa.Column("entity_id", sa.String(length=160), nullable=True),
        sa.Column("key", sa.String(length=200), nullable=True),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("emailed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("email_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name="fk_notifications_unit_id_units"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_notifications_user_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_notifications"),
        sa.UniqueConstraint("key", name="uq_notifications_key"),
    )
    op.create_index("ix_notifications_user_id", "notifications", ["user_id"])
    op.create_index("ix_notifications_unit_id", "notifications", ["unit_id"])
    op.create_table(
        "audit_head",
        sa.Column("id", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_audit_head_single_row"),
        sa.PrimaryKeyConstraint("id", name="pk_audit_head"),
    )


def _batch_columns() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unit_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("description", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), server_default="task", nullable=False)
        )
        batch_op.add_column(sa.Column("recurrence_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("escalated_to", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("created_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(_version())
        batch_op.create_foreign_key("fk_tasks_unit_id_units", "units", ["unit_id"], ["id"])
        batch_op.create_foreign_key(
            "fk_tasks_recurrence_id_recurring_tasks", "recurring_tasks", ["recurrence_id"], ["id"]
        )
        batch_op.create_foreign_key(
            "fk_tasks_escalated_to_units", "units", ["escalated_to"], ["id"]
        )
        batch_op.create_index("ix_tasks_unit_status_due", ["unit_id", "status", "due_on"])
        batch_op.create_index("ix_tasks_project_id", ["project_id"])
        batch_op.create_index("uq_tasks_recurrence_due", ["recurrence_id", "due_on"], unique=True)
    op.create_table(
        "task_dependencies",
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("depends_on_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("task_id <> depends_on_id", name="ck_task_dependencies_not_self"),
        sa.ForeignKeyConstraint(
            ["depends_on_id"],
            ["tasks.id"],
            name="fk_task_dependencies_depends_on_id_tasks",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name="fk_task_dependencies_task_id_tasks", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("task_id", "depends_on_id", name="pk_task_dependencies"),
    )
    op.create_index("ix_task_dependencies_depends_on_id", "task_dependencies", ["depends_on_id"])
    with op.batch_alter_table("approvals", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("version_no", sa.Integer(), server_default=sa.text("1"), nullable=False)
        )
        batch_op.add_column(sa.Column("base_version", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("comment", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("created_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("created_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(_version())
        batch_op.create_foreign_key(
            "fk_approvals_created_by_users", "users", ["created_by"], ["id"]
        )
        batch_op.create_index("ix_approvals_entity_entity_id", ["entity", "entity_id"])
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=256), nullable=True))
        batch_op.add_column(sa.Column("created_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("failed_logins", sa.Integer(), server_default=sa.text("0"), nullable=False)
        )
        batch_op.add_column(sa.Column("last_failed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(_version())
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("row_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("actor_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_audit_events_actor_id_users", "users", ["actor_id"], ["id"])
        batch_op.create_unique_constraint("uq_audit_events_seq", ["seq"])
        batch_op.create_index("ix_audit_events_entity_entity_id", ["entity", "entity_id"])


def _chain_existing_audit_rows() -> None:
    bind = op.get_bind()
    events = sa.table(
        "audit_events",
        sa.column("id", sa.Integer()),
        sa.column("seq", sa.BigInteger()),
        sa.column("at", sa.DateTime(timezone=True)),
        sa.column("actor", sa.String()),
        sa.column("actor_id", sa.Integer()),
        sa.column("action", sa.String()),
        sa.column("entity", sa.String()),
        sa.column("entity_id", sa.String()),
        sa.column("before", sa.JSON()),
        sa.column("after", sa.JSON()),
        sa.column("prev_hash", sa.String()),
        sa.column("row_hash", sa.String()),
    )
    rows = bind.execute(
        sa.select(
            events.c.id,
            events.c.at,
            events.c.actor,
            events.c.actor_id,
            events.c.action,
            events.c.entity,
            events.c.entity_id,
            events.c.before,
            events.c.after,
        ).order_by(events.c.at, events.c.id)
    ).all()
    prev = GENESIS
    for seq, row in enumerate(rows, 1):
        values = dict(row._mapping) | {"seq": seq}
        row_hash = _chain_hash(prev, values)
        bind.execute(
            sa.update(events)
            .where(events.c.id == row.id)
            .values(seq=seq, prev_hash=prev, row_hash=row_hash)
        )
        prev = row_hash
    bind.execute(
        sa.text("INSERT INTO audit_head (id, seq, row_hash) VALUES (1, :seq, :hash)"),
        {"seq": len(rows), "hash": prev},
    )


def _append_only_triggers() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER trg_audit_events_no_{event.lower()} BEFORE {event} "
                f"ON audit_events BEGIN SELECT RAISE(ABORT, '{NO_CHANGE}'); END"
            )
        return
    op.execute(
        "CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN RAISE EXCEPTION '{NO_CHANGE}'; END $$"
    )
    op.execute(
        "CREATE TRIGGER trg_audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events "
        "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
    )


def upgrade() -> None:
    _plain_columns()
    _new_tables()
    _batch_columns()
    _chain_existing_audit_rows()
    _append_only_triggers()


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER trg_audit_events_no_update")
        op.execute("DROP TRIGGER trg_audit_events_no_delete")
    else:
        op.execute("DROP TRIGGER trg_audit_events_no_change ON audit_events")
        op.execute("DROP FUNCTION audit_events_append_only()")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_entity_entity_id")
        batch_op.drop_constraint("uq_audit_events_seq", type_="unique")
        batch_op.drop_constraint("fk_audit_events_actor_id_users", type_="foreignkey")
        for name in ("actor_id", "row_hash", "prev_hash", "seq"):
            batch_op.drop_column(name)
    with op.batch_alter_table("users", schema=None) as batch_op:
        for name in (
            "version",
            "locked_until",
            "last_failed_at",
            "failed_logins",
            "created_at",
            "email",
        ):
            batch_op.drop_column(name)
    with op.batch_alter_table("approvals", schema=None) as batch_op:
        batch_op.drop_index("ix_approvals_entity_entity_id")
        batch_op.drop_constraint("fk_approvals_created_by_users", type_="foreignkey")
        for name in (
            "version",
            "created_at",
            "created_by",
            "comment",
            "base_version",
            "version_no",
        ):
            batch_op.drop_column(name)
    op.drop_table("task_dependencies")
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index("uq_tasks_recurrence_due")
        batch_op.drop_index("ix_tasks_project_id")
        batch_op.drop_index("ix_tasks_unit_status_due")
        batch_op.drop_constraint("fk_tasks_escalated_to_units", type_="foreignkey")
        batch_op.drop_constraint("fk_tasks_recurrence_id_recurring_tasks", type_="foreignkey")
        batch_op.drop_constraint("fk_tasks_unit_id_units", type_="foreignkey")
        for name in (
            "version",
            "created_at",
            "escalated_at",
            "escalated_to",
            "recurrence_id",
            "kind",
            "description",
            "unit_id",
        ):
            batch_op.drop_column(name)
    for name in (
        "audit_head",
        "notifications",
        "period_freezes",
        "plan_projects",
        "plan_targets",
        "plans",
        "lifecycle_events",
        "api_tokens",
        "recurring_tasks",
        "units",
    ):
        op.drop_table(name)
    op.drop_index("ix_milestones_unit_id", table_name="milestones")
    op.drop_column("milestones", "version")
    op.drop_column("milestones", "unit_id")
    op.drop_index("ix_projects_unit_id", table_name="projects")
    op.drop_column("projects", "version")
    op.drop_column("projects", "unit_id")
    op.drop_column("projects", "lifecycle_state")
