"""The six economic corridors of standards.md §7.1."""

from __future__ import annotations

import pycountry
import pytest

from beltroad.reference.corridors import CORRIDORS, corridor_by_id


def test_there_are_six_corridors_with_unique_ids() -> None:
    assert len(CORRIDORS) == 6
    assert len({corridor.id for corridor in CORRIDORS}) == 6


def test_cpec_is_china_and_pakistan() -> None:
    cpec = corridor_by_id("CPEC")
    assert cpec.iso3_codes == ("CHN", "PAK")
    assert cpec.name_zh == "中巴经济走廊"


def test_every_member_is_an_iso_3166_alpha_3_code() -> None:
    for corridor in CORRIDORS:
        for member in corridor.members:
            assert pycountry.countries.get(alpha_3=member.iso3) is not None, member
            assert member.role in {"core", "extension"}


def test_china_is_a_core_member_of_every_corridor() -> None:
    for corridor in CORRIDORS:
        assert any(m.iso3 == "CHN" and m.role == "core" for m in corridor.members), corridor.id


def test_every_corridor_cites_its_sources() -> None:
    assert all("Vision and Actions" in corridor.source for corridor in CORRIDORS)


def test_unknown_corridor_lists_the_valid_ids() -> None:
    assert corridor_by_id("cpec").id == "CPEC"
    with pytest.raises(KeyError, match="NELB"):
        corridor_by_id("SILK")
