"""Batched shortest sea paths, the passages they use, their GeoJSON, and voyage economics.

Pure: a :class:`~beltroad.engines.sea_graph.SeaGraph` and node indices in, arrays and records out.
Unreachable pairs are ``inf`` in distance matrices and ``reachable=False`` in records: never 0 km,
never a straight line.

>>> from beltroad.engines.sea_graph import SeaGraph
>>> g = SeaGraph.from_edges(lon=[0, 1, 2, 50], lat=[0, 0, 0, 0], u=[0, 1], v=[1, 2],
...                         passage=[-1, 0], passages=("suez",))
>>> t = shortest_paths(g, [0], closed=())
>>> round(float(t.km[0, 2]), 1), path_passages(g, t, 0, 2)
(222.4, ('suez',))
>>> bool(np.isinf(shortest_paths(g, [0], closed=["suez"]).km[0, 2]))
True
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.sparse.csgraph import dijkstra

from beltroad.engines.sea_graph import (
    KM_PER_NM,
    FloatArray,
    IntArray,
    SeaGraph,
    adjacency,
    haversine_km,
    open_edges,
)

NO_PREDECESSOR = -9999  # scipy.sparse.csgraph's marker


@dataclass(frozen=True, eq=False)
class PathTree:
    """Shortest paths from each of ``sources`` (node indices) to every node, under ``closed``.

    ``km[i, n]`` is the distance from ``sources[i]`` to node ``n`` (``inf`` if unreachable);
    ``predecessors[i, n]`` the node before ``n`` on that path (-9999 at the source and where
    unreachable).
    """

    sources: IntArray
    closed: tuple[str, ...]
    km: FloatArray
    predecessors: npt.NDArray[np.int32]
    row: dict[int, int] = field(default_factory=dict)

    def row_of(self, source: int) -> int:
        """Row of ``km`` that holds paths from node ``source``."""
        return self.row[int(source)]


def shortest_paths(
    graph: SeaGraph,
    sources: Sequence[int] | IntArray,
    *,
    closed: Iterable[str] = (),
    predecessors: bool = True,
) -> PathTree:
    """Dijkstra from every distinct source node at once (``scipy.sparse.csgraph``)."""
    closed_t = tuple(sorted(set(closed)))
    unique = np.unique(np.asarray(sources, np.int64))
    matrix = adjacency(graph, open_edges(graph, closed_t))
    if unique.size == 0:
        empty = np.zeros((0, graph.nodes))
        return PathTree(unique, closed_t, empty, empty.astype(np.int32), {})
    if predecessors:
        km, pred = dijkstra(matrix, directed=False, indices=unique, return_predecessors=True)
    else:
        km = dijkstra(matrix, directed=False, indices=unique)
        pred = np.full((unique.size, 1), NO_PREDECESSOR, np.int32)
    row = {int(node): i for i, node in enumerate(unique)}
    return PathTree(unique, closed_t, np.asarray(km, np.float64), np.asarray(pred, np.int32), row)


def path_nodes(tree: PathTree, source: int, target: int) -> list[int] | None:
    """Nodes from ``source`` to ``target`` (both included), or None when unreachable."""
    r = tree.row_of(source)
    if not np.isfinite(tree.km[r, target]):
        return None
    nodes = [int(target)]
    pred = tree.predecessors[r]
    while nodes[-1] != source:
        nodes.append(int(pred[nodes[-1]]))
    nodes.reverse()
    return nodes


def _edge_lookup(graph: SeaGraph) -> dict[tuple[int, int], int]:
    """(u, v) -> index of the passage-tagged edge joining them, both directions."""
    tagged = np.flatnonzero(graph.edge_passage >= 0)
    lookup: dict[tuple[int, int], int] = {}
    for i in tagged.tolist():
        u, v = int(graph.edge_u[i]), int(graph.edge_v[i])
        lookup[(u, v)] = lookup[(v, u)] = i
    return lookup


def passages_of_nodes(graph: SeaGraph, nodes: Sequence[int]) -> tuple[str, ...]:
    """The passages a node path traverses, in order of first use, each once."""
    lookup = _edge_lookup(graph)
    seen: list[str] = []
    for a, b in itertools.pairwise(nodes):
        edge = lookup.get((a, b))
        if edge is not None:
            name = graph.passages[int(graph.edge_passage[edge])]
            if name not in seen:
                seen.append(name)
    return tuple(seen)


def path_passages(graph: SeaGraph, tree: PathTree, source: int, target: int) -> tuple[str, ...]:
    nodes = path_nodes(tree, source, target)
    return () if nodes is None else passages_of_nodes(graph, nodes)


def path_km(graph: SeaGraph, nodes: Sequence[int]) -> float:
    """Sum of the great-circle lengths of a node path's legs."""
    idx = np.asarray(nodes, np.int64)
    if idx.size < 2:
        return 0.0
    legs = haversine_km(
        graph.lon[idx[:-1]], graph.lat[idx[:-1]], graph.lon[idx[1:]], graph.lat[idx[1:]]
    )
    return float(legs.sum())


