"""Rail routing on small graphs: crossings closed by proximity, fragments avoided when snapping."""

from __future__ import annotations

import numpy as np
import pytest

from beltroad.engines.rail_routes import (
    components,
    edges_near,
    passes_near,
    rail_index,
    rail_route,
)
from beltroad.engines.sea_graph import SeaGraph


def network() -> SeaGraph:
    # main line 0-1-2-3 along the equator, a loop 0-4-3 to the north, and a 2-node fragment 5-6
    # right next to node 3
    return SeaGraph.from_edges(
        lon=[0.0, 1.0, 2.0, 3.0, 1.5, 3.05, 3.1],
        lat=[0.0, 0.0, 0.0, 0.0, 3.0, 0.0, 0.0],
        u=[0, 1, 2, 0, 4, 5],
        v=[1, 2, 3, 4, 3, 6],
        passage=[-1] * 6,
        passages=(),
    )


def test_a_crossing_closes_a_long_edge_that_passes_it_without_a_node() -> None:
    graph = network()
    near = edges_near(graph, 1.5, 0.02, radius_km=5)  # mid-edge 1-2, 2.2 km off the track
    assert np.flatnonzero(near).tolist() == [1]
    assert not edges_near(graph, 1.5, 0.2, radius_km=5).any()  # 22 km off


def test_closing_a_crossing_reroutes_and_closing_both_disconnects() -> None:
    graph = network()
    labels = components(graph)
    open_route = rail_route(graph, labels, (0.0, 0.0), (3.0, 0.0))
    assert open_route.nodes == (0, 1, 2, 3)
    assert passes_near(graph, open_route.nodes, 1.5, 0.0, 5)
    detour = rail_route(graph, labels, (0.0, 0.0), (3.0, 0.0), closed=[(1.5, 0.0)])
    assert detour.nodes == (0, 4, 3)
    assert detour.km is not None
    assert open_route.km is not None
    assert detour.km > open_route.km
    cut = rail_route(graph, labels, (0.0, 0.0), (3.0, 0.0), closed=[(1.5, 0.0), (1.5, 3.0)])
    assert cut.reachable is False
    assert cut.km is None
    assert cut.geometry is None
    assert cut.same_component is True  # closed, not missing


def test_a_city_on_a_fragment_is_disconnected_unless_fragments_are_skipped() -> None:
    graph = network()
    labels = components(graph)
    naive = rail_route(graph, labels, (0.0, 0.0), (3.1, 0.0))
    assert naive.reachable is False
    assert naive.same_component is False
    assert naive.component_sizes == (5, 2)
    skipping = rail_route(graph, labels, (0.0, 0.0), (3.1, 0.0), min_component=3)
    assert skipping.reachable is True
    assert skipping.nodes[-1] == 3
    assert skipping.access_km[1] > 10


def test_a_shared_index_gives_the_same_routes_as_building_one_per_query() -> None:
    graph = network()
    labels = components(graph)
    index = rail_index(graph, labels, min_component=3)
    cases = [((0.0, 0.0), (3.1, 0.0), []), ((0.0, 0.0), (3.0, 0.0), [(1.5, 0.0)]),
             ((0.0, 0.0), (3.0, 0.0), [(1.5, 0.0), (1.5, 3.0)])]  # fmt: skip
    for origin, destination, closed in cases:
        alone = rail_route(graph, labels, origin, destination, closed=closed, min_component=3)
        shared = rail_route(graph, labels, origin, destination, closed=closed, min_component=3,
                            index=index)  # fmt: skip
        assert shared == alone
    # closing edges in the shared index's matrix leaves the index itself open
    assert np.isfinite(index.matrix.data).all()
    with pytest.raises(ValueError, match="min_component=1"):
        rail_route(graph, labels, (0.0, 0.0), (3.0, 0.0), index=index)
