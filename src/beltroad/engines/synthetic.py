"""Synthetic cooperation portfolios: realistic-looking, clearly labelled, reproducible.

A synthetic portfolio is a test and benchmark fixture, never data: every identifier starts with
``SYN-``, every financier is named "Synthetic ...", and the writer marks every row synthetic.
Its shape follows a :class:`Calibration`: the hand-set :func:`default_calibration`, or one
computed at run time from an AidData GCDF table with :func:`calibrate_from_aiddata`.

Output is columnar (numpy arrays), produced in fixed blocks of :data:`BLOCK_SIZE` projects, each
drawn from ``np.random.default_rng([seed, block])``. Batches are cut from the blocks, so the
concatenated output depends on ``seed``, ``calibration``, ``base_year`` and ``id_start`` only:
never on ``batch_size``, and the first *n* projects of a longer portfolio equal a portfolio of *n*.

The calibration lives in :mod:`beltroad.engines.synthetic_calibration` (and, computed from
AidData, :mod:`beltroad.engines.synthetic_aiddata`), the output types in
:mod:`beltroad.engines.synthetic_batch`; this module draws portfolios and re-exports them all.

>>> batch = next(generate(10, seed=7, calibration=default_calibration()))
>>> str(batch.projects.identifier[0]), len(batch)
('SYN-7-000000001', 10)
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from beltroad.engines.synthetic_aiddata import (
    AIDDATA_SECTORS,
    AIDDATA_STATUSES,
    calibrate_from_aiddata,
)
from beltroad.engines.synthetic_batch import SECTOR_VOCABULARY as SECTOR_VOCABULARY  # re-export
from beltroad.engines.synthetic_batch import (
    SYNTHETIC_FINANCIERS,
    Bools,
    CountryShares,
    Dates,
    Financier,
    Floats,
    Ints,
    ProjectColumns,
    SectorShares,
    Strs,
    SyntheticBatch,
    TransactionColumns,
    concat_batches,
    slice_batch,
)
from beltroad.engines.synthetic_calibration import DISBURSED_SHARE as DISBURSED_SHARE  # re-export
from beltroad.engines.synthetic_calibration import (
    FLOW_CLASSES,
    FLOW_TYPES,
    Calibration,
    _problem,
    default_calibration,
)
from beltroad.reference.iati import ActivityStatus, FinanceType, TransactionType

#: projects per internal block; part of the output's definition (changing it changes portfolios)
BLOCK_SIZE = 8192
# IATI FinanceType: every loan is 421 "Standard loan" (410-414 are withdrawn, standards.md §1.3).
GRANT, LOAN = int(FinanceType.STANDARD_GRANT), int(FinanceType.STANDARD_LOAN)
COMMITMENT = int(TransactionType.OUTGOING_COMMITMENT)
DISBURSEMENT = int(TransactionType.DISBURSEMENT)
INTEREST = int(TransactionType.INTEREST_PAYMENT)
REPAYMENT = int(TransactionType.LOAN_REPAYMENT)
# IATI ActivityStatus codes used below.
STARTED_STATUSES = tuple(
    int(s)
    for s in (
        ActivityStatus.IMPLEMENTATION,
        ActivityStatus.FINALISATION,
        ActivityStatus.CLOSED,
        ActivityStatus.SUSPENDED,
    )
)
FINISHED_STATUSES = (int(ActivityStatus.FINALISATION), int(ActivityStatus.CLOSED))
CANCELLED, SUSPENDED = int(ActivityStatus.CANCELLED), int(ActivityStatus.SUSPENDED)

#: Short labels for titles, by DAC 5-digit code (codes outside it are titled "DAC <code>").
SECTOR_LABELS = {
    "11120": "education facilities", "11220": "primary education", "11330": "vocational training",
    "11420": "higher education", "12191": "medical services", "12220": "basic health care",
    "12230": "health infrastructure", "13020": "reproductive health", "14021": "water supply",
    "14022": "sanitation", "15110": "public sector policy", "15130": "legal and judicial",
    "15150": "civil society", "16010": "social services", "16030": "housing",
    "16061": "culture and recreation", "21010": "transport policy", "21020": "road transport",
    "21030": "rail transport", "21040": "water transport", "21050": "air transport",
    "21061": "storage", "22020": "telecommunications", "22040": "ICT",
    "23110": "energy policy", "23210": "renewable energy", "23220": "hydropower",
    "23230": "solar energy", "23240": "wind energy", "23320": "coal power",
    "23630": "power transmission", "24030": "financial intermediaries",
    "25010": "business support", "31120": "agricultural development", "31161": "food crops",
    "31320": "fishery", "32120": "industrial development", "32130": "SME development",
    "32166": "cement", "32261": "coal mining", "32262": "oil and gas", "32264": "metal mining",
    "33110": "trade policy", "33120": "trade facilitation", "41010": "environmental policy",
    "43010": "multisector", "43030": "urban development", "43040": "rural development",
    "51010": "budget support", "52010": "food security", "53030": "import support",
    "60010": "debt relief", "72010": "emergency relief", "72040": "emergency food aid",
    "73010": "reconstruction", "74010": "disaster preparedness", "99810": "unspecified",
}  # fmt: skip


def _cdf(weights: Sequence[float]) -> Floats:
    total = np.cumsum(np.asarray(weights, dtype=np.float64))
    cdf: Floats = total / total[-1]
    return cdf


def _draw(rng: np.random.Generator, cdf: Floats, size: int) -> npt.NDArray[np.intp]:
    # Inverse-CDF sampling: zero-weight categories are never drawn (their cdf step is empty).
    return np.searchsorted(cdf, rng.random(size), side="right")


@dataclass(frozen=True, eq=False)
class _Categorical:
    cdf: Floats
    next_positive: npt.NDArray[np.intp]  # the next category with weight > 0, cyclically
    positive: int

    @classmethod
    def of(cls, weights: Sequence[float]) -> _Categorical:
        w = np.asarray(weights, dtype=np.float64)
        order = np.flatnonzero(w > 0)
        following = np.searchsorted(order, np.arange(len(w)), side="right") % len(order)
        return cls(_cdf(weights), order[following], len(order))

    def distinct(
        self, rng: np.random.Generator, taken: Sequence[npt.NDArray[np.intp]], size: int
    ) -> npt.NDArray[np.intp]:
        """Draw values different from each of ``taken``, rowwise (redraw, then step on)."""
        out = _draw(rng, self.cdf, size)
        for attempt in range(4 + len(taken)):
            clash = np.zeros(size, dtype=np.bool_)
            for other in taken:
                clash |= out == other
            if not clash.any():
                break
            if attempt < 4:
                out[clash] = _draw(rng, self.cdf, int(clash.sum()))
            else:
                out[clash] = self.next_positive[out[clash]]
        return out


def _parts(rng: np.random.Generator, share: float, three: float, available: int, size: int) -> Ints:
    u = rng.random(size)
    parts = 1 + (u < share).astype(np.int64) + (u < share * three)
    return np.minimum(parts, available)


def _percentages(rng: np.random.Generator, parts: Ints) -> Floats:
    """Percentages per project (columns 0..2) summing to 100, one decimal, all > 0."""
    size = len(parts)
    two = np.round(rng.uniform(50.0, 90.0, size), 1)
    three = np.round(rng.uniform(40.0, 80.0, size), 1)
    second = np.maximum(np.round((100.0 - three) * rng.uniform(0.3, 0.7, size), 1), 0.1)
    pct = np.zeros((size, 3))
    pct[:, 0] = np.select([parts == 1, parts == 2], [100.0, two], three)
    pct[:, 1] = np.select([parts == 2, parts == 3], [100.0 - two, second], 0.0)
    pct[:, 2] = np.where(parts == 3, 100.0 - three - second, 0.0)
    return pct


def _ragged(counts: Ints) -> tuple[Ints, Ints]:
    """Row owners and within-owner ordinals (0, 1, ...) for ``counts`` rows per owner."""
    owner = np.repeat(np.arange(len(counts)), counts)
    starts = np.cumsum(counts) - counts
    return owner, np.arange(len(owner)) - starts[owner]


def _year_of(days: Ints) -> Ints:
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


@dataclass(frozen=True, eq=False)
class _Model:
    cal: Calibration
    base_year: int
    countries: _Categorical
    sectors: _Categorical
    years: _Categorical
    status: _Categorical
    flows: _Categorical
    loan_financiers: Floats
    grant_financiers: Floats
    iso3: Strs
    codes: Strs
    labels: list[str]
    year_values: Ints
    as_of: int  # day number: 31 December two years after the last commitment year

    @classmethod
    def of(cls, cal: Calibration, base_year: int) -> _Model:
        return cls(
            cal=cal,
            base_year=base_year,
            countries=_Categorical.of(cal.country_weights),
            sectors=_Categorical.of(cal.sector_weights),
            years=_Categorical.of(cal.year_weights),
            status=_Categorical.of(cal.status_weights),
            flows=_Categorical.of(cal.flow_class_weights),
            loan_financiers=_cdf([f.loan_weight for f in SYNTHETIC_FINANCIERS]),
            grant_financiers=_cdf([f.grant_weight for f in SYNTHETIC_FINANCIERS]),
            iso3=np.array(cal.countries),
            codes=np.array(cal.sectors),
            labels=[SECTOR_LABELS.get(c, f"DAC {c}") for c in cal.sectors],
            year_values=np.array(cal.years, dtype=np.int64),
            as_of=int(np.datetime64(f"{max(cal.years) + 2}-12-31", "D").astype(np.int64)),
        )

    def deflator(self, years: Ints) -> Floats:
        factor: Floats = np.power(
            1.0 + self.cal.inflation_rate, (years - self.base_year).astype(np.float64)
        )
        return factor


_NAT = np.iinfo(np.int64).min  # the int64 bit pattern of NaT


def _dates(days: Ints, present: Bools | None = None) -> Dates:
    if present is not None:
        days = np.where(present, days, _NAT)
    return days.view("datetime64[D]")


def _block(model: _Model, seed: int, block: int, id_start: int) -> SyntheticBatch:
    # The order of the draws below is part of the output's definition: append, never reorder.
    cal, n = model.cal, BLOCK_SIZE
    rng = np.random.default_rng([seed, block])
    number = np.arange(block * n + 1, (block + 1) * n + 1, dtype=np.int64)
    ids = number - 1 + id_start

    country = np.empty((n, 3), dtype=np.intp)
    country[:, 0] = _draw(rng, model.countries.cdf, n)
    country[:, 1] = model.countries.distinct(rng, [country[:, 0]], n)
    country[:, 2] = model.countries.distinct(rng, [country[:, 0], country[:, 1]], n)
    n_countries = _parts(
        rng, cal.multi_country_share, cal.three_party_share, model.countries.positive, n
    )
    country_pct = _percentages(rng, n_countries)
    sector = np.empty((n, 3), dtype=np.intp)
    sector[:, 0] = _draw(rng, model.sectors.cdf, n)
    sector[:, 1] = model.sectors.distinct(rng, [sector[:, 0]], n)
    sector[:, 2] = model.sectors.distinct(rng, [sector[:, 0], sector[:, 1]], n)
    n_sectors = _parts(
        rng, cal.multi_sector_share, cal.three_party_share, model.sectors.positive, n
    )
    sector_pct = _percentages(rng, n_sectors)

    year_index = _draw(rng, model.years.cdf, n)
    year = model.year_values[year_index]
    year_start = (year - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)
    year_days = (year - 1969).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)
    committed = year_start + (rng.random(n) * (year_days - year_start)).astype(np.int64)
    status = (1 + _draw(rng, model.status.cdf, n)).astype(np.int8)
    started = np.isin(status, STARTED_STATUSES) | (
        (status == CANCELLED) & (rng.random(n) < cal.cancelled_after_start_share)
    )
    completed = np.isin(status, FINISHED_STATUSES)
    planned_start = committed + rng.integers(30, 366, n)
    duration = np.clip(np.round(np.exp(rng.normal(np.log(3 * 365), 0.5, n))), 180, 3650)
    planned_end = planned_start + duration.astype(np.int64)
    actual_start = np.minimum(
        np.maximum(committed, planned_start + rng.integers(-30, 366, n)), model.as_of
    )
    overrun = np.round(duration * rng.uniform(0.9, 1.6, n)).astype(np.int64)
    actual_end = np.minimum(actual_start + overrun, model.as_of)

    flow = _draw(rng, model.flows.cdf, n)
    loan = rng.random(n) < np.asarray(cal.loan_shares)[flow]
    umbrella = rng.random(n) < cal.umbrella_share
    if cal.amount_log_quantiles:
        quantiles = np.asarray(cal.amount_log_quantiles)
        grid = np.linspace(0.0, 1.0, len(quantiles))
        amount = np.exp(np.interp(rng.random(n), grid, quantiles))
    else:
        amount = np.exp(cal.amount_log_mu + cal.amount_log_sigma * rng.standard_normal(n))
    amount = np.clip(amount, cal.min_amount_usd, cal.max_amount_usd)
    # Projects without a reported amount (as in AidData's files) carry none, and so no
    # commitment or disbursement; no draw when all are reported, keeping seeded output stable.
    reported = (
        rng.random(n) < cal.amount_share if cal.amount_share < 1.0 else np.ones(n, dtype=bool)
    )
    amount = np.where(reported, amount, np.nan)
    nominal = amount * model.deflator(year)
    financier = np.where(
        loan,
        _draw(rng, model.loan_financiers, n),
        _draw(rng, model.grant_financiers, n),
    ).astype(np.int8)
    flow_names = np.array(cal.flow_classes)

    # Transactions. Umbrella agreements carry only their commitment: their money flows
    # through subsidiary projects (as in AidData), so disbursing them would double count.
    disbursing = started & ~umbrella & reported
    lo, hi = np.asarray(cal.disbursed_share).T
    share = rng.uniform(lo[status - 1], hi[status - 1])
    disbursed = np.where(disbursing, share * nominal, 0.0)
    grace = np.asarray(cal.grace_years)[flow]
    service = loan & disbursing
    full_years = (model.as_of - actual_start) // 365
    n_interest = np.where(service, np.clip(full_years, 0, cal.max_interest_records), 0)
    n_repay = np.where(service, np.clip(full_years - grace, 0, cal.max_repayment_records), 0)
    # Spend what is left of the transaction budget on disbursements (at least one each), so
    # the mean number of transactions per project matches the calibration.
    committing = np.flatnonzero(reported)
    budget = cal.mean_transactions * n - len(committing) - n_interest.sum() - n_repay.sum()
    extra = max(budget - disbursing.sum(), 0.0) / max(int(disbursing.sum()), 1)
    n_disb = np.where(disbursing, 1 + rng.poisson(extra, n), 0)

    owner, k = _ragged(n_disb)
    weight = rng.exponential(size=len(owner))
    weight_sum = np.bincount(owner, weights=weight, minlength=n)
    end = np.where(completed, actual_end, np.minimum(actual_start + duration, model.as_of))
    offset = (rng.random(len(owner)) * (end - actual_start)[owner]).astype(np.int64)
    disb_days = actual_start[owner] + np.where(k == 0, 0, offset)
    disb_nominal = disbursed[owner] * weight / weight_sum[owner]

    i_owner, i_k = _ragged(n_interest)
    r_owner, r_k = _ragged(n_repay)
    rate = np.asarray(cal.interest_rates)[flow]
    installments = np.asarray(cal.maturity_years)[flow] - grace
    t_owner = np.concatenate([committing, owner, i_owner, r_owner])
    t_type = np.concatenate(
        [
            np.full(len(committing), COMMITMENT),
            np.full(len(owner), DISBURSEMENT),
            np.full(len(i_owner), INTEREST),
            np.full(len(r_owner), REPAYMENT),
        ]
    ).astype(np.int8)
    t_days = np.concatenate(
        [
            committed[committing],
            disb_days,
            actual_start[i_owner] + 365 * (i_k + 1),
            actual_start[r_owner] + 365 * (grace[r_owner] + r_k + 1),
        ]
    )
    t_nominal = np.concatenate(
        [
            nominal[committing],
            disb_nominal,
            disbursed[i_owner] * rate[i_owner],
            disbursed[r_owner] / installments[r_owner],
        ]
    )
    order = np.lexsort((t_type, t_days, t_owner))
    t_owner, t_type, t_days, t_nominal = (
        t_owner[order], t_type[order], t_days[order], t_nominal[order]
    )  # fmt: skip
    t_constant = t_nominal / model.deflator(_year_of(t_days))
    # The commitment's constant value is the project's amount exactly (no round trip).
    is_commitment = t_type == COMMITMENT
    t_constant[is_commitment] = amount[t_owner[is_commitment]]

    def shares(
        index: npt.NDArray[np.intp], parts: Ints, pct: Floats, names: Strs
    ) -> tuple[Ints, Strs, Floats]:
        mask = np.arange(3)[None, :] < parts[:, None]
        return np.repeat(ids, parts), names[index][mask], pct[mask]

    c_pid, c_iso, c_pct = shares(country, n_countries, country_pct, model.iso3)
    s_pid, s_code, s_pct = shares(sector, n_sectors, sector_pct, model.codes)

    primary_iso = model.iso3[country[:, 0]].tolist()
    label = [model.labels[i] for i in sector[:, 0].tolist()]
    titles = [
        f"Synthetic {lab} project no. {num} ({iso})"
        for lab, num, iso in zip(label, number.tolist(), primary_iso, strict=True)
    ]
    stage = np.where(completed, "completion", np.where(started, "implementation", "commitment"))
    projects = ProjectColumns(
        id=ids,
        identifier=np.array([f"SYN-{seed}-{num:09d}" for num in number.tolist()]),
        title=np.array(titles),
        status=status,
        stage=stage,
        commitment_date=_dates(committed),
        planned_start=_dates(planned_start),
        actual_start=_dates(actual_start, started),
        planned_end=_dates(planned_end),
        actual_end=_dates(actual_end, completed),
        commitment_year=year.astype(np.int16),
        flow_class=flow_names[flow],
        flow_type=np.array([FLOW_TYPES[c] for c in cal.flow_classes], np.int16)[flow],
        finance_type=np.where(loan, LOAN, GRANT).astype(np.int16),
        amount_usd_constant=amount,
        amount_usd_nominal=nominal,
        amount_original=nominal.copy(),
        is_umbrella=umbrella,
        # AidData's rule: umbrellas (double counting), cancelled and suspended are excluded.
        recommended_for_aggregates=~umbrella & (status != CANCELLED) & (status != SUSPENDED),
        financier=financier,
    )
    return SyntheticBatch(
        projects=projects,
        countries=CountryShares(c_pid, c_iso, c_pct),
        sectors=SectorShares(s_pid, s_code, s_pct),
        transactions=TransactionColumns(
            ids[t_owner], t_type, _dates(t_days), t_constant, t_nominal
        ),
        base_year=model.base_year,
        seed=seed,
    )


def generate(
    n_projects: int,
    *,
    seed: int,
    calibration: Calibration,
    base_year: int = 2021,
    batch_size: int = 50_000,
    id_start: int = 1,
) -> Iterator[SyntheticBatch]:
    """Yield a synthetic portfolio of ``n_projects`` projects in batches of ``batch_size``.

    Project ids run from ``id_start``; identifiers are ``SYN-<seed>-<n>`` (n from 1, nine
    digits). Memory is bounded by ``batch_size`` plus one internal block.

    >>> sum(len(b) for b in generate(20_000, seed=1, calibration=default_calibration()))
    20000
    """
    for name, value, least in (
        ("n_projects", n_projects, 1),
        ("batch_size", batch_size, 1),
        ("id_start", id_start, 1),
        ("seed", seed, 0),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise _problem(f"must be an integer >= {least}", name, value)
    if not 1900 <= base_year <= 2100:
        raise _problem("must be a year between 1900 and 2100", "base_year", base_year)
    model = _Model.of(calibration, base_year)
    pending: deque[SyntheticBatch] = deque()
    buffered = 0
    n_blocks = -(-n_projects // BLOCK_SIZE)
    for block in range(n_blocks):
        part = _block(model, seed, block, id_start)
        keep = min(BLOCK_SIZE, n_projects - block * BLOCK_SIZE)
        pending.append(part if keep == BLOCK_SIZE else slice_batch(part, 0, keep))
        buffered += keep
        while buffered >= batch_size or (block == n_blocks - 1 and buffered):
            take, pieces = min(batch_size, buffered), []
            need = take
            while need:
                head = pending[0]
                if len(head) <= need:
                    pieces.append(pending.popleft())
                    need -= len(head)
                else:
                    pieces.append(slice_batch(head, 0, need))
                    pending[0] = slice_batch(head, need, len(head))
                    need = 0
            buffered -= take
            yield concat_batches(pieces)


__all__ = [
    "AIDDATA_SECTORS",
    "AIDDATA_STATUSES",
    "BLOCK_SIZE",
    "FLOW_CLASSES",
    "SYNTHETIC_FINANCIERS",
    "Calibration",
    "CountryShares",
    "Financier",
    "ProjectColumns",
    "SectorShares",
    "SyntheticBatch",
    "TransactionColumns",
    "calibrate_from_aiddata",
    "concat_batches",
    "default_calibration",
    "generate",
    "slice_batch",
]
