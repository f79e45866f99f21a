"""The labels ``beltroad funnel`` lists: identifiers and titles of a few projects, by id.

The funnel's per-project facts come from the analytics snapshot (read in
:func:`beltroad.storage.facts.read_facts`); identifiers and titles, the only wide columns, are read
here and only for the few projects a report lists.
"""

from __future__ import annotations

from collections.abc import Sequence

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