def passage_masks(graph: SeaGraph, tree: PathTree) -> npt.NDArray[np.int32]:
    """Bit ``k`` of ``masks[i, n]`` is set when the path from ``sources[i]`` to ``n`` uses
    passage ``graph.passages[k]``.

    Pointer doubling over the predecessor trees: ``log2(path length)`` vectorised rounds instead
    of one Python step per node, which is what makes passages of a million pairs affordable.
    """
    s, n = tree.predecessors.shape
    if n != graph.nodes:
        raise ValueError("the path tree was built without predecessors")
    masks = np.zeros((s, n + 1), np.int32)  # column n: a sentinel "root" with no passages
    jump = np.asarray(tree.predecessors, np.int32).copy()
    jump[jump < 0] = n
    jump = np.concatenate([jump, np.full((s, 1), n, np.int32)], axis=1)
    for i in np.flatnonzero(graph.edge_passage >= 0).tolist():
        bit = np.int32(1 << int(graph.edge_passage[i]))
        u, v = int(graph.edge_u[i]), int(graph.edge_v[i])
        masks[jump[:, v] == u, v] |= bit
        masks[jump[:, u] == v, u] |= bit
    rows = np.arange(s)[:, None]
    while True:
        if not (jump != n).any():
            break
        masks |= masks[rows, jump]
        jump = jump[rows, jump]
    return masks[:, :n]


def mask_names(graph: SeaGraph, mask: int) -> tuple[str, ...]:
    """Passage names of a bit mask from :func:`passage_masks`, in ``graph.passages`` order."""
    return tuple(name for k, name in enumerate(graph.passages) if mask >> k & 1)


# --- geometry --------------------------------------------------------------------------------


def _wrap(lon: float) -> float:
    return ((lon + 180.0) % 360.0) - 180.0 if not -180.0 <= lon <= 180.0 else lon


