"""The sea network as compact arrays: nodes, undirected edges, passage tags; closures; snapping.

Pure: arrays in, arrays out. ``beltroad.network.sea`` builds a :class:`SeaGraph` from the
``searoute`` package's data at run time and caches it; this module never reads a file.

>>> g = SeaGraph.from_edges(
...     lon=[0.0, 1.0, 2.0], lat=[0.0, 0.0, 0.0], u=[0, 1], v=[1, 2], passage=[-1, 0],
...     passages=("suez",),
... )
>>> round(float(g.edge_km[0]), 1)
111.2
>>> open_edges(g, ["suez"]).tolist()
[True, False]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from scipy.spatial import cKDTree

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# Mean Earth radius (IUGG R1 = 6,371.0088 km) [V: searoute 1.6.0 utils.avg_earth_radius_km uses the
# same value], so that our edge lengths and searoute's route lengths agree to rounding.
EARTH_RADIUS_KM = 6371.0088
KM_PER_NM = 1.852  # the international nautical mile, exactly


def haversine_km(
    lon1: npt.ArrayLike, lat1: npt.ArrayLike, lon2: npt.ArrayLike, lat2: npt.ArrayLike
) -> FloatArray:
    """Great-circle distance in km, element-wise. Longitudes may lie outside ±180.

    >>> round(float(haversine_km(0, 0, 0, 1)), 3)
    111.195
    """
    p1, p2 = np.radians(np.asarray(lat1, float)), np.radians(np.asarray(lat2, float))
    dlat = p2 - p1
    dlon = np.radians(np.asarray(lon2, float) - np.asarray(lon1, float))
    a = np.sin(dlat / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlon / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))), np.float64)


def unit_vectors(lon: npt.ArrayLike, lat: npt.ArrayLike) -> FloatArray:
    """Points on the unit sphere; the straight (chord) distance between two of them grows with
    their great-circle distance, so a k-d tree over them finds great-circle nearest neighbours."""
    lo, la = np.radians(np.asarray(lon, float)), np.radians(np.asarray(lat, float))
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def chord_to_km(chord: npt.ArrayLike) -> FloatArray:
    """Chord length on the unit sphere -> great-circle km."""
    c = np.clip(np.asarray(chord, float), 0.0, 2.0)
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(c / 2), np.float64)


@dataclass(frozen=True, eq=False)
class SeaGraph:
    """An undirected sea network.

    ``edge_passage[i]`` indexes ``passages`` (the tag of edge ``i``), or is -1 for open sea.
    ``version`` names where the arrays came from (e.g. ``"searoute 1.6.0, sha256:..."``).
    """

    lon: FloatArray
    lat: FloatArray
    edge_u: IntArray
    edge_v: IntArray
    edge_km: FloatArray
    edge_passage: IntArray
    passages: tuple[str, ...]
    version: str = "ad hoc"

    @classmethod
    def from_edges(
        cls,
        *,
        lon: Sequence[float] | FloatArray,
        lat: Sequence[float] | FloatArray,
        u: Sequence[int] | IntArray,
        v: Sequence[int] | IntArray,
        passage: Sequence[int] | IntArray,
        passages: tuple[str, ...],
        version: str = "ad hoc",
    ) -> SeaGraph:
        """Build a graph whose edge lengths are the great-circle distances between their ends."""
        lo, la = np.asarray(lon, np.float64), np.asarray(lat, np.float64)
        eu, ev = np.asarray(u, np.int64), np.asarray(v, np.int64)
        km = haversine_km(lo[eu], la[eu], lo[ev], la[ev])
        return cls(lo, la, eu, ev, km, np.asarray(passage, np.int64), passages, version)

    @property
    def nodes(self) -> int:
        return int(self.lon.size)

    @property
    def edges(self) -> int:
        return int(self.edge_u.size)

    def arrays(self) -> dict[str, Any]:
        """The arrays to store (``np.savez``); :meth:`from_arrays` reads them back."""
        return {
            "lon": self.lon,
            "lat": self.lat,
            "edge_u": self.edge_u,
            "edge_v": self.edge_v,
            "edge_km": self.edge_km,
            "edge_passage": self.edge_passage,
            "passages": np.asarray(self.passages, dtype=str),
            "version": np.asarray(self.version),
        }

    @classmethod
    def from_arrays(cls, data: Any) -> SeaGraph:
        return cls(
            lon=np.asarray(data["lon"], np.float64),
            lat=np.asarray(data["lat"], np.float64),
            edge_u=np.asarray(data["edge_u"], np.int64),
            edge_v=np.asarray(data["edge_v"], np.int64),
            edge_km=np.asarray(data["edge_km"], np.float64),
            edge_passage=np.asarray(data["edge_passage"], np.int64),
            passages=tuple(str(p) for p in data["passages"]),
            version=str(data["version"]),
        )


def unknown_passages(graph: SeaGraph, names: Iterable[str]) -> list[str]:
    """The names in ``names`` that tag no edge of ``graph``."""
    return [n for n in names if n not in graph.passages]


def open_edges(graph: SeaGraph, closed: Iterable[str]) -> BoolArray:
    """True for each edge whose passage tag is not in ``closed``.

    Raises ``KeyError`` for a name that tags no edge: callers validate names first, and a
    silently ignored typo would report a closure that did not happen.
    """
    closed = list(closed)
    bad = unknown_passages(graph, closed)
    if bad:
        raise KeyError(f"unknown passage(s) {bad}; the graph has {list(graph.passages)}")
    codes = [graph.passages.index(name) for name in closed]
    return np.asarray(~np.isin(graph.edge_passage, codes), np.bool_)


def adjacency(graph: SeaGraph, edge_open: BoolArray) -> csr_matrix:
    """The symmetric sparse matrix of open edge lengths, for ``scipy.sparse.csgraph``.

    A zero-length edge (the two copies of a node at ±180° longitude) would vanish from a sparse
    matrix, so it gets a length far below any rounding that matters (1 mm).
    """
    u, v = graph.edge_u[edge_open], graph.edge_v[edge_open]
    km = np.maximum(graph.edge_km[edge_open], 1e-6)
    n = graph.nodes
    rows = np.concatenate([u, v])
    cols = np.concatenate([v, u])
    data = np.concatenate([km, km])
    matrix = csr_matrix((data, (rows, cols)), shape=(n, n))
    matrix.sum_duplicates()
    return matrix


def usable_nodes(graph: SeaGraph, edge_open: BoolArray) -> BoolArray:
    """Nodes that keep at least one open edge: the ones a port may be snapped to.

    A port snapped inside a closed canal would otherwise be cut off although open water is a
    few km away; snapping to usable nodes keeps it routable "where water still connects it".
    """
    mask = np.zeros(graph.nodes, np.bool_)
    mask[graph.edge_u[edge_open]] = True
    mask[graph.edge_v[edge_open]] = True
    return mask


@dataclass(frozen=True)
class Snap:
    """The network node nearest each point, and the great-circle km to it."""

    node: IntArray
    km: FloatArray


def snap(
    graph: SeaGraph, lon: npt.ArrayLike, lat: npt.ArrayLike, among: BoolArray | None = None
) -> Snap:
    """Snap points to their great-circle nearest node (optionally only among ``among``).

    >>> g = SeaGraph.from_edges(lon=[0, 10], lat=[60, 0], u=[0], v=[1], passage=[-1], passages=())
    >>> snap(g, [5.0], [59.0]).node.tolist()
    [0]
    """
    candidates = np.arange(graph.nodes) if among is None else np.flatnonzero(among)
    if candidates.size == 0:
        raise ValueError("no network node to snap to")
    tree = cKDTree(unit_vectors(graph.lon[candidates], graph.lat[candidates]))
    chord, index = tree.query(unit_vectors(lon, lat))
    return Snap(node=candidates[np.asarray(index, np.int64)], km=chord_to_km(chord))


__all__ = [
    "EARTH_RADIUS_KM",
    "KM_PER_NM",
    "SeaGraph",
    "Snap",
    "adjacency",
    "chord_to_km",
    "haversine_km",
    "open_edges",
    "snap",
    "unit_vectors",
    "unknown_passages",
    "usable_nodes",
]
