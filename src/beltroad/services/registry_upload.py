"""Bulk upload of registry entities from the web: the entity import of #7 behind a permission.

:func:`beltroad.services.registry_import.import_entities` is the operator's command (it takes
no actor). A web upload writes many records at once, in any country the file names, so it needs
the right to edit records on scope all; the dry run (the preview of rejected rows) needs the
same, since it reads the registry to resolve every reference.
"""

from __future__ import annotations

from pathlib import Path

from beltroad.entities import EntityKind
from beltroad.services.imports import ImportReport
from beltroad.services.permissions import Action, Actor, require_global
from beltroad.services.registry_import import import_entities
from beltroad.services.workspace import Workspace


def upload(
    workspace: Workspace, actor: Actor, kind: EntityKind, path: Path, *, dry_run: bool
) -> ImportReport:
    """Check (``dry_run``) or import one filled-in template as ``actor``. A commit with any
    rejected row writes nothing and raises :class:`~beltroad.services.imports.ImportRejected`
    carrying the report."""
    require_global(actor, Action.edit_record, what=f"bulk-upload {kind.value} records")
    return import_entities(workspace, kind, path, dry_run=dry_run, on_error="fail")
