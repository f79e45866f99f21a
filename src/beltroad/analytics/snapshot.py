"""A columnar snapshot of the portfolio: what makes a breakdown of a million projects sub-second.

The registry is normalised for writing (projects, country and sector splits, participations,
transactions). Grouping it in SQL costs joins and a sort for every question; a planner asks many
questions of one state. So the facts the breakdowns need are read once into numpy arrays with
every dimension dictionary-encoded, and every split table already expanded so that each project
has at least one row in it (share 1, null group), which is what the aggregation rule asks for.
The funnel's per-project facts (stage, status, dates, commitment, last progress) are kept beside
them, so ``beltroad funnel`` runs on the same snapshot.

**Freshness.** A snapshot is stamped with the database's ``(instance_id, generation)``; triggers
bump the generation on every write to the tables it reads (migration 0002) and log which projects
each write touched (0014_snap14). Each use checks the stamp (one indexed single-row read); on a
change it re-reads only the logged projects and splices them in (:mod:`beltroad.analytics.patch`),
and rebuilds only when the log cannot locate the change. So a stale figure is impossible, whoever
wrote, and an edit costs the next viewer a patch, not a rebuild. Snapshots are kept in memory and
under ``DATA_DIR/analytics/`` (after a rebuild or a large patch), so a new process, or another
worker, memory-maps the saved one in milliseconds and patches it up to date.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from beltroad.analytics.corridors import corridor_rows
from beltroad.storage.changes import changed_since
from beltroad.storage.facts import (
    DATE_COLUMNS,
    MONEY_COLUMNS,
    NO_DAY,
    FactRows,
    consistent,
    read_facts,
    read_generation,
)
from beltroad.storage.generation import Generation

FORMAT_VERSION = 4  # 3: the counted mask and the corridor split; 4: money as published (#11)
Ints = npt.NDArray[np.int32]
#: Whole days since 1970-01-01, :data:`NO_DAY` when unknown (int32: half the memory of
#: ``datetime64[D]``, and no date is ever parsed in Python).
DayNumbers = npt.NDArray[np.int32]
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Coded:
    """A dictionary-encoded column: ``codes[i]`` indexes ``values``; -1 is null."""

    codes: Ints
    values: tuple[Any, ...]

    @classmethod
    def of(cls, column: Any) -> Coded:
        codes, uniques = pd.factorize(np.asarray(column, dtype=object), use_na_sentinel=True)
        return cls(codes.astype(np.int32), tuple(_plain(v) for v in uniques))

    def value(self, code: int) -> Any:
        return None if code < 0 else self.values[code]

    def code_of(self, value: Any) -> int:
        """The code of ``value`` (-1 for None); -2 when the value does not occur at all."""
        if value is None:
            return -1
        try:
            return self.values.index(value)
        except ValueError:
            return -2


@dataclass(frozen=True)
class Split:
    """Rows of one split source, sorted by project row ``prow``; every project has one or more."""

    prow: Ints
    share: Floats
    columns: dict[str, Coded]


@dataclass(frozen=True)
class Snapshot:
    """The portfolio's analysed facts at one generation of one database."""

    generation: Generation
    project_ids: npt.NDArray[np.int64]
    keep_aiddata: Bools
    # False for a record set aside because the same project counts from another dataset
    # (``beltroad data overlaps``); every total applies it, under every rule.
    counted: Bools
    synthetic: Bools
    amount_constant: Floats
    amount_nominal: Floats
    base_year: Floats
    disbursed: Floats
    disbursed_base_year: Floats
    # The funnel's facts: project dates, the latest progress (actual start or end, dated
    # transaction, milestone reached), and whether any commitment transaction was made.
    planned_start: DayNumbers
    actual_start: DayNumbers
    planned_end: DayNumbers
    actual_end: DayNumbers
    last_event: DayNumbers
    has_commitment: Bools
    project_columns: dict[str, Coded]  # year, flow-class, status, corridor, dataset, stage
    splits: dict[str, Split]  # country, sector, financier, corridor
    # Money as published, for conversion at query time (beltroad.analytics.money): the
    # commitment, disbursement and expenditure transactions, sorted by project row, with their
    # own currency, value, day and the publisher's USD figure (NaN where none).
    money_prow: Ints = field(default_factory=lambda: np.empty(0, dtype=np.int32))
    money_type: Ints = field(default_factory=lambda: np.empty(0, dtype=np.int32))
    money_day: DayNumbers = field(default_factory=lambda: np.empty(0, dtype=np.int32))
    money_value: Floats = field(default_factory=lambda: np.empty(0))
    money_usd: Floats = field(default_factory=lambda: np.empty(0))
    money_constant: Floats = field(default_factory=lambda: np.empty(0))
    money_base_year: Floats = field(default_factory=lambda: np.empty(0))
    money_currency: Coded = field(default_factory=lambda: Coded(np.empty(0, dtype=np.int32), ()))
    #: Results computed from this snapshot (converted amounts), kept as long as it is: a
    #: snapshot never changes, and it lives on its workspace, never in a module of the process.
    derived: dict[tuple[Any, ...], Any] = field(default_factory=dict, compare=False, repr=False)
    #: For a patched snapshot, what the patch changed (:class:`beltroad.analytics.patch.Lineage`),
    #: so that values derived from the snapshot it patched can be patched too; never saved.
    lineage: Any = field(default=None, compare=False, repr=False)

    def __len__(self) -> int:
        return len(self.project_ids)


