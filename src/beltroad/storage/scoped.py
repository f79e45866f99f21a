"""Which projects a read scope covers, by id and identifier: what the scoped views of the
#17 assessments (green classes, integrity flags, benefit balance) filter on."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from beltroad.storage import models


def project_identifiers(connection: Connection, clause: Any | None) -> dict[int, str]:
    """id -> identifier of the projects matching ``clause`` (None: every project)."""
    p = models.Project
    query = select(p.id, p.identifier)
    if clause is not None:
        query = query.where(clause)
    return {int(r.id): str(r.identifier) for r in connection.execute(query)}
