"""The sea-routing engine on small graphs: closures, unreachable pairs, paths, geometry, voyage."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from beltroad.engines.sea_exposure import impact, od_matrix
from beltroad.engines.sea_graph import (
    SeaGraph,
    haversine_km,
    open_edges,
    snap,
    usable_nodes,
)
from beltroad.engines.sea_routes import (
    Voyage,
    mask_names,
    passage_masks,
    passages_of_nodes,
    path_km,
    path_nodes,
    route_geometry,
    shortest_paths,
)

PASSAGES = ("suez", "panama", "malacca")


@st.composite
def graphs(draw: st.DrawFn) -> SeaGraph:
    """Random connected-ish graphs of 3-12 nodes with some edges tagged with passages."""
    n = draw(st.integers(3, 12))
    coords = st.tuples(st.floats(-60, 60), st.floats(-179, 179))
    points = draw(st.lists(coords, min_size=n, max_size=n))
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda p: p[0] != p[1])
    edges = draw(st.lists(pairs, min_size=n - 1, max_size=3 * n, unique_by=lambda p: frozenset(p)))
    tags = draw(st.lists(st.integers(-1, len(PASSAGES) - 1), min_size=len(edges),
                         max_size=len(edges)))  # fmt: skip
    return SeaGraph.from_edges(
        lon=[p[1] for p in points],
        lat=[p[0] for p in points],
        u=[e[0] for e in edges],
        v=[e[1] for e in edges],
        passage=tags,
        passages=PASSAGES,
    )


closures = st.lists(st.sampled_from(PASSAGES), max_size=2, unique=True)


@settings(max_examples=40, deadline=None)
@given(graphs(), closures, st.sampled_from(PASSAGES))
def test_closing_a_passage_never_shortens_a_route(
    graph: SeaGraph, closed: list[str], more: str
) -> None:
    before = shortest_paths(graph, range(graph.nodes), closed=closed, predecessors=False).km
    after = shortest_paths(graph, range(graph.nodes), closed=[*closed, more], predecessors=False).km
    assert np.all(after >= before - 1e-9)


@settings(max_examples=40, deadline=None)
@given(graphs(), closures)
def test_triangle_inequality_holds(graph: SeaGraph, closed: list[str]) -> None:
    d = shortest_paths(graph, range(graph.nodes), closed=closed, predecessors=False).km
    # d[i, k] <= d[i, j] + d[j, k] for every i, j, k (inf + x = inf keeps unreachable legs out)
    assert np.all(d[:, None, :] <= d[:, :, None] + d[None, :, :] + 1e-9)


@settings(max_examples=40, deadline=None)
@given(graphs(), closures)
def test_a_routes_distance_is_the_sum_of_its_edges_and_masks_match_its_passages(
    graph: SeaGraph, closed: list[str]
) -> None:
    tree = shortest_paths(graph, range(graph.nodes), closed=closed)
    masks = passage_masks(graph, tree)
    edge_open = open_edges(graph, closed)
    open_pairs = {
        frozenset((int(u), int(v)))
        for u, v in zip(graph.edge_u[edge_open], graph.edge_v[edge_open], strict=True)
    }
    for s in range(graph.nodes):
        for t in range(graph.nodes):
            nodes = path_nodes(tree, s, t)
            if nodes is None:
                assert math.isinf(tree.km[tree.row_of(s), t])
                continue
            assert all(frozenset(p) in open_pairs for p in itertools.pairwise(nodes))
            assert path_km(graph, nodes) == pytest.approx(tree.km[tree.row_of(s), t], abs=1e-5)
            used = set(passages_of_nodes(graph, nodes))
            assert set(mask_names(graph, int(masks[tree.row_of(s), t]))) == used
            assert not used & set(closed)


def line() -> SeaGraph:
    # 0 - 1 = suez = 2 - 3, and 0 - 4 - 3 around the long way (panama)
    return SeaGraph.from_edges(
        lon=[0.0, 1.0, 2.0, 3.0, 1.5],
        lat=[0.0, 0.0, 0.0, 0.0, 20.0],
        u=[0, 1, 2, 0, 4],
        v=[1, 2, 3, 4, 3],
        passage=[-1, 0, -1, -1, 1],
        passages=PASSAGES,
    )


def test_an_unreachable_pair_is_inf_never_zero() -> None:
    graph = line()
    tree = shortest_paths(graph, [0], closed=["suez", "panama"])
    assert math.isinf(tree.km[0, 3])
    assert path_nodes(tree, 0, 3) is None


def test_a_closure_reroutes_and_reports_the_passages() -> None:
    graph = line()
    open_tree = shortest_paths(graph, [0])
    assert path_nodes(open_tree, 0, 3) == [0, 1, 2, 3]
    assert passages_of_nodes(graph, [0, 1, 2, 3]) == ("suez",)
    closed_tree = shortest_paths(graph, [0], closed=["suez"])
    assert path_nodes(closed_tree, 0, 3) == [0, 4, 3]
    assert closed_tree.km[0, 3] > open_tree.km[0, 3]


def test_unknown_passage_is_refused() -> None:
    with pytest.raises(KeyError, match="gibraltar"):
        open_edges(line(), ["gibraltar"])


def test_snapping_uses_great_circle_distance_not_flat_degrees() -> None:
    # At 80N a degree of longitude is ~19 km: node 0, 10 degrees of longitude away, is ~193 km
    # off; node 1, 2 degrees of latitude away, is ~222 km off but nearer in flat degrees.
    graph = SeaGraph.from_edges(
        lon=[10.0, 0.0], lat=[80.0, 78.0], u=[0], v=[1], passage=[-1], passages=()
    )
    point_lon, point_lat = 0.0, 80.0
    flat = np.hypot(graph.lon - point_lon, graph.lat - point_lat)
    sphere = haversine_km(point_lon, point_lat, graph.lon, graph.lat)
    assert int(np.argmin(flat)) == 1
    assert int(np.argmin(sphere)) == 0
    result = snap(graph, [point_lon], [point_lat])
    assert result.node.tolist() == [0]
    assert result.km[0] == pytest.approx(float(sphere[0]), rel=1e-9)


def test_a_port_on_a_closed_passage_is_snapped_to_open_water() -> None:
    graph = SeaGraph.from_edges(
        lon=[0.0, 1.0, 2.0, 3.0],
        lat=[0.0, 0.0, 0.0, 0.0],
        u=[0, 1, 2],
        v=[1, 2, 3],
        passage=[-1, 0, 0],
        passages=PASSAGES,
    )
    # a port right on node 2, inside the canal (1 = 2 = 3 are suez edges)
    base = od_matrix(graph, [2.0, 0.0], [0.0, 0.0], closed=(), passages=True)
    closed = od_matrix(graph, [2.0, 0.0], [0.0, 0.0], closed=("suez",), base=base)
    assert not usable_nodes(graph, open_edges(graph, ["suez"]))[2]
    assert closed.resnapped.tolist() == [True, False]
    assert closed.nodes[0] == 1
    assert np.isfinite(closed.km[0, 1])
    result = impact(graph, base, closed, Voyage())
    assert result.pairs_using == 1
    assert result.resnapped == (0,)


def test_impact_counts_longer_and_lost_pairs() -> None:
    graph = line()
    lon, lat = [0.0, 3.0, 1.5], [0.0, 0.0, 20.0]
    base = od_matrix(graph, lon, lat, closed=(), passages=True)
    suez = impact(graph, base, od_matrix(graph, lon, lat, closed=("suez",), base=base), Voyage())
    assert (suez.pairs, suez.pairs_using, suez.pairs_longer, suez.pairs_unreachable) == (3, 1, 1, 0)
    extra = float(base.km[0, 2] + base.km[2, 1] - base.km[0, 1])
    assert suez.extra_km["median"] == pytest.approx(extra, abs=0.1)
    both = od_matrix(graph, lon, lat, closed=("panama", "suez"), base=base)
    lost = impact(graph, base, both, Voyage())
    assert lost.pairs_unreachable == 2  # 0-3 and 4-3: node 3 is cut off
    assert dict(lost.single_points_of_failure)[1] == 2
    assert lost.ports_losing_pairs == 3


@settings(max_examples=40, deadline=None)
@given(graphs(), st.sampled_from(PASSAGES), st.integers(0, 4))
def test_listed_pairs_are_the_counted_pairs_sorted_and_truncated(
    graph: SeaGraph, closing: str, limit: int
) -> None:
    # Ports sit on nodes, so each pair's network km is the node-to-node shortest path, computed
    # here one pair at a time; nodes at (nearly) the same position would make snapping ambiguous.
    positions = np.round(np.column_stack([graph.lon, graph.lat]), 3)
    assume(len(np.unique(positions, axis=0)) == graph.nodes)
    ports = np.arange(graph.nodes)
    # A port whose node a closure cuts off is snapped elsewhere (tested above): keep them out.
    assume(usable_nodes(graph, open_edges(graph, [closing]))[ports].all())
    lon, lat = graph.lon[ports], graph.lat[ports]
    base = od_matrix(graph, lon, lat, closed=(), passages=True)
    scen = od_matrix(graph, lon, lat, closed=(closing,), base=base)
    full = impact(graph, base, scen, Voyage(), limit=None).lists
    short = impact(graph, base, scen, Voyage(), limit=limit).lists
    open_km = shortest_paths(graph, ports, closed=(), predecessors=False).km
    closed_km = shortest_paths(graph, ports, closed=(closing,), predecessors=False).km
    longer, lost = [], []
    for a, b in itertools.combinations(range(ports.size), 2):
        before = open_km[a, ports[b]]
        after = closed_km[a, ports[b]]
        if np.isfinite(before) and not np.isfinite(after):
            lost.append((a, b))
        elif np.isfinite(before) and after - before > 1e-6:
            longer.append((a, b))
    assert sorted(zip(full.longer.i.tolist(), full.longer.j.tolist(), strict=True)) == longer
    assert list(zip(full.unreachable.i.tolist(), full.unreachable.j.tolist(), strict=True)) == lost
    extra = full.longer.closed_km - full.longer.open_km
    assert np.all(np.diff(extra) <= 0)  # extra km descending
    assert not np.isfinite(full.unreachable.closed_km).any()
    for kind in ("using", "longer", "unreachable"):
        whole, cut = getattr(full, kind), getattr(short, kind)
        assert len(cut) == min(limit, len(whole))
        assert cut.i.tolist() == whole.i[:limit].tolist()  # a prefix of the full list
        assert cut.j.tolist() == whole.j[:limit].tolist()
    assert all(p == (closing,) for p in full.using.passages)


def test_pair_rows_carry_extra_km_days_and_fuel() -> None:
    graph = line()
    lon, lat = [0.0, 3.0, 1.5], [0.0, 0.0, 20.0]
    base = od_matrix(graph, lon, lat, closed=(), passages=True)
    scen = od_matrix(graph, lon, lat, closed=("suez",), base=base)
    voyage = Voyage()
    result = impact(graph, base, scen, voyage, limit=20).as_dict(["A", "B", "C"])
    (row,) = result["pair_lists"]["pairs_longer"]
    assert (row["from"], row["to"]) == ("A", "B")
    assert row["extra_km"] == pytest.approx(row["closed_km"] - row["open_km"], abs=0.11)
    assert row["extra_days"] == pytest.approx(float(voyage.days(row["extra_km"])), abs=0.01)
    assert row["extra_fuel_usd"] == pytest.approx(
        float(voyage.fuel_cost_usd(row["extra_km"])), rel=1e-3
    )
    assert result["pair_lists"]["pairs_using"][0]["passages"] == ["suez"]
    assert result["pairs_longer"] == 1  # the counts are unchanged
    none = impact(graph, base, scen, voyage).as_dict(["A", "B", "C"])["pair_lists"]
    assert none == {"limit": 0, "pairs_using": [], "pairs_longer": [], "pairs_unreachable": []}
    with pytest.raises(ValueError, match="limit"):
        impact(graph, base, scen, voyage, limit=-1)


def test_geometry_is_split_at_the_antimeridian() -> None:
    geo = route_geometry([170.0, 179.0, 189.0, -160.0], [0.0, 1.0, 2.0, 3.0])
    assert geo is not None
    assert geo["type"] == "MultiLineString"
    first, second = geo["coordinates"]
    assert first[-1][0] == 180.0
    assert second[0][0] == -180.0
    assert first[-1][1] == second[0][1]
    assert all(-180.0 <= x <= 180.0 for part in geo["coordinates"] for x, _ in part)
    plain = route_geometry([0.0, 10.0], [0.0, 5.0])
    assert plain == {"type": "LineString", "coordinates": [[0.0, 0.0], [10.0, 5.0]]}
    assert route_geometry([], []) is None


def test_voyage_days_and_fuel_cost_follow_the_stated_formula() -> None:
    voyage = Voyage(speed_kn=14.0, fuel_t_per_day=60.0, bunker_usd_per_t=600.0)
    km = 1.852 * 24 * 14 * 2  # exactly two days at 14 kn
    assert float(voyage.days(km)) == pytest.approx(2.0)
    assert float(voyage.fuel_cost_usd(km)) == pytest.approx(2 * 60 * 600)
    faster = Voyage(speed_kn=28.0, fuel_t_per_day=60.0, reference_kn=14.0)
    assert faster.fuel_t_per_day_at_speed == pytest.approx(480.0)  # cubic law
