"""The server-rendered pages in-process: login, sessions, CSRF, languages, hardening."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from beltroad.services.permissions import Role
from beltroad.services.workspace import Workspace
from beltroad.settings import Settings
from beltroad.web.app import create_app
from tests.services.coordination_world import PASSWORD, World, build
from tests.web.pages_support import csrf, log_in


@pytest.fixture
def world(workspace: Workspace) -> World:
    return build(workspace)


@pytest.fixture
def client(settings: Settings, world: World) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_a_page_without_a_session_goes_to_the_login_form(client: TestClient) -> None:
    answer = client.get("/?x=1", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=%2F%3Fx%3D1"


def test_login_form_logs_in_and_out(client: TestClient) -> None:
    form = client.get("/login")
    assert form.status_code == 200
    token = csrf(client)
    answer = client.post(
        "/login",
        data={"login": "viewer", "password": PASSWORD, "next": "/", "csrf_token": token},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/"
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "secure" not in cookie  # plain http in the test; Secure behind TLS
    page = client.get("/")
    assert page.status_code == 200
    assert 'id="who"' in page.text
    assert "viewer" in page.text
    out = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 303


def test_wrong_password_and_missing_csrf_are_refused(client: TestClient) -> None:
    client.get("/login")
    wrong = client.post(
        "/login", data={"login": "viewer", "password": "nope", "csrf_token": csrf(client)}
    )
    assert wrong.status_code == 401
    assert "wrong login or password" in wrong.text
    forged = client.post("/login", data={"login": "viewer", "password": PASSWORD})
    assert forged.status_code == 400
    assert "security token" in forged.text


def test_open_redirects_are_refused(client: TestClient) -> None:
    form = client.get("/login?next=//evil.example/x")
    assert 'value="/"' in form.text
    assert "evil.example" not in form.text


def test_forged_session_cookie_is_no_session(client: TestClient) -> None:
    client.cookies.set("beltroad_session", "eyJ0b2tlbiI6ImJydF94In0.forged.sig")
    assert client.get("/", follow_redirects=False).status_code == 303


def test_language_switch_is_remembered(
    client: TestClient, workspace: Workspace, world: World
) -> None:
    log_in(client, workspace, world.admin, Role.planner.value)
    assert "Dashboard" in client.get("/").text
    switched = client.get("/lang/zh?next=/", follow_redirects=False)
    assert switched.status_code == 303
    page = client.get("/")
    assert '<html lang="zh-Hans">' in page.text
    assert "仪表板" in page.text
    assert 'id="lang-en"' in page.text


def test_security_headers_and_host_check(client: TestClient) -> None:
    answer = client.get("/login")
    csp = answer.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "same-origin"
    rebinding = client.get("/login", headers={"host": "attacker.example"})
    assert rebinding.status_code == 400
    assert rebinding.headers["x-frame-options"] == "DENY"


def test_no_inline_script_in_any_page(
    client: TestClient, workspace: Workspace, world: World
) -> None:
    log_in(client, workspace, world.admin, Role.admin.value)
    for path in ("/", "/login", "/docs", "/redoc"):
        text = client.get(path).text
        for chunk in text.split("<script")[1:]:
            assert chunk.lstrip().startswith("src="), (path, chunk[:80])


def test_docs_and_redoc_load_local_assets(client: TestClient) -> None:
    docs = client.get("/docs").text
    assert "/static/vendor/swagger-ui-dist/swagger-ui-bundle.js" in docs
    assert "cdn" not in docs.lower()
    redoc = client.get("/redoc").text
    assert "/static/vendor/redoc/redoc.standalone.js" in redoc
    assert client.get("/static/js/swagger-init.js").status_code == 200


def test_login_attempts_are_limited_per_address(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from beltroad.web.pages import auth
    from beltroad.web.security import LoginThrottle

    monkeypatch.setattr(auth, "throttle", LoginThrottle(limit=3, window_s=600))
    client.get("/login")
    token = csrf(client)
    for n in range(3):  # a different user each time: the per-user lock-out does not apply
        answer = client.post(
            "/login", data={"login": f"nobody{n}", "password": "x", "csrf_token": token}
        )
        assert answer.status_code == 401
    refused = client.post(
        "/login", data={"login": "viewer", "password": PASSWORD, "csrf_token": token}
    )
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0
    assert "too many failed logins from this address" in refused.text


def test_session_cookie_is_secure_behind_tls(
    settings: Settings, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    secure = settings.model_copy(update={"tls_proxy": True})
    with TestClient(create_app(secure), base_url="https://testserver") as tls_client:
        tls_client.get("/login")
        answer = tls_client.post(
            "/login",
            data={"login": "viewer", "password": PASSWORD, "csrf_token": csrf(tls_client)},
            follow_redirects=False,
        )
    assert answer.status_code == 303
    assert "secure" in answer.headers["set-cookie"].lower()
