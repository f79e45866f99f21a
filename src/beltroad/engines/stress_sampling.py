"""The simulation kernel of the stress test: one chunk of scenarios, from its own random stream.

Pure numpy/scipy. A :class:`SimulationPlan` holds everything a chunk needs as plain arrays, so it
pickles cheaply to a process pool or a Dask worker. Chunk ``i`` draws from
``SeedSequence(seed, spawn_key=(i,))`` and the chunk size is fixed by the plan, so a result depends
on the seed alone, not on the executor, the worker count or the order chunks finish in.

Per scenario: draw the global, region and country factors; each cell (a country and a PD) gets
its conditional PD ``p = Φ((Φ⁻¹(PD) − √ρ·Y_c)/√(1−ρ))``; given ``p`` the cell's exposures default
independently, so each group of ``n`` exchangeable exposures has ``K ~ Binomial(n, p)`` defaults.
Two exact ways to draw them, chosen per cell and scenario:

* **Gaps** (cells expecting at most ``gap_mean`` defaults, the common case): walk the cell's
  exposures from one default to the next with geometric gaps ``floor(E / −log(1 − p)) + 1``;
  the cost is the number of defaults, not the number of groups.
* **Inversion** (heavier cells, or everywhere with ``gap_mean = 0``): one uniform ``u`` per group,
  ``K = min{k : F(k; n, p) ≥ u}``. Inversion is monotone in ``p`` for a fixed ``u``; with
  ``gap_mean = 0`` two runs with the same seed use the same uniforms (common random numbers), so
  "more stress never lowers a loss" holds draw by draw, which the property tests use.

>>> plan = toy_plan()  # doctest: +SKIP
>>> simulate_chunk(plan, 0).totals.shape  # doctest: +SKIP
(1024,)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.special import bdtr, ndtr

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Below this mean the CDF is summed term by term; above it, bisection on the
#: regularised incomplete beta function (``bdtr``) bounds the work at log2(n) steps.
SEQUENTIAL_MEAN = 100.0
#: ... and while -log F(0) = -n·log(1-p) stays below this (exp(-500) ~ 7e-218, far from underflow).
UNDERFLOW_GUARD = 500.0
#: The share of scenarios whose breakdown is kept: the 95% tail plus a margin (exactness does not
#: depend on the margin: a chunk whose kept set proves too small is re-simulated).
TAIL_SHARE = 0.05
#: Rows of scenarios drawn at a time within a chunk (fixed: it orders the random stream).
BLOCK_ROWS = 32


@dataclass(frozen=True)
class SimulationPlan:
    """Everything one chunk needs. Shapes: R regions, C countries, K cells, G groups, D columns."""

    seed: int
    scenarios: int
    chunk_size: int
    loadings: tuple[float, float, float]  # global, region, country (squares sum to 1)
    correlation: float
    country_region: IntArray  # (C,) region index of each country
    country_shift: FloatArray  # (C,) mean of Y_c under the scenario (≤ 0)
    n_regions: int
    cell_country: IntArray  # (K,)
    cell_threshold: FloatArray  # (K,) Φ⁻¹(PD)
    group_cell: IntArray  # (G,)
    group_n: IntArray  # (G,) exposures in the group
    group_unit_loss: FloatArray  # (G,) loss of one default: average EAD × LGD (after shocks)
    deterministic_loss: float  # sanctions and currency translation, the same in every scenario
    columns: sparse.csr_matrix  # (G, D) share of a group's loss in each breakdown column
    #: Cells whose expected defaults n·p in a scenario are at most this are drawn by gaps (see
    #: simulate_chunk); 0 draws every group by inversion (common random numbers, slower).
    gap_mean: float = 100.0

    @property
    def chunks(self) -> int:
        return -(-self.scenarios // self.chunk_size)

    def chunk_bounds(self, index: int) -> tuple[int, int]:
        start = index * self.chunk_size
        return start, min(self.scenarios, start + self.chunk_size)


@dataclass(frozen=True)
class ChunkResult:
    index: int
    totals: FloatArray  # (m,) portfolio loss per scenario, deterministic part included
    group_defaults: FloatArray  # (G,) defaults summed over the chunk's scenarios
    defaults: float  # defaults (exposures) summed over the chunk's scenarios
    kept: IntArray  # global indices of the scenarios whose breakdown is kept
    kept_columns: FloatArray  # (len(kept), D) simulated loss by breakdown column
    kept_floor: float  # every scenario not kept has a total ≤ this (-inf: all kept)


def chunk_rng(seed: int, index: int) -> np.random.Generator:
    """The random stream of chunk ``index``, seeded by ``SeedSequence(seed).spawn(n)[index]``.

    SFC64 rather than the default PCG64: it is the fastest of numpy's bit generators, and the
    uniform draws are most of the kernel's time.
    """
    return np.random.Generator(np.random.SFC64(np.random.SeedSequence(seed, spawn_key=(index,))))


def _combos(plan: SimulationPlan) -> tuple[IntArray, FloatArray, IntArray]:
    """Distinct (cell, n) pairs of the groups: their cell, their n, and each group's pair."""
    pairs = np.stack([plan.group_cell, plan.group_n])
    unique, inverse = np.unique(pairs, axis=1, return_inverse=True)
    return (
        unique[0].astype(np.int64),
        unique[1].astype(np.float64),
        inverse.ravel().astype(np.int64),
    )


