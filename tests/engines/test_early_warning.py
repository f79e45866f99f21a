"""Early warnings, proximity and incident checks: pure functions with hand-made inputs."""

from __future__ import annotations

import datetime as dt
import math
import tomllib
from pathlib import Path

import pytest

from beltroad.engines.country_risk import CountryRiskScore, Observation, assess_country
from beltroad.engines.early_warning import (
    gpr_spikes,
    incident_warnings,
    milestone_slips,
    overdue_reviews,
    score_jumps,
)
from beltroad.engines.incidents import check_event_type, check_sub_event_type, exposure
from beltroad.engines.proximity import Asset, bounding_box, haversine_km, within_radius
from beltroad.engines.risk_config import RiskConfig, parse_config
from beltroad.errors import InvalidInput

CONFIG_FILE = Path(__file__).resolve().parents[2] / "src" / "beltroad" / "config" / "risk.toml"
R = 6371.0088
TODAY = dt.date(2026, 6, 30)


@pytest.fixture(scope="module")
def config() -> RiskConfig:
    return parse_config(tomllib.loads(CONFIG_FILE.read_text("utf-8")), source="risk.toml")


def scored(config: RiskConfig, year: int, estimate: float) -> CountryRiskScore:
    obs = [
        Observation(f"wgi.{d}.estimate", str(year), estimate, "WGI")
        for d in ["va", "pv", "ge", "rq", "rl", "cc"]
    ]
    result = assess_country("AAA", year, obs, config)
    assert isinstance(result, CountryRiskScore)
    return result


def test_haversine_matches_the_sphere() -> None:
    one_degree = 2 * math.pi * R / 360
    d = haversine_km(0.0, 0.0, [0.0, 1.0, 0.0], [1.0, 0.0, 180.0], earth_radius_km=R)
    assert d[0] == pytest.approx(one_degree)
    assert d[1] == pytest.approx(one_degree)
    assert d[2] == pytest.approx(math.pi * R)


def test_within_radius_is_nearest_first_and_one_row_per_project() -> None:
    assets = [
        Asset("project", "P1", "Port", 0.0, 0.5),
        Asset("project", "P1", "Port", 0.0, 0.1),  # the same project's nearer site
        Asset("enterprise", "7", "Acme", 0.0, 0.3),
        Asset("zone", "3", "Far zone", 0.0, 2.0),
        Asset("zone", "4", "Unlocated", None, None),
    ]
    found = within_radius(0.0, 0.0, assets, radius_km=50.0, earth_radius_km=R)
    assert [(a.kind, a.ref) for a, _ in found] == [("project", "P1"), ("enterprise", "7")]
    assert found[0][1] == pytest.approx(0.1 * 2 * math.pi * R / 360)


def test_bounding_box_holds_the_circle_and_gives_up_at_the_antimeridian() -> None:
    south, north, west, east = bounding_box(10.0, 20.0, 100.0, earth_radius_km=R)
    assert south < 10 < north
    assert west is not None
    assert east is not None
    assert haversine_km(10.0, 20.0, [10.0], [east], earth_radius_km=R)[0] >= 100.0
    assert bounding_box(0.0, 179.9, 100.0, earth_radius_km=R)[2:] == (None, None)


def test_exposure_without_coordinates_lists_the_whole_country() -> None:
    assets = [
        Asset(
            "enterprise", "1", "A", None, None, "PAK", {"employees_local": 10, "employees_expat": 2}
        ),
        Asset("zone", "2", "Z", 1.0, 1.0, "KEN", {"jobs_local": 5, "jobs_expat": 0}),
    ]
    reach = exposure(assets, lat=None, lon=None, radius_km=50, earth_radius_km=R, country="PAK")
    assert reach["scope"] == "country"
    assert reach["totals"] == {
        "enterprises": 1,
        "personnel": 12,
        "expatriate_personnel": 2,
        "zones": 0,
        "zone_jobs": 0,
        "projects": 0,
    }


