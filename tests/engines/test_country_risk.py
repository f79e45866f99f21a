"""The country risk engine: weights, normalisation, re-weighting, history, config checks."""

from __future__ import annotations

import copy
import math
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from beltroad.engines.country_risk import (
    CountryRiskScore,
    Observation,
    UnratedCountry,
    assess_country,
    log_zscore,
    normalise_linear,
)
from beltroad.engines.risk_config import RiskConfig, merge, parse_config
from beltroad.errors import InvalidInput

CONFIG_FILE = Path(__file__).resolve().parents[2] / "src" / "beltroad" / "config" / "risk.toml"
WGI = ("va", "pv", "ge", "rq", "rl", "cc")


def raw_config() -> dict[str, Any]:
    return tomllib.loads(CONFIG_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def config() -> RiskConfig:
    return parse_config(raw_config(), source="risk.toml")


def wgi(year: int, estimate: float) -> list[Observation]:
    return [Observation(f"wgi.{d}.estimate", str(year), estimate, "WGI test") for d in WGI]


def debt(year: int, value: float) -> Observation:
    return Observation("imf.ggxwdg_ngdp", str(year), value, "IMF test")


def gain(year: int, value: float) -> Observation:
    return Observation("ndgain.gain", str(year), value, "ND-GAIN test")


def gpr_months(first: int, last: int, value: Any) -> list[Observation]:
    return [
        Observation("gpr.country", f"{y:04d}-{m:02d}", value(y, m), "GPR test")
        for y in range(first, last + 1)
        for m in range(1, 13)
    ]


def test_the_packaged_config_is_valid_and_weights_sum_to_one(config: RiskConfig) -> None:
    assert math.isclose(sum(c.weight for c in config.components), 1.0)
    assert {c.key for c in config.components} >= {"wgi_pv", "gpr", "debt", "ndgain"}
    assert list(config.pd) == [name for name, _ in config.bands]


def test_linear_normalisation_inverts_a_safer_is_higher_scale() -> None:
    assert normalise_linear(2.5, lower=-2.5, upper=2.5, higher_is_riskier=False) == 0.0
    assert normalise_linear(0.0, lower=-2.5, upper=2.5, higher_is_riskier=False) == 50.0
    assert normalise_linear(-4.0, lower=-2.5, upper=2.5, higher_is_riskier=False) == 100.0
    assert normalise_linear(25.0, lower=0, upper=100, higher_is_riskier=True) == 25.0


def test_full_data_score_is_the_weighted_mean(config: RiskConfig) -> None:
    obs = [*wgi(2020, 0.0), debt(2020, 55.0), gain(2020, 50.0)]
    obs += gpr_months(2010, 2020, lambda y, m: 1.0 + 0.1 * (m % 3))
    result = assess_country("XYZ", 2020, obs, config)
    assert isinstance(result, CountryRiskScore)
    assert result.missing == ()
    expected = sum(c.weight * (c.normalised or 0.0) for c in result.components)
    assert result.score == pytest.approx(expected)
    # WGI at 0 -> 50; debt at the medium LIC-DSF benchmark (55) -> 50; ND-GAIN 50 -> 50
    assert result.component("wgi_pv").normalised == pytest.approx(50.0)  # type: ignore[union-attr]
    assert result.component("debt").normalised == pytest.approx(50.0)  # type: ignore[union-attr]
    assert result.component("ndgain").normalised == pytest.approx(50.0)  # type: ignore[union-attr]
    assert sum(c.contribution for c in result.components) == pytest.approx(result.score)
    assert result.band == config.band_of(result.score)
    assert result.pd == config.pd[result.band]


def test_missing_inputs_are_flagged_and_reweighted_not_zero(config: RiskConfig) -> None:
    obs = [*wgi(2020, -0.5), gain(2020, 40.0)]  # no GPR series, no debt
    result = assess_country("XYZ", 2020, obs, config)
    assert isinstance(result, CountryRiskScore)
    assert set(result.missing) == {"gpr", "debt"}
    available = sum(c.weight for c in result.components if not c.missing)
    assert result.coverage == pytest.approx(available)
    for c in result.components:
        if c.missing:
            assert c.contribution == 0.0
            assert c.normalised is None
            assert c.note
        else:
            assert c.effective_weight == pytest.approx(c.weight / available)
    # every available input is 60 risk points, so the re-weighted score is 60, not 60 x 0.65
    assert result.score == pytest.approx(60.0)
    gpr = result.component("gpr")
    assert gpr is not None
    assert "no GPR country series" in gpr.note


def test_too_little_data_leaves_a_country_unrated_with_the_reason(config: RiskConfig) -> None:
    result = assess_country("XYZ", 2020, [gain(2020, 40.0)], config)
    assert isinstance(result, UnratedCountry)
    assert "min_coverage" in result.reason
    assert result.as_dict()["score"] is None


def test_history_ignores_later_data_and_old_values_expire(config: RiskConfig) -> None:
    obs = [*wgi(2015, 1.0), *wgi(2020, -1.0), debt(2015, 20.0), debt(2020, 110.0)]
    obs += [gain(2014, 60.0)]
    in_2015 = assess_country("XYZ", 2015, obs, config)
    in_2020 = assess_country("XYZ", 2020, obs, config)
    assert isinstance(in_2015, CountryRiskScore)
    assert isinstance(in_2020, CountryRiskScore)
    assert in_2015.component("debt").value == 20.0  # type: ignore[union-attr]
    assert in_2020.component("debt").value == 110.0  # type: ignore[union-attr]
    assert in_2020.score > in_2015.score
    # ND-GAIN from 2014 is 6 years old in 2020 (max_age_years 10): used, with its period
    assert in_2020.component("ndgain").period == "2014"  # type: ignore[union-attr]
    in_2026 = assess_country("XYZ", 2026, obs, config)
    assert isinstance(in_2026, UnratedCountry)  # WGI 2020 is older than 2 years
    wgi_pv = next(c for c in in_2026.components if c.name == "wgi_pv")
    assert wgi_pv.missing
    assert "older than max_age_years" in wgi_pv.note


def test_debt_uses_the_country_capacity_threshold() -> None:
    data = raw_config()
    data["lic_dsf"]["capacity"] = {"ABC": "weak"}
    config = parse_config(data, source="test")
    obs = [*wgi(2020, 0.0), debt(2020, 35.0)]
    weak = assess_country("ABC", 2020, obs, config)
    medium = assess_country("DEF", 2020, obs, config)
    assert isinstance(weak, CountryRiskScore)
    assert isinstance(medium, CountryRiskScore)
    assert weak.component("debt").normalised == pytest.approx(50.0)  # type: ignore[union-attr]
    assert medium.component("debt").normalised == pytest.approx(  # type: ignore[union-attr]
        100 * 35 / 110
    )
    assert "LIC-DSF 2018" in weak.component("debt").note  # type: ignore[union-attr]


def test_gpr_spike_year_scores_high_and_a_flat_window_has_no_z(config: RiskConfig) -> None:
    calm = gpr_months(2005, 2014, lambda y, m: 0.5 + 0.05 * math.sin(m))
    spike = gpr_months(2015, 2015, lambda y, m: 3.0)
    obs = [*wgi(2015, 0.0), *calm, *spike]
    result = assess_country("XYZ", 2015, obs, config)
    assert isinstance(result, CountryRiskScore)
    assert result.component("gpr").normalised == 100.0  # type: ignore[union-attr]
    z, _, sd = log_zscore(1.0, [1.0, 1.0, 1.0], offset=0.01)
    assert z is None
    assert sd == 0


@settings(max_examples=60, deadline=None)
@given(
    estimate=st.floats(-3, 3),
    debt_value=st.one_of(st.none(), st.floats(0, 300)),
    gain_value=st.one_of(st.none(), st.floats(0, 100)),
)
def test_score_is_bounded_and_explained(
    config: RiskConfig, estimate: float, debt_value: float | None, gain_value: float | None
) -> None:
    obs = wgi(2020, estimate)
    if debt_value is not None:
        obs.append(debt(2020, debt_value))
    if gain_value is not None:
        obs.append(gain(2020, gain_value))
    result = assess_country("XYZ", 2020, obs, config)
    assert isinstance(result, CountryRiskScore)
    assert 0 <= result.score <= 100
    assert sum(c.contribution for c in result.components) == pytest.approx(result.score)
    assert sum(c.effective_weight for c in result.components) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"surprise": 1}, "surprise", "unknown key"),
        ({"components": {"gpr": {"colour": "red"}}}, "components.gpr.colour", "unknown key"),
        ({"components": {"gpr": {"weight": 0.5}}}, "components.*.weight", "must sum to 1"),
        ({"components": {"debt": {"method": "magic"}}}, "components.debt.method", "unknown method"),
        ({"components": {"debt": {"weight": "heavy"}}}, "components.debt.weight", "a number"),
        ({"bands": {"moderate": 90.0, "high": 90.0}}, "bands", "distinct"),
        ({"pd": {"high": 0.001}}, "pd.high", "must not fall"),
        ({"pd": {"extreme": 0.5}}, "pd.extreme", "not a band"),
        ({"lic_dsf": {"default_capacity": "huge"}}, "lic_dsf.default_capacity", "weak"),
        ({"register": {"likelihood_cuts": [1, 2]}}, "register.likelihood_cuts", "4 increasing"),
        ({"register": {"escalation_threshold": 30}}, "register.escalation_threshold", "1 to 25"),
        (
            {"score": {"tags": {"min_coverage": "my guess"}}},
            "score.tags.min_coverage",
            "verification tag",
        ),
    ],
)
def test_bad_config_names_the_key_value_and_allowed_values(
    change: dict[str, Any], field: str, reason: str
) -> None:
    data = merge(copy.deepcopy(raw_config()), change)
    with pytest.raises(InvalidInput) as caught:
        parse_config(data, source="user.toml")
    problem = caught.value.problems[0]
    assert problem.field == field
    assert reason in problem.reason
    assert "user.toml" in str(caught.value)


def test_a_user_file_may_retune_weights_that_still_sum_to_one() -> None:
    change = {"components": {"gpr": {"weight": 0.0}, "debt": {"weight": 0.35}}}
    config = parse_config(merge(raw_config(), change), source="user.toml")
    assert config.component("gpr") is None  # weight 0: not an input at all
    assert config.component("debt").weight == 0.35  # type: ignore[union-attr]
