"""The web application in a real browser (chromium through Playwright)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import Site, screenshot


class Watch:
    """Console errors, uncaught exceptions and every request one page sends to the network.

    Requests go through a route, which sees what the browser really sends (after the content
    security policy): a request for another host is recorded and aborted, so nothing leaves
    127.0.0.1 even when a test fails. ReDoc's bundle names a logo on cdn.redoc.ly; the CSP
    refuses it before any request is made, and the console reports that refusal.
    """

    def __init__(self, page: Any, site: Site) -> None:
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.outside: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))

        def route(request_route: Any) -> None:
            url = request_route.request.url
            self.requests.append(url)
            if url.startswith(site.url + "/"):
                request_route.continue_()
            else:
                self.outside.append(url)
                request_route.abort()

        page.route("**/*", route)


@pytest.fixture
def page(browser: Any, site: Site) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    found = context.new_page()
    found.set_default_timeout(20_000)
    try:
        yield found
    finally:
        context.close()


def log_in(page: Any, site: Site, login: str) -> None:
    page.goto(f"{site.url}/")
    assert "/login" in page.url  # no session: the login form
    page.fill("#login", login)
    page.fill("#password", site.password)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{site.url}/")


def test_login_and_dashboard_map_and_charts(page: Any, site: Site) -> None:
    watch = Watch(page, site)
    log_in(page, site, "web-planner")
    page.wait_for_selector("#map[data-ready='true'] canvas")
    for chart in ("#chart-year", "#chart-sector", "#chart-corridor", "#chart-flow-class"):
        page.wait_for_selector(f"{chart} canvas")
    assert page.inner_text("#who").startswith("web-planner")
    screenshot(page, "dashboard")
    assert watch.errors == []
    assert watch.outside == []
    assert any(u.endswith("/static/vendor/echarts/echarts.min.js") for u in watch.requests)


def test_wrong_password_is_shown_inline(page: Any, site: Site) -> None:
    page.goto(f"{site.url}/login")
    page.fill("#login", "web-planner")
    page.fill("#password", "not the password")
    page.click("#login-form button[type=submit]")
    assert "wrong login or password" in page.inner_text("#login-error")


def test_partner_cannot_reach_another_countrys_project(page: Any, site: Site) -> None:
    watch = Watch(page, site)
    log_in(page, site, "web-partner")
    page.goto(f"{site.url}/projects")
    listing = page.inner_text("#projects")
    assert "P-PAK" in listing
    assert "P-AFG" not in listing
    answer = page.goto(f"{site.url}/projects/P-AFG")
    assert answer.status == 404
    screenshot(page, "partner-denied")
    mine = page.goto(f"{site.url}/projects/P-PAK")
    assert mine.status == 200
    # The API: the partner's own token, the other country's project.
    token = page.request.post(
        f"{site.url}/api/v1/auth/login",
        data={"login": "web-partner", "password": site.password},
    ).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert page.request.get(f"{site.url}/api/v1/projects/P-AFG", headers=headers).status == 404
    assert page.request.get(f"{site.url}/api/v1/projects/P-PAK", headers=headers).status == 200
    assert watch.errors == [] or all("404" in e for e in watch.errors)


def test_switching_to_chinese_is_remembered(page: Any, site: Site) -> None:
    log_in(page, site, "web-planner")
    page.click("#lang-zh")
    page.wait_for_selector("html[lang='zh-Hans']")
    assert "仪表板" in page.inner_text("h1")
    page.goto(f"{site.url}/projects")
    assert page.inner_text("h1") == "项目"
    screenshot(page, "projects-zh")
    page.click("#lang-en")
    page.wait_for_selector("html[lang='en']")


def test_api_docs_render_offline(page: Any, site: Site) -> None:
    watch = Watch(page, site)
    page.goto(f"{site.url}/docs")
    page.wait_for_selector(".swagger-ui .info")
    screenshot(page, "docs")
    page.goto(f"{site.url}/redoc")
    page.wait_for_selector("redoc .api-content, [data-role='redoc-summary'], h1")
    assert watch.outside == []
    # The one console error allowed: the CSP refusing ReDoc's remote logo.
    assert [e for e in watch.errors if "cdn.redoc.ly" not in e] == []