def conditional_pd(plan: SimulationPlan, factors: FloatArray) -> FloatArray:
    """(m, K) conditional PD of every cell, from factors drawn as (m, 1 + R + C)."""
    w_global, w_region, w_country = plan.loadings
    n_regions = plan.n_regions
    region = factors[:, 1 : 1 + n_regions]
    country = factors[:, 1 + n_regions :]
    y = (
        w_global * factors[:, :1]
        + w_region * region[:, plan.country_region]
        + w_country * country
        + plan.country_shift
    )
    rho = plan.correlation
    y_cell = y[:, plan.cell_country]
    with np.errstate(invalid="ignore"):  # ±inf thresholds (PD 0 or 1) give p exactly 0 or 1
        z = (plan.cell_threshold - np.sqrt(rho) * y_cell) / np.sqrt(1.0 - rho)
    p: FloatArray = ndtr(z)
    p[:, np.isneginf(plan.cell_threshold)] = 0.0
    p[:, np.isposinf(plan.cell_threshold)] = 1.0
    return p


def binomial_inverse(
    u: FloatArray, n: FloatArray, p: FloatArray, zero: FloatArray | None = None
) -> FloatArray:
    """``min{k ≥ 1 : F(k; n, p) ≥ u}`` for draws already known to have ``u > F(0; n, p)``.

    ``zero`` is ``F(0) = (1 − p)^n`` when the caller has it already.

    >>> binomial_inverse(np.array([0.5]), np.array([10.0]), np.array([0.5]))
    array([5.])
    """
    k = np.ones_like(u)
    with np.errstate(divide="ignore"):
        # Sum term by term while the mean is small and (1-p)^n is far from underflow.
        sequential = (n * p <= SEQUENTIAL_MEAN) & (n * -np.log1p(-p) <= UNDERFLOW_GUARD)
    idx = np.flatnonzero(sequential)
    if idx.size:
        nn, pp, uu = n[idx], p[idx], u[idx]
        ratio = pp / (1.0 - pp)
        pmf = np.exp(nn * np.log1p(-pp)) if zero is None else zero[idx]
        pmf = pmf * nn * ratio  # P(K = 1)
        cdf = pmf + (np.exp(nn * np.log1p(-pp)) if zero is None else zero[idx])
        # Most draws stop at k = 1; the rest are compacted as they finish.
        going = (cdf < uu) & (nn > 1.0)
        where = idx[going]
        nn, uu, ratio, pmf, cdf = nn[going], uu[going], ratio[going], pmf[going], cdf[going]
        kk = 1.0
        while where.size:
            kk += 1.0
            pmf *= (nn - kk + 1.0) / kk * ratio
            cdf += pmf
            # Rounding can leave the summed CDF a hair below u at the top: stop at k = n.
            done = (cdf >= uu) | (nn <= kk)
            k[where[done]] = kk
            if done.all():
                break
            going = ~done
            where, nn, uu, ratio, pmf, cdf = (
                where[going],
                nn[going],
                uu[going],
                ratio[going],
                pmf[going],
                cdf[going],
            )
    idx = np.flatnonzero(~sequential)
    if idx.size:
        nn, pp, uu = n[idx], p[idx], u[idx]
        # Bracket [low, high] with F(low) < u <= F(high): mean ± 8 sd where that holds (checked),
        # else [0, n]; then bisect. bdtr takes whole numbers of trials and successes.
        whole = nn.astype(np.int64)
        mean, sd = nn * pp, np.sqrt(nn * pp * (1.0 - pp))
        low = np.clip(np.floor(mean - 8 * sd) - 1, 0, nn)
        high = np.clip(np.ceil(mean + 8 * sd) + 1, 0, nn)
        low = np.where((low > 0) & (bdtr(low.astype(np.int64), whole, pp) >= uu), 0, low)
        high = np.where(bdtr(high.astype(np.int64), whole, pp) < uu, nn, high)
        while True:
            open_ = high - low > 1
            if not open_.any():
                break
            mid = np.floor((low + high) / 2)
            reached = bdtr(mid.astype(np.int64), whole, pp) >= uu
            high = np.where(open_ & reached, mid, high)
            low = np.where(open_ & ~reached, mid, low)
        k[idx] = high
    return k


