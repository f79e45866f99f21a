"""Reads for overseas safety (issue #18 part 3): which unit owns each project."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, select

from beltroad.storage import models


def project_units(connection: Connection, identifiers: Sequence[str]) -> dict[str, int | None]:
    """identifier -> owning unit id (None where the project has no unit), for those that exist."""
    if not identifiers:
        return {}
    p = models.Project
    rows = connection.execute(
        select(p.identifier, p.unit_id).where(p.identifier.in_(sorted(set(identifiers))))
    )
    return {r.identifier: r.unit_id for r in rows}
