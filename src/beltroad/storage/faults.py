"""Expected database faults, translated once into beltroad errors that say what to do.

A locked database, a full disk, a dropped connection and a NUL character that PostgreSQL
refuses are not bugs: :func:`translate` turns the driver's exception into the matching
:mod:`beltroad.errors` class, so the CLI and the web print a message instead of "internal
error". :func:`beltroad.storage.database.connect` applies it to everything done on a connection,
including the commit. Every transaction is rolled back by then, so each message can say that
nothing was written.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from beltroad.errors import BeltroadError, Conflict, DataUnavailable, InvalidInput

#: How long SQLite waits for another writer before giving up (PRAGMA busy_timeout), in ms.
BUSY_TIMEOUT_MS = 30_000

_DISK_FULL = ("database or disk is full", "no space left on device", "disk quota exceeded")
_DROPPED = (
    "server closed the connection",
    "terminating connection",
    "connection already closed",
    "the connection is closed",
    "connection is lost",
    "consuming input failed",
    "ssl connection has been closed",
    "could not receive data from server",
    "connection reset by peer",
    "broken pipe",
)
_NUL = ("nul (0x00)", "cannot contain nul")


class DatabaseLocked(Conflict):
    """Another process held the database longer than the busy timeout."""


class DiskFull(DataUnavailable):
    """The disk (or quota) holding the database or an output file is full."""


class ConnectionLost(DataUnavailable):
    """The database server closed the connection in the middle of a command."""


def _reason(exc: BaseException) -> str:
    original = getattr(exc, "orig", None) or exc
    text = str(original).strip()
    return text.splitlines()[0] if text else type(original).__name__


def translate(exc: BaseException, url: str) -> BeltroadError | None:
    """The beltroad error for an expected fault, or None for anything else (a real bug)."""
    if isinstance(exc, BeltroadError):
        return None  # already a message for the user
    where = make_url(url).render_as_string(hide_password=True)
    reason = _reason(exc)
    lowered = reason.lower()
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return disk_full(where, reason)
    if not isinstance(exc, DBAPIError | ValueError):
        return None
    if any(text in lowered for text in _DISK_FULL) or _sqlstate(exc) == "53100":
        return disk_full(where, reason)
    if "database is locked" in lowered or "database table is locked" in lowered:
        return DatabaseLocked(
            f"the database {where} is locked by another process: waited "
            f"{BUSY_TIMEOUT_MS / 1000:g} s for it and gave up; nothing was written "
            f"({_holders(url)})",
            hint="wait for the other beltroad command (an import or a refresh?) to finish, "
            "then run this one again",
        )
    if (isinstance(exc, DBAPIError) and exc.connection_invalidated) or any(
        text in lowered for text in _DROPPED
    ):
        return ConnectionLost(
            f"the connection to {where} was lost during the command ({reason}); the "
            "transaction was rolled back, nothing was written",
            hint="check that the database server is running and reachable, then run the "
            "command again",
        )
    if any(text in lowered for text in _NUL):
        return InvalidInput(
            f"a text value contains a NUL character (byte 0x00), which {where} cannot store: "
            f"{reason}; nothing was written",
            hint="remove the NUL bytes from the input (a binary file, or UTF-16 read as UTF-8?)",
        )
    return None


def disk_full(where: str, reason: str) -> DiskFull:
    return DiskFull(
        f"the disk is full while writing {where} ({reason}); the transaction was rolled back, "
        "nothing was written",
        hint="free some space on that disk (or choose another data_dir / db setting), then run "
        "the command again",
    )


def _sqlstate(exc: BaseException) -> str | None:
    original = getattr(exc, "orig", None)
    return getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)


def _holders(url: str) -> str:
    """Which processes have the SQLite file open, where Linux's /proc can tell; else a guess."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or not parsed.database:
        return "held by another connection"
    target = Path(parsed.database).expanduser().resolve()
    names = {str(target), f"{target}-wal", f"{target}-journal"}
    proc = Path("/proc")
    if not proc.is_dir():
        return "the process holding it cannot be named on this system"
    found: list[str] = []
    own = os.getpid()
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            descriptors = list((entry / "fd").iterdir())
        except OSError:  # gone, or another user's process
            continue
        if any(_link(fd) in names for fd in descriptors):
            pid = int(entry.name)
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
            except OSError:
                command = "?"
            label = "this process, another connection" if pid == own else command[:80]
            found.append(f"pid {pid}: {label}")
    if not found:
        return "no process visible to this user has the file open; it may run as another user"
    return "held by " + "; ".join(found)


def _link(path: Path) -> str | None:
    try:
        return os.readlink(path)
    except OSError:  # closed meanwhile (such as the descriptor that listed the folder)
        return None


__all__ = [
    "BUSY_TIMEOUT_MS",
    "ConnectionLost",
    "DatabaseLocked",
    "DiskFull",
    "disk_full",
    "translate",
]
