"""Debt-carrying capacity from the LIC-DSF 2018 Composite Indicator (standards §3.1): the
weighted 10-year averages, the cut-offs, which capacity applies (published DSA, CI, default)
and "data missing" said by name."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from beltroad.engines import debt
from beltroad.errors import InvalidInput
from beltroad.services.config_files import load

YEARS = range(2020, 2030)  # 2024 assessed: 2020-2024 historical, 2025-2029 projected


@pytest.fixture(scope="module")
def raw() -> tuple[dict[str, Any], str]:
    return load("debt", None, field="debt_config")


@pytest.fixture(scope="module")
def config(raw: tuple[dict[str, Any], str]) -> debt.DebtConfig:
    data, source = copy.deepcopy(raw)
    data["capacity"] = {"ZMB": "weak"}
    return debt.parse_config(data, source=source)


def series(cpia: float, growth: float, reserves: float, remittances: float, world: float) -> Any:
    values = {
        "cpia": cpia,
        "real_gdp_growth": growth,
        "reserves_coverage": reserves,
        "remittances_gdp": remittances,
        "world_gdp_growth": world,
    }
    return {name: dict.fromkeys(YEARS, value) for name, value in values.items()}


def test_the_ci_weighs_the_averages_with_the_published_coefficients(
    config: debt.DebtConfig,
) -> None:
    ci = config.ci
    assert ci is not None
    assert (ci.weak_below, ci.strong_above) == (2.69, 3.05)
    assert ci.coefficients["reserves_coverage_squared"] == -3.990
    assert config.tags["ci.cpia"].startswith("[M]")  # unverified: named, cited, overridable
    data = series(3.5, 0.05, 0.4, 0.05, 0.035)
    data["real_gdp_growth"][2020] = 0.0  # the average counts every year of the window
    score = debt.composite_indicator(data, 2024, ci)
    growth = (0.05 * 9 + 0.0) / 10
    expected = (
        0.385 * 3.5 + 2.719 * growth + 4.052 * 0.4 - 3.990 * 0.4**2 + 2.022 * 0.05 + 13.520 * 0.035
    )
    assert score.score == pytest.approx(expected)
    assert score.averages["real_gdp_growth"] == pytest.approx(growth)
    assert (score.first_year, score.last_year) == (2020, 2029)
    assert expected == pytest.approx(3.0266, abs=1e-4)  # by hand: 1.3475 + 0.1224 + 0.9824 + ...
    assert score.capacity == "medium"


@pytest.mark.parametrize(("cpia", "capacity"), [(2.5, "weak"), (3.5, "medium"), (4.5, "strong")])
def test_the_cut_offs(config: debt.DebtConfig, cpia: float, capacity: str) -> None:
    assert config.ci is not None
    score = debt.composite_indicator(series(cpia, 0.05, 0.4, 0.05, 0.035), 2024, config.ci)
    assert score.score is not None
    assert score.capacity == capacity
    assert config.ci.capacity(2.69) == "medium"
    assert config.ci.capacity(2.6899) == "weak"
    assert config.ci.capacity(3.0501) == "strong"


def test_the_capacity_sets_the_thresholds_that_apply(config: debt.DebtConfig) -> None:
    assert config.ci is not None
    ratio = [debt.RatioObservation("pv_external_gdp", 2024, 45.0, "test", False)]
    weak = debt.composite_indicator(series(2.5, 0.05, 0.4, 0.05, 0.035), 2024, config.ci)
    strong = debt.composite_indicator(series(4.5, 0.05, 0.4, 0.05, 0.035), 2024, config.ci)
    low = debt.assess("KEN", 2024, ratio, config, weak)
    high = debt.assess("KEN", 2024, ratio, config, strong)
    assert (low.capacity, low.signal, low.ratios[0].threshold) == ("weak", "high", 30.0)
    assert (high.capacity, high.signal, high.ratios[0].threshold) == (
        "strong",
        "below_thresholds",
        55.0,
    )
    assert high.ratios[0].headroom == pytest.approx(10.0)
    assert low.capacity_source.startswith("composite indicator ")
    assert low.as_dict()["composite_indicator"]["capacity"] == "weak"
    # a published DSA's capacity comes first
    published = debt.assess("ZMB", 2024, ratio, config, strong)
    assert (published.capacity, published.capacity_source) == (
        "weak",
        "configured (published DSA)",
    )


def test_missing_components_are_named_and_the_default_applies(config: debt.DebtConfig) -> None:
    assert config.ci is not None
    data = series(3.5, 0.05, 0.4, 0.05, 0.035)
    del data["cpia"]
    for year in (2028, 2029):
        del data["remittances_gdp"][year]
    score = debt.composite_indicator(data, 2024, config.ci)
    assert score.score is None
    assert score.missing == {
        "cpia": "0 of 10 years in 2020-2029",
        "remittances_gdp": "8 of 10 years in 2020-2029",
    }
    signal = debt.assess("KEN", 2024, [], config, score)
    assert signal.capacity == config.default_capacity
    assert "composite indicator data missing: cpia (0 of 10" in signal.capacity_source
    assert signal.capacity_source.startswith("default [N]")


def test_an_untagged_or_inverted_ci_parameter_is_refused(
    raw: tuple[dict[str, Any], str],
) -> None:
    data, source = copy.deepcopy(raw)
    del data["composite_indicator"]["coefficients"]["tags"]["cpia"]
    with pytest.raises(InvalidInput, match=r"tags\.cpia"):
        debt.parse_config(data, source=source)
    data, source = copy.deepcopy(raw)
    data["composite_indicator"]["strong_above"] = 2.0
    with pytest.raises(InvalidInput, match="strong_above"):
        debt.parse_config(data, source=source)
    data, source = copy.deepcopy(raw)
    del data["composite_indicator"]
    assert debt.parse_config(data, source=source).ci is None
