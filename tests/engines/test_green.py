"""Green traffic light: BRIGC rules of standards §2.1, the 2021 coal pledge, IFC mapping."""

from __future__ import annotations

import datetime as dt

import pytest

from beltroad.engines import green
from beltroad.errors import InvalidInput
from beltroad.services.config_files import load


@pytest.fixture(scope="module")
def config() -> green.GreenConfig:
    data, source = load("green", None, field="green_config")
    return green.parse_config(data, source=source)


def project(title: str, **kw: object) -> green.GreenProject:
    return green.GreenProject(project_id=1, identifier="P1", title=title, **kw)  # type: ignore[arg-type]


def test_the_brigc_decision_rule() -> None:
    neutral = dict.fromkeys(green.DIMENSIONS, "neutral")
    assert green.brigc_class(neutral, eco_area=False) == "yellow"
    assert green.brigc_class(neutral | {"climate": "positive"}, eco_area=False) == "green"
    assert green.brigc_class(neutral | {"climate": "positive"}, eco_area=True) == "red"
    assert (
        green.brigc_class(
            neutral | {"pollution": "moderate", "climate": "positive"}, eco_area=False
        )
        == "yellow"
    )
    assert green.brigc_class(neutral | {"biodiversity": "significant"}, eco_area=False) == "red"


def test_solar_is_green_with_evidence_per_dimension(config: green.GreenConfig) -> None:
    a = green.classify(project("100MW solar photovoltaic plant"), config)
    assert a.green_class == "green"
    assert a.rules == ("solar",)
    criteria = {e.criterion for e in a.evidence}
    assert {"sector", "pollution", "climate", "biodiversity"} <= criteria
    assert a.ifc_implied == "C"


def test_hydropower_is_red_unless_mitigated(config: green.GreenConfig) -> None:
    assert (
        green.classify(project("Imboulou Hydroelectric Power Plant"), config).green_class == "red"
    )
    mitigated = green.classify(
        project("Imboulou Hydroelectric Power Plant", mitigation="IFC PS6 plan"), config
    )
    assert mitigated.green_class == "green"
    assert any(e.criterion == "mitigation" for e in mitigated.evidence)


def test_an_ecologically_important_area_makes_a_project_red(config: green.GreenConfig) -> None:
    a = green.classify(project("Wind farm", eco_area="Ramsar site 1234"), config)
    assert a.green_class == "red"
    assert any(e.criterion == "location" and "Ramsar" in e.basis for e in a.evidence)


@pytest.mark.parametrize(
    ("date", "year", "flag"),
    [
        (dt.date(2021, 9, 22), 2021, green.POLICY_EXCLUDED),
        (dt.date(2021, 9, 21), 2021, green.LEGACY_COAL),
        (None, 2023, green.POLICY_EXCLUDED),
        (None, 2015, green.LEGACY_COAL),
        (None, 2021, green.COAL_DATE_UNDECIDED),
        (None, None, green.COAL_DATE_UNDECIDED),
    ],
)
def test_the_coal_pledge(
    config: green.GreenConfig, date: dt.date | None, year: int | None, flag: str
) -> None:
    a = green.classify(
        project("2x660 MW Coal-Fired Power Plant", commitment_date=date, commitment_year=year),
        config,
    )
    assert a.green_class == "red"
    assert a.policy_flag == flag


def test_dac_codes_match_as_well_as_keywords(config: green.GreenConfig) -> None:
    a = green.classify(project("Power plant", sectors=(("1", "23320"),)), config)
    assert a.rules == ("coal_power",)


def test_ifc_category_a_makes_a_green_project_red_but_c_never_greens(
    config: green.GreenConfig,
) -> None:
    a = green.classify(project("Solar park", ifc_category="A"), config)
    assert (a.brigc_class, a.green_class, a.ifc_category) == ("green", "red", "A")
    b = green.classify(project("Hospital", sectors=(("2", "121"),), ifc_category="C"), config)
    assert b.green_class == "yellow"


def test_nothing_matched_is_unrated_never_guessed(config: green.GreenConfig) -> None:
    a = green.classify(project("Port expansion", sectors=(("2", "210"),)), config)
    assert a.green_class == "unrated"
    assert "not guessed" in a.evidence[0].basis


def test_a_rule_without_a_tagged_source_is_refused() -> None:
    data, _ = load("green", None, field="green_config")
    data["rules"] = [dict(data["rules"][0], source="made up")]
    with pytest.raises(InvalidInput, match=r"rules\[0\]\.source"):
        green.parse_config(data, source="x.toml")
