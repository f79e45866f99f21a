"""The web application in-process with TestClient."""

from __future__ import annotations

from fastapi.testclient import TestClient

from beltroad.services.setup import initialise
from beltroad.services.users import resolve_actor
from beltroad.services.workspace import open_workspace
from beltroad.settings import Settings
from beltroad.web.app import create_app
from tests.web.pages_support import log_in


def test_home_and_api_summary(settings: Settings) -> None:
    initialise(settings)
    with TestClient(create_app(settings)) as client:
        ws = open_workspace(settings)
        try:
            admin = resolve_actor(ws)
            log_in(client, ws, admin, admin.login)
        finally:
            ws.close()
        home = client.get("/")
        assert home.status_code == 200
        assert "beltroad" in home.text
        assert "Xinhua, 3 Dec 2024" in home.text
        assert "synthetic-banner" not in home.text
        api = client.get("/api/summary")
        assert api.status_code == 200
        assert api.json()["counts"]["corridors"] == 6
        assert client.get("/api/health").json() == {"status": "ok"}


def test_uninitialised_database_fails_at_start_with_the_reason(
    sqlite_settings: Settings,
) -> None:
    import pytest

    from beltroad.errors import NotFound

    with (
        pytest.raises(NotFound, match="no beltroad schema"),
        TestClient(create_app(sqlite_settings)),
    ):
        pass
