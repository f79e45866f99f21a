"""Bring a snapshot up to date by re-reading only the projects that changed (issue #14).

The database's change log (migration 0014_snap14) names the projects written since the
snapshot's generation. Those projects are read again (through each table's project index) into a
small snapshot of their own, and spliced into the old one: their old rows are dropped, their new
rows (none for a deleted project) merged in by project id. Every array stays sorted by project
row, as :func:`beltroad.analytics.snapshot.build` leaves it, so the result answers every query as
a full rebuild would; the tests compare the two after every kind of write.

Splicing copies slices: each table's rows are cut where a changed project's rows were or where
a new one goes, and the pieces (old rows, fresh rows) concatenated, one ``memcpy`` per piece and
no sort; an edit cuts each table in two or three pieces, an import of new projects (higher ids)
appends one. Dictionary codes are remapped into the old dictionary (new values appended; values
no row uses any more dropped, so no empty group appears).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from beltroad.analytics.money import Amounts
from beltroad.analytics.snapshot import Coded, Snapshot, Split
from beltroad.storage.generation import Generation

Bools = npt.NDArray[np.bool_]
Ints = npt.NDArray[np.int32]

#: The per-project arrays of a snapshot (one value per project row).
PROJECT_ARRAYS: tuple[str, ...] = (
    "project_ids",
    "keep_aiddata",
    "counted",
    "synthetic",
    "amount_constant",
    "amount_nominal",
    "base_year",
    "disbursed",
    "disbursed_base_year",
    "planned_start",
    "actual_start",
    "planned_end",
    "actual_end",
    "last_event",
    "has_commitment",
)
#: The money rows' arrays besides ``money_prow`` and ``money_currency``.
MONEY_ARRAYS: tuple[str, ...] = (
    "money_type",
    "money_day",
    "money_value",
    "money_usd",
    "money_constant",
    "money_base_year",
)


@dataclass(frozen=True)
class _Piece:
    fresh: bool  # rows of the fresh snapshot, else of the old one
    start: int
    stop: int
    shift: int  # added to an old row's project row (projects inserted minus removed before it)


@dataclass(frozen=True)
class _Change:
    """Where the changed projects sit among the old ones (project rows)."""

    removed: Ints  # old project rows of the changed projects (sorted)
    inserted_at: Ints  # for each fresh project: the old project row it goes before
    fresh_to_new: Ints  # for each fresh project: its project row in the patched snapshot


def _change(old_ids: Any, fresh_ids: Any, changed: Any) -> _Change:
    at = np.searchsorted(old_ids, changed)
    found = at < len(old_ids)
    found[found] = old_ids[at[found]] == changed[found]
    removed = at[found].astype(np.int32)
    inserted_at = np.searchsorted(old_ids, fresh_ids).astype(np.int32)
    before = inserted_at - np.searchsorted(removed, inserted_at)  # kept old projects before it
    fresh_to_new = (before + np.arange(len(fresh_ids))).astype(np.int32)
    return _Change(removed, inserted_at, fresh_to_new)


def _pieces(old_prow: Any, fresh_prow: Any, change: _Change) -> list[_Piece]:
    """The old and fresh row ranges of one table, in the patched order (adjacent ones merged)."""
    lo = np.searchsorted(old_prow, change.removed, side="left")
    hi = np.searchsorted(old_prow, change.removed, side="right")
    fresh = np.arange(len(change.inserted_at))
    flo = np.searchsorted(fresh_prow, fresh, side="left")
    fhi = np.searchsorted(fresh_prow, fresh, side="right")
    at = np.searchsorted(old_prow, change.inserted_at, side="left")
    # Events by table position; at one position an insertion goes before a removal.
    position = np.concatenate([at, lo])
    kind = np.concatenate([np.zeros(len(at), np.int8), np.ones(len(lo), np.int8)])
    index = np.concatenate([fresh, np.arange(len(lo))])
    order = np.lexsort((index, kind, position))
    pieces: list[_Piece] = []

    def add(piece: _Piece) -> None:
        if piece.stop <= piece.start:
            return
        last = pieces[-1] if pieces else None
        if last and (last.fresh, last.stop, last.shift) == (piece.fresh, piece.start, piece.shift):
            pieces[-1] = _Piece(last.fresh, last.start, piece.stop, last.shift)
        else:
            pieces.append(piece)

    cursor = shift = 0
    for event in order.tolist():
        if event < len(at):  # a fresh project's rows go here
            add(_Piece(False, cursor, int(at[event]), shift))
            cursor = max(cursor, int(at[event]))
            add(_Piece(True, int(flo[event]), int(fhi[event]), 0))
            shift += 1
        else:  # a changed project's old rows are dropped
            removal = event - len(at)
            add(_Piece(False, cursor, int(lo[removal]), shift))
            cursor = max(cursor, int(hi[removal]))
            shift -= 1
    add(_Piece(False, cursor, len(old_prow), shift))
    return pieces


def _assemble(pieces: list[_Piece], old: Any, fresh: Any) -> Any:
    dtype = np.result_type(old.dtype, fresh.dtype)
    parts = [(fresh if p.fresh else old)[p.start : p.stop] for p in pieces]
    return np.concatenate(parts).astype(dtype, copy=False) if parts else np.empty(0, dtype)


def _assemble_prow(pieces: list[_Piece], old: Any, fresh: Any, change: _Change) -> Ints:
    parts = [
        change.fresh_to_new[fresh[p.start : p.stop]]
        if p.fresh
        else (old[p.start : p.stop] + p.shift if p.shift else old[p.start : p.stop])
        for p in pieces
    ]
    return np.concatenate(parts).astype(np.int32) if parts else np.empty(0, np.int32)


def _merge_coded(old: Coded, fresh: Coded, pieces: list[_Piece], dropped: bool) -> Coded:
    """The codes of the pieces in one dictionary (``dropped``: some old rows went)."""
    position = {value: i for i, value in enumerate(old.values)}
    values = list(old.values)
    remap = np.empty(len(fresh.values) + 1, dtype=np.int32)
    remap[-1] = -1  # fresh code -1 (null) indexes the last slot
    for i, value in enumerate(fresh.values):
        found = position.get(value)
        if found is None:
            found = position[value] = len(values)
            values.append(value)
        remap[i] = found
    codes = _assemble(pieces, np.asarray(old.codes, dtype=np.int32), remap[fresh.codes])
    if not dropped:  # every old value is still used
        return Coded(codes, tuple(values))
    return _compact(codes, values)


def _compact(codes: Ints, values: list[Any]) -> Coded:
    """Drop the values no row uses (a deleted project's last dataset, say)."""
    used = np.bincount(codes[codes >= 0], minlength=len(values)) > 0
    if used.all():
        return Coded(codes, tuple(values))
    renumber = np.full(len(values) + 1, -1, dtype=np.int32)
    renumber[:-1][used] = np.arange(int(used.sum()), dtype=np.int32)
    return Coded(renumber[codes], tuple(v for v, u in zip(values, used, strict=True) if u))


def _dropped(pieces: list[_Piece], rows: int) -> bool:
    return sum(p.stop - p.start for p in pieces if not p.fresh) < rows


def patch(
    old: Snapshot, fresh: Snapshot, changed: tuple[int, ...], generation: Generation
) -> Snapshot:
    """``old`` with the projects ``changed`` replaced by ``fresh`` (their current rows).

    ``fresh`` is the snapshot of exactly the projects in ``changed`` that still exist.
    """
    old_ids = np.asarray(old.project_ids)
    change = _change(old_ids, fresh.project_ids, np.asarray(changed, dtype=np.int64))
    rows = _pieces(np.arange(len(old_ids)), np.arange(len(fresh)), change)
    dropped = _dropped(rows, len(old_ids))
    arrays: dict[str, Any] = {
        name: _assemble(rows, np.asarray(getattr(old, name)), getattr(fresh, name))
        for name in PROJECT_ARRAYS
    }
    columns = {
        name: _merge_coded(coded, fresh.project_columns[name], rows, dropped)
        for name, coded in old.project_columns.items()
    }
    removed = subset(old, change.removed)
    # The same projects before and after (an edit, not an insert or a delete): a table whose rows
    # for them did not change keeps its arrays as they are (at 1M projects the money rows alone
    # are ~250 MB to copy).
    same = np.array_equal(old_ids[change.removed], fresh.project_ids)
    splits: dict[str, Split] = {}
    for source, split in old.splits.items():
        other = fresh.splits[source]
        if same and _same_split(removed.splits[source], other):
            splits[source] = split
            continue
        pieces = _pieces(np.asarray(split.prow), other.prow, change)
        lost = _dropped(pieces, len(split.prow))
        splits[source] = Split(
            prow=_assemble_prow(pieces, np.asarray(split.prow), other.prow, change),
            share=_assemble(pieces, np.asarray(split.share), other.share),
            columns={
                name: _merge_coded(coded, other.columns[name], pieces, lost)
                for name, coded in split.columns.items()
            },
        )
    money: dict[str, Any]
    if same and _same_money(removed, fresh):
        money = {name: getattr(old, name) for name in (*MONEY_ARRAYS, "money_prow")}
        money["money_currency"] = old.money_currency
    else:
        pieces = _pieces(np.asarray(old.money_prow), fresh.money_prow, change)
        money = {
            name: _assemble(pieces, np.asarray(getattr(old, name)), getattr(fresh, name))
            for name in MONEY_ARRAYS
        }
        money["money_prow"] = _assemble_prow(
            pieces, np.asarray(old.money_prow), fresh.money_prow, change
        )
        money["money_currency"] = _merge_coded(
            old.money_currency,
            fresh.money_currency,
            pieces,
            _dropped(pieces, len(old.money_prow)),
        )
    lineage = Lineage(
        parent=(id(old), old.generation),
        parent_derived=old.derived,
        removed=removed,
        fresh=fresh,
        rows=tuple(rows),
    )
    return replace(
        old,
        generation=generation,
        lineage=lineage,
        derived={},  # values derived from ``old`` do not hold for its patch
        **arrays,
        **money,
        project_columns=columns,
        splits=splits,
    )


def _decoded(coded: Coded) -> list[Any]:
    return [coded.value(int(code)) for code in np.asarray(coded.codes)]


def _same_split(a: Split, b: Split) -> bool:
    """The same rows (few: the changed projects'), compared by value, not by code."""
    return (
        np.array_equal(a.prow, b.prow)
        and np.array_equal(a.share, b.share, equal_nan=True)
        and all(_decoded(c) == _decoded(b.columns[name]) for name, c in a.columns.items())
    )


def _same_money(a: Snapshot, b: Snapshot) -> bool:
    return (
        np.array_equal(a.money_prow, b.money_prow)
        and all(
            np.array_equal(getattr(a, n), getattr(b, n), equal_nan=n not in ("money_type",))
            for n in MONEY_ARRAYS
        )
        and _decoded(a.money_currency) == _decoded(b.money_currency)
    )


@dataclass(frozen=True)
class Lineage:
    """What a patch changed: enough to patch values derived per project from the old snapshot."""

    parent: tuple[int, Generation]  # id() and generation of the snapshot patched
    #: The patched snapshot's derived values (its converted amounts), to patch rather than redo.
    parent_derived: dict[tuple[Any, ...], Any]
    removed: Snapshot  # the old rows of the changed projects, as a snapshot of their own
    fresh: Snapshot  # their rows now
    rows: tuple[_Piece, ...]  # the patch's project-row pieces


def _ranges(prow: Any, rows: Ints) -> tuple[Any, Ints]:
    """The row indices of ``rows``' projects in a table sorted by project row, and their prows."""
    lo = np.searchsorted(prow, rows, side="left")
    hi = np.searchsorted(prow, rows, side="right")
    index = (
        np.concatenate([np.arange(a, b) for a, b in zip(lo.tolist(), hi.tolist(), strict=True)])
        if len(rows)
        else np.empty(0, dtype=np.int64)
    )
    return index.astype(np.int64), np.repeat(np.arange(len(rows), dtype=np.int32), hi - lo)


def subset(snapshot: Snapshot, rows: Ints) -> Snapshot:
    """The projects at ``rows`` (sorted project rows) as a snapshot of their own."""
    arrays: dict[str, Any] = {
        name: np.asarray(getattr(snapshot, name))[rows] for name in PROJECT_ARRAYS
    }
    columns = {
        name: Coded(np.asarray(c.codes)[rows], c.values)
        for name, c in snapshot.project_columns.items()
    }
    splits = {}
    for source, split in snapshot.splits.items():
        index, prow = _ranges(np.asarray(split.prow), rows)
        splits[source] = Split(
            prow=prow,
            share=np.asarray(split.share)[index],
            columns={
                n: Coded(np.asarray(c.codes)[index], c.values) for n, c in split.columns.items()
            },
        )
    index, money_prow = _ranges(np.asarray(snapshot.money_prow), rows)
    for name in MONEY_ARRAYS:
        arrays[name] = np.asarray(getattr(snapshot, name))[index]
    currency = snapshot.money_currency
    return replace(
        snapshot,
        lineage=None,
        derived={},
        **arrays,
        project_columns=columns,
        splits=splits,
        money_prow=money_prow,
        money_currency=Coded(np.asarray(currency.codes)[index], currency.values),
    )


def _counts(old: dict[Any, int], gone: dict[Any, int], new: dict[Any, int]) -> dict[Any, int]:
    out = dict(old)
    for key, count in gone.items():
        out[key] = out.get(key, 0) - count
    for key, count in new.items():
        out[key] = out.get(key, 0) + count
    return {key: count for key, count in out.items() if count}


def patch_amounts(old: Amounts, removed: Amounts, fresh: Amounts, lineage: Lineage) -> Amounts:
    """The amounts of the patched snapshot from the old snapshot's (same measure, same data).

    Amounts are per project, and the counts beside them (years without a deflator, amounts
    without a rate, how many were exchanged or deflated) are sums over projects: the old
    projects' part is taken out and the fresh projects' part added.
    """
    rows = list(lineage.rows)
    dropped = len(lineage.removed) > 0
    return Amounts(
        values=_assemble(rows, np.asarray(old.values), fresh.values),
        status=_assemble(rows, np.asarray(old.status), fresh.status),
        basis=_merge_coded(old.basis, fresh.basis, rows, dropped),
        target=old.target,
        missing_years=dict(
            sorted(_counts(old.missing_years, removed.missing_years, fresh.missing_years).items())
        ),
        without_rate=_counts(old.without_rate, removed.without_rate, fresh.without_rate),
        exchanged=_counts(old.exchanged, removed.exchanged, fresh.exchanged),
        deflated=old.deflated - removed.deflated + fresh.deflated,
    )
