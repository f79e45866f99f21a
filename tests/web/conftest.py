"""Web tests: TestClient sends ``Host: testserver``, which the host check must allow."""

from __future__ import annotations

from pathlib import Path

import pytest

from beltroad.settings import Settings, load_settings


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return load_settings(
        db=db_url, data_dir=tmp_path / "data", synthetic_projects=300, allowed_hosts=["testserver"]
    )


@pytest.fixture
def sqlite_settings(tmp_path: Path) -> Settings:
    return load_settings(
        data_dir=tmp_path / "data", synthetic_projects=300, allowed_hosts=["testserver"]
    )
