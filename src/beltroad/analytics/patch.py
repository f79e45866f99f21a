"""Bring a snapshot up to date by re-reading only the projects that changed (issue #14).

The database's change log (migration 0011_snap14) names the projects written since the
snapshot's generation. Those projects are read again (through each table's project index) into a
small snapshot of their own, and spliced into the old one: their old rows are dropped, their new
rows (none for a deleted project) merged in by project id. Every array stays sorted by project
row, as :func:`beltroad.analytics.snapshot.build` leaves it, so the result answers every query as
a full rebuild would; the tests compare the two after every kind of write.

Splicing is linear: two sorted runs merged by ``searchsorted`` positions, boolean masks and
copies, no sort of the whole snapshot. Dictionary codes are remapped into the old dictionary
(new values appended; values no row uses any more dropped, so no empty group appears).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import numpy.typing as npt

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


def _interleave(kept: Any, fresh: Any, is_fresh: Bools) -> Any:
    """One array: ``kept`` where ``is_fresh`` is False, ``fresh`` where it is True, in order."""
    out = np.empty(len(is_fresh), dtype=np.result_type(kept.dtype, fresh.dtype))
    out[~is_fresh] = kept
    out[is_fresh] = fresh
    return out


def _placement(kept_keys: Any, fresh_keys: Any) -> Bools:
    """Where the rows of two sorted runs land when merged (True: a fresh row); stable."""
    at = np.searchsorted(kept_keys, fresh_keys, side="right") + np.arange(len(fresh_keys))
    is_fresh = np.zeros(len(kept_keys) + len(fresh_keys), dtype=bool)
    is_fresh[at] = True
    return is_fresh


def _merge_coded(kept: Coded, keep: Bools | None, fresh: Coded, is_fresh: Bools) -> Coded:
    """The kept codes (``keep`` selects them) and the fresh ones, in one dictionary."""
    position = {value: i for i, value in enumerate(kept.values)}
    values = list(kept.values)
    remap = np.empty(len(fresh.values) + 1, dtype=np.int32)
    remap[-1] = -1  # fresh code -1 (null) indexes the last slot
    for i, value in enumerate(fresh.values):
        found = position.get(value)
        if found is None:
            found = position[value] = len(values)
            values.append(value)
        remap[i] = found
    old_codes = kept.codes if keep is None else np.asarray(kept.codes)[keep]
    codes = _interleave(np.asarray(old_codes, dtype=np.int32), remap[fresh.codes], is_fresh)
    return _compact(codes.astype(np.int32, copy=False), values)


def _compact(codes: Ints, values: list[Any]) -> Coded:
    """Drop the values no row uses (a deleted project's last dataset, say)."""
    used = np.bincount(codes[codes >= 0], minlength=len(values)) > 0
    if used.all():
        return Coded(codes, tuple(values))
    renumber = np.full(len(values) + 1, -1, dtype=np.int32)
    renumber[:-1][used] = np.arange(int(used.sum()), dtype=np.int32)
    return Coded(renumber[codes], tuple(v for v, u in zip(values, used, strict=True) if u))


def _rows(
    old_prow: Any, fresh_prow: Any, kept_rows: Bools, old_to_new: Ints, fresh_to_new: Ints
) -> tuple[Bools, Bools, Ints]:
    """For a table of rows per project: which old rows stay, where fresh rows land, new prows."""
    keep = kept_rows[old_prow]
    kept_prow = old_to_new[np.asarray(old_prow)[keep]]
    new_prow = fresh_to_new[fresh_prow]
    is_fresh = _placement(kept_prow, new_prow)
    return keep, is_fresh, _interleave(kept_prow, new_prow, is_fresh).astype(np.int32)


def patch(
    old: Snapshot, fresh: Snapshot, changed: tuple[int, ...], generation: Generation
) -> Snapshot:
    """``old`` with the projects ``changed`` replaced by ``fresh`` (their current rows).

    ``fresh`` is the snapshot of exactly the projects in ``changed`` that still exist.
    """
    old_ids = np.asarray(old.project_ids)
    kept_rows = ~np.isin(old_ids, np.asarray(changed, dtype=np.int64))
    is_fresh = _placement(old_ids[kept_rows], fresh.project_ids)
    new_row = np.arange(len(is_fresh), dtype=np.int32)
    old_to_new = np.full(len(old_ids), -1, dtype=np.int32)
    old_to_new[kept_rows] = new_row[~is_fresh]
    fresh_to_new = new_row[is_fresh]
    arrays: dict[str, Any] = {
        name: _interleave(np.asarray(getattr(old, name))[kept_rows], getattr(fresh, name), is_fresh)
        for name in PROJECT_ARRAYS
    }
    columns = {
        name: _merge_coded(coded, kept_rows, fresh.project_columns[name], is_fresh)
        for name, coded in old.project_columns.items()
    }
    splits: dict[str, Split] = {}
    for source, split in old.splits.items():
        other = fresh.splits[source]
        keep, placed, prow = _rows(split.prow, other.prow, kept_rows, old_to_new, fresh_to_new)
        splits[source] = Split(
            prow=prow,
            share=_interleave(np.asarray(split.share)[keep], other.share, placed),
            columns={
                name: _merge_coded(coded, keep, other.columns[name], placed)
                for name, coded in split.columns.items()
            },
        )
    keep, placed, money_prow = _rows(
        old.money_prow, fresh.money_prow, kept_rows, old_to_new, fresh_to_new
    )
    for name in MONEY_ARRAYS:
        arrays[name] = _interleave(
            np.asarray(getattr(old, name))[keep], getattr(fresh, name), placed
        )
    return replace(
        old,
        generation=generation,
        **arrays,
        project_columns=columns,
        splits=splits,
        money_prow=money_prow,
        money_currency=_merge_coded(old.money_currency, keep, fresh.money_currency, placed),
    )
