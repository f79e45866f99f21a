"""Create, update, delete and list the registry's own entities: organisations, cooperation
documents, overseas enterprises and cooperation zones.

Every entity is checked on its own (:func:`beltroad.entities.problems`) and against the registry:
a country, organisation or zone it names must resolve, or it is rejected with the closest
matches. Errors name the field at fault. The CLI (``beltroad registry``) and the entity import
(:mod:`beltroad.services.registry_import`) both go through here; so will the API and web.

>>> created = create(workspace, ZoneEntity(source_id="Z1", name="Zone", host_country="KHM"))
... # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from beltroad.engines.closest import closest, suggestion
from beltroad.entities import (
    PROVINCES,
    DocumentEntity,
    EnterpriseEntity,
    Entity,
    EntityKind,
    OrganisationEntity,
    ZoneEntity,
    kind_of,
    problems,
    province,
)
from beltroad.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from beltroad.reference.countries import load_countries, resolve_country
from beltroad.reference.iati import DocumentCategory
from beltroad.services import audit_log
from beltroad.services.permissions import (
    Action,
    Actor,
    Target,
    allows,
    not_found,
    require,
    who_can,
)
from beltroad.services.registry_fields import Problem, build, parse_fields, rejected
from beltroad.services.registry_rows import entity_of as _entity
from beltroad.services.workspace import Workspace
from beltroad.storage import registry as store
from beltroad.storage.registry import OrgEntry, ZoneEntry

MANUAL_DATASET = "manual"
MOU_CATEGORY = DocumentCategory.MEMORANDUM_OF_UNDERSTANDING_IF_AGREED_BY_ALL_PARTIES.code

__all__ = ["build", "parse_fields", "rejected"]  # kept here for the CLI and the importer


def org_key(name: str, ref: str | None) -> str:
    """How organisations are matched (as :class:`beltroad.records.OrgRef` does)."""
    return ref or "name:" + " ".join(name.lower().split())


class Resolver:
    """Countries, organisations and zones by the names and codes people write.

    Built once per import from the registry; organisations and zones of the file being imported
    are added as they are read, so a row may name one defined above it.
    """

    def __init__(self, orgs: Sequence[OrgEntry], zones: Sequence[ZoneEntry]) -> None:
        self._orgs: dict[str, int] = {}
        self._org_labels: dict[str, str] = {}
        for org in orgs:
            self.add_org(org.id, org.name, org.ref)
        self._zones: dict[str, list[int]] = {}
        self._zone_labels: dict[str, str] = {}
        for zone in zones:
            self.add_zone(zone.id, zone.name, zone.source_record_id)
        self._countries: dict[str, str] | None = None

    def add_org(self, id_: int, name: str, ref: str | None) -> None:
        self._orgs.setdefault(org_key(name, None), id_)
        if ref:
            self._orgs.setdefault(ref.casefold(), id_)
        self._org_labels[ref or name] = name

    def add_zone(self, id_: int, name: str, source_id: str | None) -> None:
        for key in {name.casefold(), (source_id or "").casefold()} - {""}:
            ids = self._zones.setdefault(key, [])
            if id_ not in ids:
                ids.append(id_)
        self._zone_labels[source_id or name] = name

    def country(self, field: str, value: str) -> str | Problem:
        try:
            return resolve_country(value).iso3
        except LookupError:
            if self._countries is None:
                self._countries = {c.iso3: c.name_en for c in load_countries()}
            near = closest(value, self._countries)
            return (
                field,
                value,
                "unknown country (expected an ISO 3166 code or exact country "
                f"name){suggestion(near)}",
            )

    def organisation(self, field: str, value: str) -> int | Problem:
        found = self._orgs.get(value.casefold()) or self._orgs.get(org_key(value, None))
        if found is not None:
            return found
        near = closest(value, self._org_labels)
        return (
            field,
            value,
            "no such organisation in the registry (expected the IATI ref or "
            f"exact name of one; import organisations first){suggestion(near)}",
        )

    def zone(self, field: str, value: str) -> int | Problem:
        ids = self._zones.get(value.casefold(), [])
        if len(ids) == 1:
            return ids[0]
        if ids:
            return (
                field,
                value,
                f"{len(ids)} zones have this name (expected a zone's source_id, which is unique)",
            )
        near = closest(value, self._zone_labels)
        return (
            field,
            value,
            "no such cooperation zone in the registry (expected the source_id "
            f"or exact name of one){suggestion(near)}",
        )


def load_resolver(connection: Connection) -> Resolver:
    return Resolver(store.organisations(connection), store.zones(connection))


@dataclass(frozen=True)
class Resolved:
    """An entity as rows: its own and, for a document, its parties."""

    kind: EntityKind
    row: dict[str, Any]
    parties: tuple[tuple[str | None, int | None], ...] = ()
    parent: str | None = None  # an organisation's parent, resolved after the file's own orgs


def _money(
    amount: float | None, currency: str | None, base_year: int | None
) -> tuple[float | None, float | None, float | None]:
    """(original, nominal USD, constant USD) of an amount as reported: never converted here."""
    if amount is None:
        return None, None, None
    usd = currency == "USD"
    return (
        amount,
        amount if usd and base_year is None else None,
        amount if usd and base_year else None,
    )


def resolve(
    entity: Entity, resolver: Resolver, *, dataset: str
) -> tuple[Resolved | None, list[Problem]]:
    """The rows of a checked entity, or every reference that did not resolve."""
    out: list[Problem] = list(problems(entity))
    kind = kind_of(entity)
    refs: dict[str, Any] = {}

    def ref(field: str, value: str | None, how: Any) -> None:
        if value is None:
            refs[field] = None
            return
        got = how(field, value)
        if isinstance(got, tuple):
            out.append(got)
        else:
            refs[field] = got

    base = {"dataset": dataset, "is_synthetic": False}
    if isinstance(entity, OrganisationEntity):
        ref("country", entity.country, resolver.country)
        if out:
            return None, out
        row = {
            "key": org_key(entity.name, entity.ref),
            "ref": entity.ref,
            "name": entity.name[:256],
            "name_zh": entity.name_zh,
            "org_type": entity.org_type,
            "country_iso3": refs["country"],
            "is_international": entity.international,
            **base,
        }
        return Resolved(kind, row, parent=entity.parent), []
    if isinstance(entity, DocumentEntity):
        countries = [resolver.country("countries", c) for c in entity.countries]
        orgs = [resolver.organisation("organisations", o) for o in entity.organisations]
        out += [c for c in countries if isinstance(c, tuple)]
        out += [o for o in orgs if isinstance(o, tuple)]
        if out:
            return None, out
        members: list[tuple[str | None, int | None]] = [(str(c), None) for c in countries]
        members += [(None, o) for o in orgs if isinstance(o, int)]
        parties = tuple(dict.fromkeys(members))
        row = {
            "title": entity.title,
            "doc_type": entity.doc_type,
            "iati_category": MOU_CATEGORY if entity.doc_type == "mou" else None,
            "signed_on": entity.signed_on,
            "expires_on": entity.expires_on,
            "status": entity.status,
            "scope": entity.scope,
            "source": entity.source,
            "source_record_id": entity.source_id,
            **base,
        }
        return Resolved(kind, row, parties), []
    if isinstance(entity, EnterpriseEntity):
        ref("host_country", entity.host_country, resolver.country)
        ref("parent", entity.parent, resolver.organisation)
        ref("zone", entity.zone, resolver.zone)
        home = None
        if entity.home_province is not None:
            home = province(entity.home_province)
            if home is None:
                near = closest(entity.home_province, {k: k for k in PROVINCES})
                out.append(
                    (
                        "home_province",
                        entity.home_province,
                        "not a Chinese province-level division (expected e.g. Jiangsu or "
                        f"江苏){suggestion(near)}",
                    )
                )
        if out:
            return None, out
        original, nominal, constant = _money(
            entity.stock, entity.stock_currency, entity.stock_base_year
        )
        row = {
            "name": entity.name[:256],
            "host_iso3": refs["host_country"],
            "home_province": home,
            "sector_code": entity.sector,
            "parent_org_id": refs["parent"],
            "zone_id": refs["zone"],
            "established_on": entity.established_on,
            "closed_on": entity.closed_on,
            "stock_currency": entity.stock_currency,
            "stock_original": original,
            "stock_usd_nominal": nominal,
            "stock_usd_constant": constant,
            "stock_base_year": entity.stock_base_year if entity.stock is not None else None,
            "employees_total": entity.employees,
            "employees_local": entity.employees_local,
            "lat": entity.lat,
            "lon": entity.lon,
            "source_record_id": entity.source_id,
            **base,
        }
        return Resolved(kind, row), []
    assert isinstance(entity, ZoneEntity)
    ref("host_country", entity.host_country, resolver.country)
    ref("developer", entity.developer, resolver.organisation)
    if out:
        return None, out
    original, nominal, constant = _money(
        entity.investment, entity.investment_currency, entity.investment_base_year
    )
    row = {
        "name": entity.name[:256],
        "name_zh": entity.name_zh,
        "host_iso3": refs["host_country"],
        "developer_org_id": refs["developer"],
        "established_year": entity.established_year,
        "area_km2": entity.area_km2,
        "investment_currency": entity.investment_currency,
        "investment_original": original,
        "investment_usd": nominal,
        "investment_usd_constant": constant,
        "investment_base_year": entity.investment_base_year
        if entity.investment is not None
        else None,
        "enterprises_hosted": entity.enterprises,
        "jobs_total": entity.jobs,
        "jobs_local": entity.jobs_local,
        "lat": entity.lat,
        "lon": entity.lon,
        "source_record_id": entity.source_id,
        **base,
    }
    return Resolved(kind, row), []


# --- create, update, delete, list ----------------------------------------------------------------


def _write_one(
    connection: Connection,
    resolved: Resolved,
    resolver: Resolver,
    id_: int | None,
    *,
    expected_version: int | None = None,
) -> int:
    row = dict(resolved.row)
    kind = resolved.kind
    if kind is EntityKind.ORGANISATION and resolved.parent is not None:
        parent = resolver.organisation("parent", resolved.parent)
        if isinstance(parent, tuple):
            raise rejected(kind, [parent])
        if parent == id_:
            raise rejected(
                kind, [("parent", resolved.parent, "an organisation cannot be its own parent")]
            )
        row["parent_id"] = parent
    if id_ is None:
        new_id = store.insert_one(connection, kind.value, row)
    else:
        # an update keeps the record's provenance: it was imported from, or entered as, that
        for name in ("dataset", "is_synthetic"):
            row.pop(name, None)
        if not store.update_one(
            connection, kind.value, id_, row, expected_version=expected_version
        ):
            current = store.get(connection, kind.value, id_)
            now = int(current["version"]) if current else None
            raise audit_log.stale(connection, kind.value, id_, expected_version, now)
        new_id = id_
    if kind is EntityKind.DOCUMENT:
        store.set_parties(connection, new_id, resolved.parties)
    return new_id


def _target(resolved: Resolved, id_: int | None) -> Target:
    """What a record belongs to, for the permission check: its countries and organisations
    (an organisation belongs to itself, so an org-scoped user may edit their own)."""
    row = resolved.row
    countries = {row.get("country_iso3"), row.get("host_iso3")}
    countries |= {c for c, _ in resolved.parties}
    orgs = {row.get("parent_org_id"), row.get("developer_org_id")}
    if resolved.kind is EntityKind.ORGANISATION:
        orgs.add(id_)
    orgs |= {o for _, o in resolved.parties}
    return Target(
        countries=frozenset(c for c in countries if c),
        orgs=frozenset(o for o in orgs if o is not None),
    )


def _plain(entity: Entity) -> dict[str, Any]:
    """An entity as the audit log stores it (tuples as lists)."""
    return {
        k: list(v) if isinstance(v, tuple) else v for k, v in dataclasses.asdict(entity).items()
    }


def create(
    workspace: Workspace, actor: Actor, entity: Entity, *, dataset: str = MANUAL_DATASET
) -> int:
    """Store a new entity as ``actor`` (who must be allowed to edit records in its countries or
    organisations), with its audit event; returns its id. Raises InvalidInput naming the fields
    at fault, PermissionDenied outside the actor's scope, or Conflict when a record with the
    same key (organisation ref or name; source_id in the dataset) exists."""
    kind = kind_of(entity)
    with workspace.writing() as connection:
        resolver = load_resolver(connection)
        resolved, found = resolve(entity, resolver, dataset=dataset)
        if resolved is None:
            raise rejected(kind, found)
        # a new record has nothing to hide, so an out-of-scope create is refused openly
        if not allows(actor, Action.edit_record, _target(resolved, None)):
            raise PermissionDenied(
                f"{actor.login} may not create this {kind.value}",
                hint=f"this needs the role {who_can(Action.edit_record)} with a scope that "
                "covers its countries or organisations",
            )
        if kind is EntityKind.ORGANISATION:
            key = resolved.row["key"]
            for org in store.organisations(connection):
                if org.key == key:
                    _refuse_clash(connection, actor, kind, org.id, "ref", entity)
                    raise Conflict(f"an organisation with key {key!r} exists (update it instead)")
        else:
            source_id = resolved.row["source_record_id"]
            taken = store.ids_by_source(connection, kind.value, dataset, [source_id])
            for held_by in taken.values():
                _refuse_clash(connection, actor, kind, held_by, "source_id", entity)
                raise Conflict(
                    f"a {kind.value} with source_id {source_id!r} exists in dataset "
                    f"{dataset!r} (update it instead)"
                )
        new_id = _write_one(connection, resolved, resolver, None)
        audit_log.record(connection, actor, "create", kind.value, new_id, None, _plain(entity))
        return new_id


def _refuse_clash(
    connection: Connection, actor: Actor, kind: EntityKind, id_: int, field: str, entity: Entity
) -> None:
    """A new record's key is taken by one the actor may not read: refuse it as bad input
    without saying that the record exists (the clash inside the scope is a plain Conflict)."""
    try:
        _scoped(connection, actor, kind, id_, Action.read)
    except NotFound:
        value = getattr(entity, field, None) or getattr(entity, "name", None)
        raise InvalidInput.at(
            "this identifier cannot be used (expected one not reserved); choose another",
            field=field,
            value=value,
        ) from None


def _scoped(
    connection: Connection, actor: Actor, kind: EntityKind, id_: int, action: Action
) -> tuple[Mapping[str, Any], Entity]:
    """A stored record the actor may act on; one outside the read scope looks missing."""
    row = store.get(connection, kind.value, id_)
    if row is None:
        # the very words of a record outside the scope, so a denial reveals nothing
        raise not_found(kind.value, id_)
    entity = _entity(connection, kind, row)
    resolved, _ = resolve(entity, load_resolver(connection), dataset=row["dataset"])
    if resolved is not None:
        target = _target(resolved, id_)
    else:
        # a record whose references no longer resolve: scope it by its stored columns
        target = Target(
            countries=frozenset(c for c in (row.get("country_iso3"), row.get("host_iso3")) if c),
            orgs=frozenset({id_}) if kind is EntityKind.ORGANISATION else frozenset(),
        )
    require(actor, action, target, what=kind.value, key=id_)
    return row, entity


def get(workspace: Workspace, actor: Actor, kind: EntityKind, id_: int) -> Entity:
    """The stored record as an entity (references as their ref or name)."""
    with workspace.reading() as connection:
        return _scoped(connection, actor, kind, id_, Action.read)[1]


def update(
    workspace: Workspace,
    actor: Actor,
    kind: EntityKind,
    id_: int,
    changes: Mapping[str, Any],
    *,
    expected_version: int | None = None,
) -> Entity:
    """Change some fields of a stored record (``changes``: entity field -> typed value) as
    ``actor``; the whole record is checked again, and the actor must be allowed to edit it both
    as it was and as it becomes (nobody moves a record out of, or into, another's scope).

    ``expected_version`` is the version the editor read: when somebody changed the record
    since, the edit is refused (Conflict naming both versions and, when the audit log knows,
    who changed it and when) instead of silently overwriting theirs. Without it the edit
    applies to the version read here (the CLI reads and writes in one step).
    Returns the record as stored."""
    with workspace.writing() as connection:
        row, current = _scoped(connection, actor, kind, id_, Action.edit_record)
        read_version = int(row["version"])
        if expected_version is not None and expected_version != read_version:
            raise audit_log.stale(connection, kind.value, id_, expected_version, read_version)
        names = {f.name for f in dataclasses.fields(current)}
        unknown = sorted(set(changes) - names)
        if unknown:
            raise InvalidInput.at(
                f"unknown field (expected one of {', '.join(sorted(names))})",
                field=unknown[0],
                value=changes[unknown[0]],
            )
        entity = dataclasses.replace(current, **changes)
        resolver = load_resolver(connection)
        resolved, found = resolve(entity, resolver, dataset=row["dataset"])
        if resolved is None:
            raise rejected(kind, found)
        if not allows(actor, Action.edit_record, _target(resolved, id_)):
            raise PermissionDenied(
                f"{actor.login} may not move {kind.value} {id_} outside their scope",
                hint="its countries and organisations must stay within a scope you edit",
            )
        _write_one(connection, resolved, resolver, id_, expected_version=read_version)
        before, after = audit_log.changed(_plain(current), _plain(entity))
        audit_log.record(connection, actor, "update", kind.value, id_, before, after)
        return entity


def delete(workspace: Workspace, actor: Actor, kind: EntityKind, id_: int) -> None:
    """Remove a record as ``actor``, with its audit event (the record as it was); refused
    (Conflict) while other records point at it."""
    with workspace.writing() as connection:
        _, current = _scoped(connection, actor, kind, id_, Action.edit_record)
        found = store.references(connection, kind.value, id_)
        if found:
            listed = ", ".join(f"{n} {what}" for what, n in found.items())
            raise Conflict(
                f"{kind.value} {id_} is referred to by {listed}; delete or change those first"
            )
        store.delete_one(connection, kind.value, id_)
        audit_log.record(connection, actor, "delete", kind.value, id_, _plain(current), None)


def list_entities(
    workspace: Workspace,
    kind: EntityKind,
    *,
    dataset: str | None = None,
    limit: int | None = None,
    ids: Sequence[int] | None = None,
) -> list[dict[str, Any]]:
    """Stored records of ``kind`` as flat rows: id, dataset, then the entity's fields."""
    with workspace.reading() as connection:
        rows = store.list_rows(connection, kind.value, dataset=dataset, limit=limit, ids=ids)
        out = []
        for row in rows:
            entity = _entity(connection, kind, row)
            flat = {"id": row["id"], "dataset": row["dataset"]}
            for name, value in dataclasses.asdict(entity).items():
                flat[name] = "; ".join(value) if isinstance(value, tuple) else value
            flat["version"] = row["version"]  # what an editor sends back (optimistic locking)
            out.append(flat)
        return out
