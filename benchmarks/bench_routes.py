"""Sea routes: beltroad's batched all-pairs routing against searoute's per-pair routing.

beltroad: all pairs among N ports (default 1,000, a seeded sample of searoute's port list), for
the open network and each of the 12 single-passage closures (13 scenarios), with the passages of
every open-network route. searoute 1.6.0 (networkx backend): a seeded sample of 1,000 of those
pairs on the open network, one call each, in the same run. Both route between the same network
nodes (searoute is given the nodes beltroad snapped each port to), so their distances are
comparable; the maximum relative deviation is printed.

    .venv/bin/python benchmarks/bench_routes.py [--ports 1000] [--sample 1000] [--seed 7]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

from beltroad.engines.sea_exposure import od_matrix
from beltroad.network.sea import load_sea_network
from beltroad.reference.passages import SEAROUTE_KEYS

BASE = ("northwest",)


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ports", type=int, default=1000)
    parser.add_argument("--sample", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        net = load_sea_network(Path(tmp))
        build_s = time.perf_counter() - t0
        load_sea_network.cache_clear()
        t0 = time.perf_counter()
        net = load_sea_network(Path(tmp))
        load_s = time.perf_counter() - t0
    graph = net.graph
    print(f"network: {net.version}: {graph.nodes:,} nodes, {graph.edges:,} edges; "
          f"build {build_s:.2f} s, cached load {load_s * 1000:.1f} ms")  # fmt: skip

    chosen = np.sort(rng.choice(len(net.ports.unlocode), size=args.ports, replace=False))
    lon, lat = net.ports.lon[chosen], net.ports.lat[chosen]
    scenarios = [BASE] + [(*BASE, k) for k in SEAROUTE_KEYS if k not in BASE]
    pairs_per = args.ports * (args.ports - 1) // 2

    cpu0, t0 = time.process_time(), time.perf_counter()
    base = od_matrix(graph, lon, lat, closed=BASE, passages=True)
    matrices = [base]
    for closed in scenarios[1:]:
        matrices.append(od_matrix(graph, lon, lat, closed=closed, base=base))
    ours_s = time.perf_counter() - t0
    ours_cpu = time.process_time() - cpu0
    ours_routes = pairs_per * len(scenarios)
    ours_rate = ours_routes / ours_s
    ours_rss = peak_rss_mib()
    distinct = len(np.unique(base.nodes))
    upper = np.triu_indices(args.ports, 1)
    unreachable = [int((~np.isfinite(m.km[upper])).sum()) for m in matrices]
    names = ["open", *[s[-1] for s in scenarios[1:]]]
    print(f"beltroad: {len(scenarios)} scenarios x {pairs_per:,} pairs = {ours_routes:,} routes "
          f"(+ passages of the open-network routes) from {distinct} distinct nodes in "
          f"{ours_s:.2f} s wall / {ours_cpu:.2f} s CPU: {ours_rate:,.0f} routes/s; "
          f"peak RSS {ours_rss:.0f} MiB")  # fmt: skip
    print(f"  unreachable pairs: {dict(zip(names, unreachable, strict=True))}")

    import searoute

    i = rng.integers(0, args.ports, size=args.sample * 2)
    j = rng.integers(0, args.ports, size=args.sample * 2)
    keep = i != j
    i, j = i[keep][: args.sample], j[keep][: args.sample]
    searoute.searoute([0.0, 50.0], [10.0, 55.0])  # builds its graph once, outside the timing
    deviations: list[float] = []
    skipped = 0
    t0 = time.perf_counter()
    for a, b in zip(i.tolist(), j.tolist(), strict=True):
        na, nb = int(base.nodes[a]), int(base.nodes[b])
        ours = float(base.km[a, b])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = searoute.searoute(
                [float(graph.lon[na]), float(graph.lat[na])],
                [float(graph.lon[nb]), float(graph.lat[nb])],
            ).properties["length"]
        if not np.isfinite(ours) or na == nb:
            skipped += 1  # searoute reports 0 km for these: nothing to compare
            continue
        deviations.append(abs(theirs - ours) / ours)
    theirs_s = time.perf_counter() - t0
    theirs_rate = len(i) / theirs_s
    total_rss = peak_rss_mib()
    dev = np.asarray(deviations)
    print(f"searoute {searoute.__name__} (networkx): {len(i):,} routes in {theirs_s:.2f} s: "
          f"{theirs_rate:,.1f} routes/s")  # fmt: skip
    print(f"distances: {len(dev):,} pairs compared ({skipped} unreachable or same-node skipped); "
          f"max deviation {dev.max() * 100:.4f}%, mean {dev.mean() * 100:.5f}%, "
          f"over 0.1%: {(dev > 1e-3).sum()}")  # fmt: skip
    print(f"ratio: {ours_rate / theirs_rate:,.0f}x more routes per second; "
          f"peak RSS beltroad phase {ours_rss:.0f} MiB, whole run {total_rss:.0f} MiB")  # fmt: skip
    return 0 if dev.max() <= 1e-3 and ours_rate / theirs_rate >= 200 else 1


if __name__ == "__main__":
    sys.exit(main())
