"""searoute's network as beltroad loads it, and beltroad's routes against searoute's own."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from beltroad.engines.sea_exposure import impact, od_matrix
from beltroad.engines.sea_graph import open_edges, snap, usable_nodes
from beltroad.engines.sea_routes import (
    Voyage,
    passages_of_nodes,
    path_km,
    path_nodes,
    shortest_paths,
)
from beltroad.network.sea import SeaNetwork, load_sea_network
from beltroad.reference.passages import SEAROUTE_KEYS

BASE = ("northwest",)


def test_the_network_is_searoutes_whole_network(sea: SeaNetwork) -> None:
    assert (sea.graph.nodes, sea.graph.edges) == (9_708, 15_970)
    tagged = {sea.graph.passages[k] for k in np.unique(sea.graph.edge_passage) if k >= 0}
    assert tagged == set(SEAROUTE_KEYS)
    assert len(SEAROUTE_KEYS) == 13
    assert sea.source.startswith("searoute ")
    assert len(sea.ports.unlocode) == len(set(sea.ports.unlocode.tolist())) > 3_000


def test_the_cache_is_keyed_by_version_and_hash_and_read_back(
    sea: SeaNetwork, tmp_path_factory: pytest.TempPathFactory
) -> None:
    directory = tmp_path_factory.getbasetemp() / "sea-network"
    files = list(directory.glob("sea-searoute-*.npz"))
    assert len(files) == 1
    assert sea.digest in files[0].name
    assert sea.source.split()[1] in files[0].name
    load_sea_network.cache_clear()
    again = load_sea_network(directory)
    assert np.array_equal(again.graph.edge_km, sea.graph.edge_km)
    assert again.graph.passages == sea.graph.passages


def test_a_damaged_cache_is_rebuilt(tmp_path: Path, sea: SeaNetwork) -> None:
    load_sea_network.cache_clear()
    first = load_sea_network(tmp_path)
    (cached,) = tmp_path.glob("*.npz")
    cached.write_bytes(b"not a zip file")
    load_sea_network.cache_clear()
    again = load_sea_network(tmp_path)
    assert again.graph.edges == first.graph.edges == sea.graph.edges


def _route(sea: SeaNetwork, a: str, b: str, closed: tuple[str, ...]) -> tuple[float, set[str]]:
    index = sea.ports.index()
    i, j = index[a], index[b]
    usable = usable_nodes(sea.graph, open_edges(sea.graph, closed))
    s = snap(sea.graph, sea.ports.lon[[i, j]], sea.ports.lat[[i, j]], usable)
    tree = shortest_paths(sea.graph, s.node[:1], closed=closed)
    nodes = path_nodes(tree, int(s.node[0]), int(s.node[1]))
    assert nodes is not None
    km = float(tree.km[0, s.node[1]])
    assert path_km(sea.graph, nodes) == pytest.approx(km, abs=1e-3)
    return km, set(passages_of_nodes(sea.graph, nodes))


def test_shanghai_rotterdam_matches_searoute_1_6_0(sea: SeaNetwork) -> None:
    km, used = _route(sea, "CNSHA", "NLRTM", BASE)
    assert km == pytest.approx(19_604, rel=2e-3)
    assert used == {"malacca", "babalmandab", "suez", "gibraltar"}
    closed_km, closed_used = _route(sea, "CNSHA", "NLRTM", (*BASE, "suez"))
    assert closed_km == pytest.approx(25_012, rel=2e-3)
    assert "suez" not in closed_used


def test_distances_agree_with_searoute_within_a_tenth_of_a_percent(sea: SeaNetwork) -> None:
    import searoute

    pairs = [("CNSHA", "NLRTM"), ("SGSIN", "DEHAM"), ("CNSHA", "USNYC"), ("GRPIR", "KEMBA"),
             ("JPYOK", "USLAX"), ("BRSSZ", "ZADUR")]  # fmt: skip
    index = sea.ports.index()
    tree = None
    for a, b in pairs:
        i, j = index[a], index[b]
        s = snap(sea.graph, sea.ports.lon[[i, j]], sea.ports.lat[[i, j]])
        tree = shortest_paths(sea.graph, s.node[:1], closed=BASE, predecessors=False)
        ours = float(tree.km[0, s.node[1]])
        # searoute on the same nodes, so that both measure the same network path
        theirs = searoute.searoute(
            [float(sea.graph.lon[s.node[0]]), float(sea.graph.lat[s.node[0]])],
            [float(sea.graph.lon[s.node[1]]), float(sea.graph.lat[s.node[1]])],
        ).properties["length"]
        assert ours == pytest.approx(theirs, rel=1e-3), (a, b)


def test_a_canal_port_stays_routable_when_its_canal_closes(sea: SeaNetwork) -> None:
    index = sea.ports.index()
    codes = ["EGPSD", "NLRTM", "SGSIN"]
    lon = [float(sea.ports.lon[index[c]]) for c in codes]
    lat = [float(sea.ports.lat[index[c]]) for c in codes]
    base = od_matrix(sea.graph, lon, lat, closed=BASE, passages=True)
    suez = od_matrix(sea.graph, lon, lat, closed=(*BASE, "suez"), base=base)
    assert np.isfinite(suez.km).all()
    assert suez.km[1, 2] > base.km[1, 2]  # Rotterdam - Singapore goes round


def test_hormuz_is_a_single_point_of_failure_for_gulf_ports(sea: SeaNetwork) -> None:
    index = sea.ports.index()
    codes = ["QADOH", "NLRTM", "SGSIN", "CNSHA"]
    lon = [float(sea.ports.lon[index[c]]) for c in codes]
    lat = [float(sea.ports.lat[index[c]]) for c in codes]
    base = od_matrix(sea.graph, lon, lat, closed=BASE, passages=True)
    hormuz = impact(
        sea.graph, base, od_matrix(sea.graph, lon, lat, closed=(*BASE, "ormuz"), base=base),
        Voyage(),
    )  # fmt: skip
    assert hormuz.pairs_unreachable == 3
    assert hormuz.single_points_of_failure == ((0, 3),)  # the others lose only Doha
    assert hormuz.ports_losing_pairs == 4
    assert hormuz.pairs_using == 3


@settings(max_examples=15, deadline=None)
@given(
    st.lists(st.integers(0, 3_900), min_size=3, max_size=12, unique=True),
    st.lists(st.sampled_from([k for k in SEAROUTE_KEYS if k not in BASE]), min_size=1,
             max_size=3, unique=True),
)  # fmt: skip
def test_on_the_real_network_closing_never_shortens_and_triangles_hold(
    sea: SeaNetwork, picks: list[int], closed: list[str]
) -> None:
    lon, lat = sea.ports.lon[picks], sea.ports.lat[picks]
    nodes = snap(sea.graph, lon, lat).node
    before = shortest_paths(sea.graph, nodes, closed=BASE, predecessors=False)
    after = shortest_paths(sea.graph, nodes, closed=(*BASE, *closed), predecessors=False)
    rows = [before.row_of(n) for n in nodes.tolist()]
    d0 = before.km[rows][:, nodes]
    d1 = after.km[[after.row_of(n) for n in nodes.tolist()]][:, nodes]
    assert np.all(d1 >= d0 - 1e-6)
    for d in (d0, d1):
        assert np.all(d[:, None, :] <= d[:, :, None] + d[None, :, :] + 1e-6)
