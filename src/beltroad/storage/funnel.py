"""The labels ``beltroad funnel`` lists: identifiers and titles of a few projects, by id.

The funnel's per-project facts come from the analytics snapshot (read in
:func:`beltroad.storage.facts.read_facts`); identifiers and titles, the only wide columns, are read
here and only for the few projects a report lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import Connection, select

from beltroad.storage import models

_LABEL_BATCH = 500  # ids per ``IN (...)``, well under every back end's parameter limit


def project_labels(connection: Connection, keys: Sequence[int]) -> dict[int, tuple[str, str]]:
    """Identifier and title of the projects with these ids."""
    p = models.Project
    labels: dict[int, tuple[str, str]] = {}
    unique = sorted(set(keys))
    for start in range(0, len(unique), _LABEL_BATCH):
        batch = unique[start : start + _LABEL_BATCH]
        rows = connection.execute(select(p.id, p.identifier, p.title).where(p.id.in_(batch)))
        labels.update((key, (identifier, title)) for key, identifier, title in rows)
    return labels


def milestone_dates(
    connection: Connection,
) -> tuple[list[int], list[date | None], list[date | None]]:
    """Project id, planned and actual date of every milestone that has both (plan against
    actual, issue #15)."""
    m = models.Milestone
    rows = connection.execute(
        select(m.project_id, m.planned_on, m.actual_on)
        .where(m.planned_on.is_not(None), m.actual_on.is_not(None))
        .order_by(m.id)
    ).all()
    return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]
