"""Country risk scores over real WGI, GPR, ND-GAIN and IMF data, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from beltroad.cli.main import main
from beltroad.errors import DataUnavailable, InvalidInput
from beltroad.services.risk import assess, country_scores, load_config
from beltroad.services.workspace import Workspace
from beltroad.settings import Settings
from tests.services.risk_data import COUNTRIES, load_real_indicators


@pytest.fixture
def scored(workspace: Workspace) -> Workspace:
    load_real_indicators(workspace)
    return workspace


def test_every_score_lists_its_components_with_weights_and_vintages(scored: Workspace) -> None:
    report = assess(scored)
    assert report.year == 2023  # the newest WGI year in the 2024 update
    assert {s.iso3 for s in report.scored} == set(COUNTRIES)
    for s in report.scored:
        assert 0 <= s.score <= 100
        assert sum(c.contribution for c in s.components) == pytest.approx(s.score)
        assert s.pd == report.config.pd[s.band]
        for c in s.components:
            assert (c.vintage is None) == c.missing
            assert c.note
    scores = {s.iso3: s for s in report.scored}
    assert scores["SSD"].score > scores["PAK"].score > scores["NOR"].score
    assert "gpr" in scores["PAK"].missing  # GPR has no Pakistan series
    assert "gpr" not in scores["UKR"].missing
    assert scores["UKR"].component("gpr").vintage.startswith("GPR")  # type: ignore[union-attr]
    assert scores["PAK"].component("wgi_pv").vintage == "WGI 2024 update"  # type: ignore[union-attr]


def test_scores_as_of_an_earlier_year_use_that_years_data(scored: Workspace) -> None:
    [then] = country_scores(scored, year=2012, countries=["ukr"])
    [now] = country_scores(scored, year=2023, countries=["UKR"])
    assert then.component("wgi_pv").period == "2012"  # type: ignore[union-attr]
    assert then.component("debt").period == "2012"  # type: ignore[union-attr]
    assert now.score > then.score  # war: PV and GPR both worse in 2023
    gpr_now = now.component("gpr")
    assert gpr_now is not None
    assert gpr_now.normalised is not None
    assert gpr_now.normalised > 50


def test_unknown_country_and_uncovered_year_are_rejected(scored: Workspace) -> None:
    with pytest.raises(InvalidInput) as caught:
        country_scores(scored, countries=["PAK", "XXX"])
    assert caught.value.problems[0].value == "XXX"
    assert "ISO 3166-1 alpha-3" in str(caught.value)
    with pytest.raises(InvalidInput) as caught:
        country_scores(scored, year=1950)
    assert caught.value.problems[0].field == "year"


def test_no_indicator_data_says_what_to_import(workspace: Workspace) -> None:
    with pytest.raises(DataUnavailable) as caught:
        country_scores(workspace)
    assert caught.value.hint is not None
    assert "beltroad import wgi" in caught.value.hint


def test_a_user_config_changes_the_weights(scored: Workspace, tmp_path: Path) -> None:
    user = tmp_path / "risk.toml"
    user.write_text(
        "[components.debt]\nweight = 0.35\n[components.ndgain]\nweight = 0.0\n", encoding="utf-8"
    )
    config = load_config(user)
    assert config.source.startswith(str(user))
    [pak] = country_scores(scored, countries=["PAK"], config=config)
    assert pak.component("ndgain") is None
    assert pak.component("debt").weight == 0.35  # type: ignore[union-attr]


def test_cli_risk_country_json_and_csv(
    scored: Workspace, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["--db", settings.database_url, "--data-dir", str(settings.data_dir)]
    assert main([*base, "risk", "country", "PAK", "UKR", "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert [p["iso3"] for p in payload] == ["UKR", "PAK"] or [p["iso3"] for p in payload] == [
        "PAK",
        "UKR",
    ]
    for item in payload:
        assert {"iso3", "score", "band", "components"} <= set(item)
        for c in item["components"]:
            assert {"name", "value", "weight", "contribution", "vintage"} <= set(c)
    assert main([*base, "risk", "country", "KEN", "--year", "2015", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("iso3,year,score,band,component,value")
    assert len(lines) == 1 + len(load_config().components)
    assert all(",2015," in line for line in lines[1:])


def test_cli_bad_risk_config_exits_2_naming_the_key(
    scored: Workspace, settings: Settings, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    user = tmp_path / "bad.toml"
    user.write_text("[components.debt]\nweight = 0.9\n", encoding="utf-8")
    base = ["--db", settings.database_url, "--data-dir", str(settings.data_dir)]
    assert main([*base, "risk", "country", "--risk-config", str(user)]) == 2
    err = capsys.readouterr().err
    assert "components.*.weight" in err
    assert "sum to 1" in err
    assert main([*base, "risk", "country", "QQQ"]) == 2
    assert "QQQ" in capsys.readouterr().err
