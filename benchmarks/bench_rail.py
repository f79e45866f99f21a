"""Rail: loading scgraph-data's world railway graph, and one China-Europe route.

Baseline: ``import scgraph_data.world_railways`` (the package's own way, a 17 MB Python module)
and ``GeoGraph.get_shortest_path`` for Chongqing -> Duisburg. beltroad: the first parse into
arrays, the cached load, and the same route with ``beltroad.engines.rail_routes``.

    .venv/bin/python benchmarks/bench_rail.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from beltroad.engines.rail_routes import rail_route
from beltroad.network.rail import load_rail_network

CHONGQING, DUISBURG = (106.55, 29.56), (6.76, 51.43)

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
    route = rail_route(net.graph, net.labels, CHONGQING, DUISBURG, min_component=1000)
    ours_q = time.perf_counter() - t0
    print(f"beltroad: first parse + cache {build_s:.1f} s; cached load {load_s * 1000:.0f} ms "
          f"({cold_s / load_s:,.0f}x / {import_s / load_s:,.0f}x faster than the cold / warm "
          f"import); Chongqing -> Duisburg "
          f"{ours_q:.2f} s, {route.km or 0:,.0f} km (+ {sum(route.access_km):.1f} km to the "
          f"track)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
