"""The six Belt and Road economic corridors (standards.md §7.1) as the default seed.

Corridor membership is **not legally defined** [N]: the countries below are the ones commonly cited
in the sources, loaded by ``beltroad init`` as the default content of the editable corridor
membership table. The database, not this module, is the truth once seeded.

Sources (standards.md §7.1): NDRC/MFA/MOFCOM, *Vision and Actions on Jointly Building Silk Road
Economic Belt and 21st-Century Maritime Silk Road* (28 March 2015) [M: date]; Office of the Leading
Group for the Belt and Road Initiative, *The Belt and Road Initiative: Progress, Contributions and
Prospects* (April 2019), "six corridors, six connectivity networks" [S: ydylbr.com 2019]; Xinhua
backgrounder, 9 May 2017; SCIO, 4 Aug 2020 [S]. Key routes are [S].

>>> corridor_by_id("CPEC").members
(CorridorMember(iso3='CHN', role='core'), CorridorMember(iso3='PAK', role='core'))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

MemberRole = Literal["core", "extension"]

SOURCE = (
    "NDRC/MFA/MOFCOM, Vision and Actions on Jointly Building Silk Road Economic Belt and "
    "21st-Century Maritime Silk Road (28 Mar 2015); Office of the Leading Group for the BRI, "
    "The Belt and Road Initiative: Progress, Contributions and Prospects (Apr 2019); "
    "Xinhua backgrounder (9 May 2017); SCIO (4 Aug 2020)"
)
"""Citation shared by every corridor (standards.md §7.1). Membership itself is [N]."""


@dataclass(frozen=True)
class CorridorMember:
    """A country in a corridor: ``core`` (named by the sources) or ``extension`` (reach beyond)."""

    iso3: str
    role: MemberRole


@dataclass(frozen=True)
class Corridor:
    """One economic corridor; ``members`` is the default seed, not an official list [N]."""

    id: str
    name_en: str
    name_zh: str
    members: tuple[CorridorMember, ...]
    key_routes: str
    source: str

    @property
    def iso3_codes(self) -> tuple[str, ...]:
        """ISO 3166-1 alpha-3 codes of all members, core first, in seed order."""
        return tuple(member.iso3 for member in self.members)


def _core(*iso3: str) -> tuple[CorridorMember, ...]:
    return tuple(CorridorMember(code, "core") for code in iso3)


def _extension(*iso3: str) -> tuple[CorridorMember, ...]:
    return tuple(CorridorMember(code, "extension") for code in iso3)


CORRIDORS: tuple[Corridor, ...] = (
    Corridor(
        id="NELB",
        name_en="New Eurasian Land Bridge Economic Corridor",
        name_zh="新亚欧大陆桥经济走廊",
        # The sources say it "serves > 30 countries" but name only these.
        members=_core("CHN", "KAZ", "RUS", "BLR", "POL", "DEU", "NLD", "BEL"),
        key_routes=(
            "Lianyungang/Rizhao → Rotterdam/Antwerp rail, ~10,800 km; China–Europe Railway "
            "Express; Western China–Western Europe expressway"
        ),
        source=SOURCE,
    ),
    Corridor(
        id="CMREC",
        name_en="China–Mongolia–Russia Economic Corridor",
        name_zh="中蒙俄经济走廊",
        members=_core("CHN", "MNG", "RUS"),
        key_routes=(
            "Beijing–Tianjin–Hebei → Hohhot → Mongolia → Russia; "
            "Dalian–Shenyang–Changchun–Harbin–Manzhouli → Chita. "
            "Proposed 11 Sep 2014 (Dushanbe); development plan signed 23 Jun 2016"
        ),
        source=SOURCE,
    ),
    Corridor(
        id="CCAWAEC",
        name_en="China–Central Asia–West Asia Economic Corridor",
        name_zh="中国—中亚—西亚经济走廊",
        # "Extending to the Arabian Peninsula": its seven states are seeded as extensions.
        members=_core("CHN", "KAZ", "KGZ", "TJK", "UZB", "TKM", "IRN", "TUR")
        + _extension("SAU", "ARE", "OMN", "YEM", "QAT", "KWT", "BHR"),
        key_routes=(
            "Xinjiang (Alashankou/Horgos) → Central Asia → Iran → Türkiye/Mediterranean; "
            "oil & gas pipelines"
        ),
        source=SOURCE,
    ),
    Corridor(
        id="CICPEC",
        name_en="China–Indochina Peninsula Economic Corridor",
        name_zh="中国—中南半岛经济走廊",
        members=_core("CHN", "VNM", "LAO", "KHM", "THA", "MMR", "MYS", "SGP"),
        key_routes="Pearl River Delta → Nanning → Pingxiang → Hanoi → … → Singapore",
        source=SOURCE,
    ),
    Corridor(
        id="CPEC",
        name_en="China–Pakistan Economic Corridor",
        name_zh="中巴经济走廊",
        members=_core("CHN", "PAK"),
        key_routes="Kashgar (Kashi) → Gwadar, ~3,000 km; proposed May 2013",
        source=SOURCE,
    ),
    Corridor(
        id="BCIM",
        name_en="Bangladesh–China–India–Myanmar Economic Corridor",
        name_zh="孟中印缅经济走廊",
        # India has not endorsed the BRI [M]; it stays in the seed because the sources name it.
        members=_core("BGD", "CHN", "IND", "MMR"),
        key_routes="Kunming → Mandalay → Dhaka → Kolkata",
        source=SOURCE,
    ),
)
"""The six corridors in the order of standards.md §7.1."""


def corridor_by_id(corridor_id: str) -> Corridor:
    """Return the corridor with this id (case-insensitive), e.g. ``corridor_by_id("cpec")``.

    Raises ``KeyError`` listing the valid ids.
    """
    wanted = corridor_id.strip().upper()
    for corridor in CORRIDORS:
        if corridor.id == wanted:
            return corridor
    valid = ", ".join(corridor.id for corridor in CORRIDORS)
    raise KeyError(f"unknown corridor {corridor_id!r} (expected one of {valid})")
