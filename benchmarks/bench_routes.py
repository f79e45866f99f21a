"""Sea routes: beltroad's batched all-pairs routing against networkx Dijkstra and searoute.

beltroad: all pairs among N ports (default 1,000, a seeded sample of searoute's port list), for
the open network and each of the 12 single-passage closures (13 scenarios), with the passages of
every open-network route. searoute 1.6.0 (networkx backend): a seeded sample of 1,000 of those
pairs on the open network, one call each, in the same run. Both route between the same network
nodes (searoute is given the nodes beltroad snapped each port to), so their distances are
comparable; the maximum relative deviation is printed. The headline baseline (issue #14) is
what a competent user would run: one networkx single-source Dijkstra per port on searoute's own
graph and weights (see :func:`networkx_baseline`); the target is >= 10x, distances within 0.1%.

    .venv/bin/python benchmarks/bench_routes.py [--ports 1000] [--sample 1000] [--seed 7]
"""

from __future__ import annotations

import argparse
import math
import resource
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

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
    parser.add_argument(
        "--nx-sources", type=int, default=20, help="networkx Dijkstra sources timed (default 20)"
    )
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
    print(f"ratio against one searoute call per pair (the old baseline): "
          f"{ours_rate / theirs_rate:,.0f}x more routes per second; "
          f"peak RSS beltroad phase {ours_rss:.0f} MiB, whole run {total_rss:.0f} MiB")  # fmt: skip
    nx_ratio, nx_dev = networkx_baseline(base, graph, args, (ours_s, ours_cpu), len(scenarios), rng)
    return 0 if max(dev.max(), nx_dev) <= 1e-3 and nx_ratio >= 10 else 1


def networkx_baseline(
    base: Any,
    graph: Any,
    args: argparse.Namespace,
    ours: tuple[float, float],
    scenarios: int,
    rng: Any,
) -> tuple[float, float]:
    """What a competent user runs: one networkx Dijkstra per source on searoute's own graph.

    searoute's ``Marnet`` is a networkx graph whose weight function applies the closed passages;
    ``single_source_dijkstra_path_length`` from a port's node gives its distance to every other
    port at once. All pairs among N ports need N - 1 such runs per scenario; ``--nx-sources``
    of them are timed (open network) and the whole is extrapolated: a closure only removes
    edges, so it does not make a Dijkstra cheaper. Distances are compared for every pair timed.
    """
    import networkx as nx
    from searoute.searoute import get_graphs

    marnet, _ = get_graphs(None, None, "networkx")
    marnet.restrictions = list(BASE)
    weight = marnet._Marnet__make_weight_fn()  # the weight searoute's own routing uses
    nodes = [int(n) for n in base.nodes]
    theirs = [marnet.kdtree.query([float(graph.lon[n]), float(graph.lat[n])]) for n in nodes]
    sources = rng.choice(len(nodes), size=min(args.nx_sources, len(nodes)), replace=False)
    deviations: list[float] = []
    cpu0, t0 = time.process_time(), time.perf_counter()
    found = [
        nx.single_source_dijkstra_path_length(marnet, theirs[a], weight=weight) for a in sources
    ]
    per_source = (time.perf_counter() - t0) / len(sources)
    per_source_cpu = (time.process_time() - cpu0) / len(sources)
    for a, lengths in zip(sources.tolist(), found, strict=True):
        for b in range(len(nodes)):
            km = float(base.km[a, b])
            if b == a or nodes[a] == nodes[b] or not np.isfinite(km):
                continue
            deviations.append(abs(lengths.get(theirs[b], math.inf) - km) / km)
    runs = (len(nodes) - 1) * scenarios
    all_pairs, all_pairs_cpu = per_source * runs, per_source_cpu * runs
    dev = np.asarray(deviations)
    ours_s, ours_cpu = ours
    ratio = all_pairs_cpu / ours_cpu  # CPU: the steadier figure on a shared machine
    print(f"networkx {nx.__version__} single-source Dijkstra on searoute's graph: "
          f"{per_source * 1000:.1f} ms per source ({len(sources)} timed); all pairs x "
          f"{scenarios} scenarios = {len(nodes) - 1} x {scenarios} runs = {all_pairs:,.1f} s "
          f"(extrapolated) against beltroad's {ours_s:.2f} s: {all_pairs / ours_s:,.1f}x; "
          f"by CPU {per_source_cpu * 1000:.1f} ms per source, {all_pairs_cpu:,.1f} s against "
          f"{ours_cpu:.2f} s: {ratio:,.1f}x (target >= 10x)")  # fmt: skip
    print(
        "  (networkx sums searoute's edge weights; searoute's own figure above re-measures the "
        "route's line, so the two can differ slightly on a few long routes)"
    )
    print(f"  distances: {len(dev):,} pairs compared; max deviation {dev.max() * 100:.4f}%, "
          f"mean {dev.mean() * 100:.5f}%, over 0.1%: {(dev > 1e-3).sum()}")  # fmt: skip
    return ratio, float(dev.max())


if __name__ == "__main__":
    sys.exit(main())
