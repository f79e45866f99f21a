"""The analytics snapshot is never stale: any write, by anyone, shows in the next breakdown."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import create_engine, insert, text

from beltroad.analytics import snapshot as snapshots
from beltroad.records import CountrySplit, Money, ProjectRecord, Provenance
from beltroad.services.breakdown import breakdown
from beltroad.services.funnel import funnel
from beltroad.services.portfolio import portfolio_snapshot
from beltroad.services.workspace import Workspace
from beltroad.storage import facts, models
from beltroad.storage.generation import Generation
from beltroad.storage.writes import write_projects


def project(ident: str, usd: float, iso3: str) -> ProjectRecord:
    return ProjectRecord(
        identifier=ident,
        title=ident,
        provenance=Provenance(dataset="test", source_record_id=ident),
        amount=Money(usd_constant=usd, base_year=2021),
        countries=(CountrySplit(iso3),),
    )


def totals(workspace: Workspace) -> dict[str, float]:
    rows = breakdown(workspace, ["country"]).rows
    return {r["country"]: r["amount"] for r in rows}


def test_writes_through_beltroad_show_at_once(workspace: Workspace) -> None:
    with workspace.writing() as connection:
        write_projects(connection, [project("XE-1", 100.0, "PAK")])
    assert totals(workspace) == {"PAK": 100.0}
    with workspace.writing() as connection:
        write_projects(connection, [project("XE-2", 50.0, "KEN")])
    assert totals(workspace) == {"PAK": 100.0, "KEN": 50.0}


def test_a_raw_sql_change_from_another_connection_shows(workspace: Workspace) -> None:
    with workspace.writing() as connection:
        write_projects(connection, [project("XE-1", 100.0, "PAK"), project("XE-2", 5.0, "KEN")])
    assert totals(workspace)["PAK"] == 100.0
    other = create_engine(workspace.settings.database_url)
    try:
        with other.begin() as connection:
            connection.execute(text("UPDATE projects SET amount_usd_constant = 7 WHERE id = 1"))
            connection.execute(text("DELETE FROM project_countries WHERE iso3 = 'KEN'"))
    finally:
        other.dispose()
    assert totals(workspace) == {"PAK": 7.0, None: 5.0}


def test_a_rolled_back_write_leaves_the_snapshot_current(workspace: Workspace) -> None:
    with workspace.writing() as connection:
        write_projects(connection, [project("XE-1", 100.0, "PAK")])
    before = portfolio_snapshot(workspace)

    def abandoned_import() -> None:
        with workspace.writing() as connection:
            write_projects(connection, [project("XE-2", 50.0, "KEN")])
            raise RuntimeError("abandon the import")

    with pytest.raises(RuntimeError):
        abandoned_import()
    assert portfolio_snapshot(workspace) is before


def test_a_new_process_loads_the_snapshot_from_the_data_dir(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    with workspace.writing() as connection:
        write_projects(connection, [project("XE-1", 100.0, "PAK")])
    built = portfolio_snapshot(workspace)
    _forget(workspace)  # what a new process starts with

    def no_rebuild(connection: object) -> None:
        raise AssertionError("rebuilt although the saved snapshot was current")

    monkeypatch.setattr(snapshots, "read_facts", no_rebuild)
    loaded = portfolio_snapshot(workspace)
    assert loaded.generation == built.generation
    assert totals(workspace) == {"PAK": 100.0}


def test_a_damaged_saved_snapshot_is_rebuilt(workspace: Workspace) -> None:
    with workspace.writing() as connection:
        write_projects(connection, [project("XE-1", 100.0, "PAK")])
    portfolio_snapshot(workspace)
    root = workspace.settings.data_dir / "analytics"
    for meta in root.rglob("meta.json"):
        meta.write_text("{not json", encoding="utf-8")
    _forget(workspace)
    assert totals(workspace) == {"PAK": 100.0}


def test_an_unwritable_cache_only_costs_a_rebuild(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with workspace.writing() as connection:
        write_projects(connection, [project("XE-1", 100.0, "PAK")])

    def refuse(snapshot: object, root: Path) -> Path:
        raise PermissionError(13, "Permission denied", str(root))

    monkeypatch.setattr(snapshots, "save", refuse)
    assert totals(workspace) == {"PAK": 100.0}


def test_bulk_loads_bump_the_generation_once(workspace: Workspace) -> None:
    from beltroad.storage.generation import current, paused_triggers

    with workspace.reading() as connection:
        start = current(connection).generation
    with workspace.writing() as connection, paused_triggers(connection):
        write_projects(connection, [project(f"XE-{i}", 1.0, "PAK") for i in range(5)])
    with workspace.reading() as connection:
        after = current(connection).generation
    if workspace.engine.dialect.name == "sqlite":
        assert after == start + 1  # five projects, three tables: one bump, not fifteen
    else:  # PostgreSQL's triggers fire per statement and stay on
        assert after > start
    with workspace.writing() as connection:  # the triggers are back
        connection.execute(text("UPDATE projects SET amount_usd_constant = 2"))
    with workspace.reading() as connection:
        assert current(connection).generation > after
    assert totals(workspace) == {"PAK": 10.0}


def test_a_bulk_load_that_changes_nothing_keeps_the_generation(workspace: Workspace) -> None:
    from beltroad.storage.generation import current, paused_triggers

    with workspace.writing() as connection:
        write_projects(connection, [project("XE-1", 1.0, "PAK")])
    with workspace.reading() as connection:
        start = current(connection).generation
    with workspace.writing() as connection, paused_triggers(connection):
        write_projects(connection, [project("XE-1", 1.0, "PAK")])  # identical: skipped
    with workspace.reading() as connection:
        unchanged = current(connection)
    if workspace.engine.dialect.name == "sqlite":
        assert unchanged.generation == start
    assert unchanged.trusted


def test_nested_pauses_leave_the_flag_to_the_outermost(workspace: Workspace) -> None:
    from beltroad.storage.generation import current, paused_triggers

    with workspace.reading() as connection:
        start = current(connection).generation
    with workspace.writing() as connection, paused_triggers(connection):
        with paused_triggers(connection):
            write_projects(connection, [project("XE-1", 1.0, "PAK")])
        write_projects(connection, [project("XE-2", 1.0, "PAK")])
        paused = connection.execute(text("SELECT paused FROM analytics_state")).scalar_one()
        if workspace.engine.dialect.name == "sqlite":
            assert paused == 2  # still paused after the inner block, and bumped
    with workspace.reading() as connection:
        after = current(connection)
        assert connection.execute(text("SELECT paused FROM analytics_state")).scalar_one() == 0
    if workspace.engine.dialect.name == "sqlite":
        assert after.generation == start + 1
    assert after.trusted
    assert totals(workspace) == {"PAK": 2.0}


def test_a_failed_bulk_load_rolls_the_pause_back(workspace: Workspace) -> None:
    from beltroad.storage.generation import current, paused_triggers

    def fail() -> None:
        with workspace.writing() as connection, paused_triggers(connection):
            write_projects(connection, [project("XE-1", 1.0, "PAK")])
            raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        fail()
    with workspace.writing() as connection:  # a plain write bumps again, row by row
        write_projects(connection, [project("XE-2", 1.0, "PAK")])
    with workspace.reading() as connection:
        assert current(connection).trusted
    assert totals(workspace) == {"PAK": 1.0}


def test_a_committed_pause_flag_is_never_trusted(workspace: Workspace) -> None:
    # Only a bug could commit it; then writes may have gone uncounted, so nothing is cached.
    with workspace.writing() as connection:
        write_projects(connection, [project("XE-1", 1.0, "PAK")])
    assert totals(workspace) == {"PAK": 1.0}
    with workspace.writing() as connection:
        connection.execute(text("UPDATE analytics_state SET paused = 2"))
        generation = connection.execute(text("SELECT generation FROM analytics_state")).scalar()
    with workspace.writing() as connection:
        connection.execute(text("UPDATE projects SET amount_usd_constant = 5"))
        after = connection.execute(text("SELECT generation FROM analytics_state")).scalar()
    if workspace.engine.dialect.name == "sqlite":
        assert after == generation  # the trigger was silenced
    assert totals(workspace) == {"PAK": 5.0}  # ... and the snapshot still sees the write


def test_the_facts_are_read_in_one_transaction(workspace: Workspace) -> None:
    with workspace.reading() as connection:
        rows = facts.read_facts(connection)
    assert rows.projects["id"] == ()
    assert rows.generation.instance_id


def test_a_new_milestone_changes_the_next_funnel(workspace: Workspace) -> None:
    as_of = dt.date(2025, 1, 31)
    with workspace.writing() as connection:
        write_projects(connection, [project("XE-1", 100.0, "PAK")])
        connection.execute(
            insert(models.Milestone).values(
                project_id=1, name="signed", actual_on=dt.date(2020, 1, 1), status="done"
            )
        )

    def stalled_since() -> list[str]:
        longest = funnel(workspace, as_of=as_of, today=as_of).funnel.stalled["longest"]
        return [s["last_event"] for s in longest]

    assert stalled_since() == ["2020-01-01"]
    with workspace.writing() as connection:  # a milestone alone: no other table changes
        connection.execute(
            insert(models.Milestone).values(
                project_id=1, name="foundations", actual_on=dt.date(2024, 12, 1), status="done"
            )
        )
    assert stalled_since() == []  # progress within the last 12 months: no longer stalled


def test_the_funnel_is_the_same_on_a_snapshot_loaded_from_disk(workspace: Workspace) -> None:
    as_of = dt.date(2025, 1, 31)
    with workspace.writing() as connection:
        write_projects(connection, [project(f"XE-{i}", 10.0 * i, "PAK") for i in range(1, 4)])
        connection.execute(
            insert(models.Milestone).values(
                project_id=2, name="signed", actual_on=dt.date(2021, 5, 1), status="done"
            )
        )
    built = funnel(workspace, as_of=as_of, today=as_of).as_dict()
    _forget(workspace)  # the next funnel memory-maps the saved arrays
    assert funnel(workspace, as_of=as_of, today=as_of).as_dict() == built


def test_a_data_dir_keeps_the_snapshots_of_a_few_databases_only(
    workspace: Workspace, tmp_path: Path
) -> None:
    base = portfolio_snapshot(workspace)
    root = tmp_path / "many"
    for i in range(snapshots.KEEP_DATABASES + 3):
        snapshots.save(dataclasses.replace(base, generation=Generation(f"db-{i}", 1)), root)
    kept = {p.name for p in root.iterdir()}
    assert len(kept) == snapshots.KEEP_DATABASES
    assert f"db-{snapshots.KEEP_DATABASES + 2}" in kept  # the newest survives


def _forget(workspace: Workspace) -> None:
    """What a new process starts with: no snapshot in memory."""
    if workspace.snapshots is not None:
        workspace.snapshots.clear()
