"""Chokepoint dependence: origin-destination matrices per closure scenario, and what changes.

Pure: a sea graph and port positions in, matrices and summary records out.

Port snapping: each port goes to its great-circle nearest node among the nodes that keep an open
edge under the *baseline* closures. Under a scenario, a port whose node loses all its open edges
(it sat on the closed passage's segment) is snapped again to the nearest node that keeps one, so
it stays routable where water still connects it; such ports are listed as ``resnapped``.

>>> from beltroad.engines.sea_graph import SeaGraph
>>> g = SeaGraph.from_edges(lon=[0, 1, 2], lat=[0, 0, 0], u=[0, 1], v=[1, 2],
...                         passage=[-1, 0], passages=("suez",))
>>> base = od_matrix(g, [0.0, 2.0], [0.0, 0.0], closed=(), passages=True)
>>> closed = od_matrix(g, [0.0, 2.0], [0.0, 0.0], closed=("suez",), base=base)
>>> impact(g, base, closed, Voyage()).pairs_unreachable
1
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from beltroad.engines.sea_graph import (
    BoolArray,
    FloatArray,
    IntArray,
    SeaGraph,
    open_edges,
    snap,
    usable_nodes,
)
from beltroad.engines.sea_routes import Voyage, passage_masks, shortest_paths

# Extra distance below this is rounding, not a detour (km).
LONGER_KM = 1e-6


@dataclass(frozen=True, eq=False)
class OdMatrix:
    """Network km between every pair of ports under ``closed`` (``inf``: unreachable).

    ``masks[i, j]`` (when computed) has bit ``k`` set if the route uses ``graph.passages[k]``.
    ``resnapped`` flags ports snapped again because their node was cut off by the closure.
    """

    closed: tuple[str, ...]
    nodes: IntArray
    access_km: FloatArray
    km: FloatArray
    masks: npt.NDArray[np.int32] | None
    resnapped: BoolArray


def od_matrix(
    graph: SeaGraph,
    lon: Sequence[float] | FloatArray,
    lat: Sequence[float] | FloatArray,
    *,
    closed: Sequence[str],
    base: OdMatrix | None = None,
    passages: bool = False,
) -> OdMatrix:
    """All-pairs network distances among ports, from one batched Dijkstra per distinct node.

    ``base`` gives the baseline snapping to keep; without it ports are snapped afresh.
    """
    closed_t = tuple(sorted(set(closed)))
    usable = usable_nodes(graph, open_edges(graph, closed_t))
    lo, la = np.asarray(lon, np.float64), np.asarray(lat, np.float64)
    if lo.size == 0:
        empty = np.zeros((0, 0))
        none = np.zeros(0, np.int64)
        return OdMatrix(closed_t, none, np.zeros(0), empty, None, np.zeros(0, np.bool_))
    if base is None:
        first = snap(graph, lo, la, usable)
        nodes, access = first.node, first.km
        resnapped = np.zeros(lo.size, np.bool_)
    else:
        nodes, access = base.nodes.copy(), base.access_km.copy()
        resnapped = ~usable[nodes]
        if resnapped.any():
            again = snap(graph, lo[resnapped], la[resnapped], usable)
            nodes[resnapped], access[resnapped] = again.node, again.km
    tree = shortest_paths(graph, nodes, closed=closed_t, predecessors=passages)
    rows = np.asarray([tree.row_of(n) for n in nodes.tolist()], np.int64)
    km = tree.km[rows][:, nodes]
    masks = passage_masks(graph, tree)[rows][:, nodes] if passages else None
    return OdMatrix(closed_t, nodes, access, km, masks, resnapped)


def _quantiles(values: FloatArray, digits: int = 1) -> dict[str, float | None]:
    if values.size == 0:
        return {"median": None, "p90": None, "p99": None, "max": None}
    q = np.quantile(values, [0.5, 0.9, 0.99, 1.0])
    return {
        k: round(float(x), digits) for k, x in zip(("median", "p90", "p99", "max"), q, strict=True)
    }


@dataclass(frozen=True)
class Impact:
    """What closing ``closed`` (on top of the baseline) does to the unordered port pairs."""

    closed: tuple[str, ...]
    pairs: int
    pairs_using: int
    pairs_longer: int
    pairs_unreachable: int
    extra_km: dict[str, float | None]
    extra_days: dict[str, float | None]
    extra_fuel_usd: dict[str, float | None]
    single_points_of_failure: tuple[tuple[int, int], ...]  # (port index, pairs lost)
    ports_losing_pairs: int
    using_by_port: IntArray
    longer_by_port: IntArray
    unreachable_by_port: IntArray
    extra_days_by_port: FloatArray  # median over the port's longer routes; nan if none
    resnapped: tuple[int, ...]

    def as_dict(self, labels: Sequence[str]) -> dict[str, Any]:
        return {
            "closed": list(self.closed),
            "pairs": self.pairs,
            "pairs_using": self.pairs_using,
            "pairs_longer": self.pairs_longer,
            "pairs_unreachable": self.pairs_unreachable,
            "extra_km": self.extra_km,
            "extra_days": self.extra_days,
            "extra_fuel_usd": self.extra_fuel_usd,
            "single_points_of_failure": [
                {"port": labels[i], "pairs_lost": n} for i, n in self.single_points_of_failure
            ],
            "ports_losing_pairs": self.ports_losing_pairs,
            "resnapped_ports": [labels[i] for i in self.resnapped],
        }


def closed_mask(graph: SeaGraph, names: Sequence[str]) -> int:
    """Bit mask of ``names`` in ``graph.passages`` order."""
    mask = 0
    for name in names:
        mask |= 1 << graph.passages.index(name)
    return mask


def impact(graph: SeaGraph, base: OdMatrix, scenario: OdMatrix, voyage: Voyage) -> Impact:
    """Compare a scenario with the baseline over unordered pairs of distinct ports.

    * ``pairs_using``: baseline routes that traverse any passage the scenario closes;
    * ``pairs_longer``: reachable in both, longer under the scenario (extra km > 1e-6);
    * ``pairs_unreachable``: reachable in the baseline, unreachable under the scenario;
    * ``single_points_of_failure``: ports cut off by the closure, i.e. that lose at least half
      of the destinations they reached (for them the passage set has no sea alternative), with
      how many pairs each loses; ``ports_losing_pairs`` counts every port that loses any.
    """
    if base.masks is None:
        raise ValueError("the baseline needs passage masks (od_matrix(..., passages=True))")
    n = base.km.shape[0]
    upper = np.triu(np.ones((n, n), np.bool_), k=1)
    reach_base = np.isfinite(base.km)
    reach_scen = np.isfinite(scenario.km)
    extra_names = [p for p in scenario.closed if p not in base.closed]
    using = reach_base & ((base.masks & closed_mask(graph, extra_names)) != 0)
    both = reach_base & reach_scen
    extra = np.where(both, scenario.km - base.km, 0.0)
    longer = both & (extra > LONGER_KM)
    lost = reach_base & ~reach_scen
    longer_u = longer & upper
    extra_km = extra[longer_u]
    by_port_days = np.full(n, np.nan)
    for i in np.flatnonzero(longer.any(axis=1)).tolist():
        by_port_days[i] = float(np.median(voyage.days(extra[i][longer[i]])))
    lost_by_port = lost.sum(axis=1)
    # Cut off: the port loses at least half the destinations it reached (it is on the closed
    # side); ports that only lose the few pairs with cut-off ports are merely counted.
    reached = reach_base.sum(axis=1) - 1
    cut_off = (lost_by_port > 0) & (2 * lost_by_port >= reached)
    np.fill_diagonal(using, False)
    return Impact(
        closed=tuple(extra_names),
        pairs=int(upper.sum()),
        pairs_using=int((using & upper).sum()),
        pairs_longer=int(longer_u.sum()),
        pairs_unreachable=int((lost & upper).sum()),
        extra_km=_quantiles(extra_km),
        extra_days=_quantiles(voyage.days(extra_km), 2),
        extra_fuel_usd=_quantiles(voyage.fuel_cost_usd(extra_km), 0),
        single_points_of_failure=tuple(
            (int(i), int(lost_by_port[i]))
            for i in sorted(np.flatnonzero(cut_off).tolist(), key=lambda k: -lost_by_port[k])
        ),
        ports_losing_pairs=int((lost_by_port > 0).sum()),
        using_by_port=np.asarray(using.sum(axis=1), np.int64),
        longer_by_port=np.asarray(longer.sum(axis=1), np.int64),
        unreachable_by_port=np.asarray(lost_by_port, np.int64),
        extra_days_by_port=by_port_days,
        resnapped=tuple(int(i) for i in np.flatnonzero(scenario.resnapped)),
    )


__all__ = ["LONGER_KM", "Impact", "OdMatrix", "Voyage", "closed_mask", "impact", "od_matrix"]
