"""Price bases and conversions: every amount is in a currency on a basis, and sums never mix them.

A *basis* is ``nominal`` (money of the day it moved) or ``constant USD of a year``. AidData's
releases are each in constant USD of their own year (GCOF 1.0: 2014, GCDF 2.0: 2017, GCDF 3.0:
2021); IATI values are nominal, in the publisher's currency, dated by their value date. A total is
only honest on one basis, so amounts are converted to one target year:

* **deflating**: ``constant Y`` dollars become ``constant T`` dollars by ``index(T) / index(Y)``
  of a price-index series (a deflator), and nominal dollars of year Y the same way;
* **exchange**: an amount in currency C on day D becomes nominal USD at C's rate of day D (a daily
  reference rate; or, named as such, C's annual average rate of D's year).

Nothing is interpolated: a year missing from the deflator, or a currency without a rate for its
date, leaves the amount *unconvertible* (NaN here); callers count those and leave them out of
totals, saying so. Everything here is pure array arithmetic over numpy vectors.

>>> s = DeflatorSeries("x", {2014: 90.0, 2021: 120.0}, source="test", method="test")
>>> factors, missing = s.factors(np.array([2014.0, 2021.0, 1999.0]), 2021)
>>> factors.round(4).tolist()[:2], missing
([1.3333, 1.0], (1999,))
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int32]

NOMINAL = "nominal"
#: A daily reference rate may be that of the last business day before the value date, at most
#: this many days earlier (a weekend, or Easter's Friday to Monday); never a later day's rate.
MAX_RATE_AGE_DAYS = 4


@dataclass(frozen=True, order=True)
class Basis:
    """The price basis of an amount: ``year`` None is nominal, else constant USD of ``year``."""

    year: int | None = None
    currency: str = "USD"

    @property
    def label(self) -> str:
        if self.year is None:
            return f"nominal {self.currency}"
        return f"constant {self.year} {self.currency}"

    def as_dict(self) -> dict[str, object]:
        return {
            "currency": self.currency,
            "price_basis": NOMINAL if self.year is None else "constant",
            "base_year": self.year,
            "label": self.label,
        }


@dataclass(frozen=True)
class DeflatorSeries:
    """An annual price index (any reference year: only ratios are used), with its provenance."""

    name: str
    years: Mapping[int, float]
    source: str  # dataset name, or a citation
    method: str  # e.g. "US GDP implicit price deflator (BEA), annual mean of quarters"
    vintage: str = ""

    def __post_init__(self) -> None:
        for year, value in self.years.items():
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"deflator {self.name}: index of {year} is {value!r}")

    @property
    def span(self) -> tuple[int, int] | None:
        return (min(self.years), max(self.years)) if self.years else None

    def table(self) -> tuple[int, Floats]:
        """``(first_year, index)``: index[y - first_year] is the year's index, NaN if absent."""
        if not self.years:
            return 0, np.empty(0)
        low, high = min(self.years), max(self.years)
        out = np.full(high - low + 1, np.nan)
        for year, value in self.years.items():
            out[year - low] = value
        return low, out

    def factors(self, source_years: Floats, target: int) -> tuple[Floats, tuple[int, ...]]:
        """Multipliers taking money of each ``source_years`` entry to ``target`` prices.

        A source year equal to the target needs no index (factor exactly 1). Returns the factors
        (NaN where the index lacks the source or the target year; NaN source years stay NaN) and
        the years that were needed and missing, ascending.
        """
        years = np.asarray(source_years, dtype=np.float64)
        out = np.full(len(years), np.nan)
        known = ~np.isnan(years)
        same = known & (years == target)
        out[same] = 1.0
        rest = known & ~same
        if not rest.any():
            return out, ()
        low, index = self.table()
        wanted = years[rest].astype(np.int64)
        inside = (wanted >= low) & (wanted < low + len(index))
        source_index = np.full(len(wanted), np.nan)
        source_index[inside] = index[wanted[inside] - low]
        target_index = self.years.get(target, math.nan)
        out[rest] = target_index / source_index
        missing = set(np.unique(wanted[np.isnan(source_index)]).tolist())
        if math.isnan(target_index):
            missing.add(target)
        return out, tuple(sorted(int(y) for y in missing))


