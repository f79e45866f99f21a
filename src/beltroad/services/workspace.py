"""A workspace is the settings plus an open database: what every use case runs against."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine
from sqlalchemy.engine import make_url

from beltroad.errors import Conflict, NotFound, PermissionDenied, SchemaTooNew
from beltroad.settings import Settings
from beltroad.storage import database

if TYPE_CHECKING:
    from beltroad.analytics.snapshot import SnapshotMemory


@dataclass
class Workspace:
    settings: Settings
    engine: Engine
    #: The analytics snapshots this workspace has built or loaded (its cache, not the process's).
    snapshots: SnapshotMemory | None = field(default=None, compare=False, repr=False)

    @property
    def database_label(self) -> str:
        """The database URL with any password hidden."""
        return make_url(self.settings.database_url).render_as_string(hide_password=True)

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        with database.connect(self.engine) as connection:
            yield connection

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """One transaction: everything in the block lands, or nothing does."""
        with database.connect(self.engine) as connection:
            connection.execution_options(sqlite_immediate=True)
            with connection.begin():
                yield connection

    def close(self) -> None:
        self.engine.dispose()


def ensure_writable_dir(path: Path) -> Path:
    """Create ``path`` if needed and prove it is writable, or say what to do."""
    hint = "choose a writable data directory (setting data_dir, env BELTROAD_DATA_DIR)"
    try:
        database.owner_only_dir(path)
    except OSError as exc:
        raise PermissionDenied(
            f"cannot create the data directory {path}: {exc.strerror}", hint=hint
        ) from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise PermissionDenied(f"the data directory {path} is read-only", hint=hint)
    try:
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        raise PermissionDenied(
            f"the data directory {path} is not writable: {exc.strerror}", hint=hint
        ) from None
    return path


def open_workspace(settings: Settings, *, require_schema: bool = True) -> Workspace:
    """Open the configured database; by default insist that its schema is current."""
    if settings.db is None:
        ensure_writable_dir(settings.data_dir)
    engine = database.make_engine(settings.database_url)
    workspace = Workspace(settings=settings, engine=engine)
    if require_schema:
        check_schema(workspace)
    return workspace


def check_schema(workspace: Workspace) -> None:
    current = database.current_revision(workspace.engine)
    head = database.head_revision()
    if current == head:
        return
    if current is None:
        raise NotFound(
            f"the database {workspace.database_label} has no beltroad schema yet",
            hint="run `beltroad init` (or `beltroad demo`) first",
        )
    if current not in database.known_revisions():
        raise SchemaTooNew(
            f"the database {workspace.database_label} has schema revision {current}, "
            f"which this beltroad does not know (newest known: {head})",
            hint="upgrade beltroad (pip install -U beltroad) or point the db setting elsewhere",
        )
    raise Conflict(
        f"the database {workspace.database_label} is at schema revision {current}, "
        f"older than this beltroad's {head}",
        hint="run `beltroad init` to upgrade it",
    )
