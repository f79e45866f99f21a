"""The rows the analytics snapshot is built from, read column-wise in one consistent transaction.

Plain SQL through the driver (``exec_driver_sql``): a million projects come back as tuples in about
a second, several times faster than through SQLAlchemy's result processing. Only the columns the
analytics need are read, so the wide ``projects`` rows (titles, descriptions, JSON) stay on disk.
Dates come back as whole days since 1970 computed by the database (:data:`NO_DAY` when unknown),
so no date is ever parsed in Python.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from beltroad.reference.iati import ParticipationRole, TransactionType
from beltroad.storage.generation import Generation, current

DISBURSEMENT = int(TransactionType.DISBURSEMENT)
EXPENDITURE = int(TransactionType.EXPENDITURE)
COMMITMENT = int(TransactionType.OUTGOING_COMMITMENT)
#: An unknown date among the day numbers: the smallest int32, so it never wins a maximum.
NO_DAY = -(2**31)
FUNDING = ParticipationRole.FUNDING.value
#: IATI sector vocabularies the sector dimensions read: 1 is DAC 5-digit, 2 is DAC 3-digit.
SECTOR_VOCABULARIES = ("1", "2")

PROJECT_COLUMNS: tuple[str, ...] = (
    "id",
    "recommended_for_aggregates",
    "is_umbrella",
    "commitment_year",
    "flow_class",
    "status",
    "corridor_id",
    "dataset",
    "amount_usd_constant",
    "amount_usd_nominal",
    "amount_base_year",
    "is_synthetic",
    "stage",
)
MONEY_COLUMNS: tuple[str, ...] = (
    "project_id",
    "type",
    "currency",
    "value",
    "usd",
    "usd_constant",
    "base_year",
    "day",
)
#: Project dates, read as day numbers (see :func:`_day`).
DATE_COLUMNS: tuple[str, ...] = ("planned_start", "actual_start", "planned_end", "actual_end")


@dataclass(frozen=True)
class FactRows:
    """Column lists (one tuple a column) of each fact query, and the generation they were read at.

    ``projects`` is ordered by id; every other table refers to projects by ``project_id``.
    """

    generation: Generation
    projects: dict[str, tuple[Any, ...]]
    disbursements: dict[str, tuple[Any, ...]]  # project_id, amount, base_year
    countries: dict[str, tuple[Any, ...]]  # project_id, iso3, region, income, percentage
    sectors: dict[str, tuple[Any, ...]]  # project_id, vocabulary, code, percentage
    financiers: dict[str, tuple[Any, ...]]  # project_id, name
    transactions: dict[str, tuple[Any, ...]]  # project_id, last (day), committed (0/1)
    milestones: dict[str, tuple[Any, ...]]  # project_id, last (day reached)
    # Issue #11: the records set aside as duplicates (project ids), the projects' located
    # points and the corridor membership table, for the "counted" mask and the corridor split.
    set_aside: tuple[int, ...] = ()
    locations: dict[str, tuple[Any, ...]] = field(default_factory=dict)  # project_id, lat, lon
    corridor_members: dict[str, tuple[Any, ...]] = field(default_factory=dict)  # iso3, corridor_id
    #: Commitment, disbursement and expenditure transactions with their own currency, value and
    #: day, for conversion at the value's date (see :data:`MONEY_COLUMNS`).
    money: dict[str, tuple[Any, ...]] = field(default_factory=dict)


def _columns(
    connection: Connection, sql: str, names: tuple[str, ...]
) -> dict[str, tuple[Any, ...]]:
    # The DB-API cursor of the same connection (so the same transaction): SQLAlchemy's Row
    # objects would triple the time of a million-row read.
    raw = connection.connection.dbapi_connection
    assert raw is not None  # an open Connection always has one
    cursor = raw.cursor()
    collecting = gc.isenabled()
    gc.disable()  # millions of new tuples would set off the cycle collector again and again
    try:
        cursor.execute(sql)
        rows = cursor.fetchall()
        if not rows:
            return {name: () for name in names}
        return dict(zip(names, zip(*rows, strict=True), strict=True))
    finally:
        cursor.close()
        if collecting:
            gc.enable()


def _day(dialect: str, column: str) -> str:
    """SQL for ``column`` (a date) as whole days since 1970-01-01, NULL when unknown."""
    if dialect == "sqlite":  # dates are ISO text; julianday() of a date is exact (noon - 0.5)
        return f"CAST(julianday({column}) - 2440587.5 AS INTEGER)"
    return f"({column} - DATE '1970-01-01')"


def _known_day(dialect: str, column: str) -> str:
    # NO_DAY written as arithmetic so that PostgreSQL keeps an integer (not a bigint) result.
    return f"COALESCE({_day(dialect, column)}, {NO_DAY + 1} - 1)"


@contextmanager
def consistent(connection: Connection) -> Iterator[None]:
    """One snapshot of the database for every query in the block: a repeatable-read transaction.

    On SQLite (WAL) a read transaction sees one state; on PostgreSQL it is REPEATABLE READ. Inside
    a transaction already begun this adds nothing.
    """
    if connection.in_transaction():
        yield
        return
    if connection.dialect.name == "postgresql":
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
    with connection.begin():
        yield


def _among(column: str, only: Sequence[int] | None) -> str:
    """A condition keeping the rows of the projects ``only`` (all rows when None)."""
    if only is None:
        return "1 = 1"
    if not only:
        return "1 = 0"
    return f"{column} IN ({', '.join(str(int(i)) for i in only)})"  # ints, not input


def read_facts(connection: Connection, only: Sequence[int] | None = None) -> FactRows:
    """Everything the analytics snapshot needs, as of one committed state of the database.

    On SQLite (WAL) a read transaction sees one state; on PostgreSQL the transaction is
    REPEATABLE READ, so a concurrent import cannot land between two of these queries.
    ``only`` limits the read to those projects (the ones a snapshot patch re-reads): each query
    then goes through its table's project index, never through the whole table.
    """
    dialect = connection.dialect.name
    dates = ", ".join(_known_day(dialect, c) for c in DATE_COLUMNS)
    with consistent(connection):
        generation = current(connection)
        projects = _columns(
            connection,
            f"SELECT {', '.join(PROJECT_COLUMNS)}, {dates} FROM projects "  # noqa: S608
            f"WHERE {_among('id', only)} ORDER BY id",
            PROJECT_COLUMNS + DATE_COLUMNS,
        )
        countries = _columns(
            connection,
            "SELECT pc.project_id, pc.iso3, c.region, c.income_group, pc.percentage "  # noqa: S608
            "FROM project_countries pc LEFT JOIN countries c ON c.iso3 = pc.iso3 "
            f"WHERE {_among('pc.project_id', only)}",
            ("project_id", "iso3", "region", "income", "percentage"),
        )
        sectors = _columns(
            connection,
            "SELECT project_id, vocabulary, code, percentage FROM project_sectors "  # noqa: S608
            f"WHERE vocabulary IN ('1', '2') AND {_among('project_id', only)}",
            ("project_id", "vocabulary", "code", "percentage"),
        )
        financiers = _columns(
            connection,
            "SELECT p.project_id, o.name FROM participations p "  # noqa: S608
            "JOIN organisations o ON o.id = p.organisation_id "
            f"WHERE p.role = '{FUNDING}' AND {_among('p.project_id', only)}",  # constants
            ("project_id", "name"),
        )
        # One pass over the transactions for both the disbursement sums and the funnel's
        # progress facts (latest dated transaction, any commitment). The sums add the same rows
        # in the same order as a separate WHERE type = 3 query would (both scan by project).
        per_project = _columns(
            connection,
            f"SELECT project_id, SUM(CASE WHEN type = {DISBURSEMENT} THEN usd_constant END), "  # noqa: S608
            f"MAX(CASE WHEN type = {DISBURSEMENT} THEN base_year END), "
            f"{_known_day(dialect, 'MAX(date)')}, "
            f"MAX(CASE WHEN type = {COMMITMENT} THEN 1 ELSE 0 END) "  # constants, not input
            f"FROM transactions WHERE {_among('project_id', only)} GROUP BY project_id",
            ("project_id", "amount", "base_year", "last", "committed"),
        )
        disbursements = {k: per_project[k] for k in ("project_id", "amount", "base_year")}
        transactions = {k: per_project[k] for k in ("project_id", "last", "committed")}
        milestones = _columns(
            connection,
            f"SELECT project_id, {_known_day(dialect, 'MAX(actual_on)')} "  # noqa: S608
            f"FROM milestones WHERE actual_on IS NOT NULL AND {_among('project_id', only)} "
            "GROUP BY project_id",
            ("project_id", "last"),
        )
        set_aside = _columns(
            connection,
            "SELECT DISTINCT project_id FROM record_links "  # noqa: S608
            f"WHERE status = 'set_aside' AND {_among('project_id', only)}",
            ("project_id",),
        )["project_id"]
        locations = _columns(
            connection,
            "SELECT project_id, lat, lon FROM locations "  # noqa: S608
            f"WHERE lat IS NOT NULL AND lon IS NOT NULL AND {_among('project_id', only)}",
            ("project_id", "lat", "lon"),
        )
        corridor_members = _columns(
            connection,
            "SELECT iso3, corridor_id FROM corridor_countries ORDER BY iso3, corridor_id",
            ("iso3", "corridor_id"),
        )
        money = _columns(
            connection,
            "SELECT project_id, type, currency, value, usd_nominal, usd_constant, base_year, "  # noqa: S608
            f"{_known_day(dialect, 'COALESCE(value_date, date)')} FROM transactions "
            f"WHERE type IN ({COMMITMENT}, {DISBURSEMENT}, {EXPENDITURE}) "  # constants
            f"AND {_among('project_id', only)} "
            "ORDER BY project_id, id",
            MONEY_COLUMNS,
        )
    return FactRows(
        generation,
        projects,
        disbursements,
        countries,
        sectors,
        financiers,
        transactions,
        milestones,
        set_aside=tuple(set_aside),
        locations=locations,
        corridor_members=corridor_members,
        money=money,
    )


def read_generation(connection: Connection) -> Generation:
    """The database's change counter alone: is a snapshot still current?"""
    return current(connection)
