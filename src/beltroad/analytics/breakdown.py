"""Breakdowns over a portfolio snapshot: the aggregation rule as array arithmetic.

The rule (docs/product.md): an amount is split by the project's country and sector percentages
(60% counts 0.6); grouping by country and sector multiplies the two shares. A project with no
country (or sector, or financier) row falls in the null group with share 1. Counts are whole
projects (a project split over two sectors counts once in a country) unless split counts are
asked for, when they are the summed shares. Under ``aiddata`` only records recommended for
aggregates (or without a recommendation) count, and never umbrella records. Under every rule a
record set aside as the same project as a record of another dataset (``snapshot.counted``) does
not count. Corridors are a split like countries (:mod:`beltroad.engines.corridors`).

Each query is a handful of vectorised passes over the snapshot's arrays (a mask, at most three
ragged cross-joins, one ``np.unique`` and a few ``bincount``), with no Python loop over projects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from beltroad.analytics.snapshot import Coded, Snapshot

#: Dimensions and the split source each one is read from (None: a column of the project).
DIMENSIONS: dict[str, str | None] = {
    "country": "country",
    "region": "country",
    "income": "country",
    "corridor": "corridor",
    "sector": "sector",
    "sector5": "sector",
    "year": None,
    "flow-class": None,
    "status": None,
    "financier": "financier",
    "dataset": None,
}
#: Project columns computed per query and passed to :func:`breakdown` as ``columns``: the price
#: basis of each project's amount (``beltroad.analytics.money``).
QUERY_DIMENSIONS: tuple[str, ...] = ("basis",)
#: The dimension that is unique per project within a source (None: none is).
SOURCE_KEYS: dict[str, str | None] = {
    "country": "country",
    "sector": None,
    "financier": "financier",
    "corridor": "corridor",
}
MEASURES: tuple[str, ...] = ("commitment", "commitment-nominal", "disbursement", "projects")
RULES: tuple[str, ...] = ("aiddata", "all")

#: A filter value that selects the null ("unspecified") group.
UNSPECIFIED = None

Ints = npt.NDArray[np.integer[Any]]


@dataclass(frozen=True)
class BreakdownQuery:
    """What to group by, what to sum, under which rule, restricted by ``filters`` (dim, value)."""

    by: tuple[str, ...]
    measure: str = "commitment"
    rule: str = "aiddata"
    filters: tuple[tuple[str, Any], ...] = ()
    split_counts: bool = False


@dataclass(frozen=True)
class BreakdownTotals:
    rows: list[dict[str, Any]] = field(default_factory=list)
    projects: float = 0
    amount: float | None = None
    base_years: tuple[int, ...] = ()
    synthetic_projects: int = 0
    set_aside: int = 0  # records the rule and filters select but that count under another record


@dataclass
class _Rows:
    """The joined rows so far: project row, share, and the codes of the split dimensions."""

    prow: Ints
    share: npt.NDArray[np.float64]
    codes: dict[str, Ints]


def _matches(coded: Coded, value: Any) -> npt.NDArray[np.bool_]:
    code = coded.code_of(value)
    return np.asarray(coded.codes == code)  # -2 (an absent value) matches nothing


def _cross(rows: _Rows, prow: Ints, share: Any, codes: dict[str, Ints], n: int) -> _Rows:
    """Every combination of a project's current rows with its rows in one more split source.

    Both sides are sorted by project row; a project missing on either side drops out (an
    inner join: the sources were completed with null rows, so only a filter can drop one).
    """
    per_project = np.bincount(prow, minlength=n)
    start = np.cumsum(per_project) - per_project
    repeat = per_project[rows.prow]
    left = np.repeat(np.arange(len(rows.prow)), repeat)
    block_start = np.repeat(np.cumsum(repeat) - repeat, repeat)
    right = start[rows.prow][left] + (np.arange(len(left)) - block_start)
    return _Rows(
        prow=rows.prow[left],
        share=rows.share[left] * np.asarray(share)[right],
        codes={
            **{k: v[left] for k, v in rows.codes.items()},
            **{k: np.asarray(v)[right] for k, v in codes.items()},
        },
    )


#: Up to this many possible groups, grouping is one counting pass instead of a sort.
DENSE_GROUPS = 1 << 22


def _group(key: Ints, possible: int) -> tuple[Ints, Ints]:
    """The distinct keys (ascending) and each row's index among them."""
    if possible <= DENSE_GROUPS:
        present = np.bincount(key, minlength=possible) > 0
        groups = np.flatnonzero(present)
        lookup = np.zeros(possible, dtype=np.int64)
        lookup[groups] = np.arange(len(groups))
        return groups, lookup[key]
    groups, inverse = np.unique(key, return_inverse=True)
    return groups, inverse.reshape(-1)


