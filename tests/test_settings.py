"""Settings: defaults, then beltroad.toml, then BELTROAD_* environment, then flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from beltroad.errors import InvalidInput
from beltroad.settings import load_settings


def test_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    settings = load_settings()
    assert settings.data_dir == tmp_path / "beltroad"
    assert settings.database_url == f"sqlite:///{tmp_path / 'beltroad' / 'beltroad.db'}"
    assert settings.host == "127.0.0.1"


def test_layers_in_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "beltroad.toml").write_text('port = 8100\nhost = "127.0.0.2"\nseed = 5\n')
    assert load_settings().port == 8100
    monkeypatch.setenv("BELTROAD_PORT", "8200")
    settings = load_settings()
    assert settings.port == 8200  # environment beats the file
    assert settings.host == "127.0.0.2"  # the file beats the default
    assert load_settings(port=8300).port == 8300  # flags beat everything
    assert load_settings(port=None).port == 8200  # a flag not given is not a value


def test_explicit_config_file(tmp_path: Path) -> None:
    path = tmp_path / "other.toml"
    path.write_text("base_year = 2014\n")
    assert load_settings(path).base_year == 2014


def test_missing_config_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"nope\.toml"):
        load_settings(tmp_path / "nope.toml")


def test_unknown_key_in_file_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "beltroad.toml").write_text("prot = 1\n")
    with pytest.raises(InvalidInput, match="prot"):
        load_settings()


def test_broken_toml_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "beltroad.toml").write_text("port = = 1\n")
    with pytest.raises(InvalidInput, match=r"beltroad\.toml.*not valid TOML"):
        load_settings()


def test_out_of_range_values_are_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BELTROAD_PORT", "70000")
    with pytest.raises(InvalidInput, match="port='70000'") as caught:
        load_settings()
    assert caught.value.hint is not None


def test_importing_beltroad_does_no_work() -> None:
    import subprocess
    import sys

    code = (
        "import sys, beltroad, beltroad.cli, beltroad.web.app, beltroad.storage.models;"
        "assert 'psycopg' not in sys.modules, 'the PostgreSQL driver was imported';"
        "print('ok')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        env={"BELTROAD_PORT": "not-a-port", "PATH": ""},
    )
    # A bad setting in the environment must not break import: settings are read on demand.
    assert result.returncode == 0, result.stderr