def _plain(value: Any) -> Any:
    """numpy scalars to Python ones (JSON and equality with query values)."""
    return value.item() if isinstance(value, np.generic) else value


def _floats(column: tuple[Any, ...]) -> Floats:
    return np.array(column, dtype=np.float64)  # None becomes NaN


def _shares(percentages: tuple[Any, ...]) -> Floats:
    """60 -> 0.6; a missing percentage counts the whole amount (the rule in docs/product.md)."""
    pct = _floats(percentages)
    return np.where(np.isnan(pct), 1.0, pct / 100.0)


def _positions(ids: npt.NDArray[np.int64], project_ids: tuple[Any, ...]) -> Ints:
    return np.searchsorted(ids, np.array(project_ids, dtype=np.int64)).astype(np.int32)


def _days(column: tuple[Any, ...]) -> DayNumbers:
    return np.fromiter(column, dtype=np.int32, count=len(column))


def _per_project(
    ids: npt.NDArray[np.int64], project_ids: tuple[Any, ...], values: tuple[Any, ...], fill: int
) -> DayNumbers:
    """``values`` (one per project id listed) on the project rows; ``fill`` where none."""
    out = np.full(len(ids), fill, dtype=np.int32)
    if project_ids:
        out[_positions(ids, project_ids)] = _days(values)
    return out


def _complete(prow: Ints, share: Floats, columns: dict[str, Coded], n: int) -> Split:
    """Give every project without a row one null row of share 1, then sort by project."""
    missing = np.flatnonzero(np.bincount(prow, minlength=n) == 0).astype(np.int32)
    prow = np.concatenate([prow, missing])
    share = np.concatenate([share, np.ones(len(missing))])
    order = np.argsort(prow, kind="stable")
    null = np.full(len(missing), -1, dtype=np.int32)
    return Split(
        prow=prow[order],
        share=share[order],
        columns={
            k: Coded(np.concatenate([c.codes, null])[order], c.values) for k, c in columns.items()
        },
    )


