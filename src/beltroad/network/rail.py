"""The world railway graph of the ``scgraph-data`` package (optional extra ``rail``).

``scgraph_data.world_railways`` is a 17 MB Python module (OpenStreetMap railways, 274,974
nodes); importing it takes ~20 s. beltroad instead reads its two literals as JSON once
(about 3 s of CPU), keeps the edges as arrays with their connected components, and caches them
under ``DATA_DIR/network`` keyed by the package version and a hash of the file. Edge lengths are
the graph's own km; nothing of the data is copied into the repository.

Each loaded network keeps its query index (:meth:`RailNetwork.index`: nearest-node tree,
component sizes, open adjacency) in memory once built, so only the first route of a process pays
for it (~0.1 s). It is not written to disk: building it costs less than reading it back would
save, and a k-d tree cannot go into the cache's pickle-free ``.npz``.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from beltroad.engines.rail_routes import RailIndex, components, rail_index
from beltroad.engines.sea_graph import SeaGraph
from beltroad.errors import DataUnavailable, MissingDependency
from beltroad.network.cache import cached_arrays, files_digest

FORMAT = "rail-1"
_KEY = re.compile(r"(\d+):")


@dataclass(frozen=True, eq=False)
class RailNetwork:
    graph: SeaGraph
    labels: npt.NDArray[np.int64]
    source: str
    digest: str
    _indexes: dict[int, RailIndex] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def version(self) -> str:
        return f"{self.source} world_railways (data sha256 {self.digest})"

    def index(self, min_component: int) -> RailIndex:
        """The query index for ends snapped to components of ``min_component``+ nodes, built on
        first use and kept with this network (one per ``min_component`` asked for)."""
        with self._lock:  # web workers share the network: build each index once
            found = self._indexes.get(min_component)
            if found is None:
                found = rail_index(self.graph, self.labels, min_component=min_component)
                self._indexes[min_component] = found
            return found


def _module_file() -> Path:
    spec = importlib.util.find_spec("scgraph_data")
    if spec is None or not spec.submodule_search_locations:
        raise MissingDependency("scgraph-data", "rail", "rail routing")
    path = Path(next(iter(spec.submodule_search_locations))) / "world_railways.py"
    if not path.exists():
        raise DataUnavailable(f"scgraph-data has no world_railways module at {path}")
    return path


@lru_cache(maxsize=1)
def _parse(path: Path) -> dict[str, Any]:
    # Memoised per process: a new data dir then costs one np.savez, not another parse.
    text = path.read_text(encoding="utf-8")
    try:
        g0 = text.index("graph=") + len("graph=")
        n0 = text.index("\nnodes=")
        end = text.index("\n", n0 + 1)
    except ValueError:
        raise DataUnavailable(
            f"{path}: not the expected layout (graph=[...] then nodes=[...])",
            hint="pin scgraph-data 2.x, the layout beltroad reads",
        ) from None
    nodes = np.asarray(json.loads(text[n0 + len("\nnodes=") : end]), np.float64)
    # The adjacency literal uses int keys, which JSON does not allow: quote them first.
    graph: list[dict[str, float]] = json.loads(_KEY.sub(r'"\1":', text[g0:n0]))
    u: list[int] = []
    v: list[int] = []
    km: list[float] = []
    for i, neighbours in enumerate(graph):
        for key, weight in neighbours.items():
            j = int(key)
            if j > i:  # each undirected edge once; self-loops (weight 0) dropped
                u.append(i)
                v.append(j)
                km.append(float(weight))
    rail = SeaGraph(
        lon=np.ascontiguousarray(nodes[:, 1]),
        lat=np.ascontiguousarray(nodes[:, 0]),
        edge_u=np.asarray(u, np.int64),
        edge_v=np.asarray(v, np.int64),
        edge_km=np.asarray(km, np.float64),
        edge_passage=np.full(len(u), -1, np.int64),
        passages=(),
    )
    arrays = rail.arrays()
    arrays["labels"] = components(rail)
    return arrays


@lru_cache(maxsize=2)
def load_rail_network(cache_dir: Path) -> RailNetwork:
    """The railway graph from ``cache_dir``, or parsed from scgraph-data and cached there."""
    path = _module_file()
    try:
        version = importlib.metadata.version("scgraph-data")
    except importlib.metadata.PackageNotFoundError:
        raise MissingDependency("scgraph-data", "rail", "rail routing") from None
    digest = files_digest([path], salt=FORMAT)
    arrays = cached_arrays(cache_dir, f"rail-scgraph-data-{version}-{digest}", lambda: _parse(path))
    graph = SeaGraph.from_arrays({**arrays, "passages": np.asarray([], dtype=str)})
    return RailNetwork(
        graph=graph,
        labels=np.asarray(arrays["labels"], np.int64),
        source=f"scgraph-data {version}",
        digest=digest,
    )
