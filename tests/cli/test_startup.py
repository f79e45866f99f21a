"""Start-up stays light: ``beltroad --help`` imports none of the heavy libraries (issue #13)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
HEAVY = ("scipy", "pandas", "sqlalchemy", "pydantic_settings", "pydantic", "numpy", "alembic")

PROBE = """
import contextlib, io, json, sys
from beltroad.cli import main
with contextlib.redirect_stdout(io.StringIO()) as out:
    code = main(sys.argv[1:])
print(json.dumps({"code": code, "help": out.getvalue(),
                  "modules": sorted({name.split('.')[0] for name in sys.modules})}))
"""


def _probe(*args: str) -> dict[str, object]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, check=True
    )
    found: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return found


def test_help_imports_no_heavy_library() -> None:
    found = _probe("--help")
    assert found["code"] == 0
    assert "routes" in str(found["help"])  # the real help, every command listed
    modules = found["modules"]
    assert isinstance(modules, list)
    assert [name for name in HEAVY if name in modules] == []


def test_the_probe_sees_a_heavy_import() -> None:
    """The check above can fail: importing the settings does pull pydantic_settings in."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    code = "import sys, beltroad; beltroad.load_settings; print('pydantic_settings' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert result.stdout.strip() == "True"
