"""Issue #18 in a real browser: a stress run followed to its result across a reload, a passage
toggled closed that changes the route, and the brief downloaded."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import Site, screenshot
from tests.browser.test_browser import Watch, log_in, page  # noqa: F401  (the fixture)


def test_run_a_scenario_and_see_it_after_a_reload(page: Any, site: Site) -> None:  # noqa: F811
    watch = Watch(page, site)
    log_in(page, site, "web-planner")
    page.goto(f"{site.url}/scenarios")
    page.select_option("#scenario", "sanctions_round")
    assert "Sanctions round" in page.input_value("#edits")  # the script swapped the text
    page.fill("#scenarios", "2000")
    page.fill("#seed", "7")
    page.click("#run")
    page.wait_for_url("**/scenarios/runs/*")
    page.reload()  # the progress is stored: the reloaded page still follows the job
    page.wait_for_selector("#expected-loss", timeout=60_000)
    assert page.locator("#chart-losses canvas").count() == 1  # ECharts drew the histogram
    assert page.locator("#by-country tr").count() > 1
    page.reload()
    assert page.locator("#expected-loss").is_visible()
    screenshot(page, "scenario-run")
    assert watch.errors == []
    assert watch.outside == []


def test_closing_a_passage_changes_the_route(page: Any, site: Site) -> None:  # noqa: F811
    watch = Watch(page, site)
    log_in(page, site, "web-planner")
    page.goto(f"{site.url}/connectivity?from=CNSHA&to=NLRTM")
    before = page.inner_text("#passages")
    assert "suez" in before
    page.check("#route-form input[name=close][value=suez]")
    page.click("#route-form button[type=submit]")
    page.wait_for_url("**close=suez**")
    after = page.inner_text("#passages")
    assert "suez" not in after
    assert after != before
    page.wait_for_selector("#route-map[data-ready='true'] canvas")
    assert page.get_attribute("#route-map", "data-lines") != "0"
    screenshot(page, "connectivity-closed")
    assert watch.errors == []


def test_download_the_brief(page: Any, site: Site) -> None:  # noqa: F811
    log_in(page, site, "web-planner")
    page.goto(f"{site.url}/brief")
    with page.expect_download(timeout=120_000) as info:
        page.click("#brief-pdf")
    path = info.value.path()
    with open(path, "rb") as handle:
        assert handle.read(4) == b"%PDF"
    with page.expect_download(timeout=120_000) as info:
        page.click("#brief-html")
    with open(info.value.path(), encoding="utf-8") as handle:
        assert "<title>" in handle.read()
