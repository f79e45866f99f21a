"""The kinds of registry entity a template or an entity-table import names.

Kept apart from :mod:`beltroad.entities` so that the command line can offer them as choices
without importing the IATI code lists at start-up.
"""

from __future__ import annotations

from enum import StrEnum


class EntityKind(StrEnum):
    """What ``beltroad template KIND`` and ``import table --entity KIND`` accept."""

    ORGANISATION = "organisation"
    DOCUMENT = "document"
    ENTERPRISE = "enterprise"
    ZONE = "zone"
