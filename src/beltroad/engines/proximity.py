"""Great-circle radius search: which enterprises, zones and project sites lie near a point.

Pure and vectorised: one haversine over numpy arrays of all candidate coordinates.

>>> round(float(haversine_km(0.0, 0.0, [0.0], [1.0], earth_radius_km=6371.0088)[0]), 1)
111.2
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class Asset:
    """Something that can be hit: an enterprise, a zone or a project site."""

    kind: str  # enterprise, zone, project
    ref: str
    name: str
    lat: float | None
    lon: float | None
    iso3: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


def haversine_km(
    lat: float,
    lon: float,
    lats: Sequence[float] | npt.NDArray[np.float64],
    lons: Sequence[float] | npt.NDArray[np.float64],
    *,
    earth_radius_km: float,
) -> npt.NDArray[np.float64]:
    """Distances in km from (lat, lon) to each (lats[i], lons[i]) on a sphere."""
    phi1 = np.radians(lat)
    phi2 = np.radians(np.asarray(lats, dtype=np.float64))
    dphi = phi2 - phi1
    dlmb = np.radians(np.asarray(lons, dtype=np.float64) - lon)
    a = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlmb / 2) ** 2
    result: npt.NDArray[np.float64] = 2 * earth_radius_km * np.arcsin(np.sqrt(np.clip(a, 0, 1)))
    return result


def within_radius(
    lat: float,
    lon: float,
    assets: Sequence[Asset],
    *,
    radius_km: float,
    earth_radius_km: float,
) -> list[tuple[Asset, float]]:
    """Assets with coordinates within ``radius_km``, nearest first; a project with several sites
    appears once, at its nearest site."""
    located = [a for a in assets if a.lat is not None and a.lon is not None]
    if not located:
        return []
    distances = haversine_km(
        lat,
        lon,
        [a.lat for a in located],  # type: ignore[misc]
        [a.lon for a in located],  # type: ignore[misc]
        earth_radius_km=earth_radius_km,
    )
    nearest: dict[tuple[str, str], tuple[Asset, float]] = {}
    for asset, distance in zip(located, distances.tolist(), strict=True):
        if distance > radius_km:
            continue
        key = (asset.kind, asset.ref)
        if key not in nearest or distance < nearest[key][1]:
            nearest[key] = (asset, distance)
    return sorted(nearest.values(), key=lambda item: (item[1], item[0].kind, item[0].ref))


def bounding_box(
    lat: float, lon: float, radius_km: float, *, earth_radius_km: float
) -> tuple[float, float, float | None, float | None]:
    """A lat/lon box that holds the circle (for a cheap SQL pre-filter); the longitude bounds are
    None near the poles or when the box would cross the antimeridian."""
    dlat = 1.01 * float(np.degrees(radius_km / earth_radius_km))
    south, north = max(-90.0, lat - dlat), min(90.0, lat + dlat)
    if abs(lat) + dlat >= 89.0:
        return south, north, None, None
    # the circle's widest longitude (a little poleward of ``lat``), with a 1 % margin
    ratio = np.sin(radius_km / earth_radius_km) / np.cos(np.radians(lat))
    if ratio >= 1:
        return south, north, None, None
    dlon = 1.01 * float(np.degrees(np.arcsin(ratio)))
    west, east = lon - dlon, lon + dlon
    if west < -180 or east > 180:
        return south, north, None, None
    return south, north, west, east


__all__ = ["Asset", "bounding_box", "haversine_km", "within_radius"]
