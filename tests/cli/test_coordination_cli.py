"""``beltroad users``, ``workflow``, ``tasks``, ``plan``, ``freeze`` and ``audit`` through the
command line (issue #15): the local administrator by default, another user with ``--as``."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from beltroad.cli import main


def run(capsys: pytest.CaptureFixture[str], data: str, *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", data, *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_users_workflow_tasks_freeze_and_audit(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = str(tmp_path / "d")
    assert run(capsys, data, "init")[0] == 0
    assert run(capsys, data, "units", "add", "Ministry", "--kind", "ministry")[0] == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough passphrase\n"))
    code, out, _ = run(capsys, data, "users", "add", "pat", "--role", "planner", "--password-stdin")
    assert code == 0
    code, _, err = run(capsys, data, "users", "add", "pk", "--role", "partner", "--scope", "xx")
    assert code == 2
    assert "--scope" in err
    assert (
        run(capsys, data, "users", "add", "pk", "--role", "partner", "--scope", "country:PAK")[0]
        == 0
    )
    code, out, _ = run(capsys, data, "users", "token", "pk", "-f", "json")
    assert json.loads(out)["token"].startswith("brt_")
    code, out, _ = run(capsys, data, "users", "revoke", "pk", "-f", "json")
    assert json.loads(out)["revoked"] == 1
    countries = '[{"iso3": "PAK", "percentage": 100}]'
    code, out, err = run(
        capsys,
        data,
        "--as",
        "pk",
        "workflow",
        "create",
        "P-1",
        "--set",
        "title=Port",
        "--set",
        f"countries={countries}",
    )
    assert code == 0, err
    code, _, err = run(capsys, data, "--as", "pk", "workflow", "approve", "P-1")
    assert code == 1
    assert "may not approve" in err
    assert run(capsys, data, "--as", "pk", "workflow", "submit", "P-1")[0] == 0
    assert run(capsys, data, "--as", "pat", "workflow", "approve", "P-1")[0] == 0
    code, _, err = run(
        capsys, data, "--as", "pat", "workflow", "transition", "P-1", "operating", "--reason", "x"
    )
    assert code == 2
    assert "cannot move from idea to operating" in err
    code, out, _ = run(capsys, data, "workflow", "history", "P-1", "-f", "json")
    assert [v["state"] for v in json.loads(out)["versions"]] == ["approved"]
    assert run(capsys, data, "tasks", "add", "Report", "--unit", "1", "--due", "2025-02-01")[0] == 0
    code, out, _ = run(
        capsys, data, "tasks", "list", "--overdue", "--today", "2025-03-01", "-f", "json"
    )
    assert [t["title"] for t in json.loads(out)] == ["Report"]
    assert run(capsys, data, "freeze", "2025-Q1")[0] == 0
    code, _, err = run(capsys, data, "tasks", "update", "1", "--version", "1", "--status", "done")
    assert code == 1
    assert "frozen period 2025-Q1" in err
    assert "unfreeze 2025-Q1" in err
    code, out, _ = run(capsys, data, "audit", "list", "--user", "pat", "-f", "json")
    assert {e["action"] for e in json.loads(out)} == {"approve"}
    code, out, _ = run(capsys, data, "audit", "verify", "-f", "json")
    assert code == 0
    assert json.loads(out)["ok"] is True
    code, _, err = run(capsys, data, "--as", "nobody", "users", "list")
    assert code == 1
    assert "no active user 'nobody'" in err
