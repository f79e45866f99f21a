"""Service errors in the user's language (#16): fixed phrases translated, values kept, field
problems as a table with translated field names, unknown messages kept and marked English."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from beltroad.errors import InvalidInput, NotFound
from beltroad.services.permissions import Role
from beltroad.services.workspace import Workspace
from beltroad.settings import Settings
from beltroad.web import i18n
from beltroad.web.app import create_app
from beltroad.web.error_text import shown, translate_text
from beltroad.web.i18n import LOCALE_COOKIE
from tests.services.coordination_world import World, build
from tests.web.pages_support import log_in

ZH = i18n.translations("zh").gettext


def test_fixed_phrases_are_translated_and_values_kept() -> None:
    text, done = translate_text("no project P-1 (or it is outside your scope)", ZH)
    assert done
    assert text == "没有项目 P-1（或不在您的权限范围内）"
    assert translate_text("something new went wrong", ZH) == ("something new went wrong", False)
    en = i18n.translations("en").gettext
    assert translate_text("no plan Q1 (or it is outside your scope)", en)[0] == (
        "no plan Q1 (or it is outside your scope)"
    )


def test_field_problems_get_translated_field_names() -> None:
    exc = InvalidInput.at("expected 1 to 500", field="limit", value=900)
    body = {"error": "InvalidInput", "message": exc.message, "hint": None}
    out = shown(body, exc, ZH)
    assert out.problems[0]["label"] == "数量上限"
    assert out.problems[0]["value"] == "900"
    assert out.problems[0]["reason"] == "应为 1 至 500"
    assert not out.english
    plain = shown({"error": "NotFound", "message": "odd", "hint": "nothing was changed"},
                  NotFound("odd"), ZH)  # fmt: skip
    assert plain.english
    assert plain.hint == "未做任何更改"


@pytest.fixture
def client(settings: Settings, workspace: Workspace) -> Iterator[TestClient]:
    world: World = build(workspace)
    with TestClient(create_app(settings)) as test_client:
        log_in(test_client, workspace, world.admin, Role.partner.value)
        yield test_client


def test_the_error_page_speaks_chinese(client: TestClient) -> None:
    client.cookies.set(LOCALE_COOKIE, "zh")
    missing = client.get("/projects/P-NONE")
    assert missing.status_code == 404
    assert "没有项目 P-NONE（或不在您的权限范围内）" in missing.text
    client.cookies.set(LOCALE_COOKIE, "en")
    assert "no project P-NONE (or it is outside your scope)" in client.get(
        "/projects/P-X"
    ).text.replace("P-X", "P-NONE")
