"""The issue #17 commands through the CLI: outputs, flags named in errors, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from beltroad.cli import main
from beltroad.services.setup import initialise
from beltroad.services.workspace import open_workspace
from beltroad.settings import load_settings
from tests.services.cooperation_data import add_project


@pytest.fixture
def data_dir(tmp_path: Path) -> str:
    settings = load_settings(data_dir=tmp_path / "d")
    initialise(settings)
    ws = open_workspace(settings)
    try:
        add_project(ws, "P-SOLAR", "Solar park", "PAK", 100.0)
        add_project(ws, "P-COAL", "Coal-fired power plant", "PAK", 300.0, year=2023)
        add_project(ws, "P-ROAD", "Highway", "KEN", 200.0, sector="210")
    finally:
        ws.close()
    return str(tmp_path / "d")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_green_then_select(capsys: pytest.CaptureFixture[str], data_dir: str) -> None:
    code, out, _ = run(capsys, "--data-dir", data_dir, "green", "classify", "-f", "json")
    assert code == 0
    payload = json.loads(out)
    assert payload["shares"]["portfolio"]["by_count"]["red"] == 1
    code, out, _ = run(capsys, "--data-dir", data_dir, "green", "classify", "--shares")
    assert code == 0
    assert "green shares" in out
    code, out, _ = run(
        capsys,
        "--data-dir",
        data_dir,
        "select",
        "--budget",
        "350",
        "--weights",
        "green=3,scale=1",
        "-f",
        "json",
    )
    assert code == 0
    result = json.loads(out)
    assert result["status"] == "optimal"
    assert any("summed to 4" in n for n in result["notes"])
    coal = next(p for p in result["projects"] if p["identifier"] == "P-COAL")
    assert coal["selected"] is False
    code, out, _ = run(capsys, "--data-dir", data_dir, "select", "--budget", "350")
    assert code == 0
    assert "constraints" in out


def test_errors_name_the_flag(
    capsys: pytest.CaptureFixture[str], data_dir: str, tmp_path: Path
) -> None:
    code, _, err = run(
        capsys, "--data-dir", data_dir, "select", "--budget", "100", "--include", "NOPE"
    )
    assert code == 2
    assert "--include" in err
    code, _, err = run(capsys, "--data-dir", data_dir, "green", "override", "P-ROAD", "green")
    assert code == 2
    assert "--reason" in err
    bad = tmp_path / "s.csv"
    bad.write_text("who\nX\n", encoding="utf-8")
    code, _, err = run(capsys, "--data-dir", data_dir, "integrity", "scan", "--sanctions", str(bad))
    assert code == 2
    assert "'name', 'list'" in err
    code, _, err = run(capsys, "--data-dir", data_dir, "debt")
    assert code == 1
    assert "imf-debt" in err


def test_integrity_and_benefits(capsys: pytest.CaptureFixture[str], data_dir: str) -> None:
    code, out, _ = run(capsys, "--data-dir", data_dir, "integrity", "scan", "-f", "json")
    assert code == 0
    assert json.loads(out)["flags"] == []
    code, out, _ = run(capsys, "--data-dir", data_dir, "benefits", "--projects", "-f", "csv")
    assert code == 0
    assert out.startswith("subject,index,gap")
