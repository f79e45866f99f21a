"""Registry CRUD is scoped and audited (issue #15 on #11's services): a partner edits only its
country's organisations, documents, enterprises and zones; a viewer edits nothing; each write
appends a chained audit event with before and after in the write's own transaction."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from beltroad.cli.main import main
from beltroad.entities import DocumentEntity, EntityKind, OrganisationEntity, ZoneEntity
from beltroad.errors import InvalidInput, NotFound, PermissionDenied
from beltroad.services import audit_log, registry, users
from beltroad.services.permissions import Role
from beltroad.services.workspace import Workspace


def _setup(ws: Workspace) -> dict[str, int]:
    admin = users.resolve_actor(ws)
    users.add_user(ws, admin, "pk", Role.partner, [("country", "PAK")])
    users.add_user(ws, admin, "view", Role.viewer, [("country", "PAK")])
    return {
        "pak_zone": registry.create(
            ws, admin, ZoneEntity(source_id="ZP", name="Rashakai", host_country="PAK")
        ),
        "afg_zone": registry.create(
            ws, admin, ZoneEntity(source_id="ZA", name="Kabul SEZ", host_country="AFG")
        ),
    }


def test_a_partner_edits_only_its_countrys_records(workspace: Workspace) -> None:
    ids = _setup(workspace)
    pk = users.resolve_actor(workspace, "pk")
    new = registry.create(
        workspace, pk, OrganisationEntity(name="Pakistan Board of Investment", country="PAK")
    )
    registry.update(workspace, pk, EntityKind.ZONE, ids["pak_zone"], {"jobs": 10})
    with pytest.raises(PermissionDenied, match="may not create"):
        registry.create(workspace, pk, ZoneEntity(source_id="Z2", name="X", host_country="AFG"))
    with pytest.raises(PermissionDenied, match="may not create"):
        registry.create(workspace, pk, OrganisationEntity(name="Intl body", international=True))
    # a record outside the scope looks missing, for reads and writes alike
    for call in (
        lambda: registry.get(workspace, pk, EntityKind.ZONE, ids["afg_zone"]),
        lambda: registry.update(workspace, pk, EntityKind.ZONE, ids["afg_zone"], {"jobs": 1}),
        lambda: registry.delete(workspace, pk, EntityKind.ZONE, ids["afg_zone"]),
    ):
        with pytest.raises(NotFound, match="outside your scope"):
            call()
    # nor can a record be moved out of the partner's scope
    with pytest.raises(PermissionDenied):
        registry.update(workspace, pk, EntityKind.ZONE, ids["pak_zone"], {"host_country": "AFG"})
    assert registry.get(workspace, pk, EntityKind.ZONE, ids["pak_zone"]).host_country == "PAK"
    doc = registry.create(
        workspace,
        pk,
        DocumentEntity(source_id="D", title="MoU", doc_type="mou", countries=("PAK",)),
    )
    # a document belongs to each party's country (as a project does): PAK may add AFG, but not
    # drop itself
    registry.update(workspace, pk, EntityKind.DOCUMENT, doc, {"countries": ("PAK", "AFG")})
    with pytest.raises(PermissionDenied, match="outside their scope"):
        registry.update(workspace, pk, EntityKind.DOCUMENT, doc, {"countries": ("AFG",)})
    registry.delete(workspace, pk, EntityKind.ORGANISATION, new)


def test_a_viewer_reads_but_never_writes(workspace: Workspace) -> None:
    ids = _setup(workspace)
    view = users.resolve_actor(workspace, "view")
    assert registry.get(workspace, view, EntityKind.ZONE, ids["pak_zone"]).name == "Rashakai"
    with pytest.raises(PermissionDenied):
        registry.update(workspace, view, EntityKind.ZONE, ids["pak_zone"], {"jobs": 1})
    with pytest.raises(PermissionDenied):
        registry.delete(workspace, view, EntityKind.ZONE, ids["pak_zone"])
    with pytest.raises(PermissionDenied):
        registry.create(workspace, view, ZoneEntity(source_id="Z3", name="Y", host_country="PAK"))
    with pytest.raises(NotFound):
        registry.get(workspace, view, EntityKind.ZONE, ids["afg_zone"])


def test_every_write_is_audited_with_before_and_after_and_the_chain_holds(
    workspace: Workspace,
) -> None:
    ids = _setup(workspace)
    admin = users.resolve_actor(workspace)
    pk = users.resolve_actor(workspace, "pk")
    registry.update(workspace, pk, EntityKind.ZONE, ids["pak_zone"], {"jobs": 10})
    with pytest.raises(InvalidInput):  # a rejected write leaves no audit event
        registry.update(workspace, pk, EntityKind.ZONE, ids["pak_zone"], {"jobs_local": 99})
    registry.delete(workspace, admin, EntityKind.ZONE, ids["afg_zone"])
    events = audit_log.list_events(workspace, admin, entity="zone")
    assert [(e["action"], e["actor"], e["entity_id"]) for e in events] == [
        ("delete", admin.login, str(ids["afg_zone"])),
        ("update", "pk", str(ids["pak_zone"])),
        ("create", admin.login, str(ids["afg_zone"])),
        ("create", admin.login, str(ids["pak_zone"])),
    ]
    deleted, updated, created = events[0], events[1], events[3]
    assert deleted["before"]["name"] == "Kabul SEZ"
    assert deleted["after"] is None
    assert (updated["before"], updated["after"]) == ({"jobs": None}, {"jobs": 10})
    assert created["before"] is None
    assert created["after"]["host_country"] == "PAK"
    assert audit_log.verify(workspace, admin).ok


def test_the_cli_acts_as_the_local_admin_or_as_a_user(
    workspace: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = _setup(workspace)
    db = ["--db", workspace.settings.db] if workspace.settings.db else []
    base = ["--data-dir", str(workspace.settings.data_dir), *db]
    zone = str(ids["pak_zone"])
    assert main([*base, "--as", "view", "registry", "update", "zone", zone, "--set", "jobs=5"]) != 0
    assert "view may not edit record zone" in capsys.readouterr().err
    assert main([*base, "--as", "pk", "registry", "update", "zone", zone, "--set", "jobs=5"]) == 0
    assert main([*base, "registry", "delete", "zone", str(ids["afg_zone"])]) == 0
    admin = users.resolve_actor(workspace)
    actors = [e["actor"] for e in audit_log.list_events(workspace, admin, entity="zone")][:2]
    assert actors == [admin.login, "pk"]


def test_an_entity_import_writes_one_audit_event(workspace: Workspace, tmp_path: Path) -> None:
    from beltroad.entities import EntityKind
    from beltroad.services.registry_import import import_entities
    from beltroad.storage import models

    path = tmp_path / "zones.csv"
    path.write_text("source_id,name,host_country\nZ1,Rashakai zone,PAK\n", encoding="utf-8")
    import_entities(workspace, EntityKind.ZONE, path)
    import_entities(workspace, EntityKind.ZONE, path)  # unchanged: nothing more to audit
    with workspace.reading() as connection:
        events = connection.execute(
            select(models.AuditEvent.action, models.AuditEvent.entity).where(
                models.AuditEvent.action == "import"
            )
        ).all()
    assert [(e.action, e.entity) for e in events] == [("import", "dataset")]
    with workspace.reading() as connection:
        admin = users.local_actor(connection)
    assert admin is not None
    assert audit_log.verify(workspace, admin).ok
