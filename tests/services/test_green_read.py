"""The stored green classes read back (no recompute, no write): the same report as computing."""

from __future__ import annotations

from typing import Any

import pytest

from beltroad.errors import DataUnavailable
from beltroad.services import green, green_read
from beltroad.services.workspace import Workspace
from tests.services.cooperation_data import add_project


@pytest.fixture
def portfolio(workspace: Workspace) -> Workspace:
    add_project(workspace, "P-SOLAR", "50 MW solar plant", "PAK", 100.0)
    add_project(workspace, "P-COAL", "660 MW coal-fired power plant", "PAK", 300.0, year=2023)
    add_project(workspace, "P-HOSP", "District hospital", "KEN", 50.0, sector="121")
    add_project(workspace, "P-OLD", "Solar plant", "KEN", 70.0, base_year=2017)
    add_project(workspace, "P-NONE", "Something unspecified", "KEN", 20.0)
    return workspace


def _strip(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(items, key=lambda i: i["identifier"])


def test_stored_report_equals_the_computed_one(portfolio: Workspace) -> None:
    green.classify(portfolio)
    green.override(portfolio, "P-COAL", "yellow", justification="CCS retrofit", actor="alice")
    computed = green.classify(portfolio, save=False)
    found = green_read.stored_report(portfolio)
    assert found.not_assessed == 0
    assert found.report.shares() == computed.shares()
    assert _strip(found.report.items()) == _strip(computed.items())
    coal = next(i for i in found.report.items() if i["identifier"] == "P-COAL")
    assert (coal["green_class"], coal["computed_class"]) == ("yellow", "red")
    assert "classification run" in found.note()
    assert found.assessed_at is not None


def test_a_project_added_after_the_run_is_shown_not_assessed(portfolio: Workspace) -> None:
    green.classify(portfolio)
    add_project(portfolio, "P-NEW", "Wind farm", "PAK", 40.0)
    found = green_read.stored_report(portfolio)
    assert found.not_assessed == 1
    item = next(i for i in found.report.items() if i["identifier"] == "P-NEW")
    assert item["green_class"] == "unrated"
    assert item["evidence"][0]["finding"] == green_read.NOT_ASSESSED
    assert "1 project(s) not assessed" in found.note()
    # computing now classifies it: the stored read never pretends it was assessed
    now = next(
        i for i in green.classify(portfolio, save=False).items() if i["identifier"] == "P-NEW"
    )
    assert now["green_class"] != "unrated"


def test_green_report_computes_only_when_nothing_is_stored(portfolio: Workspace) -> None:
    assert not green_read.has_stored(portfolio)
    before = green_read.green_report(portfolio)  # computed, not saved
    assert not green_read.has_stored(portfolio)
    green.classify(portfolio)
    assert green_read.has_stored(portfolio)
    assert green_read.green_report(portfolio).shares() == before.shares()


def test_no_projects_is_said(workspace: Workspace) -> None:
    with pytest.raises(DataUnavailable):
        green_read.stored_report(workspace)
