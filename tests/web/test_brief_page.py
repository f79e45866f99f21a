"""The brief from the browser (issue #18 part 4): downloads as HTML or PDF in the page's
language for scope-all readers; a scoped partner is refused."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from beltroad.services import users
from beltroad.services.workspace import Workspace
from beltroad.settings import Settings
from beltroad.web.app import create_app
from tests.web.pages_support import log_in
from tests.web.test_scenarios_page import world  # noqa: F401  (the fixture)


@pytest.fixture
def client(settings: Settings, world: Workspace) -> Iterator[TestClient]:  # noqa: F811
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_viewer_downloads_the_brief_in_both_languages(
    world: Workspace,  # noqa: F811
    client: TestClient,
) -> None:
    log_in(client, world, users.resolve_actor(world), "viewer")
    shown = client.get("/brief")
    assert shown.status_code == 200
    assert 'id="brief-pdf"' in shown.text
    html = client.get("/brief/download", params={"format": "html"})
    assert html.status_code == 200
    assert 'filename="beltroad-brief-en.html"' in html.headers["content-disposition"]
    assert "<title>" in html.text
    zh = client.get("/brief/download", params={"format": "html"}, headers={"accept-language": "zh"})
    assert 'filename="beltroad-brief-zh.html"' in zh.headers["content-disposition"]
    assert 'lang="zh' in zh.text
    pdf = client.get("/brief/download", params={"format": "pdf"})
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert client.get("/brief/download", params={"format": "doc"}).status_code == 422


def test_a_partner_is_refused_the_brief(world: Workspace, client: TestClient) -> None:  # noqa: F811
    log_in(client, world, users.resolve_actor(world), "partner")
    assert client.get("/brief").status_code == 403
    assert client.get("/brief/download").status_code == 403
