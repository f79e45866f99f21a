"""``beltroad data overlaps``: the same project in two datasets is counted once.

Links are recomputed in the transaction of every import (so no total ever sees an import without
its links) and on demand; an unchanged result writes nothing. See
:mod:`beltroad.engines.overlaps` for the rule.

>>> overlaps(workspace).as_dict()["set_aside"]  # doctest: +SKIP
{'aiddata-geogcdf3': 961}
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from beltroad.engines import overlaps as engine
from beltroad.engines.overlaps import Decision
from beltroad.errors import InvalidInput, NotFound
from beltroad.services.workspace import Workspace
from beltroad.settings import Settings
from beltroad.storage import overlaps as store

STATUSES = ("set_aside", "linked", "candidate", "rejected")


@dataclass(frozen=True)
class Refresh:
    links: int
    candidates: int
    set_aside: int
    compared_pairs: int
    changed: bool
    seconds: float


def refresh_in(connection: Connection, settings: Settings) -> Refresh:
    """Recompute every link and set-aside record inside the caller's transaction."""
    started = time.perf_counter()
    records = store.link_records(connection)
    linkage = engine.link(
        records, threshold=settings.overlap_threshold, reviews=store.reviews(connection)
    )
    set_aside = engine.resolve(linkage.links, settings.overlap_precedence)
    changed = store.replace_links(connection, linkage.links, set_aside)
    return Refresh(
        links=sum(1 for link in linkage.links if link.status == "linked"),
        candidates=sum(1 for link in linkage.links if link.status == "candidate"),
        set_aside=len(set_aside),
        compared_pairs=linkage.compared_pairs,
        changed=changed,
        seconds=round(time.perf_counter() - started, 3),
    )


def refresh_overlaps(workspace: Workspace) -> Refresh:
    """Recompute the links now (they are also recomputed by every import)."""
    with workspace.writing() as connection:
        return refresh_in(connection, workspace.settings)


def precedence_label(settings: Settings) -> str:
    """The precedence rule, as every output names it."""
    return engine.describe_precedence(settings.overlap_precedence)


@dataclass(frozen=True)
class SetAsideNote:
    """What de-duplication left out of a total: counts by dataset, and the rule."""

    by_dataset: dict[str, int]
    precedence: str

    @property
    def total(self) -> int:
        return sum(self.by_dataset.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "records": self.total,
            "by_dataset": self.by_dataset,
            "reason": "the same project in a dataset of higher precedence counts instead",
            "precedence": self.precedence,
        }

    def sentence(self) -> str:
        if not self.total:
            return f"no record set aside as a duplicate (precedence {self.precedence})"
        parts = ", ".join(f"{n:,} of {d}" for d, n in sorted(self.by_dataset.items()))
        return (
            f"{self.total:,} records set aside as the same project in a dataset of higher "
            f"precedence ({parts}); precedence {self.precedence}"
        )


def set_aside_note(workspace: Workspace, connection: Connection | None = None) -> SetAsideNote:
    """How many records the de-duplicated view leaves out, for analytics to state."""
    if connection is None:
        with workspace.reading() as reading:
            return set_aside_note(workspace, reading)
    return SetAsideNote(store.set_aside_counts(connection), precedence_label(workspace.settings))


@dataclass
class Overlaps:
    precedence: str
    threshold: float
    rows: list[dict[str, Any]]
    set_aside: dict[str, int]
    counts: dict[str, int]
    refreshed: Refresh | None = None
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "precedence": self.precedence,
            "candidate_threshold": self.threshold,
            "counts": self.counts,
            "set_aside": self.set_aside,
            "rows": self.rows,
            "notes": self.notes,
        }
        if self.refreshed is not None:
            out["refreshed"] = self.refreshed.__dict__
        return out


def _side(project: dict[str, Any]) -> dict[str, Any]:
    return {
        "dataset": project["dataset"],
        "identifier": project["identifier"],
        "year": project["commitment_year"],
        "amount_usd_constant": project["amount_usd_constant"],
        "base_year": project["amount_base_year"],
        "title": project["title"],
    }


def overlaps(
    workspace: Workspace,
    *,
    status: Sequence[str] = (),
    refresh: bool = False,
    limit: int | None = None,
) -> Overlaps:
    """The stored links, scores and set-aside records (``status`` filters; all by default)."""
    for wanted in status:
        if wanted not in STATUSES:
            raise InvalidInput.at(
                f"unknown status (expected one of {', '.join(STATUSES)})",
                field="status",
                value=wanted,
            )
    if limit is not None and limit < 1:
        raise InvalidInput.at("expected a positive number of rows", field="limit", value=limit)
    refreshed = refresh_overlaps(workspace) if refresh else None
    with workspace.reading() as connection:
        links = store.stored_links(connection)
        set_aside = store.set_aside_counts(connection)
    counts = {s: sum(1 for link in links if link.status == s) for s in STATUSES}
    chosen = [link for link in links if not status or link.status in status]
    rows = [
        {
            "status": link.status,
            "method": link.method,
            "score": link.score,
            "record": _side(link.project),
            "other": _side(link.other),
            "reason": link.reason,
            **({"components": link.details} if link.details else {}),
        }
        for link in chosen[:limit]
    ]
    notes = []
    if limit is not None and len(chosen) > limit:
        notes.append(f"{len(chosen) - limit:,} more rows not shown")
    if counts["candidate"]:
        notes.append(
            f"{counts['candidate']:,} candidate pairs await review: they are counted separately "
            "until accepted"
        )
    return Overlaps(
        precedence=precedence_label(workspace.settings),
        threshold=workspace.settings.overlap_threshold,
        rows=rows,
        set_aside=set_aside,
        counts=counts,
        refreshed=refreshed,
        notes=notes,
    )


def review(
    workspace: Workspace,
    first: str,
    second: str,
    decision: Decision,
    *,
    note: str | None = None,
) -> Refresh:
    """Accept (one project: the precedence rule picks the record that counts) or reject (two
    projects) a pair of records, named by their identifiers; the links are recomputed."""
    if decision not in ("accept", "reject"):
        raise InvalidInput.at("expected accept or reject", field="decision", value=decision)
    if first == second:
        raise InvalidInput.at("a record cannot be paired with itself", field="second", value=second)
    with workspace.writing() as connection:
        found = store.project_ids(connection, [first, second])
        for name, identifier in (("first", first), ("second", second)):
            if identifier not in found:
                raise NotFound(
                    f"{name}: no project with identifier {identifier!r}",
                    hint="identifiers are listed by the overlaps listing",
                )
        store.save_review(connection, first, second, decision, note)
        return refresh_in(connection, workspace.settings)