def build(rows: FactRows) -> Snapshot:
    """Encode the fact rows into a snapshot (pure: no database)."""
    p = rows.projects
    ids = np.array(p["id"], dtype=np.int64)
    n = len(ids)
    recommended = np.array(
        [v is None or bool(v) for v in p["recommended_for_aggregates"]], dtype=bool
    )
    umbrella = np.array([bool(v) for v in p["is_umbrella"]], dtype=bool)
    disbursed = np.full(n, np.nan)
    disbursed_year = np.full(n, np.nan)
    if rows.disbursements["project_id"]:
        at = _positions(ids, rows.disbursements["project_id"])
        disbursed[at] = _floats(rows.disbursements["amount"])
        disbursed_year[at] = _floats(rows.disbursements["base_year"])

    c = rows.countries
    country = _complete(
        _positions(ids, c["project_id"]),
        _shares(c["percentage"]),
        {
            "country": Coded.of(c["iso3"]),
            "region": Coded.of(c["region"]),
            "income": Coded.of(c["income"]),
        },
        n,
    )
    s = rows.sectors
    vocab5 = np.array([v == "1" for v in s["vocabulary"]], dtype=bool)
    codes = np.array(s["code"], dtype=object)
    sector3 = np.where(vocab5, np.array([str(x)[:3] for x in codes], dtype=object), codes)
    sector5 = np.where(vocab5, codes, np.array(None, dtype=object))
    sector = _complete(
        _positions(ids, s["project_id"]),
        _shares(s["percentage"]),
        {"sector": Coded.of(sector3), "sector5": Coded.of(sector5)},
        n,
    )
    f = rows.financiers
    fprow = _positions(ids, f["project_id"])
    # IATI gives funders no percentages, so each of a project's funders takes an equal share.
    per_project = np.bincount(fprow, minlength=n)
    financier = _complete(
        fprow,
        1.0 / np.maximum(per_project[fprow], 1),
        {"financier": Coded.of(f["name"])},
        n,
    )
    corridor_prow, corridor_share, corridor_ids = corridor_rows(
        ids, p["corridor_id"], c, rows.locations, rows.corridor_members
    )
    corridor = _complete(
        corridor_prow, corridor_share, {"corridor": Coded.of(tuple(corridor_ids))}, n
    )
    counted = np.ones(n, dtype=bool)
    if rows.set_aside:
        counted[_positions(ids, rows.set_aside)] = False
    dates = {name: _days(p[name]) for name in DATE_COLUMNS}
    t, m = rows.transactions, rows.milestones
    # NO_DAY is the smallest int32, so an unknown date never wins the maximum.
    last_event = np.maximum.reduce(
        [
            dates["actual_start"],
            dates["actual_end"],
            _per_project(ids, t["project_id"], t["last"], NO_DAY),
            _per_project(ids, m["project_id"], m["last"], NO_DAY),
        ]
    )
    money = rows.money or {name: () for name in MONEY_COLUMNS}
    money_prow = _positions(ids, money["project_id"]) if n else np.empty(0, dtype=np.int32)
    return Snapshot(
        generation=rows.generation,
        project_ids=ids,
        keep_aiddata=recommended & ~umbrella,
        counted=counted,
        synthetic=np.array([bool(v) for v in p["is_synthetic"]], dtype=bool),
        amount_constant=_floats(p["amount_usd_constant"]),
        amount_nominal=_floats(p["amount_usd_nominal"]),
        base_year=_floats(p["amount_base_year"]),
        disbursed=disbursed,
        disbursed_base_year=disbursed_year,
        planned_start=dates["planned_start"],
        actual_start=dates["actual_start"],
        planned_end=dates["planned_end"],
        actual_end=dates["actual_end"],
        last_event=last_event,
        has_commitment=_per_project(ids, t["project_id"], t["committed"], 0).astype(bool),
        project_columns={
            "year": Coded.of(p["commitment_year"]),
            "flow-class": Coded.of(p["flow_class"]),
            "status": Coded.of(p["status"]),
            "corridor": Coded.of(p["corridor_id"]),
            "dataset": Coded.of(p["dataset"]),
            "stage": Coded.of(p["stage"]),
        },
        splits={
            "country": country,
            "sector": sector,
            "financier": financier,
            "corridor": corridor,
        },
        money_prow=money_prow,
        money_type=np.array(money["type"], dtype=np.int32),
        money_day=_days(money["day"]),
        money_value=_floats(money["value"]),
        money_usd=_floats(money["usd"]),
        money_constant=_floats(money["usd_constant"]),
        money_base_year=_floats(money["base_year"]),
        money_currency=Coded.of(money["currency"]),
    )


