"""``beltroad data quality``: the quality flags of imported records, by dataset and kind.

A published record whose values are readable but inconsistent is imported as published and
flagged (see :mod:`beltroad.services.imports`); this lists the flags with the records behind
each: identifier, title, the source field, the value as given and the reason naming every
value involved.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from beltroad.errors import NotFound
from beltroad.services.workspace import Workspace
from beltroad.storage import inventory, quality


@dataclass
class FlagGroup:
    """The flags of one kind in one dataset, and how many records carry them."""

    dataset: str
    kind: str
    flags: list[dict[str, Any]] = field(default_factory=list)

    @property
    def records(self) -> int:
        return len({(f["record_type"], f["record_id"]) for f in self.flags})

    def rows(self) -> list[dict[str, Any]]:
        """One row per flag: the record behind it and the values involved."""
        return [
            {
                "code": f["code"],
                "identifier": f["record_id"],
                "title": f["title"],
                "row": f["row"],
                "field": f["field"],
                "value": f["value"],
                "reason": f["reason"],
            }
            for f in self.flags
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "kind": self.kind,
            "records": self.records,
            "flags": self.flags,
        }


@dataclass
class QualityListing:
    groups: list[FlagGroup]
    dataset: str | None = None
    kind: str | None = None

    @property
    def records(self) -> int:
        return len(
            {(g.dataset, f["record_type"], f["record_id"]) for g in self.groups for f in g.flags}
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "kind": self.kind,
            "flagged_records": self.records,
            "groups": [g.as_dict() for g in self.groups],
        }

    def summary_rows(self) -> list[dict[str, Any]]:
        return [
            {"dataset": g.dataset, "kind": g.kind, "records": g.records, "flags": len(g.flags)}
            for g in self.groups
        ]

    def flag_rows(self) -> list[dict[str, Any]]:
        """Every flag as one row, with its dataset and kind (CSV)."""
        return [
            {"dataset": g.dataset, "kind": g.kind, **row} for g in self.groups for row in g.rows()
        ]


def quality_flags(
    workspace: Workspace, *, dataset: str | None = None, kind: str | None = None
) -> QualityListing:
    """The stored flags, grouped by dataset and kind, optionally of one dataset and one kind.

    A dataset that is loaded but has no flags gives an empty listing; a dataset name the registry
    does not know is NotFound, with the closest names (most often a typo).
    """
    with workspace.reading() as connection:
        rows = quality.list_flags(connection, dataset=dataset, kind=kind)
        names = [d.name for d in inventory.datasets(connection)] if dataset and not rows else []
    if dataset and not rows and dataset not in names:
        close = difflib.get_close_matches(dataset, names, n=3)
        raise NotFound(
            f"dataset: no dataset {dataset!r} in the registry"
            + (f" (closest: {', '.join(close)})" if close else ""),
            hint="the loaded datasets are listed by `beltroad summary`",
        )
    groups: dict[tuple[str, str], FlagGroup] = {}
    for row in rows:
        key = (row["dataset"], row["kind"])
        group = groups.get(key)
        if group is None:
            group = groups[key] = FlagGroup(row["dataset"], row["kind"])
        group.flags.append({k: v for k, v in row.items() if k not in ("dataset", "kind")})
    return QualityListing(list(groups.values()), dataset=dataset, kind=kind)
