"""Chokepoint dependence: origin-destination matrices per closure scenario, and what changes.

Pure: a sea graph and port positions in, matrices and summary records out.

Port snapping: each port goes to its great-circle nearest node among the nodes that keep an open
edge under the *baseline* closures. Under a scenario, a port whose node loses all its open edges
(it sat on the closed passage's segment) is snapped again to the nearest node that keeps one, so
it stays routable where water still connects it; such ports are listed as ``resnapped``.

>>> from beltroad.engines.sea_graph import SeaGraph
>>> g = SeaGraph.from_edges(lon=[0, 1, 2, 3], lat=[0, 0, 0, 0], u=[0, 1, 2], v=[1, 2, 3],
...                         passage=[-1, 0, -1], passages=("suez",))
>>> base = od_matrix(g, [0.0, 3.0], [0.0, 0.0], closed=(), passages=True)
>>> closed = od_matrix(g, [0.0, 3.0], [0.0, 0.0], closed=("suez",), base=base)
>>> impact(g, base, closed, Voyage()).pairs_unreachable
1
>>> impact(g, base, closed, Voyage(), limit=5).lists.unreachable.rows(["A", "B"])
[{'from': 'A', 'to': 'B', 'open_km': 333.6}]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
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
from beltroad.engines.sea_routes import Voyage, mask_names, passage_masks, shortest_paths

# Extra distance below this is rounding, not a detour (km).
LONGER_KM = 1e-6

_NO_INDEX = np.zeros(0, np.int64)


def _no_index() -> IntArray:
    return np.zeros(0, np.int64)


def _no_km() -> FloatArray:
    return np.zeros(0, np.float64)


@dataclass(frozen=True, eq=False)
class PairList:
    """Some port pairs of one kind, ``i[k] < j[k]`` (port indices), already sorted.

    ``open_km`` / ``closed_km`` are the network km on the baseline and under the scenario
    (``inf``: unreachable); ``extra_days`` and ``extra_fuel_usd`` follow from ``closed_km -
    open_km`` (``nan`` when unreachable); ``passages`` names, per pair, the closed passages its
    open route uses. Only the listed pairs are held: everything here is at most ``limit`` long.
    """

    kind: str  # "using", "longer" or "unreachable": which fields :meth:`rows` gives
    i: IntArray = field(default_factory=_no_index)
    j: IntArray = field(default_factory=_no_index)
    open_km: FloatArray = field(default_factory=_no_km)
    closed_km: FloatArray = field(default_factory=_no_km)
    extra_days: FloatArray = field(default_factory=_no_km)
    extra_fuel_usd: FloatArray = field(default_factory=_no_km)
    passages: tuple[tuple[str, ...], ...] = ()

    def __len__(self) -> int:
        return int(self.i.size)

    def rows(self, labels: Sequence[str]) -> list[dict[str, Any]]:
        """The listed pairs as JSON-ready dicts (km to 0.1, days to 0.01, USD to 1)."""
        out: list[dict[str, Any]] = []
        for k in range(len(self)):
            row: dict[str, Any] = {
                "from": labels[int(self.i[k])],
                "to": labels[int(self.j[k])],
                "open_km": round(float(self.open_km[k]), 1),
            }
            if self.kind != "unreachable":
                closed = float(self.closed_km[k])
                reachable = bool(np.isfinite(closed))
                row["closed_km"] = round(closed, 1) if reachable else None
                row["extra_km"] = round(closed - float(self.open_km[k]), 1) if reachable else None
                row["extra_days"] = round(float(self.extra_days[k]), 2) if reachable else None
                row["extra_fuel_usd"] = round(float(self.extra_fuel_usd[k])) if reachable else None
            if self.kind == "using":
                row["passages"] = list(self.passages[k])
            out.append(row)
        return out


@dataclass(frozen=True)
class PairLists:
    """The pairs behind a scenario's counts, at most ``limit`` of each (``None``: all).

    * ``using``: most affected first (unreachable ones, then by extra km descending);
    * ``longer``: by extra km descending;
    * ``unreachable``: in port order (by ``i``, then ``j``).

    Ties keep port order, so the lists are reproducible.
    """

    limit: int | None = 0
    using: PairList = field(default_factory=lambda: PairList("using"))
    longer: PairList = field(default_factory=lambda: PairList("longer"))
    unreachable: PairList = field(default_factory=lambda: PairList("unreachable"))

    def as_dict(self, labels: Sequence[str]) -> dict[str, Any]:
        return {
            "limit": self.limit,
            "pairs_using": self.using.rows(labels),
            "pairs_longer": self.longer.rows(labels),
            "pairs_unreachable": self.unreachable.rows(labels),
        }


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
    lists: PairLists = field(default_factory=PairLists)

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
            "pair_lists": self.lists.as_dict(labels),
        }


def closed_mask(graph: SeaGraph, names: Sequence[str]) -> int:
    """Bit mask of ``names`` in ``graph.passages`` order."""
    mask = 0
    for name in names:
        mask |= 1 << graph.passages.index(name)
    return mask


def _top(
    selected: BoolArray, key: Callable[[IntArray], FloatArray] | None, limit: int | None
) -> IntArray:
    """Flat indices of the ``selected`` cells, by ``key(flat indices)`` ascending then by index
    (``key`` None: by index alone), at most ``limit`` of them.

    Keys are computed for the selected cells only (with 5,000 ports an n x n key matrix would be
    200 MB), and ``argpartition``-style cut first, so listing 20 of ten million pairs sorts 20.
    """
    flat = np.flatnonzero(selected)
    if limit == 0:
        return _NO_INDEX
    if key is None:
        return np.asarray(flat[:limit], np.int64)
    values = key(flat)
    if limit is not None and limit < flat.size:
        # Keep every cell tied with the limit-th value so the final sort breaks ties by index.
        keep = values <= np.partition(values, limit - 1)[limit - 1]
        flat, values = flat[keep], values[keep]
    order = np.lexsort((flat, values))
    return np.asarray(flat[order][:limit], np.int64)


def _pair_list(
    kind: str,
    flat: IntArray,
    base: OdMatrix,
    scenario: OdMatrix,
    voyage: Voyage,
    graph: SeaGraph,
    closing: int,
) -> PairList:
    n = base.km.shape[0]
    i, j = np.divmod(flat, n) if n else (flat, flat)
    open_km = base.km[i, j]
    closed_km = scenario.km[i, j]
    with np.errstate(invalid="ignore"):
        extra = np.where(np.isfinite(closed_km), closed_km - open_km, np.nan)
    masks = base.masks[i, j] if base.masks is not None else np.zeros(flat.size, np.int32)
    return PairList(
        kind=kind,
        i=np.asarray(i, np.int64),
        j=np.asarray(j, np.int64),
        open_km=np.asarray(open_km, np.float64),
        closed_km=np.asarray(closed_km, np.float64),
        extra_days=voyage.days(extra),
        extra_fuel_usd=voyage.fuel_cost_usd(extra),
        passages=tuple(mask_names(graph, int(m) & closing) for m in masks.tolist()),
    )


def impact(
    graph: SeaGraph,
    base: OdMatrix,
    scenario: OdMatrix,
    voyage: Voyage,
    *,
    limit: int | None = 0,
) -> Impact:
    """Compare a scenario with the baseline over unordered pairs of distinct ports.

    * ``pairs_using``: baseline routes that traverse any passage the scenario closes;
    * ``pairs_longer``: reachable in both, longer under the scenario (extra km > 1e-6);
    * ``pairs_unreachable``: reachable in the baseline, unreachable under the scenario;
    * ``single_points_of_failure``: ports cut off by the closure, i.e. that lose at least half
      of the destinations they reached (for them the passage set has no sea alternative), with
      how many pairs each loses; ``ports_losing_pairs`` counts every port that loses any.

    ``limit`` pairs of each kind are listed in ``lists`` (:class:`PairLists`; ``None``: all of
    them, 0: none), picked and sorted on the matrices so only the listed ones become objects.
    """
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be 0 or more, or None for all (got {limit})")
    if base.masks is None:
        raise ValueError("the baseline needs passage masks (od_matrix(..., passages=True))")
    n = base.km.shape[0]
    upper = np.triu(np.ones((n, n), np.bool_), k=1)
    reach_base = np.isfinite(base.km)
    reach_scen = np.isfinite(scenario.km)
    extra_names = [p for p in scenario.closed if p not in base.closed]
    using = reach_base & ((base.masks & closed_mask(graph, extra_names)) != 0)
    both = reach_base & reach_scen
    with np.errstate(invalid="ignore"):  # inf - inf where neither reaches; masked by ``both``
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
    lost_u = lost & upper
    closing = closed_mask(graph, extra_names)
    lost_flat, extra_flat = lost.ravel(), extra.ravel()

    def hurt(flat: IntArray) -> FloatArray:
        # Ascending = most affected first: a lost pair's key is -inf, then by extra km descending.
        return np.where(lost_flat[flat], -np.inf, -extra_flat[flat])

    def more_km(flat: IntArray) -> FloatArray:
        return np.asarray(-extra_flat[flat], np.float64)

    lists = PairLists(
        limit=limit,
        using=_pair_list("using", _top(using & upper, hurt, limit), base, scenario, voyage,
                         graph, closing),
        longer=_pair_list("longer", _top(longer_u, more_km, limit), base, scenario, voyage,
                          graph, closing),
        unreachable=_pair_list("unreachable", _top(lost_u, None, limit), base, scenario,
                               voyage, graph, closing),
    )  # fmt: skip
    return Impact(
        closed=tuple(extra_names),
        pairs=int(upper.sum()),
        pairs_using=int((using & upper).sum()),
        pairs_longer=int(longer_u.sum()),
        pairs_unreachable=int(lost_u.sum()),
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
        lists=lists,
    )


__all__ = [
    "LONGER_KM",
    "Impact",
    "OdMatrix",
    "PairList",
    "PairLists",
    "Voyage",
    "closed_mask",
    "impact",
    "od_matrix",
]
