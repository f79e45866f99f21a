"""The snapshot's corridor split: :func:`beltroad.engines.corridors.attribute` for every project.

Most projects have one or two recipient countries and no location, so the attribution of each
distinct (countries, explicit corridor) combination is computed once and reused; projects with
locations in a country of several corridors are attributed one by one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from beltroad.engines.corridors import CorridorShare, attribute


def corridor_rows(
    ids: npt.NDArray[np.int64],
    explicit: tuple[Any, ...],
    countries: Mapping[str, tuple[Any, ...]],
    locations: Mapping[str, tuple[Any, ...]],
    members: Mapping[str, tuple[Any, ...]],
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.float64], list[str]]:
    """Project row, share and corridor of every (project, corridor) pair."""
    member_of: dict[str, list[str]] = defaultdict(list)
    for iso3, member in zip(members.get("iso3", ()), members.get("corridor_id", ()), strict=True):
        member_of[iso3].append(member)
    several = {iso3 for iso3, found in member_of.items() if len(found) > 1}
    splits: dict[int, list[tuple[str, float]]] = defaultdict(list)
    for pid, iso3, pct in zip(
        countries["project_id"], countries["iso3"], countries["percentage"], strict=True
    ):
        splits[pid].append((iso3, 100.0 if pct is None else float(pct)))
    points: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for pid, lat, lon in zip(
        locations.get("project_id", ()),
        locations.get("lat", ()),
        locations.get("lon", ()),
        strict=True,
    ):
        points[pid].append((float(lat), float(lon)))

    memo: dict[tuple[Any, ...], tuple[CorridorShare, ...]] = {}
    prow: list[int] = []
    share: list[float] = []
    corridor: list[str] = []
    for row, pid in enumerate(ids.tolist()):
        own = explicit[row]
        split = splits.get(pid, ())
        located = points.get(pid) if not own and any(c in several for c, _ in split) else None
        if located:
            found = attribute(split, members=member_of, points=located, explicit=own)
        else:
            key = (own, tuple(split))
            found = memo.get(key)  # type: ignore[assignment]
            if found is None:
                found = memo[key] = attribute(split, members=member_of, explicit=own)
        for item in found:
            prow.append(row)
            share.append(item.share)
            corridor.append(item.corridor)
    return np.array(prow, dtype=np.int32), np.array(share, dtype=np.float64), corridor
