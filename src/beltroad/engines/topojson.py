"""TopoJSON to GeoJSON: decode shared, delta-encoded arcs into polygon rings.

Natural Earth ships its 1:110m countries as TopoJSON (a third of the GeoJSON's size); browsers'
chart libraries want GeoJSON. Only what Natural Earth uses is supported: a quantised topology,
Polygon and MultiPolygon geometries (anything else is skipped and counted by the caller).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

Point = list[float]


def decode_arcs(topology: Mapping[str, Any], digits: int = 3) -> list[list[Point]]:
    """Absolute coordinates of every arc (rounded: 110m shapes need no more than 3 decimals)."""
    transform = topology.get("transform")
    scale: Sequence[float] = transform["scale"] if transform else (1.0, 1.0)
    translate: Sequence[float] = transform["translate"] if transform else (0.0, 0.0)
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0.0
        points = []
        for position in arc:
            if transform:
                x += position[0]
                y += position[1]
            else:
                x, y = position[0], position[1]
            points.append(
                [
                    round(x * scale[0] + translate[0], digits),
                    round(y * scale[1] + translate[1], digits),
                ]
            )
        arcs.append(points)
    return arcs


def _ring(indexes: Sequence[int], arcs: Sequence[list[Point]]) -> list[Point]:
    ring: list[Point] = []
    for index in indexes:
        # A negative index is the one's complement of an arc walked backwards.
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(points[1:] if ring else points)
    return ring


def geometry(shape: Mapping[str, Any], arcs: Sequence[list[Point]]) -> dict[str, Any] | None:
    """One GeoJSON geometry, or None for a type this decoder does not handle."""
    if shape.get("type") == "Polygon":
        return {"type": "Polygon", "coordinates": [_ring(r, arcs) for r in shape["arcs"]]}
    if shape.get("type") == "MultiPolygon":
        return {
            "type": "MultiPolygon",
            "coordinates": [[_ring(r, arcs) for r in polygon] for polygon in shape["arcs"]],
        }
    return None


def features(topology: Mapping[str, Any], name: str | None = None) -> list[dict[str, Any]]:
    """The GeoJSON features of object ``name`` (default: the first object)."""
    objects = topology["objects"]
    collection = objects[name] if name else next(iter(objects.values()))
    arcs = decode_arcs(topology)
    out = []
    for shape in collection.get("geometries", []):
        geo = geometry(shape, arcs)
        if geo is not None:
            out.append(
                {
                    "type": "Feature",
                    "properties": dict(shape.get("properties", {})),
                    "geometry": geo,
                }
            )
    return out
