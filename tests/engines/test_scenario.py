"""Scenario files are checked key by key; every rejection names the key and the allowed values."""
# ruff: noqa: E501 (one bad scenario and its expected message per line reads best)

from __future__ import annotations

from typing import Any

import pytest

from beltroad.engines.scenario import parse_scenario
from beltroad.errors import InvalidInput

COUNTRIES = {"PAK", "EGY", "YEM", "RUS"}
REGIONS = {"South Asia", "Middle East & North Africa"}
PASSAGES = {"suez", "babalmandab", "malacca", "ormuz"}


def parse(data: dict[str, Any]) -> Any:
    return parse_scenario(
        data, countries=COUNTRIES, regions=REGIONS, passages=PASSAGES, file="s.toml"
    )


def test_a_full_scenario_parses() -> None:
    s = parse(
        {
            "scenario": {"name": "All", "kind": "conflict", "description": "every section"},
            "model": {"correlation": 0.3, "loadings": {"global": 1, "region": 1}},
            "factor_shocks": [{"region": "South Asia", "shock_sd": 2}, {"country": "pak", "shock_sd": 1}],
            "pd_multipliers": [{"countries": ["EGY"], "sectors": ["210"], "multiplier": 2}],
            "pd_floors": [{"regions": "South Asia", "pd": 0.2}],
            "sanctions": [{"countries": ["RUS"], "severity": 0.6}],
            "currency_shocks": [{"countries": "EGY", "depreciation": 0.3}],
            "closures": [{"passages": ["Suez", "babalmandab"], "pd_multiplier": 1.5}],
        }
    )  # fmt: skip
    assert s.model.correlation == 0.3
    assert s.factor_shocks[1].country == "PAK"
    assert s.closed_passages == {"suez", "babalmandab"}
    assert s.pd_floors[0].target.regions == ("South Asia",)
    assert s.sanctions[0].severity == 0.6


@pytest.mark.parametrize(
    ("data", "pattern"),
    [
        ({"scenario": {"name": "x"}, "shocks": []}, r"field shocks.*unknown key.*allowed here: scenario, model, factor_shocks"),
        ({"scenario": {}}, r"scenario\.name.*missing"),
        ({"scenario": {"name": "x"}, "sanctions": [{"countries": ["XXX"], "severity": 0.5}]}, r"sanctions\[0\]\.countries.*'XXX'.*unknown country.*alpha-3"),
        ({"scenario": {"name": "x"}, "sanctions": [{"countries": ["RUS"], "severity": 0.5, "colour": 1}]}, r"sanctions\[0\]\.colour.*allowed here: countries, severity"),
        ({"scenario": {"name": "x"}, "closures": [{"passages": ["panama2"]}]}, r"closures\[0\]\.passages.*'panama2'.*unknown passage.*babalmandab, malacca, ormuz, suez"),
        ({"scenario": {"name": "x"}, "pd_floors": [{"pd": -0.1}]}, r"pd_floors\[0\]\.pd.*-0\.1.*out of range \(allowed: \[0, 1\]\)"),
        ({"scenario": {"name": "x"}, "sanctions": [{"countries": "RUS", "severity": 1.5}]}, r"sanctions\[0\]\.severity.*out of range"),
        ({"scenario": {"name": "x"}, "model": {"correlation": 1.0}}, r"model\.correlation.*1\.0.*out of range \(allowed: \[0, 1\)\)"),
        ({"scenario": {"name": "x"}, "model": {"correlation": -0.2}}, r"model\.correlation.*out of range \(allowed: \[0, 1\)\)"),
        ({"scenario": {"name": "x"}, "factor_shocks": [{"region": "Atlantis", "shock_sd": 1}]}, r"factor_shocks\[0\]\.region.*'Atlantis'.*unknown region \(allowed: Middle East & North Africa; South Asia\)"),
        ({"scenario": {"name": "x"}, "factor_shocks": [{"shock_sd": 1}]}, r"factor_shocks\[0\].*exactly one of region or country"),
        ({"scenario": {"name": "x"}, "factor_shocks": [{"country": ["PAK", "EGY"], "shock_sd": 1}]}, r"factor_shocks\[0\]\.country.*expected a non-empty string"),
        ({"scenario": {"name": "x"}, "pd_multipliers": [{"multiplier": 0.5}]}, r"pd_multipliers\[0\]\.multiplier.*out of range \(allowed: \[1, 1000\]\)"),
        ({"scenario": {"name": "x"}, "currency_shocks": [{"countries": ["EGY"], "depreciation": "lots"}]}, r"currency_shocks\[0\]\.depreciation.*expected a number"),
    ],
)  # fmt: skip
def test_bad_scenarios_are_refused_naming_the_key(data: dict[str, Any], pattern: str) -> None:
    with pytest.raises(InvalidInput, match=pattern) as caught:
        parse(data)
    assert "s.toml" in str(caught.value)
    assert caught.value.exit_code == 2
