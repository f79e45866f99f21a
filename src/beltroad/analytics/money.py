"""Per-project amounts on one price basis, computed from a snapshot in a few vectorised passes.

Every project's amount is made of *pieces*, each on a basis of its own:

* the published constant-USD amount (AidData: constant 2014, 2017 or 2021 USD), one piece;
* else its commitment transactions (IATI), each in its own currency on its own day: exchanged
  to nominal USD at that day's rate (:func:`beltroad.engines.money.to_usd`), a piece each;
* else the published nominal-USD amount of its commitment year.

Disbursements are the disbursement and expenditure transactions, exchanged the same way.
Each piece is then deflated from its year to the target year (factor exactly 1 for its own
year). A project one of whose pieces cannot be converted (no rate for its currency on its day, a
deflator year missing) is *unconvertible* as a whole: a part of it would understate it. Without
any deflator, pieces stay on their own basis and carry its label, so that callers report each
basis separately instead of adding them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from beltroad.analytics.snapshot import NO_DAY, Coded, Snapshot
from beltroad.engines.money import (
    AnnualRates,
    Basis,
    DailyRates,
    DeflatorSeries,
    to_usd,
    years_of,
)

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int32]
COMMITMENT, DISBURSEMENT, EXPENDITURE = 2, 3, 4

#: Project status codes in :attr:`Amounts.status`.
NO_AMOUNT, CONVERTED, UNCONVERTIBLE = 0, 1, 2


@dataclass(frozen=True)
class Conversion:
    """What converting to one basis may use: a target year, a deflator and exchange rates."""

    target_year: int
    deflator: DeflatorSeries | None = None
    daily: DailyRates | None = None
    annual: AnnualRates | None = None


@dataclass(frozen=True)
class Amounts:
    """One amount per project row (NaN: unknown or unconvertible) and the basis of each."""

    values: Floats
    status: Ints  # NO_AMOUNT, CONVERTED or UNCONVERTIBLE per project
    basis: Coded  # per project: the label of its basis (None when no amount)
    target: Basis
    #: year -> projects that needed it from the deflator and could not have it
    missing_years: dict[int, int] = field(default_factory=dict)
    #: currency -> transactions with no rate for their date (their projects are left out)
    without_rate: dict[str, int] = field(default_factory=dict)
    #: how many pieces were exchanged each way (daily reference rate, annual average)
    exchanged: dict[str, int] = field(default_factory=dict)
    deflated: int = 0  # pieces multiplied by a deflator factor other than exactly 1


def _sum_by_project(prow: Any, values: Floats, n: int) -> tuple[Floats, npt.NDArray[Any]]:
    """Per-project sums of ``values`` and whether any of a project's pieces is NaN."""
    bad = np.isnan(values)
    sums = np.bincount(prow, weights=np.where(bad, 0.0, values), minlength=n).astype(np.float64)
    return sums, np.bincount(prow, weights=bad, minlength=n) > 0


def _commitment_years(snapshot: Snapshot) -> Floats:
    column = snapshot.project_columns["year"]
    values = np.array([np.nan if v is None else float(v) for v in column.values] + [np.nan])
    return values[np.asarray(column.codes)]  # code -1 picks the trailing NaN


