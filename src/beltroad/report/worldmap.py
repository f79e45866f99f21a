"""A choropleth world map as inline SVG, from Natural Earth's 1:110m TopoJSON.

Pure: the TopoJSON mapping and values per ISO3 in, SVG text out. Arcs are delta-decoded with the
topology's transform and projected equirectangularly (x = lon, y = -lat, latitudes cut to
[-58, 84] so Antarctica does not take a third of the page). Classes are quantiles of the values,
so a few very large countries do not turn every other one pale.

>>> topo = {"type": "Topology", "arcs": [[[0, 0], [10, 0], [0, 10], [-10, 0], [0, -10]]],
...         "objects": {"c": {"type": "GeometryCollection", "geometries": [
...             {"type": "Polygon", "arcs": [[0]], "properties": {"ISO_A3": "AAA"}}]}}}
>>> "AAA" in choropleth(topo, {"AAA": 5.0}, width=200)
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

LAT_TOP, LAT_BOTTOM = 84.0, -58.0
PALETTE = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
NO_DATA = "#eeeeee"


def decode_arcs(topology: Mapping[str, Any]) -> list[list[tuple[float, float]]]:
    """Every arc as (lon, lat) points, undoing quantisation and delta encoding."""
    transform = topology.get("transform")
    arcs: list[list[tuple[float, float]]] = []
    for arc in topology["arcs"]:
        if transform:
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
            x = y = 0
            points = []
            for dx, dy in arc:
                x += dx
                y += dy
                points.append((x * sx + tx, y * sy + ty))
        else:
            points = [(float(p[0]), float(p[1])) for p in arc]
        arcs.append(points)
    return arcs


def _ring(
    indices: Sequence[int], arcs: list[list[tuple[float, float]]]
) -> list[tuple[float, float]]:
    ring: list[tuple[float, float]] = []
    for i in indices:
        points = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
        ring.extend(points if not ring else points[1:])
    return ring


def _polygons(geometry: Mapping[str, Any]) -> list[list[Sequence[int]]]:
    kind = geometry.get("type")
    if kind == "Polygon":
        return [geometry["arcs"]]
    if kind == "MultiPolygon":
        return list(geometry["arcs"])
    return []


def iso3_of(properties: Mapping[str, Any]) -> str:
    """ISO_A3, or ADM0_A3 where Natural Earth has -99 (France, Norway, Kosovo)."""
    code = str(properties.get("ISO_A3") or "-99")
    return code if code != "-99" else str(properties.get("ADM0_A3") or "")


def quantile_breaks(values: Sequence[float], classes: int = len(PALETTE)) -> list[float]:
    """Upper bounds of at most ``classes`` quantile classes over the positive values (a bound
    shared by two classes is kept once)."""
    positive = sorted(v for v in values if v > 0)
    if not positive:
        return []
    bounds = [positive[min(len(positive) - 1, (len(positive) * k) // classes)]
              for k in range(1, classes)] + [positive[-1]]  # fmt: skip
    return sorted(set(bounds))


def class_colours(breaks: Sequence[float]) -> list[str]:
    """The colour of each class: spread over the palette, so the top class is always darkest."""
    n = len(breaks)
    last = len(PALETTE) - 1
    return [PALETTE[round(i * last / max(n - 1, 1)) if n > 1 else last] for i in range(n)]


def colour_of(value: float | None, breaks: Sequence[float]) -> str:
    if value is None or value <= 0 or not breaks:
        return NO_DATA
    colours = class_colours(breaks)
    for colour, bound in zip(colours, breaks, strict=True):
        if value <= bound:
            return colour
    return colours[-1]


def choropleth(
    topology: Mapping[str, Any],
    values: Mapping[str, float],
    *,
    width: int = 680,
    names: Mapping[str, str] | None = None,
) -> str:
    """Countries filled by the quantile class of ``values[iso3]``; grey where there is none."""
    arcs = decode_arcs(topology)
    k = width / 360.0
    height = round((LAT_TOP - LAT_BOTTOM) * k)
    breaks = quantile_breaks(list(values.values()))

    def xy(lon: float, lat: float) -> str:
        lat = min(max(lat, LAT_BOTTOM), LAT_TOP)
        return f"{(lon + 180.0) * k:.1f},{(LAT_TOP - lat) * k:.1f}"

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 24}" '
        f'viewBox="0 0 {width} {height + 24}" role="img">'
        f'<rect width="{width}" height="{height}" fill="#f7fbff"/>'
    ]
    for obj in topology["objects"].values():
        for geometry in obj.get("geometries", []):
            iso3 = iso3_of(geometry.get("properties") or {})
            if iso3 == "ATA":
                continue
            d = []
            for polygon in _polygons(geometry):
                for ring in polygon:
                    points = _ring(ring, arcs)
                    if len(points) > 2:
                        d.append("M" + "L".join(xy(x, y) for x, y in points) + "Z")
            if not d:
                continue
            title = (names or {}).get(iso3, iso3)
            parts.append(
                f'<path d="{"".join(d)}" fill="{colour_of(values.get(iso3), breaks)}" '
                f'stroke="#ffffff" stroke-width="0.3">'
                f"<title>{escape(title)} ({iso3})</title></path>"
            )
    for i, colour in enumerate(class_colours(breaks)):
        parts.append(
            f'<rect x="{10 + 60 * i}" y="{height + 8}" width="56" height="10" fill="{colour}"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


__all__ = ["choropleth", "class_colours", "colour_of", "decode_arcs", "iso3_of", "quantile_breaks"]