def route_geometry(lon: Sequence[float], lat: Sequence[float]) -> dict[str, Any] | None:
    """GeoJSON for a route: a LineString, or a MultiLineString split at the antimeridian
    (RFC 7946 §3.1.9), with every longitude within ±180. None for an empty route.

    >>> route_geometry([170.0, -170.0], [0.0, 10.0])["type"]
    'MultiLineString'
    >>> route_geometry([170.0, -170.0], [0.0, 10.0])["coordinates"][0][-1]
    [180.0, 5.0]
    """
    if len(lon) == 0:
        return None
    # Unwrap first: consecutive points never jump by more than 180 degrees on a sea route.
    unwrapped: list[float] = [float(lon[0])]
    for x in lon[1:]:
        x = float(x)
        prev = unwrapped[-1]
        while x - prev > 180.0:
            x -= 360.0
        while x - prev < -180.0:
            x += 360.0
        unwrapped.append(x)
    parts: list[list[list[float]]] = [[[_wrap(unwrapped[0]), float(lat[0])]]]
    for i in range(1, len(unwrapped)):
        x0, y0 = unwrapped[i - 1], float(lat[i - 1])
        x1, y1 = unwrapped[i], float(lat[i])
        k0, k1 = np.floor((x0 + 180.0) / 360.0), np.floor((x1 + 180.0) / 360.0)
        if k0 != k1 and x0 != x1:
            edge = (max(k0, k1)) * 360.0 - 180.0  # the crossed meridian, unwrapped
            y = float(y0 + (y1 - y0) * (edge - x0) / (x1 - x0))  # a JSON number, not numpy
            east = x1 > x0
            parts[-1].append([180.0 if east else -180.0, round(y, 6)])
            parts.append([[-180.0 if east else 180.0, round(y, 6)]])
        parts[-1].append([_wrap(x1), y1])
    parts = [p for p in parts if len(p) >= 2] or [parts[0] * 2]
    if len(parts) == 1:
        return {"type": "LineString", "coordinates": parts[0]}
    return {"type": "MultiLineString", "coordinates": parts}


# --- voyage economics ------------------------------------------------------------------------


@dataclass(frozen=True)
class Voyage:
    """Assumptions that turn distance into days and fuel cost; every output cites them.

    * ``speed_kn`` 14 kn [M]: the service speed standards.md §7.3 uses for its extra-days table.
    * ``fuel_t_per_day`` 60 t/day at ``speed_kn`` [N]: an illustrative large container ship's
      main-engine consumption at slow steaming; replace with the fleet's own figure.
    * ``bunker_usd_per_t`` 600 USD/t [N]: an illustrative very-low-sulphur fuel oil price.
    * Consumption scales with the cube of speed, ``f(v) = f0 * (v / v0)**3`` [M: standards.md §7.3,
      the common propeller-law approximation], so ``fuel_t_per_day`` is quoted at ``reference_kn``.
    """

    speed_kn: float = 14.0
    fuel_t_per_day: float = 60.0
    reference_kn: float = 14.0
    bunker_usd_per_t: float = 600.0

    def days(self, km: npt.ArrayLike) -> FloatArray:
        """Sailing days at ``speed_kn`` for ``km`` (``inf`` stays ``inf``)."""
        return np.asarray(np.asarray(km, float) / KM_PER_NM / (24.0 * self.speed_kn), np.float64)

    @property
    def fuel_t_per_day_at_speed(self) -> float:
        return self.fuel_t_per_day * (self.speed_kn / self.reference_kn) ** 3

    def fuel_cost_usd(self, extra_km: npt.ArrayLike) -> FloatArray:
        """Fuel cost of sailing ``extra_km`` more: days x t/day x USD/t."""
        return np.asarray(
            self.days(extra_km) * self.fuel_t_per_day_at_speed * self.bunker_usd_per_t, np.float64
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "speed_kn": self.speed_kn,
            "fuel_t_per_day": self.fuel_t_per_day,
            "fuel_reference_kn": self.reference_kn,
            "fuel_t_per_day_at_speed": round(self.fuel_t_per_day_at_speed, 3),
            "bunker_usd_per_t": self.bunker_usd_per_t,
            "tags": {
                "speed_kn": "[M] standards.md §7.3 table speed",
                "fuel_t_per_day": "[N] illustrative; replace with the fleet's figure",
                "bunker_usd_per_t": "[N] illustrative VLSFO price",
                "fuel_law": "[M] cubic in speed, f(v) = f0*(v/v0)^3",
            },
        }


def km_to_nm(km: npt.ArrayLike) -> FloatArray:
    return np.asarray(np.asarray(km, float) / KM_PER_NM, np.float64)


__all__ = [
    "NO_PREDECESSOR",
    "PathTree",
    "Voyage",
    "km_to_nm",
    "mask_names",
    "passage_masks",
    "passages_of_nodes",
    "path_km",
    "path_nodes",
    "path_passages",
    "route_geometry",
    "shortest_paths",
]
