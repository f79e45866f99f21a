"""Rail: loading scgraph-data's world railway graph, and one China-Europe route.

Baseline: ``import scgraph_data.world_railways`` (the package's own way, a 17 MB Python module)
and ``GeoGraph.get_shortest_path`` for Chongqing -> Duisburg. beltroad: the first parse into
arrays, the cached load, and the same route with ``beltroad.engines.rail_routes``: the first
query of a process (which builds the network's query index), later queries (which reuse it),
later queries with the Alashankou crossing closed, and a query that builds its own index (what
every query cost before the index was kept with the network).

    .venv/bin/python benchmarks/bench_rail.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from beltroad.engines.rail_routes import rail_route
from beltroad.network.rail import load_rail_network

CHONGQING, DUISBURG = (106.55, 29.56), (6.76, 51.43)
ALASHANKOU = (82.57, 45.17)
REPEATS = 7

# scgraph-data 2.0's module imports ``scgraph.core``, which scgraph 3.x no longer has: the shim
# points it at ``scgraph.geograph`` so that the package's own loader can be timed at all.
_BASELINE = """
import sys, time, types
import scgraph.geograph
shim = types.ModuleType("scgraph.core")
shim.GeoGraph = scgraph.geograph.GeoGraph
sys.modules["scgraph.core"] = shim
t0 = time.perf_counter()
from scgraph_data.world_railways import world_railways_geograph as g
t1 = time.perf_counter()
r = g.get_shortest_path(origin_node={"latitude": 29.56, "longitude": 106.55},
                        destination_node={"latitude": 51.43, "longitude": 6.76})
t2 = time.perf_counter()
print(t1 - t0, t2 - t1, r["length"])
"""


def _baseline(env: dict[str, str]) -> tuple[float, float, float]:
    out = subprocess.run(
        [sys.executable, "-c", _BASELINE], capture_output=True, text=True, check=True, env=env
    ).stdout.split()
    return float(out[0]), float(out[1]), float(out[2])


def main() -> int:
    with tempfile.TemporaryDirectory() as empty:
        # An empty bytecode cache: the import compiles the 17 MB module, as on a first run.
        cold_s, _q, _l = _baseline({**os.environ, "PYTHONPYCACHEPREFIX": empty})
    import_s, query_s, length = _baseline(dict(os.environ))
    print(f"scgraph-data: import {cold_s:.1f} s cold (no bytecode cache), {import_s:.1f} s warm; "
          f"Chongqing -> Duisburg {query_s:.2f} s, {length:,.0f} km")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        load_rail_network(Path(tmp))
        build_s = time.perf_counter() - t0
        load_rail_network.cache_clear()
        t0 = time.perf_counter()
        net = load_rail_network(Path(tmp))
        load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    route = rail_route(net.graph, net.labels, CHONGQING, DUISBURG, min_component=1000,
                       index=net.index(1000))  # fmt: skip
    first_s = time.perf_counter() - t0

    def median_s(closed: list[tuple[float, float]], *, shared: bool) -> float:
        times = []
        for _ in range(REPEATS):
            t0 = time.perf_counter()
            rail_route(net.graph, net.labels, CHONGQING, DUISBURG, closed=closed,
                       min_component=1000, index=net.index(1000) if shared else None)  # fmt: skip
            times.append(time.perf_counter() - t0)
        return statistics.median(times)

    later_s = median_s([], shared=True)
    closed_s = median_s([ALASHANKOU], shared=True)
    alone_s = median_s([], shared=False)
    print(f"beltroad: first parse + cache {build_s:.1f} s; cached load {load_s * 1000:.0f} ms "
          f"({cold_s / load_s:,.0f}x / {import_s / load_s:,.0f}x faster than the cold / warm "
          f"import); Chongqing -> Duisburg {route.km or 0:,.0f} km (+ "
          f"{sum(route.access_km):.1f} km to the track)")  # fmt: skip
    print(f"queries: first {first_s:.3f} s (builds the index), later {later_s:.3f} s "
          f"(median of {REPEATS}; scgraph {query_s:.3f} s per query, "
          f"{query_s / later_s:.1f}x as long), "
          f"later with Alashankou closed {closed_s:.3f} s, one that builds its own index "
          f"{alone_s:.3f} s")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