@dataclass(frozen=True)
class DailyRates:
    """Reference rates by day: ``per_base[currency][i]`` units of the currency per one unit of
    ``base`` (EUR for the ECB) on ``days[i]`` (days since 1970-01-01, ascending); NaN: none."""

    base: str
    days: Ints
    per_base: Mapping[str, Floats]
    source: str
    vintage: str = ""

    def per_usd(self, currency: str, days: Ints) -> Floats:
        """Units of ``currency`` per USD on each day (NaN where either rate is missing)."""
        if currency == "USD":
            return np.ones(len(days))
        quote = self._on(currency, days)
        usd = np.ones(len(days)) if self.base == "USD" else self._on("USD", days)
        return quote / usd

    def _on(self, currency: str, days: Ints) -> Floats:
        if currency == self.base:
            return np.ones(len(days))
        series = self.per_base.get(currency)
        if series is None or len(self.days) == 0:
            return np.full(len(days), np.nan)
        at = np.searchsorted(self.days, days, side="right") - 1
        ok = at >= 0
        clipped = np.where(ok, at, 0)
        rate = np.where(ok, series[clipped], np.nan)
        age = np.asarray(days, dtype=np.int64) - self.days[clipped].astype(np.int64)
        # Past the last published day the "last business day" would be any stale rate: refuse.
        stale = (age > MAX_RATE_AGE_DAYS) | (np.asarray(days) > self.days[-1])
        return np.where(ok & ~stale, rate, np.nan)


@dataclass(frozen=True)
class AnnualRates:
    """Annual-average rates: ``per_usd[currency][year]`` units of the currency per USD."""

    per_usd: Mapping[str, Mapping[int, float]]
    source: str
    vintage: str = ""

    def per_usd_in(self, currency: str, years: Ints) -> Floats:
        table = self.per_usd.get(currency, {})
        return np.array([table.get(int(y), math.nan) for y in years], dtype=np.float64)


@dataclass(frozen=True)
class Exchanged:
    """Amounts in nominal USD, and how each was obtained (see :data:`HOW`)."""

    usd: Floats
    how: Ints  # 0 unknown amount, 1 already USD, 2 daily rate, 3 annual average, -1 no rate
    without_rate: dict[str, int] = field(default_factory=dict)  # currency -> amounts left out


HOW = {0: "no amount", 1: "USD as published", 2: "daily reference rate", 3: "annual average"}


def to_usd(
    currencies: tuple[str | None, ...],
    codes: Ints,
    days: Ints,
    values: Floats,
    usd_given: Floats,
    *,
    daily: DailyRates | None,
    annual: AnnualRates | None,
    no_day: int,
) -> Exchanged:
    """Nominal USD of amounts in ``currencies[codes[i]]`` dated ``days[i]``.

    ``usd_given`` (the publisher's own USD figure) wins where present. Otherwise a USD amount is
    itself; another currency converts at the daily rate of its day (or the last business day
    within :data:`MAX_RATE_AGE_DAYS`), else at the annual average of its year; with neither,
    the amount is NaN and counted in ``without_rate`` (also when the day is unknown).
    """
    n = len(values)
    usd = np.array(usd_given, dtype=np.float64, copy=True)
    how = np.where(~np.isnan(usd), 1, 0).astype(np.int32)
    todo = np.isnan(usd) & ~np.isnan(values)
    without: dict[str, int] = {}
    codes = np.asarray(codes)
    for code, currency in enumerate(currencies):
        rows = np.flatnonzero(todo & (codes == code))
        if not len(rows):
            continue
        if currency == "USD":
            usd[rows] = values[rows]
            how[rows] = 1
            continue
        rate = np.full(len(rows), np.nan)
        dated = np.asarray(days)[rows] != no_day
        if currency is not None and daily is not None and dated.any():
            rate[dated] = daily.per_usd(currency, np.asarray(days)[rows][dated])
        how[rows[~np.isnan(rate)]] = 2
        if currency is not None and annual is not None:
            gap = np.isnan(rate) & dated
            if gap.any():
                years = _years_of(np.asarray(days)[rows][gap])
                rate[gap] = annual.per_usd_in(currency, years)
                how[rows[gap & ~np.isnan(rate)]] = 3
        usd[rows] = values[rows] / rate
        missing = int(np.isnan(rate).sum())
        if missing:
            how[rows[np.isnan(rate)]] = -1
            without[currency or "no currency"] = missing
    unknown_currency = todo & (codes < 0)
    if unknown_currency.any():
        how[unknown_currency] = -1
        without["no currency"] = without.get("no currency", 0) + int(unknown_currency.sum())
    assert len(usd) == n
    return Exchanged(usd=usd, how=how, without_rate=without)


def _years_of(days: npt.ArrayLike) -> Ints:
    """Calendar years of day numbers (days since 1970-01-01)."""
    dates = np.asarray(days, dtype="int64").astype("datetime64[D]")
    return (dates.astype("datetime64[Y]").astype(np.int64) + 1970).astype(np.int32)


def years_of(days: npt.ArrayLike, no_day: int) -> Floats:
    """Calendar years of day numbers as floats, NaN where the day is ``no_day``."""
    d = np.asarray(days, dtype=np.int64)
    out = np.full(len(d), np.nan)
    known = d != no_day
    out[known] = _years_of(d[known])
    return out


__all__ = [
    "HOW",
    "MAX_RATE_AGE_DAYS",
    "NOMINAL",
    "AnnualRates",
    "Basis",
    "DailyRates",
    "DeflatorSeries",
    "Exchanged",
    "to_usd",
    "years_of",
]
