"""One corridor rule: own corridor, else member countries, nearest route among several."""

from __future__ import annotations

import pytest

from beltroad.engines.corridors import CorridorShare, attribute, nearest, route_km
from beltroad.reference.corridor_routes import ROUTES
from beltroad.reference.corridors import CORRIDORS

MEMBERS: dict[str, list[str]] = {}
for _c in CORRIDORS:
    for _m in _c.members:
        MEMBERS.setdefault(_m.iso3, []).append(_c.id)


def test_pakistan_is_cpec() -> None:
    assert attribute([("PAK", 100.0)], members=MEMBERS) == (CorridorShare("CPEC", 1.0, "member"),)


def test_explicit_corridor_wins() -> None:
    found = attribute([("PAK", 100.0)], members=MEMBERS, explicit="BCIM")
    assert found == (CorridorShare("BCIM", 1.0, "explicit"),)


def test_country_in_no_corridor_gives_nothing_and_shares_follow_percentages() -> None:
    assert attribute([("BRA", 100.0)], members=MEMBERS) == ()
    found = attribute([("PAK", 60.0), ("BRA", 40.0)], members=MEMBERS)
    assert found == (CorridorShare("CPEC", 0.6, "member"),)


def test_country_of_several_corridors_splits_equally_without_location() -> None:
    found = attribute([("KAZ", 100.0)], members=MEMBERS)
    assert {f.corridor: f.share for f in found} == {"CCAWAEC": 0.5, "NELB": 0.5}
    assert sum(f.share for f in attribute([("CHN", 100.0)], members=MEMBERS)) == pytest.approx(1.0)


def test_located_project_goes_to_the_nearest_route_among_its_country_corridors() -> None:
    almaty = [(43.25, 76.9)]
    astana = [(51.1, 71.4)]
    mandalay = [(21.9, 96.1)]
    assert attribute([("KAZ", 100.0)], members=MEMBERS, points=almaty) == (
        CorridorShare("CCAWAEC", 1.0, "route"),
    )
    assert attribute([("KAZ", 100.0)], members=MEMBERS, points=astana)[0].corridor == "NELB"
    assert attribute([("MMR", 100.0)], members=MEMBERS, points=mandalay)[0].corridor == "BCIM"
    # A location never adds a corridor the country is not a member of.
    assert attribute([("PAK", 100.0)], members=MEMBERS, points=mandalay)[0].corridor == "CPEC"


def test_route_distance() -> None:
    gwadar = (25.13, 62.32)
    assert route_km([gwadar], ROUTES["CPEC"]) < 1.0
    # Lahore lies ~250 km from the schematic Islamabad-Quetta segment.
    assert 100 < route_km([(31.55, 74.34)], ROUTES["CPEC"]) < 400
    assert nearest([gwadar], ["CPEC", "BCIM"], ROUTES) == "CPEC"
    assert nearest([gwadar], ["XX"], ROUTES) is None
