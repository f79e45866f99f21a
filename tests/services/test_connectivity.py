"""Routes, exposure and chokepoint dependence over a stored portfolio, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from beltroad.errors import InvalidInput, NotFound
from beltroad.records import CountrySplit, LocationRecord, PortRecord, ProjectRecord, Provenance
from beltroad.services.connectivity import (
    parse_closures,
    route,
    route_feature,
    voyage_assumptions,
)
from beltroad.services.exposure import (
    CHINA_HUBS,
    chokepoint_dependence,
    exposure,
    ports_geojson,
    red_sea_summary,
)
from beltroad.services.workspace import Workspace
from beltroad.storage import connectivity as store
from beltroad.storage.writes import write_ports, write_projects

ROUTE_KEYS = {"from", "to", "closed", "reachable", "distance_km", "distance_nm", "days",
              "passages", "geometry"}  # fmt: skip


def project(ident: str, iso3: str, *, at: tuple[float, float] | None = None, **extras: str) -> (
    ProjectRecord
):  # fmt: skip
    return ProjectRecord(
        identifier=ident,
        title=f"project {ident}",
        provenance=Provenance(dataset="test", source_record_id=ident),
        countries=(CountrySplit(iso3),),
        locations=(LocationRecord(name=ident, lat=at[0], lon=at[1]),) if at else (),
        extras=dict(extras),
    )


@pytest.fixture
def portfolio(workspace: Workspace) -> dict[str, int]:
    """Piraeus terminal (by location), Mombasa (explicit port), an inland project (no port)."""
    with workspace.writing() as connection:
        write_ports(
            connection,
            [
                PortRecord(
                    "GRPIR",
                    "Piraeus",
                    "GRC",
                    37.94,
                    23.63,
                    Provenance("wpi", "1"),
                    harbor_size="L",
                    max_depth_m=16.5,
                ),
                PortRecord("PKZZZ", "Test Port", "PAK", 24.80, 66.97, Provenance("wpi", "2")),
            ],
        )
        write_projects(
            connection,
            [
                project("piraeus", "GRC", at=(37.951, 23.64)),
                project("mombasa", "KEN", port_unlocode="KE MBA"),
                project("astana", "KAZ", at=(51.17, 71.45)),
            ],
        )
        ids = {row["identifier"]: row["id"] for row in store.project_sites(connection)}
    return ids


def test_route_has_the_stable_keys_and_reports_the_closure_cost(workspace: Workspace) -> None:
    result = route(workspace, "CNSHA", "NLRTM", close="red_sea").as_dict()
    assert set(result) >= ROUTE_KEYS
    assert result["closed"] == ["babalmandab", "suez"]
    assert result["reachable"] is True
    assert not {"suez", "babalmandab"} & set(result["passages"])
    assert result["open_network"]["passages"] == ["malacca", "babalmandab", "suez", "gibraltar"]
    assert result["distance_nm"] == pytest.approx(result["distance_km"] / 1.852, abs=0.1)
    assert result["extra_km"] == pytest.approx(
        result["distance_km"] - result["open_network"]["distance_km"], abs=0.2
    )
    assert result["extra_days"] > 0
    assert result["extra_fuel_usd"] > 0
    assert result["geometry"]["type"] in ("LineString", "MultiLineString")
    assert "searoute" in result["network"]


def test_an_impossible_route_is_unreachable_not_zero(workspace: Workspace) -> None:
    result = route(workspace, "QADOH", "NLRTM", close=["ormuz"]).as_dict()
    assert result["reachable"] is False
    assert result["distance_km"] is None
    assert result["geometry"] is None
    assert result["notes"]


def test_positions_route_and_bad_positions_are_refused(workspace: Workspace) -> None:
    assert route(workspace, "31.4,121.5", "NLRTM").as_dict()["reachable"] is True
    with pytest.raises(InvalidInput, match="latitude out of range"):
        route(workspace, "95,3", "NLRTM")
    with pytest.raises(InvalidInput, match="longitude out of range"):
        route(workspace, "CNSHA", "10,200")


def test_an_unknown_port_suggests_the_closest_codes(workspace: Workspace) -> None:
    with pytest.raises(NotFound, match="unknown port 'NLRTX'") as caught:
        route(workspace, "CNSHA", "NLRTX")
    assert "NLRTM" in str(caught.value.hint)
    with pytest.raises(NotFound) as by_name:
        route(workspace, "CNSHA", "Rotterdam")
    assert "NLRTM (Rotterdam)" in str(by_name.value.hint)


def test_an_unknown_passage_lists_the_valid_ones() -> None:
    with pytest.raises(InvalidInput, match="expected one of suez, babalmandab") as caught:
        parse_closures("suze")
    assert "suez" in str(caught.value.hint)
    with pytest.raises(InvalidInput, match="Dover Strait is a known chokepoint"):
        parse_closures(["suez", "dover"])
    assert parse_closures(["red-sea, ormuz"]) == ("babalmandab", "ormuz", "suez")


def test_bad_voyage_assumptions_are_refused() -> None:
    with pytest.raises(InvalidInput, match="field speed_kn"):
        voyage_assumptions(speed_kn=0)
    with pytest.raises(InvalidInput, match="field bunker_usd_per_t"):
        voyage_assumptions(bunker_usd_per_t=float("nan"))


def test_wpi_attributes_join_on_unlocode_and_wpi_only_ports_route(
    workspace: Workspace, portfolio: dict[str, int]
) -> None:
    result = route(workspace, "GRPIR", "PKZZZ").as_dict()
    assert result["from_port"]["harbor_size"] == "L"
    assert result["from_port"]["max_depth_m"] == 16.5
    assert result["from_port"]["source"] == "searoute+wpi"
    assert result["to_port"]["source"] == "wpi"
    assert result["reachable"] is True


def test_chokepoint_dependence_follows_each_projects_lane_to_china(
    workspace: Workspace, portfolio: dict[str, int]
) -> None:
    deps = chokepoint_dependence(workspace)
    assert set(deps) == {portfolio["piraeus"], portfolio["mombasa"]}  # astana has no port
    assert deps[portfolio["piraeus"]] == frozenset({"suez", "babalmandab", "malacca"})
    assert "malacca" in deps[portfolio["mombasa"]]
    assert "suez" not in deps[portfolio["mombasa"]]
    assert chokepoint_dependence(workspace, max_port_km=0.05).keys() == {portfolio["mombasa"]}


def test_chokepoint_dependence_is_empty_without_ports_or_locations(workspace: Workspace) -> None:
    assert chokepoint_dependence(workspace) == {}


def test_exposure_rolls_the_red_sea_closure_up_to_projects_and_countries(
    workspace: Workspace, portfolio: dict[str, int]
) -> None:
    result = exposure(workspace, close=["red_sea"], include_matrix=True)
    data = result.as_dict()
    assert data["port_set"] == "portfolio"
    ports = [p["unlocode"] for p in data["ports"]]
    assert {"GRPIR", "KEMBA", *CHINA_HUBS} <= set(ports)
    (scenario,) = data["scenarios"]
    assert scenario["name"] == "babalmandab+suez"
    assert scenario["pairs_longer"] > 0
    assert scenario["extra_km"]["median"] > 0
    projects = {p["identifier"]: p for p in data["projects"]}
    assert projects["piraeus"]["link"] == "nearest"
    assert projects["piraeus"]["link_km"] < 5
    assert projects["mombasa"]["link"] == "explicit"
    assert projects["piraeus"]["scenarios"][0]["extra_days"] > 5
    assert projects["mombasa"]["scenarios"][0]["extra_km"] == 0
    assert data["unlinked_projects"] == 1
    greece = next(c for c in data["countries"] if c["iso3"] == "GRC")
    assert greece["depends_on"]["suez"] == 1
    assert greece["scenarios"]["babalmandab+suez"]["projects_longer"] == 1
    assert len(data["matrix"]["open"]) == len(ports)
    assert data["assumptions"]["speed_kn"] == 14.0


def test_exposure_defaults_to_the_twelve_single_closures(workspace: Workspace) -> None:
    result = exposure(workspace, ports=["NLRTM", "SGSIN"])
    names = [s["name"] for s in result.as_dict()["scenarios"]]
    assert len(names) == 12
    assert "northwest" not in names
    with pytest.raises(InvalidInput, match="field max_port_km"):
        exposure(workspace, max_port_km=-1)


def test_web_map_features(workspace: Workspace) -> None:
    feature = route_feature(workspace, "CNSHA", "NLRTM", close="suez")
    assert feature["type"] == "Feature"
    assert feature["geometry"]["type"] in ("LineString", "MultiLineString")
    assert feature["properties"]["closed"] == ["suez"]
    result = exposure(workspace, close=["red_sea"], ports=["NLRTM", "SGSIN"])
    collection = ports_geojson(result, "babalmandab+suez")
    rotterdam = next(f for f in collection["features"] if f["properties"]["unlocode"] == "NLRTM")
    assert rotterdam["properties"]["scenarios"]["babalmandab+suez"]["routes_longer"] > 0
    with pytest.raises(InvalidInput, match="unknown scenario"):
        ports_geojson(result, "suez")


def test_a_far_end_is_noted(workspace: Workspace) -> None:
    result = route(workspace, "48.0,10.0", "NLRTM").as_dict()  # southern Germany, on land
    assert result["access_km"][0] > 300
    assert any("km from the nearest sea-network node" in note for note in result["notes"])


def test_the_demo_sentence_reports_the_red_sea_closure(
    workspace: Workspace, portfolio: dict[str, int]
) -> None:
    text = red_sea_summary(workspace)
    assert text.startswith("Red Sea closure (babalmandab+suez")
    assert "1 of 2 port-linked projects have a longer lane to China" in text


def test_listed_pairs_agree_with_routing_each_pair(workspace: Workspace) -> None:
    result = exposure(workspace, close=["red_sea", "ormuz"], ports=["QADOH", "NLRTM", "GRPIR"],
                      pairs=4)  # fmt: skip
    red_sea, ormuz = result.as_dict()["scenarios"]
    for scenario, close in ((red_sea, "red_sea"), (ormuz, "ormuz")):
        lists = scenario["pair_lists"]
        assert lists["limit"] == 4
        longer = lists["pairs_longer"]
        assert len(longer) == min(4, scenario["pairs_longer"])
        assert [p["extra_km"] for p in longer] == sorted((p["extra_km"] for p in longer),
                                                         reverse=True)  # fmt: skip
        for pair in longer:
            closed = route(workspace, pair["from"], pair["to"], close=close).as_dict()
            assert closed["distance_km"] == pytest.approx(pair["closed_km"], abs=0.1)
            assert closed["open_network"]["distance_km"] == pytest.approx(pair["open_km"], abs=0.1)
            assert closed["extra_days"] == pytest.approx(pair["extra_days"], abs=0.01)
        for pair in lists["pairs_unreachable"]:
            closed = route(workspace, pair["from"], pair["to"], close=close).as_dict()
            assert closed["reachable"] is False
            assert closed["open_network"]["distance_km"] == pytest.approx(pair["open_km"], abs=0.1)
        for pair in lists["pairs_using"]:
            closed = route(workspace, pair["from"], pair["to"], close=close).as_dict()
            assert set(pair["passages"]) <= set(closed["open_network"]["passages"])
    assert len(ormuz["pair_lists"]["pairs_unreachable"]) == 4  # Doha loses all 8 others
    assert ormuz["pairs_unreachable"] == 8
    everything = exposure(workspace, close=["ormuz"], ports=["QADOH"], pairs=None).as_dict()
    assert len(everything["scenarios"][0]["pair_lists"]["pairs_unreachable"]) == 6
    none = exposure(workspace, close=["ormuz"], ports=["QADOH"], pairs=0).as_dict()
    assert none["scenarios"][0]["pair_lists"]["pairs_using"] == []


@pytest.mark.parametrize("bad", [-2, 1.5, "5", True])
def test_a_bad_pairs_value_names_the_field(workspace: Workspace, bad: object) -> None:
    with pytest.raises(InvalidInput, match=r"field pairs.*whole number of pairs.*'all'"):
        exposure(workspace, pairs=bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["many", "1.5", ""])
def test_a_bad_pairs_option_is_refused_by_the_cli(bad: str) -> None:
    from beltroad.cli.connectivity import parse_pairs

    with pytest.raises(InvalidInput, match=r"--pairs.*whole number of pairs.*'all'"):
        parse_pairs(bad)
