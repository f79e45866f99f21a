"""A duplicate identifier outside the caller's read scope does not reveal that the record
exists (issue #15, "Security and bad input"): projects and registry entities, per role, on
SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from beltroad.entities import OrganisationEntity, ZoneEntity
from beltroad.errors import Conflict, InvalidInput, PermissionDenied
from beltroad.services import registry, workflow
from beltroad.services.permissions import Role
from beltroad.services.workspace import Workspace
from tests.services.coordination_world import World, build, pak


@pytest.fixture
def world(workspace: Workspace) -> World:
    return build(workspace)


@pytest.mark.parametrize("role", list(Role))
def test_a_taken_project_identifier(workspace: Workspace, world: World, role: Role) -> None:
    actor = world.actors[role]
    if role is Role.viewer:
        with pytest.raises(PermissionDenied):
            workflow.create_project(workspace, actor, "P-AFG", pak("P-AFG"))
        return
    fields = pak("x")  # Pakistan, unit 2: inside every scoped user's scope
    if role in (Role.admin, Role.planner):  # they read everything: the plain conflict
        with pytest.raises(Conflict, match="'P-AFG' already exists"):
            workflow.create_project(workspace, actor, "P-AFG", fields)
        return
    # P-AFG (Afghanistan, the ministry's unit) is outside the partner's and coordinator's scope
    with pytest.raises(InvalidInput) as hidden:
        workflow.create_project(workspace, actor, "P-AFG", fields)
    assert hidden.value.problems[0].field == "identifier"
    assert "exists" not in str(hidden.value)
    with pytest.raises(Conflict, match="'P-PAK' already exists"):  # one they can read
        workflow.create_project(workspace, actor, "P-PAK", fields)


@pytest.mark.parametrize("role", [Role.admin, Role.partner])
def test_a_taken_zone_source_id_or_organisation_key(
    workspace: Workspace, world: World, role: Role
) -> None:
    admin, actor = world.admin, world.actors[role]
    registry.create(workspace, admin, ZoneEntity(source_id="ZA", name="Kabul", host_country="AFG"))
    registry.create(workspace, admin, OrganisationEntity(name="Da Afghanistan Bank", ref="AF-1"))
    again = ZoneEntity(source_id="ZA", name="Gwadar", host_country="PAK")
    org = OrganisationEntity(name="Bank", ref="AF-1", country="PAK")
    if role is Role.admin:
        with pytest.raises(Conflict, match="source_id 'ZA' exists"):
            registry.create(workspace, actor, again)
        with pytest.raises(Conflict, match="key 'AF-1' exists"):
            registry.create(workspace, actor, org)
        return
    with pytest.raises(InvalidInput) as zone:
        registry.create(workspace, actor, again)
    assert (zone.value.problems[0].field, zone.value.problems[0].value) == ("source_id", "ZA")
    with pytest.raises(InvalidInput) as same:
        registry.create(workspace, actor, org)
    assert same.value.problems[0].field == "ref"
    for caught in (zone, same):
        assert "exists" not in str(caught.value)