# --- on disk: one directory of .npy arrays (memory-mapped on load) and a JSON of dictionaries --

_ARRAYS = (
    "project_ids",
    "keep_aiddata",
    "counted",
    "synthetic",
    "amount_constant",
    "amount_nominal",
    "base_year",
    "disbursed",
    "disbursed_base_year",
    *DATE_COLUMNS,
    "last_event",
    "has_commitment",
    "money_prow",
    "money_type",
    "money_day",
    "money_value",
    "money_usd",
    "money_constant",
    "money_base_year",
)


def _directory(root: Path, generation: Generation) -> Path:
    return root / generation.instance_id / f"g{generation.generation}-v{FORMAT_VERSION}"


def save(snapshot: Snapshot, root: Path) -> Path:
    """Write atomically (a temporary directory renamed into place); drop older generations."""
    target = _directory(root, snapshot.generation)
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".building-", dir=target.parent))
    meta: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "columns": {},
        "splits": {},
        "money_currency": list(snapshot.money_currency.values),
    }
    np.save(staging / "money_currency.npy", snapshot.money_currency.codes)
    for name in _ARRAYS:
        np.save(staging / f"{name}.npy", getattr(snapshot, name))
    for name, coded in snapshot.project_columns.items():
        np.save(staging / f"col-{name}.npy", coded.codes)
        meta["columns"][name] = list(coded.values)
    for source, split in snapshot.splits.items():
        np.save(staging / f"{source}-prow.npy", split.prow)
        np.save(staging / f"{source}-share.npy", split.share)
        meta["splits"][source] = {}
        for name, coded in split.columns.items():
            np.save(staging / f"{source}-{name}.npy", coded.codes)
            meta["splits"][source][name] = list(coded.values)
    (staging / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    try:
        os.replace(staging, target)
    except OSError:  # another process won the race with the same content
        shutil.rmtree(staging, ignore_errors=True)
    for old in target.parent.iterdir():
        if old != target and not old.name.startswith(".building-"):
            shutil.rmtree(old, ignore_errors=True)
    _forget_other_databases(root, keep=target.parent)
    return target


#: Snapshots of this many databases are kept in one data dir (a data dir used with several
#: ``--db`` URLs would otherwise collect one snapshot per database ever analysed).
KEEP_DATABASES = 4


def _forget_other_databases(root: Path, keep: Path) -> None:
    """Remove the snapshots of all but the most recently written databases."""
    others = [p for p in root.iterdir() if p.is_dir() and p != keep]
    others.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in others[KEEP_DATABASES - 1 :]:
        shutil.rmtree(stale, ignore_errors=True)


def load(root: Path, generation: Generation) -> Snapshot | None:
    """The saved snapshot of ``generation``, memory-mapped; None if missing or unreadable."""
    directory = _directory(root, generation)
    try:
        meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))

        def arr(name: str) -> Any:
            return np.load(directory / f"{name}.npy", mmap_mode="r")

        return Snapshot(
            generation=generation,
            **{name: arr(name) for name in _ARRAYS},
            money_currency=Coded(arr("money_currency"), tuple(meta["money_currency"])),
            project_columns={
                name: Coded(arr(f"col-{name}"), tuple(values))
                for name, values in meta["columns"].items()
            },
            splits={
                source: Split(
                    prow=arr(f"{source}-prow"),
                    share=arr(f"{source}-share"),
                    columns={
                        name: Coded(arr(f"{source}-{name}"), tuple(values))
                        for name, values in columns.items()
                    },
                )
                for source, columns in meta["splits"].items()
            },
        )
    except (OSError, ValueError, KeyError):
        return None  # missing or half-written by an older beltroad: rebuild


