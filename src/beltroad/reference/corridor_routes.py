"""Schematic routes of the six corridors: straight segments between the places their routes name.

standards.md §7.1 gives each corridor's key routes as text [S] (e.g. "Kashgar (Kashi) -> Gwadar")
and no geometry. The polylines below join the places those texts name, in order; where a text
names only two far-apart ends (NELB's "Lianyungang/Rizhao -> Rotterdam/Antwerp rail", CCAWAEC's
"Central Asia -> Iran -> Türkiye") the intermediate stops are the commonly described ones
(Dostyk/Alashankou, Astana, Moscow, Minsk, Warsaw, Berlin; Almaty, Tashkent, Tehran, Ankara).
Those stops and every coordinate are **[M]**: background knowledge, not checked against a source.
They are only used to choose between corridors sharing a member country (Kazakhstan, Russia,
Myanmar, China) for a project whose location is known, never to add a country to a corridor, and
they are overridable: :func:`beltroad.engines.corridors.attribute` takes any ``routes`` mapping.
"""

from __future__ import annotations

from collections.abc import Mapping

SOURCE = (
    "[M] schematic: straight segments between the places named in standards.md §7.1's key "
    "routes [S], with commonly described intermediate stops; coordinates from background "
    "knowledge, unverified"
)

#: Corridor id -> waypoints as (latitude, longitude) in WGS84, in route order. [M]
ROUTES: Mapping[str, tuple[tuple[float, float], ...]] = {
    "NELB": (
        (34.60, 119.22),  # Lianyungang
        (34.26, 108.94),  # Xi'an
        (43.83, 87.62),  # Urumqi
        (45.17, 82.57),  # Alashankou / Dostyk
        (51.17, 71.45),  # Astana
        (56.84, 60.61),  # Yekaterinburg
        (55.76, 37.62),  # Moscow
        (53.90, 27.57),  # Minsk
        (52.23, 21.01),  # Warsaw
        (52.52, 13.40),  # Berlin
        (51.92, 4.48),  # Rotterdam
    ),
    "CMREC": (
        (39.90, 116.40),  # Beijing
        (40.84, 111.75),  # Hohhot
        (43.65, 111.98),  # Erenhot / Zamyn-Uud
        (47.92, 106.92),  # Ulaanbaatar
        (51.83, 107.58),  # Ulan-Ude
        (52.03, 113.50),  # Chita
        (49.60, 117.43),  # Manzhouli
        (45.80, 126.53),  # Harbin
        (43.82, 125.32),  # Changchun
        (41.81, 123.43),  # Shenyang
        (38.91, 121.60),  # Dalian
    ),
    "CCAWAEC": (
        (43.83, 87.62),  # Urumqi
        (44.21, 80.42),  # Horgos
        (43.24, 76.89),  # Almaty
        (42.32, 69.59),  # Shymkent
        (41.30, 69.24),  # Tashkent
        (39.65, 66.96),  # Samarkand
        (37.95, 58.38),  # Ashgabat
        (35.69, 51.39),  # Tehran
        (39.93, 32.86),  # Ankara
        (41.01, 28.98),  # Istanbul
    ),
    "CICPEC": (
        (23.13, 113.26),  # Guangzhou (Pearl River Delta)
        (22.82, 108.32),  # Nanning
        (22.10, 106.76),  # Pingxiang
        (21.03, 105.85),  # Hanoi
        (17.97, 102.63),  # Vientiane
        (13.76, 100.50),  # Bangkok
        (3.14, 101.69),  # Kuala Lumpur
        (1.35, 103.82),  # Singapore
    ),
    "CPEC": (
        (39.47, 75.99),  # Kashgar (Kashi)
        (36.85, 75.42),  # Khunjerab Pass
        (33.68, 73.05),  # Islamabad
        (30.18, 66.99),  # Quetta
        (25.13, 62.32),  # Gwadar
    ),
    "BCIM": (
        (25.04, 102.71),  # Kunming
        (21.98, 96.08),  # Mandalay
        (23.81, 90.41),  # Dhaka
        (22.57, 88.36),  # Kolkata
    ),
}
