"""`beltroad init`: idempotent, on both back ends, with clear refusals."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from beltroad.errors import Conflict, NotFound, PermissionDenied
from beltroad.services.setup import initialise
from beltroad.services.workspace import open_workspace
from beltroad.settings import Settings, load_settings
from beltroad.storage import database, inventory, models


def test_init_creates_schema_and_reference_facts(settings: Settings) -> None:
    report = initialise(settings)
    assert report.created
    assert report.reference["countries"] >= 249
    assert report.reference["corridors"] == 6
    ws = open_workspace(settings)
    with ws.reading() as connection:
        china = connection.execute(
            select(models.Country.name_en, models.Country.name_zh).where(
                models.Country.iso3 == "CHN"
            )
        ).one()
        reported = inventory.reported_statistics(connection)
    ws.close()
    assert china.name_zh == "中国"
    benchmarks = [r for r in reported if r["scope"] is None]
    assert {r["key"] for r in benchmarks} == {
        "partner_countries",
        "partner_organizations",
        "overseas_enterprises",
        "investment_stock_usd",
        "zone_local_jobs",
    }
    assert all("Xinhua, 3 Dec 2024" in r["source"] for r in benchmarks)
    # the earlier series (issue #11): each figure with its scope and source
    series = [r for r in reported if r["scope"] is not None]
    assert {r["key"] for r in series} >= {"cooperation_zones", "zone_investment_usd"}
    assert all(r["source"] for r in series)


def test_init_twice_changes_nothing(settings: Settings) -> None:
    initialise(settings)
    ws = open_workspace(settings)
    with ws.reading() as connection:
        first = inventory.table_fingerprint(connection)
    second_report = initialise(settings)
    with ws.reading() as connection:
        second = inventory.table_fingerprint(connection)
    ws.close()
    assert not second_report.created
    assert first == second


def test_corridor_edits_survive_init(settings: Settings) -> None:
    initialise(settings)
    ws = open_workspace(settings)
    with ws.writing() as connection:
        connection.execute(
            models.table(models.CorridorCountry)
            .insert()
            .values(corridor_id="CPEC", iso3="AFG", role="extension")
        )
    initialise(settings)
    with ws.reading() as connection:
        members = connection.execute(
            select(models.CorridorCountry.iso3).where(models.CorridorCountry.corridor_id == "CPEC")
        ).scalars()
        assert "AFG" in set(members)
    ws.close()


def test_commands_before_init_say_run_init(sqlite_settings: Settings) -> None:
    with pytest.raises(NotFound, match="no beltroad schema") as caught:
        open_workspace(sqlite_settings)
    assert caught.value.hint is not None
    assert "beltroad init" in caught.value.hint


def test_older_schema_asks_for_init(
    sqlite_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    initialise(sqlite_settings)
    monkeypatch.setattr(database, "head_revision", lambda: "9999")
    known = database.known_revisions(database.MIGRATIONS) | {"9999"}
    monkeypatch.setattr(database, "known_revisions", lambda *_: known)
    with pytest.raises(Conflict, match="older than"):
        open_workspace(sqlite_settings)


@pytest.fixture
def read_only_dir(tmp_path: Path) -> Iterator[Path]:
    """A directory nobody may write to, root included (chattr +i), else chmod 0555."""
    path = tmp_path / "locked"
    path.mkdir()
    if os.geteuid() == 0:
        if shutil.which("chattr") is None:
            pytest.skip("running as root without chattr: cannot make a read-only directory")
        result = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
        if result.returncode != 0:
            pytest.skip(f"chattr +i not supported here: {result.stderr.decode().strip()}")
        yield path
        subprocess.run(["chattr", "-i", str(path)], check=False)
    else:
        path.chmod(0o555)
        yield path
        path.chmod(0o755)


def test_read_only_data_dir_is_refused_clearly(read_only_dir: Path) -> None:
    with pytest.raises(PermissionDenied) as caught:
        initialise(load_settings(data_dir=read_only_dir))
    assert str(read_only_dir) in caught.value.message
    assert caught.value.hint is not None
    assert "data_dir" in caught.value.hint


def test_uncreatable_data_dir_is_refused_clearly(read_only_dir: Path) -> None:
    with pytest.raises(PermissionDenied, match="cannot create"):
        initialise(load_settings(data_dir=read_only_dir / "inner"))
