"""Routes by vessel class (issue #18 part 2): with the Red Sea closed the largest container ships
go round the Cape because they exceed Panama's Neopanamax locks, while a Panamax ship goes via
Panama."""

from __future__ import annotations

from pathlib import Path

import pytest

from beltroad.errors import InvalidInput
from beltroad.services.connectivity import route
from beltroad.services.exposure import exposure
from beltroad.services.vessels import vessel_catalogue, vessel_closures
from beltroad.services.workspace import Workspace


def test_the_packaged_limits_are_tagged_and_cited() -> None:
    catalogue = vessel_catalogue()
    panama = catalogue.limits["panama"]
    assert panama.max_beam_m == 51.25
    assert "ACP" in panama.source
    assert panama.tag in {"[V]", "[S]", "[M]", "[N]"}
    for vessel in catalogue.vessels.values():
        assert vessel.tag in {"[V]", "[S]", "[M]", "[N]"}
        assert vessel.source
    ulcv = catalogue.vessels["ulcv"]
    assert ulcv.beam_m > panama.max_beam_m
    assert vessel_closures("ulcv").passages == ("panama",)
    assert vessel_closures("panamax").passages == ()


def test_red_sea_closure_sends_the_ulcv_round_the_cape_and_a_panamax_via_panama(
    workspace: Workspace,
) -> None:
    big = route(workspace, "CNSHA", "NLRTM", close="red_sea", vessel="ulcv").as_dict()
    small = route(workspace, "CNSHA", "NLRTM", close="red_sea", vessel="panamax").as_dict()
    assert big["reachable"]
    assert small["reachable"]
    assert "south_africa" in big["passages"]
    assert "panama" not in big["passages"]
    assert small["passages"] == ["panama"]
    assert big["distance_km"] > small["distance_km"]
    assert big["vessel"]["cannot_transit"][0]["passage"] == "panama"
    assert any("cannot transit panama" in note for note in big["notes"])
    # The ULCV's open network still goes through Suez: the vessel closes Panama only.
    assert "suez" in big["open_network"]["passages"]


def test_no_vessel_keeps_the_old_route(workspace: Workspace) -> None:
    result = route(workspace, "CNSHA", "NLRTM", close="red_sea").as_dict()
    assert result["passages"] == ["panama"]
    assert result["vessel"] is None


def test_unknown_vessel_and_bad_file_name_their_field(workspace: Workspace, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as caught:
        route(workspace, "CNSHA", "NLRTM", vessel="ulvc")
    assert caught.value.problems[0].field == "vessel"
    assert "ulcv" in (caught.value.hint or "")
    bad = tmp_path / "v.toml"
    bad.write_text("[passages.panama]\nmax_beam_m = 'wide'\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        vessel_catalogue(bad)
    assert caught.value.problems[0].field == "passages.panama.max_beam_m"
    assert caught.value.problems[0].file == f"{bad} over beltroad/config/vessels.toml"


def test_a_vessel_file_overrides_a_limit(tmp_path: Path) -> None:
    file = tmp_path / "v.toml"
    text = "[passages.panama]\nmax_beam_m = 70.0\nmax_length_m = 500.0\nmax_draught_m = 20.0\n"
    file.write_text(text, "utf-8")
    assert vessel_closures("ulcv", file).passages == ()


def test_exposure_for_a_vessel_closes_its_passages_everywhere(workspace: Workspace) -> None:
    result = exposure(workspace, close=["red_sea"], ports="CNSHA,NLRTM", vessel="ulcv")
    assert [row["scenario"] for row in result.scenario_rows()] == ["babalmandab+suez"]
    assert any("cannot transit panama" in note for note in result.notes)
