"""The project facts behind ``beltroad funnel``, read column-wise into numpy arrays.

Three plain SQL queries through the driver's own cursor (SQLAlchemy's Row objects, and a Python
object per project, cost seconds at a million projects): the projects counted, and per project
the latest transaction date, whether a commitment was made, and the latest milestone reached.
Dates come back as whole days since 1970 computed by the database, so no date is ever parsed in
Python; an unknown date is ``NaT``. Identifiers and titles, the only wide columns, are read
later and only for the few projects a report lists (:func:`project_labels`).
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, cast

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Connection, exists, select

from beltroad.reference.iati import TransactionType
from beltroad.storage import models

COMMITMENT = int(TransactionType.OUTGOING_COMMITMENT)
#: An unknown date: the integer behind ``NaT`` in ``datetime64[D]``.
NO_DAY = int(np.iinfo(np.int64).min)
_LABEL_BATCH = 500  # ids per ``IN (...)``, well under every back end's parameter limit

_PROJECTS = np.dtype(
    [
        ("key", np.int64),
        ("stage", np.int8),
        ("status", np.int8),
        ("planned_start", np.int64),
        ("actual_start", np.int64),
        ("planned_end", np.int64),
        ("actual_end", np.int64),
        ("amount", np.float64),
    ]
)
_TRANSACTIONS = np.dtype([("key", np.int64), ("last", np.int64), ("committed", np.bool_)])
_MILESTONES = np.dtype([("key", np.int64), ("last", np.int64)])


def _day(dialect: str, column: str) -> str:
    """SQL for ``column`` (a date) as whole days since 1970-01-01, NULL when unknown."""
    if dialect == "sqlite":  # dates are ISO text; julianday() of a date is exact (noon - 0.5)
        return f"CAST(julianday({column}) - 2440587.5 AS INTEGER)"
    return f"({column} - DATE '1970-01-01')"


def _known(dialect: str, column: str) -> str:
    # NO_DAY written as arithmetic: the literal 9223372036854775808 alone would be a PostgreSQL
    # numeric, and COALESCE would then return numerics.
    return f"COALESCE({_day(dialect, column)}, {NO_DAY + 1} - 1)"


def _stage_codes(stages: Sequence[str]) -> str:
    for stage in stages:  # inlined into SQL, so only plain names
        if not stage.isidentifier():
            raise ValueError(f"not a stage name: {stage!r}")
    whens = " ".join(f"WHEN '{stage}' THEN {i}" for i, stage in enumerate(stages))
    return f"CASE stage {whens} ELSE -1 END"


def _read(connection: Connection, sql: str, dtype: np.dtype[Any]) -> NDArray[Any]:
    # The DB-API cursor of the same connection (so the same transaction); numpy takes each row
    # tuple as it comes, so no list of a million tuples is ever held.
    raw = connection.connection.dbapi_connection
    assert raw is not None  # an open Connection always has one
    cursor = raw.cursor()
    collecting = gc.isenabled()
    gc.disable()  # a million short-lived tuples would set off the cycle collector again and again
    try:
        cursor.execute(sql)
        # Every DB-API cursor iterates over its rows, though SQLAlchemy's protocol omits it.
        return np.fromiter(cast("Iterable[Any]", cursor), dtype=dtype)
    finally:
        cursor.close()
        if collecting:
            gc.enable()


@contextmanager
def snapshot(connection: Connection) -> Iterator[None]:
    """One committed state of the database for every query in the block.

    On SQLite (WAL) a read transaction sees one state; on PostgreSQL it is REPEATABLE READ, so an
    import landing between the queries (or before the labels are read) cannot skew the result.
    """
    if connection.in_transaction():
        yield
        return
    if connection.dialect.name == "postgresql":
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
    with connection.begin():
        yield


def funnel_columns(
    connection: Connection, *, stages: Sequence[str], rule: str = "aiddata"
) -> dict[str, NDArray[Any]]:
    """Per project counted under ``rule`` (``aiddata`` or ``all``), in id order, the columns of
    :class:`beltroad.engines.funnel.FunnelColumns`: ``stage`` as an index into ``stages`` (-1
    when none), ``status`` 0 when unknown, ``amount`` (constant USD) 0.0 when unknown, dates as
    ``datetime64[D]`` with NaT when unknown, and ``last_event`` the latest of the actual start
    and end, the latest dated transaction and the latest milestone reached.

    Id order is the order the projects table is stored in, which makes amount totals the same
    floats on every run and back end.
    """
    dialect = connection.dialect.name
    where = (
        " WHERE recommended_for_aggregates IS NOT FALSE AND is_umbrella IS FALSE"
        if rule == "aiddata"
        else ""
    )
    projects = _read(
        connection,
        f"SELECT id, {_stage_codes(stages)}, COALESCE(status, 0), "  # noqa: S608 (no input)
        + ", ".join(
            _known(dialect, c)
            for c in ("planned_start", "actual_start", "planned_end", "actual_end")
        )
        + f", COALESCE(amount_usd_constant, 0.0) FROM projects{where} ORDER BY id",
        _PROJECTS,
    )
    committed = f"MAX(CASE WHEN type = {COMMITMENT} THEN 1 ELSE 0 END)"  # a constant, not input
    transactions = _read(
        connection,
        f"SELECT project_id, {_known(dialect, 'MAX(date)')}, {committed} "  # noqa: S608
        "FROM transactions GROUP BY project_id",
        _TRANSACTIONS,
    )
    milestones = _read(
        connection,
        f"SELECT project_id, {_day(dialect, 'MAX(actual_on)')} FROM milestones "  # noqa: S608
        "WHERE actual_on IS NOT NULL GROUP BY project_id",
        _MILESTONES,
    )
    keys = projects["key"]
    has_commitment = np.zeros(len(keys), dtype=np.bool_)
    last_transaction = np.full(len(keys), NO_DAY, dtype=np.int64)
    last_milestone = np.full(len(keys), NO_DAY, dtype=np.int64)
    at, found = _positions(keys, transactions["key"])
    has_commitment[at] = transactions["committed"][found]
    last_transaction[at] = transactions["last"][found]
    at, found = _positions(keys, milestones["key"])
    last_milestone[at] = milestones["last"][found]
    # NO_DAY is the smallest int64, so an unknown date never wins the maximum.
    last_event = np.maximum.reduce(
        [projects["actual_start"], projects["actual_end"], last_transaction, last_milestone]
    )

    def days(values: NDArray[np.int64]) -> NDArray[np.datetime64]:
        return np.ascontiguousarray(values).view("datetime64[D]")  # NO_DAY is NaT

    return {
        "key": np.ascontiguousarray(keys),
        "stage": np.ascontiguousarray(projects["stage"]),
        "status": np.ascontiguousarray(projects["status"]),
        "planned_start": days(projects["planned_start"]),
        "actual_start": days(projects["actual_start"]),
        "planned_end": days(projects["planned_end"]),
        "actual_end": days(projects["actual_end"]),
        "amount": np.ascontiguousarray(projects["amount"]),
        "has_commitment": has_commitment,
        "last_event": days(last_event),
    }


def _positions(
    keys: NDArray[np.int64], wanted: NDArray[np.int64]
) -> tuple[NDArray[np.intp], NDArray[np.bool_]]:
    """Where each of ``wanted`` sits in the sorted ``keys``, for those that are there."""
    at = np.searchsorted(keys, wanted)
    found = at < len(keys)
    found[found] = keys[at[found]] == wanted[found]
    return at[found], found


def project_labels(connection: Connection, keys: Sequence[int]) -> dict[int, tuple[str, str]]:
    """Identifier and title of the projects with these ids."""
    p = models.Project
    labels: dict[int, tuple[str, str]] = {}
    unique = sorted(set(keys))
    for start in range(0, len(unique), _LABEL_BATCH):
        batch = unique[start : start + _LABEL_BATCH]
        rows = connection.execute(select(p.id, p.identifier, p.title).where(p.id.in_(batch)))
        labels.update((key, (identifier, title)) for key, identifier, title in rows)
    return labels


def any_synthetic(connection: Connection) -> bool:
    """Whether any project is synthetic: stops at the first one, where counting them (and the
    synthetic transactions) reads every row."""
    query = select(exists().where(models.Project.is_synthetic.is_(True)))
    return bool(connection.execute(query).scalar_one())