def simulate_chunk(
    plan: SimulationPlan, index: int, *, keep_above: float | None = None
) -> ChunkResult:
    """Simulate chunk ``index`` of the plan.

    The breakdown is kept for the chunk's top scenarios (``TAIL_SHARE`` with a margin), or, with
    ``keep_above``, for every scenario whose total is at least that (used to redo a chunk whose
    kept set did not reach down to the portfolio's 95% VaR).
    """
    start, stop = plan.chunk_bounds(index)
    m = stop - start
    rng = chunk_rng(plan.seed, index)
    n_countries = plan.country_shift.shape[0]
    factors = rng.standard_normal((m, 1 + plan.n_regions + n_countries))
    p_cell = conditional_pd(plan, factors)
    if plan.gap_mean > 0:
        scen, group, k = _defaults_by_gaps(plan, rng, p_cell)
    else:
        scen, group, k = _defaults_by_inversion(plan, rng, p_cell, m)
    loss = k * plan.group_unit_loss[group]
    return _summarise(plan, index, start, m, scen, group, k, loss, keep_above)


def _defaults_by_inversion(
    plan: SimulationPlan, rng: np.random.Generator, p_cell: FloatArray, m: int
) -> tuple[IntArray, IntArray, FloatArray]:
    """One uniform per group and scenario, inverted: (scenario, group, defaults) where > 0."""
    n_groups = plan.group_n.shape[0]
    group_n = plan.group_n.astype(np.float64)
    # F(0) = (1-p)^n is the same for every group of a cell with the same n: compute it per
    # (cell, n) pair, then gather (far fewer exp() calls than one per group).
    combo_cell, combo_n, group_combo = _combos(plan)
    with np.errstate(divide="ignore", invalid="ignore"):
        # Logs and odds per cell (few), exp per (cell, n) pair: the tables are the costly part.
        log_q = np.log1p(-p_cell)
        odds = p_cell / (1.0 - p_cell)
        zero = np.exp(log_q[:, combo_cell] * combo_n)
    # Blocks of rows keep the (rows x groups) arrays in cache; the stream is read block by
    # block in a fixed order, so the block size is part of the method, like the chunk size.
    rows = min(BLOCK_ROWS, m)
    # The K = 0 test runs in float32 against F(0) rounded down by two float32 steps: a
    # superset of the draws with u > F(0), which are then found exactly in float64. Half the
    # memory traffic on the (rows x groups) arrays, the same draws.
    floor32 = np.nextafter(np.nextafter(zero.astype(np.float32), -1), -1)
    uniform = np.empty((rows, n_groups))
    narrow = np.empty((rows, n_groups), dtype=np.float32)
    limit = np.empty((rows, n_groups), dtype=np.float32)
    above = np.empty((rows, n_groups), dtype=bool)
    single_parts: list[IntArray] = []
    multi_parts: list[IntArray] = []
    u_parts: list[FloatArray] = []
    for first in range(0, m, rows):
        size = min(rows, m - first)
        draw, small, lim, mask = uniform[:size], narrow[:size], limit[:size], above[:size]
        rng.random(out=draw)
        np.copyto(small, draw, casting="same_kind")
        np.take(floor32[first : first + size], group_combo, axis=1, out=lim)
        np.greater(small, lim, out=mask)
        maybe = np.flatnonzero(mask)
        u_maybe = draw.ravel()[maybe]
        flat = maybe + first * n_groups  # index into the chunk's (m, G) layout
        maybe_scen, maybe_group = np.divmod(flat, n_groups)
        # K = 0 exactly when u <= F(0); K = 1 when F(0) < u <= F(1), from the (cell, n)
        # tables; only the rest go on to the inversion.
        combo = group_combo[maybe_group]
        f0 = zero[maybe_scen, combo]
        hit = u_maybe > f0
        flat, u_hit, f0, combo = flat[hit], u_maybe[hit], f0[hit], combo[hit]
        block_scen = maybe_scen[hit]
        # F(1) = F(0) + n p/(1-p) F(0), summed exactly as binomial_inverse sums it.
        with np.errstate(invalid="ignore"):  # p = 1: inf * 0; NaN compares False: inverted
            single = u_hit <= f0 * combo_n[combo] * odds[block_scen, combo_cell[combo]] + f0
        single_parts.append(flat[single])
        multi_parts.append(flat[~single])
        u_parts.append(u_hit[~single])
    singles = np.concatenate(single_parts)
    multis = np.concatenate(multi_parts)
    u = np.concatenate(u_parts)
    multi_scen, multi_group = np.divmod(multis, n_groups)
    p = p_cell[multi_scen, plan.group_cell[multi_group]]
    k_multi = binomial_inverse(
        u, group_n[multi_group], p, zero[multi_scen, group_combo[multi_group]]
    )
    scen, group = np.divmod(np.concatenate([singles, multis]), n_groups)
    k = np.concatenate([np.ones(singles.size), k_multi])
    return scen, group, k


