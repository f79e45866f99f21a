"""Rail routes on a large railway graph: border-crossing closures, component-aware snapping.

Pure: a :class:`~beltroad.engines.sea_graph.SeaGraph` (used here as a plain undirected
geographic graph, with no passage tags), component labels and points in, a record out.

A border crossing is closed by removing every edge whose segment passes within ``radius_km`` of
the crossing's point, so a long simplified edge that runs through the crossing without a node
near it is cut as well.

>>> from beltroad.engines.sea_graph import SeaGraph
>>> g = SeaGraph.from_edges(lon=[0, 1, 2], lat=[0, 0, 0], u=[0, 1], v=[1, 2],
...                         passage=[-1, -1], passages=())
>>> edges_near(g, 1.5, 0.01, radius_km=5).tolist()
[False, True]
>>> r = rail_route(g, components(g), (0.0, 0.0), (2.0, 0.0), closed=[(1.5, 0.0)])
>>> r.reachable, r.km
(False, None)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.sparse.csgraph import connected_components, dijkstra

from beltroad.engines.sea_graph import (
    EARTH_RADIUS_KM,
    BoolArray,
    IntArray,
    SeaGraph,
    adjacency,
    snap,
)
from beltroad.engines.sea_routes import route_geometry

DEFAULT_CROSSING_RADIUS_KM = 10.0
"""[N] How close to a crossing's point a track must pass to be closed with it."""


def components(graph: SeaGraph) -> IntArray:
    """Connected-component label of every node."""
    _n, labels = connected_components(
        adjacency(graph, np.ones(graph.edges, np.bool_)), directed=False
    )
    return np.asarray(labels, np.int64)


def edges_near(graph: SeaGraph, lon: float, lat: float, *, radius_km: float) -> BoolArray:
    """Edges whose segment passes within ``radius_km`` of the point (local flat projection,
    accurate to well under 1% at the few-km scale that matters here)."""
    k = np.pi / 180.0 * EARTH_RADIUS_KM
    coslat = np.cos(np.radians(lat))

    def xy(lo: npt.NDArray[np.float64], la: npt.NDArray[np.float64]) -> tuple[Any, Any]:
        dlon = (lo - lon + 180.0) % 360.0 - 180.0
        return dlon * k * coslat, (la - lat) * k

    ax, ay = xy(graph.lon[graph.edge_u], graph.lat[graph.edge_u])
    bx, by = xy(graph.lon[graph.edge_v], graph.lat[graph.edge_v])
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(length2 > 0, -(ax * dx + ay * dy) / length2, 0.0)
    t = np.clip(t, 0.0, 1.0)
    px, py = ax + t * dx, ay + t * dy
    return np.asarray(np.hypot(px, py) <= radius_km, np.bool_)


@dataclass(frozen=True)
class RailRoute:
    reachable: bool
    km: float | None
    nodes: tuple[int, ...]
    access_km: tuple[float, float]
    same_component: bool
    component_sizes: tuple[int, int]
    geometry: dict[str, Any] | None


def rail_route(
    graph: SeaGraph,
    labels: IntArray,
    origin: tuple[float, float],
    destination: tuple[float, float],
    *,
    closed: Sequence[tuple[float, float]] = (),
    radius_km: float = DEFAULT_CROSSING_RADIUS_KM,
    min_component: int = 1,
) -> RailRoute:
    """Shortest rail path between two (lon, lat) points, with crossings at ``closed`` removed.

    Each end snaps (great-circle) to the nearest node of a component with at least
    ``min_component`` nodes, so a city does not land on a stray fragment of track. Unreachable
    ends give ``reachable=False`` and no distance; ``same_component`` says whether the open
    graph joins them at all (False: the line is missing from the data, not closed).
    """
    sizes = np.bincount(labels)
    among = sizes[labels] >= min_component
    ends = snap(graph, [origin[0], destination[0]], [origin[1], destination[1]], among)
    a, b = int(ends.node[0]), int(ends.node[1])
    edge_open = np.ones(graph.edges, np.bool_)
    for lon, lat in closed:
        edge_open &= ~edges_near(graph, lon, lat, radius_km=radius_km)
    km, pred = dijkstra(adjacency(graph, edge_open), directed=False, indices=a,
                        return_predecessors=True)  # fmt: skip
    access = (float(ends.km[0]), float(ends.km[1]))
    same = bool(labels[a] == labels[b])
    comp = (int(sizes[labels[a]]), int(sizes[labels[b]]))
    if not np.isfinite(km[b]):
        return RailRoute(False, None, (), access, same, comp, None)
    path = [b]
    while path[-1] != a:
        path.append(int(pred[path[-1]]))
    path.reverse()
    geometry = route_geometry(graph.lon[path].tolist(), graph.lat[path].tolist())
    return RailRoute(True, float(km[b]), tuple(path), access, same, comp, geometry)


def passes_near(graph: SeaGraph, nodes: Sequence[int], lon: float, lat: float, km: float) -> bool:
    """Whether a node path has a leg within ``km`` of the point (e.g. crosses a border there)."""
    if len(nodes) < 2:
        return False
    idx = np.asarray(nodes, np.int64)
    sub = SeaGraph(
        lon=graph.lon,
        lat=graph.lat,
        edge_u=idx[:-1],
        edge_v=idx[1:],
        edge_km=np.zeros(idx.size - 1),
        edge_passage=np.full(idx.size - 1, -1, np.int64),
        passages=(),
    )
    return bool(edges_near(sub, lon, lat, radius_km=km).any())


__all__ = [
    "DEFAULT_CROSSING_RADIUS_KM",
    "RailRoute",
    "components",
    "edges_near",
    "passes_near",
    "rail_route",
]
