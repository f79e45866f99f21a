"""Maritime passages and chokepoints of standards.md §7.2."""

from __future__ import annotations

import pytest

from beltroad.reference.passages import PASSAGES, SEAROUTE_KEYS, passage_by_key


def test_all_thirteen_searoute_keys_have_a_passage() -> None:
    assert len(SEAROUTE_KEYS) == len(set(SEAROUTE_KEYS)) == 13
    assert {p.searoute_key for p in PASSAGES if p.searoute_key} == set(SEAROUTE_KEYS)


def test_suez_is_portwatch_chokepoint1() -> None:
    suez = passage_by_key("suez")
    assert suez.portwatch_id == "chokepoint1"
    assert (suez.lat, suez.lon) == (30.6, 32.3)
    assert "[M]" in suez.tag


def test_portwatch_ids_are_unique_and_cover_1_to_28() -> None:
    ids = [p.portwatch_id for p in PASSAGES if p.portwatch_id]
    assert sorted(ids) == sorted(f"chokepoint{n}" for n in range(1, 29))
    assert passage_by_key("sunda").portwatch_id == "chokepoint19"
    assert passage_by_key("bering").portwatch_id == "chokepoint26"


def test_keys_are_unique_and_coordinates_come_in_pairs() -> None:
    assert len({p.key for p in PASSAGES}) == len(PASSAGES)
    for passage in PASSAGES:
        assert (passage.lat is None) == (passage.lon is None)
        assert passage.tag.startswith("[")


def test_unknown_passage_lists_the_valid_keys() -> None:
    with pytest.raises(KeyError, match="malacca"):
        passage_by_key("atlantis")