def test_acled_event_types_are_checked() -> None:
    assert check_event_type("explosions/remote violence") == "Explosions/Remote violence"
    assert check_event_type("Explosions") == "Explosions/Remote violence"
    assert check_sub_event_type("Battles", "armed clash") == "Armed clash"
    with pytest.raises(InvalidInput, match="Battles; Explosions/Remote violence"):
        check_event_type("earthquake")
    with pytest.raises(InvalidInput) as caught:
        check_sub_event_type("Riots", "Armed clash")
    assert caught.value.problems[0].field == "sub_event_type"


def test_score_jump_over_threshold_only(config: RiskConfig) -> None:
    before = scored(config, 2021, 0.5)
    after = scored(config, 2022, -0.5)  # +20 points
    [w] = score_jumps([after], {"AAA": before}, threshold=10.0)
    assert w.kind == "score_jump"
    assert w.severity == "critical"  # twice the threshold
    assert w.value == pytest.approx(20.0)
    assert "rose 20.0 points" in w.message
    assert score_jumps([after], {"AAA": before}, threshold=25.0) == []
    assert score_jumps([before], {"AAA": after}, threshold=10.0) == []  # a fall is no warning


def test_gpr_spike_is_found_in_the_lookback(config: RiskConfig) -> None:
    spec = config.component("gpr")
    assert spec is not None
    calm = [
        Observation("gpr.country", f"{y}-{m:02d}", 0.5 + 0.05 * math.sin(y * 12 + m), "GPR")
        for y in range(2010, 2022)
        for m in range(1, 13)
    ]
    spike = [Observation("gpr.country", "2022-03", 3.0, "GPR")]
    found = gpr_spikes({"UKR": calm + spike}, spec=spec, z_threshold=2.0, lookback_months=12)
    assert [(w.subject_ref, w.period) for w in found] == [("UKR", "2022-03")]
    assert found[0].value is not None
    assert found[0].value > 3
    assert gpr_spikes({"UKR": calm}, spec=spec, z_threshold=2.0, lookback_months=12) == []


def test_overdue_reviews_milestones_and_incidents() -> None:
    entries = [
        {
            "id": 1,
            "review_on": dt.date(2026, 6, 1),
            "status": "open",
            "category": "security",
            "subject_kind": "country",
            "subject_ref": "PAK",
            "owner": "x",
            "title": "t",
        },
        {
            "id": 2,
            "review_on": dt.date(2026, 7, 1),
            "status": "open",
            "category": "security",
            "subject_kind": "country",
            "subject_ref": "PAK",
            "owner": "x",
            "title": "t",
        },
    ]
    [w] = overdue_reviews(entries, today=TODAY)
    assert (w.subject_ref, w.value, w.country_iso3) == ("1", 29.0, "PAK")
    milestones = [
        {
            "identifier": "P",
            "name": "Financial close",
            "planned_on": dt.date(2026, 1, 1),
            "actual_on": None,
        },
        {
            "identifier": "P",
            "name": "Groundbreaking",
            "planned_on": dt.date(2025, 1, 1),
            "actual_on": dt.date(2025, 2, 1),
        },
    ]
    ends = [{"identifier": "Q", "title": "Road", "planned_end": dt.date(2025, 1, 1)}]
    slips = milestone_slips(milestones, ends, today=TODAY, slip_days=90)
    assert {(w.subject_ref, w.value) for w in slips} == {("P", 180.0), ("Q", 545.0)}
    incident = {
        "id": 9,
        "occurred_on": dt.date(2026, 6, 1),
        "severity": 2,
        "casualties": 0,
        "subject_kind": "site",
        "subject_ref": "Camp",
        "country_iso3": "PAK",
        "event_type": "Riots",
        "source": "x",
        "exposure": {"totals": {"enterprises": 1, "personnel": 40, "expatriate_personnel": 3}},
    }
    [w] = incident_warnings([incident], today=TODAY, lookback_days=90)
    assert w.severity == "critical"  # expatriates within reach
    assert (
        incident_warnings([incident], today=TODAY + dt.timedelta(days=200), lookback_days=90) == []
    )
