"""Expected faults are errors that say what to do, not internal errors (issue #12, part 3)."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, event, text

from beltroad.cli.main import main
from beltroad.export import tabular
from beltroad.services import imports
from beltroad.services import workspace as workspace_module
from beltroad.services.workspace import Workspace
from beltroad.settings import Settings
from beltroad.storage import faults, import_lock, inventory

MAPPING = """\
[table]
dataset = "ministry"
title = "Ministry project list"
citation = "Ministry of Transport (2024), project list"
licence = "internal use"

[columns]
identifier = "id"
title = "name"
recipient = "country"
"""


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    data = tmp_path / "projects.csv"
    data.write_text("id,name,country\nP-1,Dam,KEN\nP-2,Road,PAK\n", encoding="utf-8")
    return data, mapping


def run_import(settings: Settings, data: Path, mapping: Path) -> int:
    return main(
        ["--db", settings.database_url, "import", "table", str(data), "--mapping", str(mapping)]
    )


def fingerprint(workspace: Workspace) -> dict[str, list[tuple[Any, ...]]]:
    with workspace.reading() as connection:
        return inventory.table_fingerprint(connection)


def test_a_locked_sqlite_database_says_how_long_and_who(
    sqlite_settings: Settings,
    files: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--data-dir", str(sqlite_settings.data_dir), "init"]) == 0
    monkeypatch.setattr(faults, "BUSY_TIMEOUT_MS", 300)
    holder = sqlite3.connect(sqlite_settings.data_dir / "beltroad.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the database
    capsys.readouterr()
    try:
        code = main(
            [
                *("--data-dir", str(sqlite_settings.data_dir), "import", "table"),
                *(str(files[0]), "--mapping", str(files[1])),
            ]
        )
    finally:
        holder.rollback()
        holder.close()
    err = capsys.readouterr().err
    assert code == 1
    assert "internal error" not in err
    assert "is locked by another process: waited 0.3 s" in " ".join(err.split())
    assert "this process, another connection" in " ".join(err.split())
    assert "wait for the other beltroad command" in " ".join(err.split())


def test_a_full_disk_during_an_import_is_an_error_and_writes_nothing(
    workspace: Workspace,
    settings: Settings,
    files: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def full(*_: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    before = fingerprint(workspace)
    monkeypatch.setattr(imports, "_flush", full)
    capsys.readouterr()
    assert run_import(settings, *files) == 1
    err = " ".join(capsys.readouterr().err.split())
    assert "the disk is full while writing" in err
    assert "nothing was written" in err
    assert "free some space" in err
    assert fingerprint(workspace) == before


def test_sqlite_reporting_a_full_database_is_a_full_disk(
    sqlite_settings: Settings, files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = str(sqlite_settings.data_dir)
    assert main(["--data-dir", data_dir, "init"]) == 0
    database = sqlite_settings.data_dir / "beltroad.db"
    # A real SQLITE_FULL: no page may be added to the file (as when the disk is full).
    engine = create_engine(f"sqlite:///{database}")

    @event.listens_for(engine, "connect")
    def _cap(dbapi: sqlite3.Connection, _: Any) -> None:
        pages = dbapi.execute("PRAGMA page_count").fetchone()[0]
        dbapi.execute(f"PRAGMA max_page_count={pages}")

    real_open = workspace_module.open_workspace

    def capped(settings: Settings) -> Workspace:
        opened = real_open(settings)
        opened.engine.dispose()
        return Workspace(settings=opened.settings, engine=engine)

    big = files[0].with_name("big.csv")
    big.write_text(
        "id,name,country\n" + "".join(f"P-{i},Project {i} {'x' * 200},KEN\n" for i in range(4000)),
        encoding="utf-8",
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(workspace_module, "open_workspace", capped)
        capsys.readouterr()
        code = main(
            ["--data-dir", data_dir, "import", "table", str(big), "--mapping", str(files[1])]
        )
    err = " ".join(capsys.readouterr().err.split())
    assert code == 1, err
    assert "the disk is full while writing" in err
    assert "database or disk is full" in err


@pytest.mark.postgres
def test_a_dropped_connection_is_an_error(
    workspace: Workspace,
    settings: Settings,
    files: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if workspace.engine.dialect.name != "postgresql":
        pytest.skip("a server connection is a PostgreSQL matter")
    real = imports._flush

    def dropped(connection: Any, *args: Any) -> None:
        connection.exec_driver_sql("SELECT pg_terminate_backend(pg_backend_pid())")
        real(connection, *args)

    monkeypatch.setattr(imports, "_flush", dropped)
    capsys.readouterr()
    assert run_import(settings, *files) == 1
    err = " ".join(capsys.readouterr().err.split())
    assert "internal error" not in err
    assert "the connection to" in err
    assert "was lost during the command" in err
    assert "check that the database server is running" in err


@pytest.mark.postgres
def test_a_concurrent_import_of_the_same_dataset_is_refused(
    workspace: Workspace,
    settings: Settings,
    files: tuple[Path, Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    if workspace.engine.dialect.name != "postgresql":
        pytest.skip("SQLite admits one writer: the second import waits for the first")
    before = fingerprint(workspace)
    other = create_engine(settings.database_url)
    try:
        with other.connect() as connection, connection.begin():
            key = import_lock.lock_key("ministry")
            connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})
            capsys.readouterr()
            code = run_import(settings, *files)
    finally:
        other.dispose()
    err = " ".join(capsys.readouterr().err.split())
    assert code == 1
    assert "another import of the dataset 'ministry' is running" in err
    assert "server pid" in err
    assert "wait for the other import to finish" in err
    assert fingerprint(workspace) == before
    assert run_import(settings, *files) == 0  # once the other one is done


def test_a_full_disk_while_exporting_is_an_error(
    workspace: Workspace,
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def full(*_: Any, **__: Any) -> int:
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "out.csv"))

    monkeypatch.setattr(tabular, "write_csv", full)
    code = main(["--db", settings.database_url, "export", "csv", str(tmp_path / "out.csv")])
    err = " ".join(capsys.readouterr().err.split())
    assert code == 1
    assert "the disk is full while writing" in err
    assert "internal error" not in err
