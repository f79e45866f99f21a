"""Optimistic locking on the registry's own entities (issue #15 part 9, migration 0012_gaps):
the second of two editors gets a conflict naming the record, both versions and who changed it;
bulk imports bump the version; per role, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from beltroad.entities import EntityKind, OrganisationEntity, ZoneEntity
from beltroad.errors import Conflict, NotFound, PermissionDenied
from beltroad.services import registry
from beltroad.services.permissions import Role
from beltroad.services.registry_import import import_entities
from beltroad.services.workspace import Workspace
from tests.services.coordination_world import World, build


@pytest.fixture
def world(workspace: Workspace) -> World:
    return build(workspace)


def _version(workspace: Workspace, kind: EntityKind, id_: int) -> int:
    [row] = registry.list_entities(workspace, kind, ids=[id_])
    return int(row["version"])


def _zone(workspace: Workspace, world: World, source_id: str = "Z1", country: str = "PAK") -> int:
    entity = ZoneEntity(source_id=source_id, name=f"Zone {source_id}", host_country=country)
    return registry.create(workspace, world.admin, entity)


def test_the_second_of_two_editors_gets_a_conflict(workspace: Workspace, world: World) -> None:
    zone = _zone(workspace, world)
    assert _version(workspace, EntityKind.ZONE, zone) == 1
    partner, planner = world.actors[Role.partner], world.actors[Role.planner]
    # both read version 1; the partner saves first
    registry.update(workspace, partner, EntityKind.ZONE, zone, {"jobs": 10}, expected_version=1)
    assert _version(workspace, EntityKind.ZONE, zone) == 2
    with pytest.raises(Conflict) as caught:
        registry.update(workspace, planner, EntityKind.ZONE, zone, {"jobs": 99}, expected_version=1)
    message = str(caught.value)
    assert f"zone {zone} was changed by someone else" in message
    assert "you had version 1, it is now 2" in message
    assert "last changed by partner at 20" in message
    stored = registry.get(workspace, planner, EntityKind.ZONE, zone)
    assert isinstance(stored, ZoneEntity)
    assert stored.jobs == 10  # never a silent overwrite
    # with the version it read again, the planner's edit goes through
    registry.update(workspace, planner, EntityKind.ZONE, zone, {"jobs": 99}, expected_version=2)
    assert _version(workspace, EntityKind.ZONE, zone) == 3


@pytest.mark.parametrize("role", list(Role))
def test_scope_and_role_come_before_the_version(
    workspace: Workspace, world: World, role: Role
) -> None:
    """A stale version on a record outside the reader's scope still looks missing: the
    conflict must not reveal that the record exists or how often it changed."""
    inside, outside = _zone(workspace, world, "ZP", "PAK"), _zone(workspace, world, "ZA", "AFG")
    actor = world.actors[role]
    if role in (Role.admin, Role.planner):
        with pytest.raises(Conflict, match="you had version 7, it is now 1"):
            registry.update(
                workspace, actor, EntityKind.ZONE, outside, {"jobs": 1}, expected_version=7
            )
        return
    with pytest.raises(NotFound, match="outside your scope"):
        registry.update(workspace, actor, EntityKind.ZONE, outside, {"jobs": 1}, expected_version=7)
    if role is Role.partner:
        with pytest.raises(Conflict, match="it is now 1"):
            registry.update(
                workspace, actor, EntityKind.ZONE, inside, {"jobs": 1}, expected_version=7
            )
        registry.update(workspace, actor, EntityKind.ZONE, inside, {"jobs": 1}, expected_version=1)
        assert _version(workspace, EntityKind.ZONE, inside) == 2
    elif role is Role.viewer:
        with pytest.raises(PermissionDenied):
            registry.update(
                workspace, actor, EntityKind.ZONE, inside, {"jobs": 1}, expected_version=1
            )
    else:  # a coordinator is scoped to a unit: zones are not in it
        with pytest.raises(NotFound):
            registry.update(
                workspace, actor, EntityKind.ZONE, inside, {"jobs": 1}, expected_version=1
            )
    assert _version(workspace, EntityKind.ZONE, outside) == 1


def test_bulk_imports_bump_the_version_of_what_they_change(
    workspace: Workspace, world: World, tmp_path: Path
) -> None:
    zones = tmp_path / "zones.csv"
    zones.write_text(
        "source_id,name,host_country,jobs\nZ1,Zone one,PAK,100\nZ2,Zone two,PAK,5\n",
        encoding="utf-8",
    )
    import_entities(workspace, EntityKind.ZONE, zones)
    ids = {r["source_id"]: r["id"] for r in registry.list_entities(workspace, EntityKind.ZONE)}
    assert {_version(workspace, EntityKind.ZONE, i) for i in ids.values()} == {1}
    zones.write_text(
        "source_id,name,host_country,jobs\nZ1,Zone one,PAK,120\nZ2,Zone two,PAK,5\n",
        encoding="utf-8",
    )
    report = import_entities(workspace, EntityKind.ZONE, zones)
    assert (report.updated, report.unchanged) == (1, 1)
    assert _version(workspace, EntityKind.ZONE, ids["Z1"]) == 2
    assert _version(workspace, EntityKind.ZONE, ids["Z2"]) == 1  # unchanged, not bumped
    # an edit begun before the import is refused instead of undoing the import
    with pytest.raises(Conflict, match="you had version 1, it is now 2"):
        registry.update(
            workspace, world.admin, EntityKind.ZONE, ids["Z1"], {"jobs": 1}, expected_version=1
        )
    orgs = tmp_path / "orgs.csv"
    orgs.write_text("name,ref,country\nBoard of Investment,PK-BOI,PAK\n", encoding="utf-8")
    import_entities(workspace, EntityKind.ORGANISATION, orgs)
    [org] = registry.list_entities(workspace, EntityKind.ORGANISATION)
    orgs.write_text("name,ref,country,org_type\nBoard of Investment,PK-BOI,PAK,10\n", "utf-8")
    import_entities(workspace, EntityKind.ORGANISATION, orgs)
    assert _version(workspace, EntityKind.ORGANISATION, org["id"]) == 2
    docs = tmp_path / "docs.csv"
    docs.write_text("source_id,title,doc_type,countries\nD1,MoU,mou,PAK\n", encoding="utf-8")
    import_entities(workspace, EntityKind.DOCUMENT, docs)
    docs.write_text("source_id,title,doc_type,countries\nD1,MoU,mou,PAK; AFG\n", "utf-8")
    import_entities(workspace, EntityKind.DOCUMENT, docs)  # only the parties changed
    [doc] = registry.list_entities(workspace, EntityKind.DOCUMENT)
    assert doc["version"] == 2


def test_an_organisation_edit_without_a_version_applies_to_the_one_read(
    workspace: Workspace, world: World
) -> None:
    """The CLI reads and writes in one transaction, so it needs no version; it still bumps."""
    org = registry.create(workspace, world.admin, OrganisationEntity(name="CRBC", country="CHN"))
    registry.update(workspace, world.admin, EntityKind.ORGANISATION, org, {"org_type": 70})
    assert _version(workspace, EntityKind.ORGANISATION, org) == 2
