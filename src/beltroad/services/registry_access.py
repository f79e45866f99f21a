"""Scoped reads of the registry for the API: projects, countries, organisations, documents,
enterprises and zones, listed with filters and pagination or read one by one. Every read goes
through :mod:`beltroad.services.permissions`; a record outside the reader's scope looks exactly
like a missing one.

Creating and updating organisations, documents, enterprises and zones belongs to the registry
services (issue #11); projects are created and edited through :mod:`beltroad.services.workflow`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from beltroad.errors import BeltroadError, Conflict, InvalidInput
from beltroad.services.permissions import (
    Action,
    Actor,
    ReadScope,
    Target,
    allows,
    covers_all,
    not_found,
    read_scope,
    require,
)
from beltroad.services.workspace import Workspace
from beltroad.storage import registry_reads

MAX_PAGE = 500
ENTITY_NAMES = {
    "countries": "country",
    "organisations": "organisation",
    "documents": "document",
    "enterprises": "enterprise",
    "zones": "zone",
}


@dataclass(frozen=True)
class Page:
    total: int
    limit: int
    offset: int
    items: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "limit": self.limit,
            "offset": self.offset,
            "items": self.items,
        }


def check_page(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput.at(f"expected 1 to {MAX_PAGE}", field="limit", value=limit)
    if offset < 0:
        raise InvalidInput.at("expected 0 or more", field="offset", value=offset)


def project_target(connection: Connection, project: dict[str, Any]) -> Target:
    parents = registry_reads.unit_parents(connection)
    return Target(
        countries=frozenset(c["iso3"] for c in project.get("countries", [])),
        units=registry_reads.ancestors(parents, project.get("unit_id")),
        orgs=frozenset(project.get("orgs", [])),
    )


def identifier_clash(connection: Connection, actor: Actor, identifier: str) -> BeltroadError:
    """The refusal of a new project whose identifier is taken. Only a reader of the project
    that holds it learns that it exists (Conflict); anyone else gets the generic answer of bad
    input, the same for every record they may not read."""
    found = registry_reads.project(connection, identifier)
    if (
        found is not None
        and found["identifier"] == identifier
        and allows(actor, Action.read, project_target(connection, found))
    ):
        return Conflict(f"a project {identifier!r} already exists")
    return InvalidInput.at(
        "this identifier cannot be used (expected one not reserved); choose another",
        field="identifier",
        value=identifier,
    )


def unit_target(
    connection: Connection,
    unit_id: int | None,
    countries: frozenset[str] = frozenset(),
    *,
    parents: Mapping[int, int | None] | None = None,
) -> Target:
    """What a unit's records belong to: the unit and its ancestors, and their countries and
    organisations."""
    if parents is None:
        parents = registry_reads.unit_parents(connection)
    units = registry_reads.ancestors(parents, unit_id)
    unit_countries = set(countries)
    orgs: set[int] = set()
    if unit_id is not None:
        for row in registry_reads.units_info(connection, units):
            if row["country_iso3"]:
                unit_countries.add(row["country_iso3"])
            if row["organisation_id"]:
                orgs.add(int(row["organisation_id"]))
    return Target(countries=frozenset(unit_countries), units=units, orgs=frozenset(orgs))


def scoped_project(
    connection: Connection, actor: Actor, identifier: str, action: Action = Action.read
) -> tuple[dict[str, Any], Target]:
    """A project the actor may act on, or NotFound/PermissionDenied. An actor whose grant covers
    everything skips working out what the project belongs to (a round trip per read)."""
    found = registry_reads.project(connection, identifier)
    if found is None:
        raise not_found("project", identifier)
    if covers_all(actor, action):
        return found, Target()
    target = project_target(connection, found)
    require(actor, action, target, what="project", key=identifier)
    return found, target


def project_scope(connection: Connection, scope: ReadScope) -> Any:
    """A condition on projects for a read scope (None: everything)."""
    if scope.everything:
        return None
    units = registry_reads.subtree(registry_reads.unit_parents(connection), scope.unit_roots)
    return registry_reads.project_scope_clause(scope.countries, units, scope.orgs)


def list_projects(
    workspace: Workspace,
    actor: Actor,
    *,
    country: str | None = None,
    status: int | None = None,
    lifecycle_state: str | None = None,
    dataset: str | None = None,
    q: str | None = None,
    year: int | None = None,
    corridor: str | None = None,
    sort: str = "id",
    descending: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> Page:
    check_page(limit, offset)
    if sort not in registry_reads.PROJECT_SORTS:
        raise InvalidInput.at(
            f"expected one of {', '.join(registry_reads.PROJECT_SORTS)}", field="sort", value=sort
        )
    with workspace.reading() as connection:
        total, items = registry_reads.list_projects(
            connection,
            scope=project_scope(connection, read_scope(actor)),
            country=country.upper() if country else None,
            status=status,
            lifecycle_state=lifecycle_state,
            dataset=dataset,
            q=q,
            year=year,
            corridor=corridor,
            sort=sort,
            descending=descending,
            limit=limit,
            offset=offset,
        )
    return Page(total, limit, offset, items)


def read_project(workspace: Workspace, actor: Actor, identifier: str) -> dict[str, Any]:
    with workspace.reading() as connection:
        found, _ = scoped_project(connection, actor, identifier)
    return registry_reads.plain(found)


def list_entities(
    workspace: Workspace,
    actor: Actor,
    entity: str,
    *,
    country: str | None = None,
    q: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page:
    """Countries, organisations, documents, enterprises or zones within the reader's scope
    (a country-scoped reader sees its country's rows)."""
    check_page(limit, offset)
    scope = read_scope(actor)
    with workspace.reading() as connection:
        total, items = registry_reads.list_entities(
            connection,
            entity,
            countries=None if scope.everything else scope.countries,
            country=country.upper() if country else None,
            q=q,
            limit=limit,
            offset=offset,
        )
    return Page(total, limit, offset, items)


def read_entity(workspace: Workspace, actor: Actor, entity: str, key: str) -> dict[str, Any]:
    what = ENTITY_NAMES[entity]
    with workspace.reading() as connection:
        found = registry_reads.entity(connection, entity, key)
        if found is None:
            raise not_found(what, key)
        row, country = found
        if covers_all(actor, Action.read):
            return row
        target = Target(countries=frozenset({country}) if country else frozenset())
        require(actor, Action.read, target, what=what, key=key)
    return row