def load_latest(root: Path, generation: Generation) -> Snapshot | None:
    """The newest snapshot saved for ``generation``'s database at or before it, or None."""
    found: list[tuple[int, Generation]] = []
    suffix = f"-v{FORMAT_VERSION}"
    with contextlib.suppress(OSError):
        for entry in (root / generation.instance_id).iterdir():
            name = entry.name
            if name.startswith("g") and name.endswith(suffix) and name[1 : -len(suffix)].isdigit():
                saved = int(name[1 : -len(suffix)])
                if saved <= generation.generation:
                    found.append((saved, Generation(generation.instance_id, saved)))
    for _, older in sorted(found, key=lambda item: item[0], reverse=True):
        snapshot = load(root, older)
        if snapshot is not None:
            return snapshot
    return None


# --- the cache: memory, then disk (patched), then the database -------------------------------


class SnapshotMemory:
    """Snapshots kept in memory, by database; one per workspace, never one per process, so two
    workspaces (or a notebook and its tests) never share or clear each other's."""

    def __init__(self) -> None:
        self._snapshots: dict[str, Snapshot] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> Snapshot | None:
        with self._lock:
            return self._snapshots.get(key)

    def put(self, key: str, snapshot: Snapshot) -> None:
        with self._lock:
            self._snapshots[key] = snapshot

    def clear(self) -> None:
        """Forget every snapshot (what a new process starts with; benchmarks use it)."""
        with self._lock:
            self._snapshots.clear()


#: A snapshot patched for at least this many projects is saved, so that new processes start
#: from it; smaller patches (an edit) are cheaper to repeat than to write a snapshot.
SAVE_AFTER = 1_000


def _save(snapshot: Snapshot, root: Path) -> None:
    # A cache, not a record: an unwritable data dir only costs a rebuild next time.
    with contextlib.suppress(OSError):
        save(snapshot, root)


def patch_limit(snapshot: Snapshot) -> int:
    """Past this many changed projects a rebuild costs less than re-reading them one by one."""
    return max(1_000, len(snapshot) // 5)


def _patched(connection: Any, base: Snapshot) -> tuple[Snapshot, int] | None:
    """``base`` brought up to the database's state, and how many projects it re-read.

    None when the change log cannot say what changed since ``base`` (see
    :func:`beltroad.storage.changes.changed_since`).
    """
    from beltroad.analytics.patch import patch

    changed = changed_since(connection, base.generation, patch_limit(base))
    if changed is None:
        return None
    rows = read_facts(connection, only=changed)
    return patch(base, build(rows), changed, rows.generation), len(changed)


def current(
    connection: Any, *, cache_key: str, root: Path | None, memory: SnapshotMemory
) -> Snapshot:
    """The snapshot of the database's current state: from ``memory``, from ``root``, or rebuilt.

    ``cache_key`` names the database (its URL without password); ``root`` is where snapshots are
    kept between processes (None: memory only, e.g. a read-only data directory). A snapshot of
    an older generation, in memory or on disk, is patched with the projects the database's
    change log names; only a change the log cannot locate costs a rebuild.
    """
    with consistent(connection):  # one state for the stamp, the change log and the facts
        generation = read_generation(connection)
        if not generation.trusted:  # the counter may have missed writes: never cache under it
            return build(read_facts(connection))
        cached = memory.get(cache_key)
        if cached is not None and cached.generation == generation:
            return cached
        patched = None
        if cached is not None and cached.generation.instance_id == generation.instance_id:
            patched = _patched(connection, cached)
        if patched is None and root is not None:
            saved = load_latest(root, generation)
            if saved is not None:
                patched = (saved, 0) if saved.generation == generation else None
                patched = patched or _patched(connection, saved)
        if patched is None:
            snapshot = build(read_facts(connection))
            if root is not None:
                _save(snapshot, root)
        else:
            snapshot, reread = patched
            if root is not None and reread >= SAVE_AFTER:
                # Writing a million-project snapshot takes seconds: not on this request's time.
                # Not a daemon, so a CLI process finishes writing before it exits.
                threading.Thread(
                    target=_save, args=(snapshot, root), name="beltroad-snapshot-save"
                ).start()
    memory.put(cache_key, snapshot)
    return snapshot


__all__ = [
    "NO_DAY",
    "Coded",
    "Snapshot",
    "SnapshotMemory",
    "Split",
    "build",
    "current",
    "load",
    "load_latest",
    "save",
]
