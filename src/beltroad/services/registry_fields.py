"""Registry entities from text: ``beltroad registry add/update``'s FIELD=VALUE pairs parsed as a
template cell would be, and the one error naming every field at fault."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from beltroad.engines.closest import closest, suggestion
from beltroad.entities import COLUMNS, Entity, EntityKind, entity_field, problems
from beltroad.errors import FieldProblem, InvalidInput
from beltroad.ingest.base import ValueProblem
from beltroad.ingest.entity_rows import PARSERS, parse_entity

Problem = tuple[str, Any, str]


def rejected(kind: EntityKind, found: Sequence[Problem]) -> InvalidInput:
    """One error naming every field at fault."""
    listed = tuple(FieldProblem(reason=r, field=f, value=v) for f, v, r in found)
    first = listed[0]
    more = f" (and {len(listed) - 1} more)" if len(listed) > 1 else ""
    return InvalidInput(f"{kind.value} rejected: {first.describe()}{more}", problems=listed)


def parse_fields(kind: EntityKind, values: Mapping[str, str]) -> dict[str, Any]:
    """Typed entity fields from text (``beltroad registry add/update``'s FIELD=VALUE pairs),
    parsed as a template cell would be. Raises InvalidInput naming each bad field."""
    columns = {c.field for c in COLUMNS[kind]}
    unknown = sorted(set(values) - columns)
    if unknown:
        near = closest(unknown[0], {c: c for c in columns})
        raise InvalidInput.at(
            f"unknown field{suggestion(near)}", field=unknown[0], value=values[unknown[0]]
        )
    out: dict[str, Any] = {}
    found: list[Problem] = []
    for column in COLUMNS[kind]:
        if column.field in values:
            try:
                out[entity_field(column.field)] = PARSERS[column.parse](values[column.field])
            except ValueProblem as exc:
                found.append((column.field, values[column.field], str(exc)))
    if found:
        raise rejected(kind, found)
    if kind is EntityKind.DOCUMENT:
        for name in ("countries", "organisations"):
            if name in out and out[name] is None:
                out[name] = ()
    return out


def build(kind: EntityKind, values: Mapping[str, str]) -> Entity:
    """A new entity from FIELD=VALUE texts; raises InvalidInput naming the fields at fault."""
    entity, errors = parse_entity(kind, values)
    if entity is None:
        raise rejected(kind, [(e.field or "", e.value, e.reason) for e in errors])
    found = problems(entity)
    if found:
        raise rejected(kind, found)
    return entity
