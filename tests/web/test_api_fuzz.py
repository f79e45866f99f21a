"""Schemathesis against the OpenAPI document with an authenticated client: no server errors.

A short run (a few examples per operation, SQLite) so that it fits in CI; the PostgreSQL side
of every route is covered by the in-process API tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from beltroad.services import users
from beltroad.services.setup import initialise
from beltroad.services.workspace import open_workspace
from beltroad.settings import load_settings
from beltroad.web.app import create_app
from tests.services.coordination_world import build

TOKEN: dict[str, str] = {}


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    config = load_settings(
        data_dir=tmp_path_factory.mktemp("fuzz") / "data",
        allowed_hosts=["testserver", "localhost"],
        web_secret="fuzz",
    )
    initialise(config)
    app = create_app(config)
    # Schemathesis calls the app without its lifespan: open the workspace the way it would.
    ws = open_workspace(config)
    app.state.workspace = ws
    world = build(ws)
    TOKEN["value"] = users.issue_token(ws, world.admin, "local-admin").token
    try:
        yield schemathesis.openapi.from_asgi("/openapi.json", app)
    finally:
        ws.close()


def test_no_server_errors(api_schema: Any) -> None:
    """Every operation, a few generated requests each, as the local administrator."""
    headers = {"Authorization": f"Bearer {TOKEN['value']}"}
    failures: list[str] = []
    operations = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=8,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def run(case: Any) -> None:
            response = case.call(headers=headers)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.status_code}")

        run()
    assert operations > 25
    assert failures == []
