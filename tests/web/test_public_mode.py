"""Read-only public mode (#16): anonymous visitors read only what an administrator published;
nothing else, no edits, no exports; the admin control and the service refuse anyone else."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from beltroad.cli import main
from beltroad.errors import NotFound, PermissionDenied
from beltroad.services import publication
from beltroad.services.permissions import Role
from beltroad.services.workspace import Workspace
from beltroad.settings import Settings
from beltroad.web.app import create_app
from tests.services.coordination_world import World, build
from tests.web.pages_support import csrf, log_in


@pytest.fixture
def world(workspace: Workspace) -> World:
    return build(workspace)


def _client(settings: Settings, public: bool) -> TestClient:
    return TestClient(create_app(settings.model_copy(update={"public_mode": public})))


@pytest.fixture
def client(settings: Settings, world: World) -> Iterator[TestClient]:
    with _client(settings, True) as test_client:
        yield test_client


def test_only_published_projects_are_public(
    client: TestClient, workspace: Workspace, world: World
) -> None:
    assert client.get("/public").text.count("/public/projects/") == 0
    assert 'id="public-link"' in client.get("/login").text
    done = publication.set_public(workspace, world.admin, ["P-PAK"], public=True)
    assert (done.changed, done.unchanged) == (1, 0)
    listing = client.get("/public")
    assert listing.status_code == 200
    assert "/public/projects/P-PAK" in listing.text
    assert "P-AFG" not in listing.text
    detail = client.get("/public/projects/P-PAK")
    assert detail.status_code == 200
    assert 'id="overview"' in detail.text
    assert 'id="versions"' not in detail.text  # no workflow, versions or audit in public
    hidden = client.get("/public/projects/P-AFG")
    missing = client.get("/public/projects/P-NONE")
    assert hidden.status_code == missing.status_code == 404
    # The rest of the application still needs a login: no registry, edits or exports.
    for path in ("/projects", "/projects/P-PAK", "/projects/export.csv", "/api/v1/projects"):
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code in (303, 401), path
    assert publication.set_public(workspace, world.admin, ["P-PAK"], public=False).changed == 1
    assert client.get("/public/projects/P-PAK").status_code == 404


def test_public_pages_do_not_exist_when_the_mode_is_off(
    settings: Settings, workspace: Workspace, world: World
) -> None:
    publication.set_public(workspace, world.admin, ["P-PAK"], public=True)
    with _client(settings, False) as off:
        assert off.get("/public").status_code == 404
        assert 'id="public-link"' not in off.get("/login").text
        assert off.get("/public/projects/P-PAK").status_code == 404


def test_only_an_administrator_publishes(
    client: TestClient, workspace: Workspace, world: World
) -> None:
    with pytest.raises(PermissionDenied):
        publication.set_public(workspace, world.actors[Role.planner], ["P-PAK"], public=True)
    with pytest.raises(NotFound, match="P-NOPE"):
        publication.set_public(workspace, world.admin, ["P-PAK", "P-NOPE"], public=True)
    assert not publication.is_public(workspace, "P-PAK")  # nothing changed
    log_in(client, workspace, world.admin, Role.planner.value)
    page = client.get("/projects/P-PAK")
    assert 'id="public"' not in page.text
    denied = client.post(
        "/projects/P-PAK/public", data={"csrf_token": csrf(client), "public": "true"}
    )
    assert denied.status_code == 403
    assert not publication.is_public(workspace, "P-PAK")


def test_the_admin_control_publishes(
    client: TestClient, workspace: Workspace, world: World
) -> None:
    log_in(client, workspace, world.admin, Role.admin.value)
    page = client.get("/projects/P-PAK")
    assert 'id="public"' in page.text
    token = csrf(client)
    no_token = client.post("/projects/P-PAK/public", data={"public": "true"})
    assert no_token.status_code in (400, 403, 422)
    done = client.post(
        "/projects/P-PAK/public",
        data={"csrf_token": token, "public": "true"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert publication.is_public(workspace, "P-PAK")


def test_cli_publish_and_unpublish(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = str(tmp_path / "d")
    assert main(["--data-dir", data, "init"]) == 0
    countries = '[{"iso3": "PAK", "percentage": 100}]'
    created = [
        "workflow",
        "create",
        "P-1",
        "--set",
        "title=Port",
        "--set",
        f"countries={countries}",
    ]
    assert main(["--data-dir", data, *created]) == 0
    capsys.readouterr()
    assert main(["--data-dir", data, "registry", "publish", "P-1"]) == 0
    assert "1 project(s) now public" in capsys.readouterr().err
    assert main(["--data-dir", data, "registry", "publish", "P-1"]) == 0
    assert "0 project(s) now public; 1 already public" in capsys.readouterr().err
    assert main(["--data-dir", data, "registry", "publish", "P-2"]) != 0
    assert "P-2" in capsys.readouterr().err
    assert main(["--data-dir", data, "registry", "unpublish", "P-1"]) == 0
    assert "1 project(s) now not public" in capsys.readouterr().err
