"""Which economic corridors a project belongs to, and with what share of its money.

The one rule, used by ``breakdown --by corridor``, the stress test and sea-route exposure alike:

1. a project that names its corridor (``corridor_id``) belongs to it alone;
2. otherwise each recipient country's share of the project goes to the corridors that country is a
   member of (the editable membership table, seeded from standards.md §7.1);
3. a country in several corridors (China, Kazakhstan, Russia, Myanmar) gives its share to the
   corridor whose route passes nearest the project's locations, when the project has any and
   the candidate corridors have routes; else the share is split equally among them.

A country in no corridor contributes nothing: that part of the project is in no corridor.
Shares are fractions of the whole project, so they sum to at most 1.

>>> attribute([("PAK", 100.0)], members={"PAK": ("CPEC",)})
(CorridorShare(corridor='CPEC', share=1.0, how='member'),)
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from beltroad.reference.corridor_routes import ROUTES

#: Segments are sampled every this many km to measure a distance to a route.
STEP_KM = 25.0
EARTH_KM = 6371.0088

Point = tuple[float, float]  # (lat, lon)


@dataclass(frozen=True)
class CorridorShare:
    corridor: str
    share: float
    how: str  # "explicit", "member" (by country), "route" (nearest route among members)


def _densify(route: Sequence[Point]) -> np.ndarray:
    """Points along the polyline, no more than ``STEP_KM`` apart, as unit vectors."""
    out: list[Point] = [route[0]]
    for (lat1, lon1), (lat2, lon2) in itertools.pairwise(route):
        km = _km(np.array([[lat1, lon1]]), np.array([[lat2, lon2]]))[0, 0]
        steps = max(1, math.ceil(km / STEP_KM))
        for k in range(1, steps + 1):
            t = k / steps
            out.append((lat1 + t * (lat2 - lat1), lon1 + t * (lon2 - lon1)))
    return _unit(np.array(out))


def _unit(latlon: np.ndarray) -> np.ndarray:
    lat, lon = np.radians(latlon[:, 0]), np.radians(latlon[:, 1])
    return np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=1)


def _km(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Great-circle km between every row of ``a`` and every row of ``b`` (lat, lon degrees)."""
    dots = np.clip(_unit(a) @ _unit(b).T, -1.0, 1.0)
    km: np.ndarray = np.arccos(dots) * EARTH_KM
    return km


_dense: dict[tuple[Point, ...], np.ndarray] = {}


def route_km(points: Sequence[Point], route: Sequence[Point]) -> float:
    """The shortest great-circle distance in km from any of ``points`` to the polyline."""
    key = tuple(route)
    dense = _dense.get(key)
    if dense is None:
        dense = _dense[key] = _densify(route)
    dots = np.clip(_unit(np.array(points, dtype=float)) @ dense.T, -1.0, 1.0)
    return float(np.arccos(dots.max()) * EARTH_KM)


def nearest(
    points: Sequence[Point],
    candidates: Sequence[str],
    routes: Mapping[str, Sequence[Point]],
) -> str | None:
    """The candidate corridor whose route passes nearest ``points``; None if none has a route."""
    scored = [(route_km(points, routes[c]), c) for c in candidates if routes.get(c)]
    return min(scored)[1] if scored else None


def attribute(
    countries: Sequence[tuple[str, float]],
    *,
    members: Mapping[str, Sequence[str]],
    points: Sequence[Point] = (),
    explicit: str | None = None,
    routes: Mapping[str, Sequence[Point]] = ROUTES,
) -> tuple[CorridorShare, ...]:
    """The corridors of one project: ``countries`` are (iso3, percentage) splits.

    ``members`` maps a country to its corridors; ``points`` are the project's known locations.
    """
    if explicit:
        return (CorridorShare(explicit, 1.0, "explicit"),)
    shares: dict[tuple[str, str], float] = {}
    for iso3, percentage in countries:
        candidates = tuple(members.get(iso3, ()))
        if not candidates:
            continue
        part = (percentage if percentage is not None else 100.0) / 100.0
        chosen = nearest(points, candidates, routes) if points and len(candidates) > 1 else None
        if chosen is not None:
            shares[(chosen, "route")] = shares.get((chosen, "route"), 0.0) + part
            continue
        how = "member"
        for corridor in candidates:
            shares[(corridor, how)] = shares.get((corridor, how), 0.0) + part / len(candidates)
    return tuple(CorridorShare(c, s, how) for (c, how), s in sorted(shares.items()))


RULE = (
    "corridor: the project's own corridor, else its recipient countries' corridors (membership "
    "table); a country in several corridors goes to the one whose route passes nearest the "
    "project's locations, else is split equally (routes: schematic, tagged M)"
)
