"""The #17 and risk pages on a generated portfolio (SQLite): every figure renders with data —
green shares, benefit balances, a flagship set with its constraints and reasons."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from beltroad.engines.synthetic import default_calibration
from beltroad.services import users
from beltroad.services.permissions import Role
from beltroad.services.setup import initialise
from beltroad.services.synthetic import build_synthetic_portfolio
from beltroad.services.workspace import Workspace, open_workspace
from beltroad.settings import Settings
from beltroad.web.app import create_app
from tests.web.pages_support import log_in


@pytest.fixture
def portfolio(sqlite_settings: Settings) -> Iterator[Workspace]:
    initialise(sqlite_settings)
    ws = open_workspace(sqlite_settings)
    build_synthetic_portfolio(ws, projects=300, seed=7, calibration=default_calibration())
    admin = users.resolve_actor(ws)
    users.add_user(ws, admin, "planner", Role.planner)
    users.add_user(ws, admin, "partner", Role.partner, [("country", "PAK")])
    try:
        yield ws
    finally:
        ws.close()


def test_pages_render_the_generated_portfolio(
    sqlite_settings: Settings, portfolio: Workspace
) -> None:
    admin = users.resolve_actor(portfolio)
    with TestClient(create_app(sqlite_settings)) as client:
        log_in(client, portfolio, admin, "planner")
        green_page = client.get("/green")
        assert green_page.status_code == 200
        assert 'id="share-portfolio"' in green_page.text
        assert "<details>" in green_page.text  # evidence per project
        benefits = client.get("/benefits")
        assert benefits.status_code == 200
        assert 'id="balance-countries"' in benefits.text
        chosen = client.get("/select", params={"budget": "5000000000", "min_green_share": "0.2"})
        assert chosen.status_code == 200, chosen.text[-2000:]
        assert 'id="decisions"' in chosen.text
        assert 'id="constraints"' in chosen.text
        infeasible = client.get(
            "/select", params={"budget": "5000000000", "min_green_share": "1.5"}
        )
        assert infeasible.status_code == 422
        debt = client.get("/debt")
        assert debt.status_code == 200
        log_in(client, portfolio, admin, "partner")
        own = client.get("/green")
        assert own.status_code == 200
        assert 'id="share-portfolio"' not in own.text
        assert client.get("/select", params={"budget": "1"}).status_code == 403
        zh = client.get("/benefits", headers={"accept-language": "zh-CN"})
        assert "惠益共享平衡" in zh.text