def _distinct_projects(prow: Ints, inverse: Ints, count: int, n: int) -> Ints:
    """Projects per group, each once however many of its rows fall in the group.

    Rows are ordered by project, and most projects have one row: only the rows of projects with
    several need de-duplicating, which keeps the sort small.
    """
    rows_of = np.bincount(prow, minlength=n)
    several = rows_of[prow] > 1
    single = np.bincount(inverse[~several], minlength=count)
    pairs = np.sort(inverse[several].astype(np.int64) * max(n, 1) + prow[several])
    first = np.ones(len(pairs), dtype=bool)
    first[1:] = pairs[1:] != pairs[:-1]
    return single + np.bincount(pairs[first] // max(n, 1), minlength=count)


def _measure(snapshot: Snapshot, measure: str) -> tuple[Any, Any]:
    if measure == "commitment":
        return snapshot.amount_constant, snapshot.base_year
    if measure == "commitment-nominal":
        return snapshot.amount_nominal, None
    if measure == "disbursement":
        return snapshot.disbursed, snapshot.disbursed_base_year
    return None, None


def breakdown(
    snapshot: Snapshot,
    query: BreakdownQuery,
    *,
    amounts: npt.NDArray[np.float64] | None = None,
    columns: dict[str, Coded] | None = None,
) -> BreakdownTotals:
    """Group the snapshot's projects by ``query.by`` and sum ``query.measure``.

    ``amounts`` (one per project row) replaces the snapshot's own amounts of the measure: the
    converted amounts of :func:`beltroad.analytics.money.project_amounts`. ``columns`` adds
    project columns computed per query (``basis``).

    >>> breakdown(snapshot, BreakdownQuery(by=("country",)))  # doctest: +SKIP
    BreakdownTotals(rows=[{'country': 'PAK', 'projects': 3, 'amount': 1.2e9}, ...], ...)
    """
    n = len(snapshot)
    project_columns = {**snapshot.project_columns, **(columns or {})}
    mask = np.ones(n, dtype=bool)
    if query.rule == "aiddata":
        mask &= np.asarray(snapshot.keep_aiddata)
    # The same project from two datasets counts once, under every rule.
    counted = np.asarray(snapshot.counted)
    split_filters: dict[str, list[tuple[str, Any]]] = {}
    for dim, value in query.filters:
        source = DIMENSIONS.get(dim)
        if source is None:
            mask &= _matches(project_columns[dim], value)
        else:
            split_filters.setdefault(source, []).append((dim, value))

    aside = mask & ~counted
    for source, conditions in split_filters.items():  # a set-aside record the filters select
        split = snapshot.splits[source]
        keep = np.ones(len(split.prow), dtype=bool)
        for dim, value in conditions:
            keep &= _matches(split.columns[dim], value)
        aside &= np.bincount(np.asarray(split.prow)[keep], minlength=n) > 0
    set_aside = int(aside.sum())
    mask &= counted
    dims = {*query.by, *(name for name, _ in query.filters)}
    needed = sorted({src for d in dims if (src := DIMENSIONS.get(d)) is not None})
    rows = _Rows(prow=np.flatnonzero(mask), share=np.ones(int(mask.sum())), codes={})
    for source in needed:
        split = snapshot.splits[source]
        keep = mask[split.prow]
        for dim, value in split_filters.get(source, []):
            keep &= _matches(split.columns[dim], value)
        wanted = [d for d in split.columns if d in dims]
        rows = _cross(
            rows,
            np.asarray(split.prow)[keep],
            np.asarray(split.share)[keep],
            {d: np.asarray(split.columns[d].codes)[keep] for d in wanted},
            n,
        )

    def coded(dim: str) -> tuple[Ints, Coded]:
        source = DIMENSIONS.get(dim)
        if source is None:
            column = project_columns[dim]
            return np.asarray(column.codes)[rows.prow], column
        return rows.codes[dim], snapshot.splits[source].columns[dim]

    # One int64 key per row: the group's codes in mixed radix (code + 1, so null is 0).
    key = np.zeros(len(rows.prow), dtype=np.int64)
    radices: list[tuple[str, int, Coded]] = []
    for dim in query.by:
        codes, column = coded(dim)
        radix = len(column.values) + 1
        key = key * radix + (codes.astype(np.int64) + 1)
        radices.append((dim, radix, column))
    groups, inverse = _group(key, int(np.prod([r for _, r, _ in radices], dtype=np.float64)))
    count = len(groups)

    amount_of, years_of = _measure(snapshot, query.measure)
    if amounts is not None and query.measure != "projects":
        amount_of, years_of = amounts, None
    sums_of: list[float | None] = [None] * count
    years: tuple[int, ...] = ()
    if amount_of is not None:
        values = np.asarray(amount_of)[rows.prow] * rows.share
        known = ~np.isnan(values)
        sums = np.bincount(inverse, weights=np.where(known, values, 0.0), minlength=count)
        present = np.bincount(inverse, weights=known, minlength=count) > 0
        sums_of = [float(s) if p else None for s, p in zip(sums, present, strict=True)]
    if years_of is not None:
        found = np.asarray(years_of)[rows.prow]
        found = found[~np.isnan(found)].astype(np.int64)
        if len(found):  # a handful of distinct years: count them instead of hashing a million
            low = int(found.min())
            years = tuple(int(y) + low for y in np.flatnonzero(np.bincount(found - low)))

    pinned = {d for d, v in query.filters if v is not UNSPECIFIED}
    fan_out = any(
        (key_dim := SOURCE_KEYS[source]) is None or key_dim not in {*query.by, *pinned}
        for source in needed
    )
    projects: Any
    if query.split_counts:
        projects = np.bincount(inverse, weights=rows.share, minlength=count)
    elif fan_out:  # a project with several rows in one group counts once
        projects = _distinct_projects(rows.prow, inverse, count, n)
    else:
        projects = np.bincount(inverse, minlength=count)
    synthetic = int(np.asarray(snapshot.synthetic)[rows.prow].sum())

    out: list[dict[str, Any]] = []
    for g, group in enumerate(groups.tolist()):
        row: dict[str, Any] = {}
        for dim, radix, column in reversed(radices):
            group, code = divmod(group, radix)
            row[dim] = column.value(code - 1)
        row = {dim: row[dim] for dim in query.by}
        row["projects"] = float(projects[g]) if query.split_counts else int(projects[g])
        row["amount"] = sums_of[g]
        out.append(row)
    out.sort(key=lambda r: [(r[d] is None, "" if r[d] is None else str(r[d])) for d in query.by])

    known_amounts = [r["amount"] for r in out if r["amount"] is not None]
    total_amount = sum(known_amounts) if known_amounts else None
    total_projects: float
    if query.split_counts or not needed:
        total_projects = sum(r["projects"] for r in out)
    elif not split_filters:  # every condition is on the project row
        total_projects = int(mask.sum())
    else:  # a project split across groups counts once in the total
        total_projects = len(np.unique(rows.prow))
    if query.measure == "projects":
        for row in out:
            row["amount"] = row["projects"]
        total_amount = total_projects
    return BreakdownTotals(
        rows=out,
        projects=total_projects,
        amount=total_amount,
        base_years=years,
        synthetic_projects=synthetic,
        set_aside=set_aside,
    )
