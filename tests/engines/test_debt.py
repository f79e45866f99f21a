"""LIC-DSF 2018 signals: thresholds by capacity, headroom, missing data never guessed."""

from __future__ import annotations

import pytest

from beltroad.engines import debt
from beltroad.services.config_files import load


@pytest.fixture(scope="module")
def config() -> debt.DebtConfig:
    data, source = load("debt", None, field="debt_config")
    data["capacity"] = {"ZMB": "weak"}
    data["distress"] = {"GHA": "[S] Common Framework request, Jan 2022"}
    return debt.parse_config(data, source=source)


def obs(year: int, value: float, *, projection: bool = False) -> debt.RatioObservation:
    return debt.RatioObservation("pv_public_gdp", year, value, "IMF WEO", projection)


def test_the_published_thresholds(config: debt.DebtConfig) -> None:
    assert config.thresholds["weak"]["pv_external_gdp"] == 30
    assert config.thresholds["medium"]["ds_revenue"] == 18
    assert config.thresholds["strong"]["pv_external_gdp"] == 55
    assert config.thresholds["strong"]["pv_public_gdp"] == 70


def test_a_breach_in_the_horizon_is_high_with_its_headroom(config: debt.DebtConfig) -> None:
    s = debt.assess("ZMB", 2024, [obs(2024, 30.0), obs(2027, 40.0, projection=True)], config)
    assert s.capacity == "weak"
    assert s.signal == "high"
    check = next(r for r in s.ratios if r.ratio == "pv_public_gdp")
    assert (check.worst_value, check.worst_year, check.projection) == (40.0, 2027, True)
    assert check.headroom == pytest.approx(35 - 40)
    assert s.missing == ["pv_external_gdp", "pv_external_exports", "ds_exports", "ds_revenue"]


def test_the_same_ratio_under_medium_capacity_is_below_thresholds(config: debt.DebtConfig) -> None:
    s = debt.assess("KEN", 2024, [obs(2024, 40.0)], config)
    assert s.capacity == "medium"
    assert s.signal == "below_thresholds"
    assert "default" in s.capacity_source


def test_no_data_is_said_never_guessed(config: debt.DebtConfig) -> None:
    s = debt.assess("TKM", 2024, [], config)
    assert s.signal == "no_data"
    assert s.coverage == "0 of 5 ratios"


def test_a_listed_distress_wins(config: debt.DebtConfig) -> None:
    assert debt.assess("GHA", 2024, [obs(2024, 10.0)], config).signal == "in_distress"


def test_exposure_splits_amounts_by_country_share() -> None:
    e = debt.exposure(
        [(100.0, [("AAA", 60.0), ("BBB", 40.0)]), (50.0, [("BBB", 100.0)])], {"AAA": "high"}
    )
    assert e.by_signal == {"high": 60.0, "no_data": 90.0}
    assert e.high_risk_share == pytest.approx(60 / 150)