def project_amounts(snapshot: Snapshot, measure: str, conversion: Conversion) -> Amounts:
    """The amounts of ``measure`` (commitment, commitment-nominal or disbursement) per project,
    on ``constant target_year USD`` (nominal USD for commitment-nominal) where possible."""
    n = len(snapshot)
    target_year = conversion.target_year
    nominal_measure = measure == "commitment-nominal"
    target = Basis(None) if nominal_measure else Basis(target_year)
    years = _commitment_years(snapshot)

    tx_types = (COMMITMENT,) if measure != "disbursement" else (DISBURSEMENT, EXPENDITURE)
    in_measure = np.isin(np.asarray(snapshot.money_type), tx_types)
    constant = np.asarray(snapshot.amount_constant, dtype=np.float64)
    base = np.asarray(snapshot.base_year, dtype=np.float64)
    nominal = np.asarray(snapshot.amount_nominal, dtype=np.float64)
    if measure == "disbursement":
        from_constant = np.zeros(n, dtype=bool)
        from_nominal = np.zeros(n, dtype=bool)
    elif nominal_measure:
        from_constant = np.zeros(n, dtype=bool)
        from_nominal = ~np.isnan(nominal)
    else:
        from_constant = ~np.isnan(constant) & ~np.isnan(base)
        from_nominal = np.zeros(n, dtype=bool)
    # Transactions count for projects that have no published amount of the measure's kind.
    prow_all = np.asarray(snapshot.money_prow)
    tx = np.flatnonzero(in_measure & ~from_constant[prow_all] & ~from_nominal[prow_all])
    prow = prow_all[tx]
    currency = snapshot.money_currency
    exchanged = to_usd(
        currency.values,
        np.asarray(currency.codes)[tx],
        np.asarray(snapshot.money_day)[tx],
        np.asarray(snapshot.money_value)[tx],
        np.asarray(snapshot.money_usd)[tx],
        daily=conversion.daily,
        annual=conversion.annual,
        no_day=NO_DAY,
    )
    from_tx = np.zeros(n, dtype=bool)
    from_tx[prow] = True
    if not nominal_measure and measure != "disbursement":
        # A project with neither a constant amount nor commitments: its nominal amount, dated
        # by its commitment year.
        from_nominal = ~from_constant & ~from_tx & ~np.isnan(nominal)

    tx_years = years_of(np.asarray(snapshot.money_day)[tx], NO_DAY)
    tx_years = np.where(np.isnan(tx_years), years[prow], tx_years)
    tx_usd = exchanged.usd
    if not nominal_measure:
        # A transaction published in constant USD (AidData's) is a constant piece of its year.
        tx_constant = np.asarray(snapshot.money_constant)[tx]
        tx_base = np.asarray(snapshot.money_base_year)[tx]
        published = ~np.isnan(tx_constant) & ~np.isnan(tx_base)
        tx_usd = np.where(published, tx_constant, tx_usd)
        tx_years = np.where(published, tx_base, tx_years)

    deflator = conversion.deflator
    missing: dict[int, int] = {}
    deflated = 0

    def factors(source: Floats, rows: Any) -> Floats:
        nonlocal deflated
        if nominal_measure:
            return np.ones(len(source))
        if deflator is None:
            same = source == target_year
            return np.where(same, 1.0, np.nan)
        out, lacking = deflator.factors(source, target_year)
        deflated += int(np.sum(~np.isnan(out) & (out != 1.0)))
        for y in lacking:
            hit = (source == y) if y != target_year else np.isnan(out)
            missing[y] = missing.get(y, 0) + len(np.unique(rows[hit]))
        return out

    values = np.full(n, np.nan)
    status = np.full(n, NO_AMOUNT, dtype=np.int32)
    labels = np.full(n, None, dtype=object)

    c_rows = np.flatnonzero(from_constant)
    c_factor = factors(base[c_rows], c_rows)
    values[c_rows] = constant[c_rows] * c_factor
    c_left = np.isnan(c_factor)
    if deflator is None and c_left.any():
        # No deflator: the amount stays on its own basis, labelled, for separate totals.
        values[c_rows[c_left]] = constant[c_rows[c_left]]
        left_rows = c_rows[c_left]
        for year in np.unique(base[left_rows]):  # a handful of base years, not a row loop
            labels[left_rows[base[left_rows] == year]] = Basis(int(year)).label
        status[c_rows[c_left]] = CONVERTED
        c_left[:] = False
    status[c_rows[~c_left]] = CONVERTED
    status[c_rows[c_left]] = UNCONVERTIBLE
    labels[c_rows[~c_left & ~np.isnan(c_factor)]] = target.label

    t_factor = factors(tx_years, prow)
    own_basis = np.zeros(n, dtype=bool)
    if deflator is None and not nominal_measure:
        # No deflator: a project whose pieces are not all of the target year stays nominal.
        off = np.bincount(prow, weights=np.isnan(t_factor), minlength=n) > 0
        own_basis = off & from_tx
        t_factor = np.where(own_basis[prow], 1.0, t_factor)
    sums, bad = _sum_by_project(prow, tx_usd * t_factor, n)
    t_rows = np.flatnonzero(from_tx)
    values[t_rows] = np.where(bad[t_rows], np.nan, sums[t_rows])
    status[t_rows] = np.where(bad[t_rows], UNCONVERTIBLE, CONVERTED)
    labels[t_rows] = np.where(
        bad[t_rows],
        np.array(None, dtype=object),
        np.where(own_basis[t_rows], Basis(None).label, target.label),
    )

    n_rows = np.flatnonzero(from_nominal)
    n_factor = factors(years[n_rows], n_rows)
    if deflator is None and not nominal_measure:
        keep_own = np.isnan(n_factor)
        n_factor = np.where(keep_own, 1.0, n_factor)
        labels[n_rows] = np.where(keep_own, Basis(None).label, target.label)
    else:
        labels[n_rows] = np.where(np.isnan(n_factor), np.array(None, dtype=object), target.label)
    values[n_rows] = nominal[n_rows] * n_factor
    status[n_rows] = np.where(np.isnan(n_factor), UNCONVERTIBLE, CONVERTED)

    how_names = {2: "daily reference rate", 3: "annual average rate"}
    used = {
        name: int(np.sum(exchanged.how == code))
        for code, name in how_names.items()
        if np.any(exchanged.how == code)
    }
    return Amounts(
        values=values,
        status=status,
        basis=Coded.of(labels),
        target=target,
        missing_years=dict(sorted(missing.items())),
        without_rate=exchanged.without_rate,
        exchanged=used,
        deflated=deflated,
    )


def reporting_datasets(snapshot: Snapshot, measure_types: tuple[int, ...]) -> set[Any]:
    """Datasets with at least one transaction of ``measure_types`` (who reports disbursements)."""
    rows = np.asarray(snapshot.money_prow)[np.isin(np.asarray(snapshot.money_type), measure_types)]
    column = snapshot.project_columns["dataset"]
    codes = np.unique(np.asarray(column.codes)[rows])
    return {column.value(int(c)) for c in codes}


__all__ = [
    "CONVERTED",
    "NO_AMOUNT",
    "UNCONVERTIBLE",
    "Amounts",
    "Conversion",
    "project_amounts",
    "reporting_datasets",
]
