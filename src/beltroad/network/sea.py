"""The sea network and its ports, from the ``searoute`` package's data at run time.

``searoute`` is a dependency: its data is read from the installed package and never copied into
the repository. The first load converts it into compact arrays (about 0.5 s) and caches them in
``DATA_DIR/network``; later loads read the cache (a few ms).

Decisions:

* Edge lengths are great-circle km between the edge's ends on searoute's sphere, unrounded
  (searoute rounds its Dijkstra weights to 0.1 km but reports the unrounded length).
* Edge tags that are not one of the 13 passages searoute can restrict (``segment``,
  ``segment2``, ``pacific_ocean``) are internal to searoute and count as open sea.
* A UN/LOCODE that searoute lists twice (38 codes in 1.6.0) keeps its first entry.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from beltroad.engines.sea_graph import SeaGraph
from beltroad.errors import DataUnavailable
from beltroad.network.cache import cached_arrays, files_digest
from beltroad.reference.passages import SEAROUTE_KEYS

FORMAT = "sea-1"  # bump when the arrays' layout or meaning changes


@dataclass(frozen=True, eq=False)
class SeaPorts:
    """searoute's port list: UN/LOCODE, name, country name and position, one row a port."""

    unlocode: npt.NDArray[np.str_]
    name: npt.NDArray[np.str_]
    country: npt.NDArray[np.str_]
    lon: npt.NDArray[np.float64]
    lat: npt.NDArray[np.float64]

    def index(self) -> dict[str, int]:
        return {str(code): i for i, code in enumerate(self.unlocode)}


@dataclass(frozen=True, eq=False)
class SeaNetwork:
    graph: SeaGraph
    ports: SeaPorts
    source: str  # e.g. "searoute 1.6.0"
    digest: str

    @property
    def version(self) -> str:
        return f"{self.source} (data sha256 {self.digest})"


def _missing() -> DataUnavailable:
    # searoute is a main dependency, not an extra: the fix is reinstalling beltroad.
    return DataUnavailable(
        "sea routing needs the 'searoute' package, which is not installed",
        hint="pip install beltroad (searoute is one of its dependencies)",
    )


def _data_files() -> list[Path]:
    spec = importlib.util.find_spec("searoute")
    if spec is None or not spec.submodule_search_locations:
        raise _missing()
    root = Path(next(iter(spec.submodule_search_locations)))
    return [root / "data" / "marnet_dict.py", root / "data" / "ports_dict.py"]


@lru_cache(maxsize=1)
def _build() -> dict[str, Any]:
    # Memoised: each new data dir then costs one np.savez, not another parse of searoute's data.
    from searoute.data.marnet_dict import edge_list, node_list
    from searoute.data.ports_dict import node_list as port_nodes

    keys = list(node_list)
    index = {key: i for i, key in enumerate(keys)}
    codes = {name: k for k, name in enumerate(SEAROUTE_KEYS)}
    u: list[int] = []
    v: list[int] = []
    tag: list[int] = []
    for a, neighbours in edge_list.items():
        for b, data in neighbours.items():
            ia, ib = index[a], index[b]
            if ia < ib:  # searoute stores each undirected edge in both directions
                u.append(ia)
                v.append(ib)
                tag.append(codes.get(data.get("passage"), -1))
    graph = SeaGraph.from_edges(
        lon=[float(k[0]) for k in keys],
        lat=[float(k[1]) for k in keys],
        u=u,
        v=v,
        passage=tag,
        passages=tuple(SEAROUTE_KEYS),
    )
    seen: set[str] = set()
    rows: list[tuple[str, str, str, float, float]] = []
    for (x, y), props in port_nodes.items():
        code = str(props.get("port") or "").upper()
        if not code or code in seen:
            continue
        seen.add(code)
        rows.append((code, str(props.get("name", "")), str(props.get("cty", "")), x, y))
    arrays = graph.arrays()
    arrays.update(
        port_unlocode=np.asarray([r[0] for r in rows], dtype=str),
        port_name=np.asarray([r[1] for r in rows], dtype=str),
        port_country=np.asarray([r[2] for r in rows], dtype=str),
        port_lon=np.asarray([r[3] for r in rows], np.float64),
        port_lat=np.asarray([r[4] for r in rows], np.float64),
    )
    return arrays


@lru_cache(maxsize=4)
def load_sea_network(cache_dir: Path) -> SeaNetwork:
    """The sea network, from ``cache_dir`` or built there once. Memoised per process.

    >>> net = load_sea_network(Path("/tmp/beltroad-doctest"))  # doctest: +SKIP
    >>> net.graph.nodes, net.graph.edges  # doctest: +SKIP
    (9708, 15970)
    """
    try:
        version = importlib.metadata.version("searoute")
    except importlib.metadata.PackageNotFoundError:
        raise _missing() from None
    digest = files_digest(_data_files(), salt=FORMAT)
    source = f"searoute {version}"
    arrays = cached_arrays(cache_dir, f"sea-searoute-{version}-{digest}", _build)
    arrays = {**arrays, "version": np.asarray(f"{source} (data sha256 {digest})")}
    graph = SeaGraph.from_arrays(arrays)
    ports = SeaPorts(
        unlocode=arrays["port_unlocode"],
        name=arrays["port_name"],
        country=arrays["port_country"],
        lon=np.asarray(arrays["port_lon"], np.float64),
        lat=np.asarray(arrays["port_lat"], np.float64),
    )
    return SeaNetwork(graph=graph, ports=ports, source=source, digest=digest)
