"""Shared fixtures: a fresh database per test, on SQLite and (when enabled) PostgreSQL.

PostgreSQL tests start a throwaway cluster (tests/support/pgcluster.py) or use
BELTROAD_TEST_PG_URL. They skip, with the reason, only where PostgreSQL is absent; with
BELTROAD_REQUIRE_POSTGRES=1 (as in CI) that skip becomes a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from beltroad.services.setup import initialise
from beltroad.services.workspace import Workspace, open_workspace
from beltroad.settings import Settings, load_settings
from tests.support import pgcluster

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


def shared_file(relative: str) -> Path:
    """A file of ../shared/data, or skip the test saying which file is missing."""
    path = SHARED_DATA / relative
    if not path.exists():
        pytest.skip(f"shared dataset not found: {path}")
    return path


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    given = os.environ.get("BELTROAD_TEST_PG_URL")
    if given:
        yield given
        return
    reason = pgcluster.why_unavailable()
    if reason:
        if os.environ.get("BELTROAD_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL tests are required here but cannot run: {reason}")
        pytest.skip(reason)
    cluster = pgcluster.start()
    try:
        yield cluster.admin_url
    finally:
        cluster.stop()


def _fresh_postgres_database(admin_url: str) -> Iterator[str]:
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database: SQLite file, then a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'beltroad.db'}"
        return
    admin_url = request.getfixturevalue("postgres_admin_url")
    yield from _fresh_postgres_database(admin_url)


@pytest.fixture
def postgres_url(postgres_admin_url: str) -> Iterator[str]:
    yield from _fresh_postgres_database(postgres_admin_url)


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return load_settings(db=db_url, data_dir=tmp_path / "data", synthetic_projects=300)


@pytest.fixture
def sqlite_settings(tmp_path: Path) -> Settings:
    return load_settings(data_dir=tmp_path / "data", synthetic_projects=300)


@pytest.fixture
def workspace(settings: Settings) -> Iterator[Workspace]:
    """An initialised workspace (schema and reference facts) on each back end."""
    initialise(settings)
    ws = open_workspace(settings)
    try:
        yield ws
    finally:
        ws.close()


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's own beltroad settings."""
    for name in list(os.environ):
        if name.startswith("BELTROAD_") and name not in (
            "BELTROAD_TEST_PG_URL",
            "BELTROAD_REQUIRE_POSTGRES",
        ):
            monkeypatch.delenv(name)
    # A test that forgets --data-dir writes under tmp, never into the developer's own data dir.
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.chdir(tmp_path)
