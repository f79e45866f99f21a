"""The command line, driven in-process through beltroad.cli.main."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from beltroad.cli import main
from beltroad.cli.main import app


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for command in ("init", "demo", "serve", "summary"):
        assert command in out


def test_init_then_summary_in_every_format(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = str(tmp_path / "d")
    code, out, _ = run(capsys, "--data-dir", data, "init", "--format", "json")
    assert code == 0
    assert json.loads(out)["reference"]["countries"] >= 249

    code, out, _ = run(capsys, "--data-dir", data, "summary", "--format", "json")
    assert code == 0
    payload = json.loads(out)
    assert payload["counts"]["corridors"] == 6
    assert payload["uses_synthetic"] is False

    code, out, _ = run(capsys, "--data-dir", data, "summary", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {"measure": "corridors", "value": "6"} in rows

    code, out, _ = run(capsys, "--data-dir", data, "summary")
    assert code == 0
    assert "corridors" in out


def test_database_url_flag_is_used(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    code, out, _ = run(capsys, "--db", url, "--data-dir", str(tmp_path / "d"), "init", "-f", "json")
    assert code == 0
    assert json.loads(out)["database"] == url
    assert (tmp_path / "elsewhere.db").exists()


def test_environment_variables_configure_the_cli(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BELTROAD_DATA_DIR", str(tmp_path / "from-env"))
    code, _, _ = run(capsys, "init")
    assert code == 0
    assert (tmp_path / "from-env" / "beltroad.db").exists()


def test_bad_db_url_is_one_clear_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run(capsys, "--db", "nonsense", "--data-dir", str(tmp_path), "init")
    assert code == 2
    assert out == ""
    assert "error:" in err
    assert "not a database URL" in err
    assert "postgresql+psycopg://" in err
    assert "Traceback" not in err


def test_debug_shows_the_traceback(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "--debug", "--db", "nonsense", "--data-dir", str(tmp_path), "init")
    assert code == 2
    assert "Traceback" in err


def test_command_before_init_tells_what_to_do(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "--data-dir", str(tmp_path / "new"), "summary")
    assert code == 1
    assert "beltroad init" in err


def test_bad_setting_names_the_field(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BELTROAD_PORT", "not-a-port")
    code, _, err = run(capsys, "--data-dir", str(tmp_path), "summary")
    assert code == 2
    assert "port" in err
    assert "not-a-port" in err


def test_unknown_format_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "summary", "--format", "xml")
    assert code == 2
    assert "xml" in err


def test_every_command_has_help() -> None:
    import typer.main

    group = typer.main.get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        assert command.help, f"command {name} has no help text"