def _layout(plan: SimulationPlan) -> tuple[IntArray, IntArray, FloatArray, IntArray, IntArray]:
    """Groups ordered by cell, each cell's first group, exposures per cell, each cell's first
    exposure, and the group of every exposure in that order."""
    n_cells = plan.cell_threshold.shape[0]
    order = np.argsort(plan.group_cell, kind="stable")
    first_group = np.searchsorted(plan.group_cell[order], np.arange(n_cells + 1))
    exposures = np.bincount(plan.group_cell, weights=plan.group_n, minlength=n_cells)
    first_exposure = np.concatenate([[0], np.cumsum(plan.group_n[order])]).astype(np.int64)
    group_of = np.repeat(order, plan.group_n[order])
    starts = first_exposure[first_group[:-1]]
    return order, first_group, exposures.astype(np.float64), starts, group_of


def _defaults_by_gaps(
    plan: SimulationPlan, rng: np.random.Generator, p_cell: FloatArray
) -> tuple[IntArray, IntArray, FloatArray]:
    """(scenario, group, defaults) by walking each cell's exposures from default to default.

    Given the factors, a cell's exposures are independent Bernoulli(p): the gaps between
    defaults are geometric, ``floor(E / λ) + 1`` with ``E`` exponential and ``λ = −log(1 − p)``,
    so a cell with ``D`` defaults costs ``D + 1`` draws however many groups it has. Cells
    expecting more than ``gap_mean`` defaults (and p = 1) are drawn group by group by inversion
    instead. Both are exact.
    """
    order, first_group, cell_n, cell_start, group_of = _layout(plan)
    n_cells = cell_n.shape[0]
    mean = p_cell * cell_n
    some = p_cell > 0
    light = some & (mean <= plan.gap_mean) & (p_cell < 1)
    parts_s: list[IntArray] = []
    parts_g: list[IntArray] = []
    parts_k: list[FloatArray] = []

    pairs = np.flatnonzero(light)
    pair_scen, pair_cell = np.divmod(pairs, n_cells)
    scale = -1.0 / np.log1p(-p_cell.ravel()[pairs])  # 1/λ with P(gap > k) = exp(-kλ) = (1-p)^k
    # Positions are indices into all exposures (cell by cell): a walk ends past its cell's end.
    position = cell_start[pair_cell] - 1.0
    end = cell_start[pair_cell] + cell_n[pair_cell]
    walked = 0
    # The walks still going, compacted as they leave their cell (most stop after a few steps).
    while pair_scen.size:
        # An exponential E is -log of a uniform: the gap floor(E/λ) + 1 is geometric(p).
        position += np.floor(rng.standard_exponential(pair_scen.size) * scale) + 1.0
        inside = position < end
        pair_scen, scale, end, position = (
            pair_scen[inside],
            scale[inside],
            end[inside],
            position[inside],
        )
        parts_s.append(pair_scen)
        parts_g.append(group_of[position.astype(np.int64)])
        walked += pair_scen.size
    parts_k.append(np.ones(walked))

    heavy = np.flatnonzero(some & ~light)
    if heavy.size:
        h_scen, h_cell = np.divmod(heavy, n_cells)
        counts = first_group[h_cell + 1] - first_group[h_cell]
        total = int(counts.sum())
        offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
        e_scen = np.repeat(h_scen, counts)
        e_group = order[np.repeat(first_group[h_cell], counts) + offsets]
        u = rng.random(total)
        n = plan.group_n[e_group].astype(np.float64)
        p = np.repeat(p_cell.ravel()[heavy], counts)
        with np.errstate(divide="ignore"):
            zero = np.exp(n * np.log1p(-p))
        hit = u > zero  # K = 0 exactly when u <= F(0)
        parts_s.append(e_scen[hit])
        parts_g.append(e_group[hit])
        parts_k.append(binomial_inverse(u[hit], n[hit], p[hit], zero[hit]))
    if not parts_s:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    return np.concatenate(parts_s), np.concatenate(parts_g), np.concatenate(parts_k)


