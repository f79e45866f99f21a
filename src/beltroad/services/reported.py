"""Reported statistics: the dated series of official figures the headline shows and reconciles.

A figure is kept as published: value, qualifier ("over 150"), unit, the date it describes, its
source and the date the source published it, and its scope where it covers something other than
the headline figure of the same key (a figure with a scope joins the series, never the
reconciliation).

>>> add_statistic(workspace, ReportedFact("zone_local_jobs", "Local jobs", 421_000, "exact",
...     "jobs", date(2022, 12, 31), "Xinhua, 24 Aug 2023", date(2023, 8, 24)))  # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from beltroad.engines.headline import QUALIFIERS
from beltroad.errors import Conflict, FieldProblem, InvalidInput, NotFound
from beltroad.reference.reported import ReportedFact
from beltroad.services.workspace import Workspace
from beltroad.storage import headline as queries
from beltroad.storage import registry as store

_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


def check(fact: ReportedFact) -> list[FieldProblem]:
    """What is wrong with a figure before it is stored (each problem names its field)."""
    found: list[FieldProblem] = []

    def bad(field: str, value: Any, reason: str) -> None:
        found.append(FieldProblem(reason=reason, field=field, value=value))

    if not _KEY.match(fact.key):
        bad("key", fact.key, "expected lower-case letters, digits and _ (e.g. zone_local_jobs)")
    if fact.qualifier not in QUALIFIERS:
        bad("qualifier", fact.qualifier, f"expected one of {', '.join(QUALIFIERS)}")
    if fact.value != fact.value or fact.value < 0:
        bad("value", fact.value, "expected a number >= 0")
    for name in ("label", "unit", "source"):
        if not str(getattr(fact, name) or "").strip():
            bad(name, getattr(fact, name), f"{name} missing (every figure names its {name})")
    if fact.as_of > fact.source_date:
        bad(
            "as_of",
            fact.as_of.isoformat(),
            "after the date the source was published "
            f"({fact.source_date.isoformat()}); a figure cannot describe a later date",
        )
    return found


def add_statistic(workspace: Workspace, fact: ReportedFact) -> None:
    """Store a reported figure. Raises InvalidInput naming the fields at fault, or Conflict when
    the same key, date and source is already stored."""
    found = check(fact)
    if found:
        raise InvalidInput(
            f"reported statistic rejected: {found[0].describe()}"
            + (f" (and {len(found) - 1} more)" if len(found) > 1 else ""),
            problems=tuple(found),
        )
    with workspace.writing() as connection:
        if not store.add_reported(connection, dataclasses.asdict(fact)):
            raise Conflict(
                f"{fact.key} as of {fact.as_of.isoformat()} from {fact.source!r} is already stored"
            )


def list_statistics(workspace: Workspace, key: str | None = None) -> list[dict[str, Any]]:
    """The stored figures (of one key, or all), by key and date."""
    with workspace.reading() as connection:
        rows = queries.series(connection)
    return [r for r in rows if key is None or r["key"] == key]


def delete_statistic(workspace: Workspace, id_: int) -> None:
    with workspace.writing() as connection:
        if not store.delete_reported(connection, id_):
            raise NotFound(f"no reported statistic with id {id_}")
