"""The register's rules: scales, cut points, auto entries that say why, escalation."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from beltroad.engines.country_risk import CountryRiskScore, Observation, assess_country
from beltroad.engines.risk_config import RiskConfig, parse_config
from beltroad.engines.risk_register import (
    CATEGORIES,
    EntryState,
    ProjectFacts,
    check_choice,
    check_scale,
    country_entries,
    escalation_reasons,
    impact_from_usd,
    is_loan,
    likelihood_from,
    project_entries,
)
from beltroad.errors import InvalidInput

CONFIG_FILE = Path(__file__).resolve().parents[2] / "src" / "beltroad" / "config" / "risk.toml"
TODAY = dt.date(2026, 6, 30)


@pytest.fixture(scope="module")
def config() -> RiskConfig:
    return parse_config(tomllib.loads(CONFIG_FILE.read_text("utf-8")), source="risk.toml")


@pytest.fixture(scope="module")
def score(config: RiskConfig) -> CountryRiskScore:
    obs = [Observation(f"wgi.{d}.estimate", "2023", -1.5, "WGI") for d in WGI_DIMS] + [
        Observation("imf.ggxwdg_ngdp", "2023", 100.0, "IMF")
    ]
    result = assess_country("ZMB", 2023, obs, config)
    assert isinstance(result, CountryRiskScore)
    return result


WGI_DIMS = ("va", "pv", "ge", "rq", "rl", "cc")


def test_cut_points_map_readings_to_one_to_five() -> None:
    cuts = (20.0, 40.0, 60.0, 80.0)
    assert [likelihood_from(v, cuts) for v in (0, 19.9, 20, 59.9, 80, 100)] == [1, 1, 2, 3, 5, 5]
    usd = (1e7, 5e7, 2e8, 1e9)
    assert impact_from_usd(5e6, usd, unknown=3) == 1
    assert impact_from_usd(2e9, usd, unknown=3) == 5
    assert impact_from_usd(None, usd, unknown=3) == 3  # unknown is not small


@pytest.mark.parametrize("bad", [0, 6, -1])
def test_scale_is_one_to_five(bad: int) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_scale(bad, "likelihood")
    assert caught.value.problems[0].field == "likelihood"
    assert caught.value.problems[0].value == bad


def test_categories_are_checked_and_named() -> None:
    assert check_choice("Sovereign-Debt", CATEGORIES, "category") == "sovereign_debt"
    with pytest.raises(InvalidInput, match="allowed: geopolitical, political"):
        check_choice("weather", CATEGORIES, "category")


def test_country_entries_say_which_component_and_amount_set_the_score(
    score: CountryRiskScore, config: RiskConfig
) -> None:
    entries = {e.category: e for e in country_entries(score, 3e8, config.register)}
    assert set(entries) == {"geopolitical", "political", "security", "sovereign_debt"}
    debt = entries["sovereign_debt"]
    # debt 100% of GDP vs the 55% medium benchmark x 2 -> 90.9 -> likelihood 5
    assert debt.likelihood == 5
    assert debt.impact == 4  # USD 300 m: between 200 m and 1 bn
    assert "debt 91" in debt.why
    assert "USD 300.0 m" in debt.why
    assert debt.key == "country:ZMB:sovereign_debt"
    # WGI -1.5 -> 80 points -> likelihood 5 for security (PV)
    assert entries["security"].likelihood == 5
    assert "wgi_pv 80" in entries["security"].why
    assert "environmental_social" not in entries  # ND-GAIN missing: no entry, not a guess


def test_project_entries_follow_the_project_attributes(
    score: CountryRiskScore, config: RiskConfig
) -> None:
    loan = ProjectFacts("P1", "Rail", 2, None, 421, 1.5e9, (("ZMB", 100.0),), ("210",))
    grant = ProjectFacts("P2", "School", 1, None, 110, 2e7, (("ZMB", 100.0),), ("112",))
    assert is_loan(loan)
    assert not is_loan(grant)
    loan_entries = {e.category: e for e in project_entries(loan, score, config.register)}
    assert set(loan_entries) == {"security", "sovereign_debt", "construction"}
    assert loan_entries["construction"].impact == 5
    assert "built sectors 210" in loan_entries["construction"].why
    grant_entries = {e.category for e in project_entries(grant, score, config.register)}
    assert grant_entries == {"security"}


def test_escalation_when_residual_is_over_threshold_or_review_overdue() -> None:
    high = EntryState(5, 4, None, None, "open", TODAY + dt.timedelta(days=10))
    assert escalation_reasons(high, today=TODAY, threshold=15) == [
        "residual score 20 is over the threshold 15"
    ]
    mitigated = EntryState(5, 4, 2, 4, "open", TODAY + dt.timedelta(days=10))
    assert escalation_reasons(mitigated, today=TODAY, threshold=15) == []
    at_threshold = EntryState(5, 3, None, None, "open", None)
    assert escalation_reasons(at_threshold, today=TODAY, threshold=15) == []
    overdue = EntryState(1, 1, None, None, "monitoring", TODAY - dt.timedelta(days=3))
    assert escalation_reasons(overdue, today=TODAY, threshold=15) == [
        "review overdue since 2026-06-27 (3 days)"
    ]
    closed = EntryState(5, 5, None, None, "closed", TODAY - dt.timedelta(days=3))
    assert escalation_reasons(closed, today=TODAY, threshold=15) == []


def test_holdings_and_incident_raises_say_why(score: CountryRiskScore, config: RiskConfig) -> None:
    from beltroad.engines.risk_register import apply_incidents, holding_entries

    entries = holding_entries("zone", "3", "Free Zone", score, 6e8, config.register)
    assert {e.category for e in entries} == {"security", "political"}
    assert all(e.impact == 4 for e in entries)  # USD 600 m zone investment
    assert entries[0].key == "zone:3:security"
    low = [e for e in entries if e.category == "security"]
    lowered = [replace(low[0], likelihood=2)]
    hits = {
        ("zone", "3"): [{"id": 7, "event_type": "Riots", "date": "2026-06-01", "distance_km": 0.0}]
    }
    [raised] = apply_incidents(lowered, hits, step=1)
    assert raised.likelihood == 3
    assert "#7 Riots on 2026-06-01 0 km away" in raised.why
    assert apply_incidents(lowered, hits, step=0) == lowered
    political = [e for e in entries if e.category == "political"]
    assert apply_incidents(political, {("zone", "3"): hits[("zone", "3")]}, step=1) == political