def _summarise(
    plan: SimulationPlan,
    index: int,
    start: int,
    m: int,
    scen: IntArray,
    group: IntArray,
    k: FloatArray,
    loss: FloatArray,
    keep_above: float | None,
) -> ChunkResult:
    n_groups = plan.group_n.shape[0]
    totals = np.asarray(
        np.bincount(scen, weights=loss, minlength=m) + plan.deterministic_loss, dtype=np.float64
    )
    group_defaults = np.bincount(group, weights=k, minlength=n_groups).astype(np.float64)

    if keep_above is None:
        # 1.5x the expected tail plus 16 is ~6 sd above it: a chunk rarely needs a replay.
        size = min(m, int(np.ceil(m * TAIL_SHARE * 1.5)) + 16)
        local = np.argpartition(-totals, size - 1)[:size] if size < m else np.arange(m)
        rest = np.ones(m, dtype=bool)
        rest[local] = False
        floor = float(totals[rest].max()) if rest.any() else -np.inf
    else:
        local = np.flatnonzero(totals >= keep_above)
        floor = -np.inf
    local = np.sort(local)
    row_of = np.full(m, -1, dtype=np.int64)
    row_of[local] = np.arange(local.size)
    kept_row = row_of[scen]
    mine = kept_row >= 0
    by_group = sparse.csr_matrix(
        (loss[mine], (kept_row[mine], group[mine])), shape=(local.size, n_groups)
    )
    kept_columns = np.asarray((by_group @ plan.columns).toarray(), dtype=np.float64)
    return ChunkResult(
        index=index,
        totals=totals,
        group_defaults=group_defaults,
        defaults=float(k.sum()),
        kept=(local + start).astype(np.int64),
        kept_columns=kept_columns,
        kept_floor=floor,
    )
