"""The bad-input list of issue #15 and the rules behind it: lifecycle transitions, validation on
submit, frozen periods, stale versions, tokens, login throttling, the audit chain, escalation,
recurring tasks and plan against actual."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from beltroad.errors import Conflict, InvalidInput, NotFound, TooManyAttempts, Unauthenticated
from beltroad.services import (
    audit_log,
    freeze,
    notifications,
    plans,
    tasks,
    users,
    workflow,
)
from beltroad.services.permissions import Role
from beltroad.services.workspace import Workspace
from beltroad.settings import Settings
from tests.services.coordination_world import PASSWORD, World, build


@pytest.fixture
def world(workspace: Workspace) -> World:
    return build(workspace)


def test_a_transition_the_configuration_does_not_allow_is_refused(
    workspace: Workspace, world: World
) -> None:
    planner = world.actors[Role.planner]
    with pytest.raises(InvalidInput, match="cannot move from idea to operating") as err:
        workflow.transition(workspace, planner, "P-PAK", "operating", reason="skip ahead")
    assert "allowed from idea: feasibility, cancelled" in str(err.value)
    with pytest.raises(InvalidInput, match="unknown lifecycle state"):
        workflow.transition(workspace, planner, "P-PAK", "flying", reason="x")


def test_a_transition_records_who_when_why_and_sets_the_iati_status(
    workspace: Workspace, world: World
) -> None:
    planner = world.actors[Role.planner]
    workflow.transition(workspace, planner, "P-PAK", "feasibility", reason="study done")
    workflow.transition(workspace, planner, "P-PAK", "cancelled", reason="no financing")
    history = workflow.history(workspace, planner, "P-PAK")
    events = [(e["from_state"], e["to_state"], e["actor"], e["reason"]) for e in history["events"]]
    assert events == [
        ("idea", "feasibility", "planner", "study done"),
        ("feasibility", "cancelled", "planner", "no financing"),
    ]
    project = workflow.history(workspace, planner, "P-PAK")
    assert project["lifecycle_state"] == "cancelled"
    from beltroad.services.registry_access import read_project

    assert read_project(workspace, planner, "P-PAK")["status"] == 5  # IATI Cancelled


def test_a_state_s_required_fields_are_checked_on_transition(
    workspace: Workspace, world: World
) -> None:
    planner = world.actors[Role.planner]
    workflow.transition(workspace, planner, "P-PAK", "feasibility", reason="study")
    with pytest.raises(InvalidInput, match="missing planned_start, planned_end") as err:
        workflow.transition(workspace, planner, "P-PAK", "approved", reason="board")
    assert {p.field for p in err.value.problems} == {"planned_start", "planned_end"}


def test_submit_lists_every_failing_rule(workspace: Workspace, world: World) -> None:
    coordinator = world.actors[Role.coordinator]
    workflow.edit(
        workspace,
        coordinator,
        "P-PAK",
        {
            "title": "",
            "countries": [{"iso3": "PAK", "percentage": 60}, {"iso3": "AFG", "percentage": 30}],
            "planned_start": "2026-05-01",
            "planned_end": "2026-01-01",
            "amount_usd_constant": 5e6,
        },
    )
    with pytest.raises(InvalidInput) as err:
        workflow.submit(workspace, coordinator, "P-PAK")
    rules = {p.reason.split(":")[0] for p in err.value.problems}
    assert rules == {
        "required_for_state",
        "shares_sum_to_100",
        "dates_in_order",
        "amount_has_basis",
    }
    assert err.value.exit_code == 2


def test_approved_records_change_only_through_a_new_version(
    workspace: Workspace, world: World
) -> None:
    coordinator, planner = world.actors[Role.coordinator], world.actors[Role.planner]
    workflow.edit(workspace, coordinator, "P-PAK", {"title": "Gwadar berth 2"})
    from beltroad.services.registry_access import read_project

    assert read_project(workspace, planner, "P-PAK")["title"] == "Gwadar port berth"
    workflow.submit(workspace, coordinator, "P-PAK")
    with pytest.raises(Conflict, match="submitted for review"):
        workflow.edit(workspace, coordinator, "P-PAK", {"title": "sneaky"})
    workflow.return_(workspace, planner, "P-PAK", comment="say which berth")
    workflow.edit(workspace, coordinator, "P-PAK", {"title": "Gwadar berth 3"})
    workflow.submit(workspace, coordinator, "P-PAK")
    workflow.approve(workspace, planner, "P-PAK")
    assert read_project(workspace, planner, "P-PAK")["title"] == "Gwadar berth 3"
    diff = workflow.compare(workspace, planner, "P-PAK", "1", "2")
    assert diff == [{"field": "title", "1": "Gwadar port berth", "2": "Gwadar berth 3"}]
    kinds = {n["kind"] for n in notifications.list_for(workspace, world.actors[Role.planner])}
    assert "approval_requested" in kinds


def test_the_second_of_two_editors_gets_a_conflict(workspace: Workspace, world: World) -> None:
    coordinator, partner = world.actors[Role.coordinator], world.actors[Role.partner]
    first = workflow.edit(workspace, coordinator, "P-PAK", {"title": "A"})
    workflow.edit(workspace, partner, "P-PAK", {"title": "B"}, draft_version=first.draft_version)
    with pytest.raises(Conflict, match="changed by someone else"):
        workflow.edit(
            workspace, coordinator, "P-PAK", {"title": "C"}, draft_version=first.draft_version
        )
    task = tasks.update_task(workspace, coordinator, world.task_in, expected_version=1, title="x")
    assert task["version"] == 2
    with pytest.raises(Conflict, match="you had version 1, it is now 2"):
        tasks.update_task(workspace, partner, world.task_in, expected_version=1, title="y")


def test_a_draft_made_before_another_change_cannot_be_approved_over_it(
    workspace: Workspace, world: World
) -> None:
    coordinator, planner = world.actors[Role.coordinator], world.actors[Role.planner]
    workflow.edit(workspace, coordinator, "P-PAK", {"title": "draft"})
    workflow.submit(workspace, coordinator, "P-PAK")
    workflow.transition(workspace, planner, "P-PAK", "feasibility", reason="meanwhile")
    with pytest.raises(Conflict, match="changed since this draft was made"):
        workflow.approve(workspace, planner, "P-PAK")


def test_edits_to_frozen_data_are_refused_saying_who_can_unlock(
    workspace: Workspace, world: World
) -> None:
    planner, coordinator = world.actors[Role.planner], world.actors[Role.coordinator]
    freeze.freeze(workspace, planner, "2026-Q1")
    with pytest.raises(Conflict, match=r"frozen period 2026-Q1 .*frozen by planner") as err:
        tasks.update_task(workspace, coordinator, world.task_in, expected_version=1, status="done")
    assert "admin, planner" in str(err.value.hint)
    assert "unfreeze 2026-Q1" in str(err.value.hint)
    with pytest.raises(Conflict, match="frozen period"):
        workflow.edit(workspace, coordinator, "P-PAK", {"actual_start": "2026-02-01"})
    workflow.edit(workspace, coordinator, "P-PAK", {"actual_start": "2026-05-01"})  # not frozen
    freeze.unfreeze(workspace, planner, "2026-Q1")
    tasks.update_task(workspace, coordinator, world.task_in, expected_version=1, status="done")
    with pytest.raises(InvalidInput, match="expected a period"):
        freeze.freeze(workspace, planner, "2026-Q5")


def test_expired_and_revoked_tokens_are_refused(workspace: Workspace, world: World) -> None:
    admin = world.admin
    issued = users.issue_token(workspace, admin, "viewer", expires_days=1)
    assert users.authenticate(workspace, issued.token).login == "viewer"
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=1, seconds=1)
    with pytest.raises(Unauthenticated):
        users.authenticate(workspace, issued.token, now=later)
    users.revoke_tokens(workspace, admin, "viewer")
    with pytest.raises(Unauthenticated):
        users.authenticate(workspace, issued.token)
    with pytest.raises(Unauthenticated):
        users.authenticate(workspace, "brt_not-a-token")
    with workspace.reading() as connection:
        stored = connection.execute(text("SELECT token_hash FROM api_tokens")).scalars().all()
    assert issued.token not in stored
    assert all(len(h) == 64 for h in stored)


def test_wrong_passwords_are_rate_limited(workspace: Workspace, world: World) -> None:
    for _ in range(workspace.settings.login_max_failures):
        with pytest.raises(Unauthenticated, match="wrong login or password"):
            users.login(workspace, "viewer", "not the password")
    with pytest.raises(TooManyAttempts, match="too many failed logins") as err:
        users.login(workspace, "viewer", PASSWORD)  # even the right one, for a while
    assert err.value.retry_after > 0
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=16)
    assert users.login(workspace, "viewer", PASSWORD, now=later).token.startswith("brt_")
    with pytest.raises(Unauthenticated, match="wrong login or password"):
        users.login(workspace, "nobody", PASSWORD)
    with workspace.reading() as connection:
        hashed = connection.execute(
            text("SELECT password_hash FROM users WHERE username = 'viewer'")
        ).scalar_one()
    assert hashed.startswith("$argon2id$")


def _raw(workspace: Workspace, *statements: str) -> None:
    """Tamper as someone with database access would: drop the append-only triggers first."""
    sqlite = workspace.engine.dialect.name == "sqlite"
    drops = (
        ["DROP TRIGGER trg_audit_events_no_update", "DROP TRIGGER trg_audit_events_no_delete"]
        if sqlite
        else ["DROP TRIGGER trg_audit_events_no_change ON audit_events"]
    )
    with workspace.writing() as connection:
        for statement in (*drops, *statements):
            connection.execute(text(statement))


def test_the_audit_log_refuses_updates_and_deletes(workspace: Workspace, world: World) -> None:
    with pytest.raises(Exception, match="append-only"), workspace.writing() as connection:
        connection.execute(text("UPDATE audit_events SET actor = 'someone' WHERE seq = 1"))
    with pytest.raises(Exception, match="append-only"), workspace.writing() as connection:
        connection.execute(text("DELETE FROM audit_events WHERE seq = 1"))


@pytest.mark.parametrize(
    ("tamper", "found"),
    [
        ("UPDATE audit_events SET actor = 'forged' WHERE seq = 3", "it was edited"),
        (
            "UPDATE audit_events SET at = '2020-01-01 00:00:00' WHERE seq = 2",
            "it was edited",
        ),
        ("DELETE FROM audit_events WHERE seq = 4", "deleted"),
        ("DELETE FROM audit_events WHERE seq = (SELECT MAX(seq) FROM audit_events)", "newest rows"),
        ("UPDATE audit_events SET seq = -seq WHERE seq IN (5, 6)", "reordered"),
    ],
    ids=["actor", "time", "deletion", "last-deleted", "reordering"],
)
def test_audit_verify_finds_tampering(
    workspace: Workspace, world: World, tamper: str, found: str
) -> None:
    admin = world.admin
    assert audit_log.verify(workspace, admin).ok
    if "seq = -seq" in tamper:  # swap rows 5 and 6 through a temporary negative number
        _raw(
            workspace,
            tamper,
            "UPDATE audit_events SET seq = 6 WHERE seq = -5",
            "UPDATE audit_events SET seq = 5 WHERE seq = -6",
        )
    else:
        _raw(workspace, tamper)
    result = audit_log.verify(workspace, admin)
    assert not result.ok
    assert any(found in p["problem"] for p in result.problems), result.problems


def test_every_write_is_audited_with_a_real_user(workspace: Workspace, world: World) -> None:
    events = audit_log.list_events(workspace, world.admin, limit=1000)
    entities = {e["entity"] for e in events}
    assert {"unit", "project", "task", "user"} <= entities
    assert all(e["actor_id"] is not None for e in events)
    submits = audit_log.list_events(workspace, world.admin, entity="project", entity_id="P-APP")
    assert [e["action"] for e in submits] == ["submit", "create"]


def test_overdue_tasks_escalate_to_the_parent_unit_once(workspace: Workspace, world: World) -> None:
    planner = world.actors[Role.planner]
    escalated = tasks.escalate_overdue(workspace, planner, today=dt.date(2026, 4, 1))
    assert [(e["id"], e["to_unit"]) for e in escalated] == [(world.task_in, world.ministry)]
    assert tasks.escalate_overdue(workspace, planner, today=dt.date(2026, 4, 2)) == []
    overdue = tasks.list_tasks(
        workspace, planner, unit_id=world.desk, overdue_on=dt.date(2026, 4, 1)
    )
    assert [t["id"] for t in overdue] == [world.task_in]


def test_dependencies_block_completion_and_cycles(workspace: Workspace, world: World) -> None:
    admin = world.admin
    tasks.add_dependency(workspace, admin, world.task_in, world.task_out)
    with pytest.raises(Conflict, match="depends on unfinished"):
        tasks.update_task(workspace, admin, world.task_in, expected_version=1, status="done")
    with pytest.raises(InvalidInput, match="cycle"):
        tasks.add_dependency(workspace, admin, world.task_out, world.task_in)


def test_recurring_reporting_tasks_are_generated_once_per_due_date(
    workspace: Workspace, world: World
) -> None:
    admin = world.admin
    tasks.add_unit(workspace, admin, "Zone A", "zone", parent_id=world.desk)
    tasks.add_unit(workspace, admin, "Zone B", "zone", parent_id=world.desk)
    made = tasks.add_recurring(
        workspace,
        admin,
        "Quarterly progress",
        unit_id=world.desk,
        every="quarterly",
        first_due="2026-03-31",
        each_child=True,
    )
    assert len(made) == 2
    created = tasks.generate_recurring(workspace, admin, until=dt.date(2026, 12, 31))
    dues = sorted({t["due_on"] for t in created})
    assert dues == ["2026-03-31", "2026-06-30", "2026-09-30", "2026-12-31"]
    assert len(created) == 8
    assert tasks.generate_recurring(workspace, admin, until=dt.date(2026, 12, 31)) == []


def test_plan_against_actual(workspace: Workspace, world: World) -> None:
    planner = world.actors[Role.planner]
    plans.create_plan(
        workspace, planner, "FYP", kind="five_year", starts_on="2021-01-01", ends_on="2026-12-31"
    )
    plans.add_target(
        workspace,
        planner,
        "FYP",
        metric="commitments_usd",
        target=2e6,
        due_on="2026-12-31",
        dimension="country",
        key="PAK",
        base_year=2021,
    )
    plans.add_target(
        workspace, planner, "FYP", metric="projects_started", target=4, due_on="2026-12-31"
    )
    workflow.edit(
        workspace,
        planner,
        "P-PAK",
        {
            "commitment_year": 2024,
            "amount_usd_constant": 1.5e6,
            "amount_base_year": 2021,
            "actual_start": "2024-06-01",
        },
    )
    workflow.submit(workspace, planner, "P-PAK")
    workflow.approve(workspace, planner, "P-PAK")
    plans.add_project(workspace, planner, "FYP", "P-PAK")
    result = plans.plan_vs_actual(workspace, planner, "FYP")
    money, started = result["targets"]
    assert money["actual"] == pytest.approx(1.5e6)
    assert money["gap"] == pytest.approx(-0.5e6)
    assert money["measure"] == "constant USD 2021"
    assert started["actual"] == 1.0
    assert result["blueprint"] == {"idea": 1}
    with pytest.raises(InvalidInput, match="base year"):
        plans.add_target(
            workspace, planner, "FYP", metric="commitments_usd", target=1, due_on="2026-12-31"
        )


def test_scoped_users_read_the_plan_targets_within_their_scope(
    workspace: Workspace, world: World
) -> None:
    planner = world.actors[Role.planner]
    plans.create_plan(
        workspace, planner, "FYP", kind="five_year", starts_on="2021-01-01", ends_on="2026-12-31"
    )
    plans.create_plan(
        workspace, planner, "AFG", kind="annual", starts_on="2026-01-01", ends_on="2026-12-31"
    )
    for dimension, key in (("country", "PAK"), ("country", "AFG"), ("all", None)):
        plans.add_target(
            workspace,
            planner,
            "FYP",
            metric="projects_started",
            target=2,
            due_on="2026-12-31",
            dimension=dimension,
            key=key,
        )
    plans.add_target(
        workspace,
        planner,
        "FYP",
        metric="projects_completed",
        target=1,
        due_on="2026-12-31",
        dimension="unit",
        key=str(world.desk),
    )
    plans.add_target(
        workspace,
        planner,
        "AFG",
        metric="projects_started",
        target=1,
        due_on="2026-12-31",
        dimension="country",
        key="AFG",
    )
    plans.add_project(workspace, planner, "FYP", "P-PAK")
    plans.add_project(workspace, planner, "FYP", "P-AFG")
    assert len(plans.plan_vs_actual(workspace, planner, "FYP")["targets"]) == 4
    assert plans.plan_vs_actual(workspace, planner, "FYP")["blueprint"] == {"idea": 2}
    for role in (Role.partner, Role.viewer, Role.coordinator):
        actor = world.actors[role]
        assert [p["name"] for p in plans.list_plans(workspace, actor)] == ["FYP"]
        result = plans.plan_vs_actual(workspace, actor, "FYP")
        seen = {(t["dimension"], t["key"]) for t in result["targets"]}
        # the partner and viewer hold country PAK; the coordinator the desk's unit (of PAK)
        expected = {("country", "PAK")} if role is not Role.coordinator else set()
        assert seen == expected | {("unit", str(world.desk))}, role
        assert result["blueprint"] == {"idea": 1}  # P-AFG is outside every one of them
        with pytest.raises(NotFound):
            plans.plan_vs_actual(workspace, actor, "AFG")


def test_the_sqlite_file_and_data_dir_are_owner_only(sqlite_settings: Settings) -> None:
    from beltroad.services.setup import initialise

    initialise(sqlite_settings)
    data_dir = Path(sqlite_settings.data_dir)
    assert stat.S_IMODE(os.stat(data_dir).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(data_dir / "beltroad.db").st_mode) == 0o600


def test_milestones_have_units_versions_and_respect_freezes(
    workspace: Workspace, world: World
) -> None:
    from beltroad.services import milestones

    coordinator, planner = world.actors[Role.coordinator], world.actors[Role.planner]
    made = milestones.add_milestone(
        workspace, coordinator, "P-PAK", "Berth piling", unit_id=world.desk, planned_on="2026-05-01"
    )
    done = milestones.update_milestone(
        workspace,
        coordinator,
        made["id"],
        expected_version=1,
        status="reached",
        actual_on="2026-05-20",
    )
    assert done["version"] == 2
    with pytest.raises(Conflict, match="changed by someone else"):
        milestones.update_milestone(
            workspace, coordinator, made["id"], expected_version=1, status="missed"
        )
    freeze.freeze(workspace, planner, "2026-05")
    with pytest.raises(Conflict, match="frozen period 2026-05"):
        milestones.update_milestone(
            workspace, coordinator, made["id"], expected_version=2, status="missed"
        )
    listed = milestones.list_milestones(workspace, planner, "P-PAK")
    assert [(m["name"], m["planned_on"], m["actual_on"]) for m in listed] == [
        ("Berth piling", "2026-05-01", "2026-05-20")
    ]
    with pytest.raises(NotFound):
        milestones.add_milestone(
            workspace,
            world.actors[Role.partner],
            "P-AFG",
            "x",
            unit_id=None,
            planned_on="2026-07-01",
        )


def test_due_notices_pending_approvals_and_mail(
    workspace: Workspace, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    planner, coordinator = world.actors[Role.planner], world.actors[Role.coordinator]
    queued = tasks.notify_due(workspace, planner, today=dt.date(2026, 3, 28), days=7)
    assert [q["id"] for q in queued] == [world.task_in, world.task_out]
    assert tasks.notify_due(workspace, planner, today=dt.date(2026, 3, 28)) == []  # once
    seen = notifications.list_for(workspace, coordinator)
    assert [n["kind"] for n in seen] == ["review_due"]  # only its unit's notice
    assert [p["identifier"] for p in workflow.pending(workspace, planner)] == [
        "P-APP",
        "P-RET",
        "P-AFG",
    ]
    assert [p["identifier"] for p in workflow.pending(workspace, coordinator)] == []
    users.add_user(workspace, world.admin, "mailme", Role.planner, email="m@example.org")
    workflow.edit(workspace, coordinator, "P-PAK", {"title": "new"})
    workflow.submit(workspace, coordinator, "P-PAK")
    sent: list[tuple[str, str]] = []

    class FakeSMTP:
        def __init__(self, host: str, port: int, timeout: int) -> None:
            assert (host, port) == ("smtp.example.org", 587)

        def __enter__(self) -> FakeSMTP:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

        def starttls(self) -> None:
            return None

        def send_message(self, message: object) -> None:
            sent.append((str(message["To"]), str(message["Subject"])))  # type: ignore[index]

    monkeypatch.setattr(notifications.smtplib, "SMTP", FakeSMTP)
    without = notifications.send_mail(workspace)
    assert without["sent"] == 0
    workspace.settings = workspace.settings.model_copy(update={"smtp_host": "smtp.example.org"})
    result = notifications.send_mail(workspace)
    assert result == {"sent": 1, "failed": 0, "skipped_no_smtp": 0}
    assert sent == [("m@example.org", "Approval requested: P-PAK version 2")]
    assert notifications.send_mail(workspace)["sent"] == 0  # sent once
