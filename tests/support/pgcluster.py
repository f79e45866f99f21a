"""A throwaway PostgreSQL cluster for the tests, started with the machine's initdb/pg_ctl.

initdb refuses to run as root, so as root the cluster belongs to the ``postgres`` system user
and is driven through ``runuser``.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Cluster:
    bindir: Path
    datadir: Path
    port: int
    as_user: str | None

    @property
    def admin_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        _run(self, [str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-m", "fast", "stop"])
        shutil.rmtree(self.datadir.parent, ignore_errors=True)


def find_bindir() -> Path | None:
    """The directory holding initdb and pg_ctl, or None."""
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(candidate) / "initdb").exists() and (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl and Path(initdb).parent == Path(pg_ctl).parent:
        return Path(initdb).parent
    return None


def why_unavailable() -> str | None:
    if find_bindir() is None:
        return "PostgreSQL binaries (initdb, pg_ctl) not found and BELTROAD_TEST_PG_URL not set"
    if os.geteuid() == 0 and not _user_exists("postgres"):
        return "running as root and no 'postgres' system user exists to own the cluster"
    return None


def start() -> Cluster:
    bindir = find_bindir()
    assert bindir is not None
    as_user = "postgres" if os.geteuid() == 0 else None
    root = Path(tempfile.mkdtemp(prefix="beltroad-pg-"))
    datadir = root / "data"
    if as_user:
        shutil.chown(root, user=as_user)
        root.chmod(0o700)
    cluster = Cluster(bindir=bindir, datadir=datadir, port=_free_port(), as_user=as_user)
    _run(
        cluster,
        [
            str(bindir / "initdb"),
            "-D",
            str(datadir),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-sync",
            "--locale=C",
        ],
    )
    options = (
        f"-p {cluster.port} -c listen_addresses=127.0.0.1 -k {root} -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
    )
    _run(
        cluster,
        [
            str(bindir / "pg_ctl"),
            "-D",
            str(datadir),
            "-o",
            options,
            "-l",
            str(root / "log"),
            "-w",
            "-t",
            "60",
            "start",
        ],
    )
    return cluster


def _run(cluster: Cluster, command: list[str]) -> None:
    if cluster.as_user:
        command = ["runuser", "-u", cluster.as_user, "--", *command]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _user_exists(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True
