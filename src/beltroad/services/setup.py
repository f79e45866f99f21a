"""``beltroad init``: create or upgrade the schema and load the reference facts."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from beltroad.progress import NULL_PROGRESS, Progress
from beltroad.services.users import ensure_local_admin
from beltroad.services.workspace import Workspace, open_workspace
from beltroad.settings import Settings
from beltroad.storage import database
from beltroad.storage.reference import load_reference_facts


@dataclass(frozen=True)
class InitReport:
    database: str
    revision_before: str | None
    revision_after: str
    reference: dict[str, int]

    @property
    def created(self) -> bool:
        return self.revision_before is None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"created": self.created}


def initialise(settings: Settings, *, progress: Progress = NULL_PROGRESS) -> InitReport:
    """Create or upgrade the schema, then (re)load reference facts. Safe to run again."""
    workspace = open_workspace(settings, require_schema=False)
    try:
        return initialise_workspace(workspace, progress=progress)
    finally:
        workspace.close()


def initialise_workspace(workspace: Workspace, *, progress: Progress = NULL_PROGRESS) -> InitReport:
    progress.start("migrating schema", total=2)
    before, after = database.migrate(workspace.engine)
    progress.advance()
    with workspace.writing() as connection:
        counts = load_reference_facts(connection)
        # The user the command line acts as (issue #15): audit rows name a real user.
        ensure_local_admin(connection, dt.datetime.now(dt.UTC))
    progress.advance()
    progress.finish()
    return InitReport(
        database=workspace.database_label,
        revision_before=before,
        revision_after=after,
        reference=asdict(counts),
    )
