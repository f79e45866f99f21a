"""China-Europe rail on scgraph-data's OpenStreetMap world railway graph (extra ``rail``)."""

from __future__ import annotations

import importlib.util

import pytest

from beltroad.engines.rail_routes import passes_near, rail_route
from beltroad.network.rail import RailNetwork, load_rail_network

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("scgraph_data") is None,
    reason="scgraph-data is not installed (pip install 'beltroad[rail]')",
)

CHONGQING, DUISBURG = (106.55, 29.56), (6.76, 51.43)
KUNMING, VIENTIANE = (102.71, 25.04), (102.61, 17.97)
ALASHANKOU = (82.57, 45.17)


@pytest.fixture(scope="module")
def rail(tmp_path_factory: pytest.TempPathFactory) -> RailNetwork:
    return load_rail_network(tmp_path_factory.getbasetemp() / "rail-network")


def test_the_graph_is_scgraph_datas_world_railways(rail: RailNetwork) -> None:
    assert rail.graph.nodes == 274_974
    assert rail.graph.edges > 300_000
    assert rail.source.startswith("scgraph-data ")


def test_chongqing_duisburg_and_a_closed_border_crossing(rail: RailNetwork) -> None:
    route = rail_route(rail.graph, rail.labels, CHONGQING, DUISBURG, min_component=1000)
    assert route.reachable
    assert route.km is not None
    assert 9_000 < route.km < 11_500  # China-Europe Railway Express runs are ~10,000-11,000 km
    assert passes_near(rail.graph, route.nodes, *ALASHANKOU, 10)
    closed = rail_route(rail.graph, rail.labels, CHONGQING, DUISBURG, closed=[ALASHANKOU],
                        min_component=1000)  # fmt: skip
    assert closed.reachable
    assert closed.km is not None
    assert closed.km > route.km
    assert not passes_near(rail.graph, closed.nodes, *ALASHANKOU, 10)


def test_the_query_index_is_built_once_and_routes_as_without_it(rail: RailNetwork) -> None:
    index = rail.index(1000)
    assert rail.index(1000) is index
    assert rail.index(1) is not index
    for closed in ([], [ALASHANKOU]):
        alone = rail_route(rail.graph, rail.labels, CHONGQING, DUISBURG, closed=closed,
                           min_component=1000)  # fmt: skip
        shared = rail_route(rail.graph, rail.labels, CHONGQING, DUISBURG, closed=closed,
                            min_component=1000, index=index)  # fmt: skip
        assert shared.nodes == alone.nodes
        assert shared.km == alone.km


def test_kunming_vientiane_is_reported_disconnected_on_plain_snapping(rail: RailNetwork) -> None:
    naive = rail_route(rail.graph, rail.labels, KUNMING, VIENTIANE, min_component=1)
    assert naive.reachable is False
    assert naive.km is None
    assert naive.same_component is False
    assert min(naive.component_sizes) < 1000


def test_the_cache_is_read_back(
    rail: RailNetwork, tmp_path_factory: pytest.TempPathFactory
) -> None:
    load_rail_network.cache_clear()
    again = load_rail_network(tmp_path_factory.getbasetemp() / "rail-network")
    assert again.graph.edges == rail.graph.edges
    assert (again.labels == rail.labels).all()
