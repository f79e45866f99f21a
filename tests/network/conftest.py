"""The real sea network, built once per test session."""

from __future__ import annotations

import pytest

from beltroad.network.sea import SeaNetwork, load_sea_network


@pytest.fixture(scope="session")
def sea(tmp_path_factory: pytest.TempPathFactory) -> SeaNetwork:
    return load_sea_network(tmp_path_factory.getbasetemp() / "sea-network")
