"""Real-browser tests: Playwright drives Debian's chromium against a uvicorn server on a free
port of 127.0.0.1, serving a fresh SQLite database (the coordination world of issue #15 plus
users who log in with a password).

They skip, saying why, only when chromium is absent and BELTROAD_REQUIRE_BROWSER is unset (CI
sets it, so a missing browser fails there). Screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from beltroad.services import users
from beltroad.services.permissions import Role
from beltroad.services.setup import initialise
from beltroad.services.workspace import open_workspace
from beltroad.settings import load_settings
from tests.conftest import SHARED_DATA
from tests.services.coordination_world import PASSWORD, build

CHROMIUM = Path(os.environ.get("BELTROAD_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
WEB_USERS = {"web-planner": (Role.planner, []), "web-partner": (Role.partner, [("country", "PAK")])}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@dataclass(frozen=True)
class Site:
    url: str
    password: str


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        if os.environ.get("BELTROAD_REQUIRE_BROWSER"):
            pytest.fail(f"BELTROAD_REQUIRE_BROWSER is set but {CHROMIUM} does not exist")
        pytest.skip(f"chromium not found at {CHROMIUM} (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    import uvicorn

    from beltroad.web.app import create_app

    port = _free_port()
    mirror = os.environ.get("BELTROAD_DATA_MIRROR") or (
        str(SHARED_DATA) if SHARED_DATA.is_dir() else None
    )
    settings = load_settings(
        data_dir=tmp_path_factory.mktemp("browser") / "data", port=port, data_mirror=mirror
    )
    initialise(settings)
    ws = open_workspace(settings)
    try:
        world = build(ws)
        for login, (role, scopes) in WEB_USERS.items():
            users.add_user(ws, world.admin, login, role, scopes, password=PASSWORD)
    finally:
        ws.close()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the test server did not start within 30 s")
        time.sleep(0.05)
    try:
        yield Site(f"http://127.0.0.1:{port}", PASSWORD)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser(chromium_path: Path) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    with sync_playwright() as playwright:
        found = playwright.chromium.launch(executable_path=str(chromium_path), args=args)
        try:
            yield found
        finally:
            found.close()


def screenshot(page: object, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]
