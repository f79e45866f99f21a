"""Maritime passages and chokepoints (standards.md §7.2).

Two vocabularies meet here:

* IMF PortWatch chokepoint ids (``chokepoint1`` .. ``chokepoint28``), as used by PortWatch's daily
  chokepoint dataset; ids and coordinates come from third-party code using the PortWatch API [S].
  Ids 9-28 follow the order of the list in standards.md §7.2, which pins Sunda = 19, Magellan = 21,
  Bering = 26 and Kerch = 28.
* ``searoute`` passage keys [V], the names its ``restrictions=[...]`` argument and
  ``traversed_passages`` output use. ``dardanelles`` is an edge tag in searoute 1.6.0's network
  although its ``Passage`` class does not list it.

``tag`` keeps the verification tag of standards.md §0 for the row: the weakest of its facts, with
the weaker field named when only one is weaker (e.g. ``"[S]; coordinates [M]"``).

>>> passage_by_key("suez").portwatch_id
'chokepoint1'
"""

from __future__ import annotations

from dataclasses import dataclass

PORTWATCH_SOURCE = (
    "IMF PortWatch chokepoint ids and coordinates, via third-party code using the PortWatch API "
    "(standards.md §7.2)"
)
SEAROUTE_SOURCE = "searoute 1.6.0 passage keys (PyPI, Apache-2.0; standards.md §7.2)"
BOTH_SOURCES = f"{PORTWATCH_SOURCE}; {SEAROUTE_SOURCE}"


@dataclass(frozen=True)
class Passage:
    """A strait, canal or cape that sea routes depend on.

    ``portwatch_id`` is ``None`` where PortWatch has no chokepoint for it, ``searoute_key`` is
    ``None`` where searoute cannot close it, and ``lat``/``lon`` are ``None`` where standards.md
    gives no coordinates.
    """

    key: str
    name: str
    portwatch_id: str | None
    lat: float | None
    lon: float | None
    searoute_key: str | None
    source: str
    tag: str


def _portwatch_only(number: int, key: str, name: str) -> Passage:
    return Passage(key, name, f"chokepoint{number}", None, None, None, PORTWATCH_SOURCE, "[S]")


PASSAGES: tuple[Passage, ...] = (
    Passage("suez", "Suez Canal", "chokepoint1", 30.6, 32.3, "suez", BOTH_SOURCES,
            "[S]; coordinates [M]"),
    Passage("panama", "Panama Canal", "chokepoint2", 9.12, -79.77, "panama", BOTH_SOURCES, "[S]"),
    Passage("bosporus", "Bosporus Strait", "chokepoint3", 41.17, 29.09, "bosporus", BOTH_SOURCES,
            "[S]"),
    Passage("babalmandab", "Bab el-Mandeb Strait", "chokepoint4", 12.79, 43.35, "babalmandab",
            BOTH_SOURCES, "[S]"),
    Passage("malacca", "Malacca Strait", "chokepoint5", 1.52, 102.67, "malacca", BOTH_SOURCES,
            "[S]"),
    Passage("ormuz", "Strait of Hormuz", "chokepoint6", 26.30, 56.86, "ormuz", BOTH_SOURCES, "[S]"),
    # searoute's key closes the route around the cape rather than a strait.
    Passage("south_africa", "Cape of Good Hope", "chokepoint7", -34.93, 20.88, "south_africa",
            BOTH_SOURCES, "[S]"),
    Passage("gibraltar", "Gibraltar Strait", "chokepoint8", 35.94, -5.75, "gibraltar",
            BOTH_SOURCES, "[S]"),
    _portwatch_only(9, "dover", "Dover Strait"),
    _portwatch_only(10, "oresund", "Oresund Strait"),
    _portwatch_only(11, "taiwan", "Taiwan Strait"),
    _portwatch_only(12, "korea", "Korea Strait"),
    _portwatch_only(13, "tsugaru", "Tsugaru Strait"),
    _portwatch_only(14, "luzon", "Luzon Strait"),
    _portwatch_only(15, "lombok", "Lombok Strait"),
    _portwatch_only(16, "ombai", "Ombai Strait"),
    _portwatch_only(17, "bohai", "Bohai Strait"),
    _portwatch_only(18, "torres", "Torres Strait"),
    Passage("sunda", "Sunda Strait", "chokepoint19", None, None, "sunda", BOTH_SOURCES, "[S]"),
    _portwatch_only(20, "makassar", "Makassar Strait"),
    # standards.md: "chili [M: presumably Magellan/Chilean channels]". In searoute 1.6.0's
    # network the 'chili' edges run through the Strait of Magellan, the channels near Cape Horn
    # and the Drake Passage, so closing it is wider than closing PortWatch's Magellan chokepoint.
    Passage("chili", "Magellan Strait", "chokepoint21", None, None, "chili", BOTH_SOURCES,
            "[M]: searoute 'chili' presumed to be the Magellan/Chilean channels"),
    _portwatch_only(22, "yucatan", "Yucatan Channel"),
    _portwatch_only(23, "windward", "Windward Passage"),
    _portwatch_only(24, "mona", "Mona Passage"),
    _portwatch_only(25, "balabac", "Balabac Strait"),
    Passage("bering", "Bering Strait", "chokepoint26", None, None, "bering", BOTH_SOURCES, "[S]"),
    _portwatch_only(27, "mindoro", "Mindoro Strait"),
    _portwatch_only(28, "kerch", "Kerch Strait"),
    Passage("dardanelles", "Dardanelles", None, None, None, "dardanelles", SEAROUTE_SOURCE, "[V]"),
    # searoute closes this by default (restrictions=['northwest']).
    Passage("northwest", "North-West Passage", None, None, None, "northwest", SEAROUTE_SOURCE,
            "[V]"),
)  # fmt: skip
"""Every passage: PortWatch chokepoints 1-28 in id order, then searoute-only passages."""

SEAROUTE_KEYS: tuple[str, ...] = (
    "suez",
    "babalmandab",
    "ormuz",
    "malacca",
    "panama",
    "bosporus",
    "dardanelles",
    "gibraltar",
    "sunda",
    "south_africa",
    "chili",
    "bering",
    "northwest",
)
"""The 13 passage keys searoute 1.6.0 can restrict [V]."""


def passage_by_key(key: str) -> Passage:
    """Return the passage with this key (case-insensitive), e.g. ``passage_by_key("malacca")``.

    Raises ``KeyError`` listing the valid keys.
    """
    wanted = key.strip().lower()
    for passage in PASSAGES:
        if passage.key == wanted:
            return passage
    valid = ", ".join(passage.key for passage in PASSAGES)
    raise KeyError(f"unknown passage {key!r} (expected one of {valid})")
