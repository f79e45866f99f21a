#!/usr/bin/env python3
"""One entry point for newcomers and CI; needs only Python 3.11+.

    python3 dev.py demo [DEMO OPTIONS]   set everything up, then run `beltroad demo`
    python3 dev.py test [PYTEST ARGS]    set everything up, then lint, type-check and test

Set-up makes ./.venv and installs beltroad with its extras, pinned by requirements.lock; it is
redone only when pyproject.toml or requirements.lock change. When ../shared/data exists and
BELTROAD_DATA_MIRROR is unset, it is used as the dataset mirror.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
EXTRAS = "dev,postgres,dask,rail,pdf,bench"
STAMP = VENV / ".beltroad-installed"
MIRROR = ROOT.parent / "shared" / "data"


def main(argv: list[str]) -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be run by an older python3
        sys.exit(f"beltroad needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not argv or argv[0] not in ("demo", "test", "setup"):
        print(__doc__)
        return 2
    setup()
    env = dict(os.environ)
    if "BELTROAD_DATA_MIRROR" not in env and MIRROR.is_dir():
        env["BELTROAD_DATA_MIRROR"] = str(MIRROR)
    command, rest = argv[0], argv[1:]
    if command == "setup":
        return 0
    if command == "demo":
        return run([str(BIN / "beltroad"), "demo", *rest], env)
    return test(rest, env)


def setup() -> None:
    wanted = _fingerprint()
    if STAMP.is_file() and STAMP.read_text() == wanted:
        _assets()
        return
    if not PY.exists():
        print("creating .venv", file=sys.stderr)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print(
        f"installing beltroad[{EXTRAS}] into .venv (pinned by requirements.lock)", file=sys.stderr
    )
    pip = [str(PY), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    lock = ROOT / "requirements.lock"
    constraints = ["-c", str(lock)] if lock.is_file() else []
    if run([*pip, *constraints, "-e", f".[{EXTRAS}]"], dict(os.environ)) != 0:
        sys.exit("installing beltroad failed; see the pip output above")
    _assets()
    STAMP.write_text(wanted)


def _assets() -> None:
    """The web pages' pinned front-end assets (web/assets.toml); a no-op once in place."""
    if run([str(BIN / "beltroad"), "assets", "fetch"], dict(os.environ)) != 0:
        sys.exit(
            "fetching the web assets failed (see above); offline, set BELTROAD_ASSET_MIRROR "
            "to a folder of the npm tarballs named in src/beltroad/web/assets.toml"
        )


def test(pytest_args: list[str], env: dict[str, str]) -> int:
    steps = [
        ["ruff", "check", "src", "tests", "benchmarks", "dev.py"],
        ["ruff", "format", "--check", "src", "tests", "benchmarks", "dev.py"],
        ["mypy"],
        ["pytest", "-n", "auto", *pytest_args],
    ]
    for step in steps:
        print(f"$ {' '.join(step)}", file=sys.stderr, flush=True)
        code = run([str(BIN / step[0]), *step[1:]], env)
        if code != 0:
            return code
    return 0


def run(command: list[str], env: dict[str, str]) -> int:
    return subprocess.call(command, cwd=ROOT, env=env)


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for name in ("pyproject.toml", "requirements.lock", "src/beltroad/web/assets.toml"):
        path = ROOT / name
        if path.is_file():
            digest.update(path.read_bytes())
    digest.update(EXTRAS.encode())
    return digest.hexdigest()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
