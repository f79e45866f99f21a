"""The write driver: rows handed to the DB-API itself, without SQLAlchemy's per-row processing.

beltroad supports two drivers, sqlite3 and psycopg 3 (``storage.database`` refuses others), so
every statement here is plain SQL with the driver's positional marker: PostgreSQL gets ``COPY``
for inserts, SQLite one ``executemany`` of tuples. Values must then be what SQLAlchemy's type
processing would have handed the driver, which :func:`driver_adapters` gives per column.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Boolean, Connection, Date, Table
from sqlalchemy.exc import DBAPIError

from beltroad.records import OrgRef
from beltroad.storage import models
from beltroad.storage.models import Base, table

CHUNK = 500  # bound IN-lists and statement sizes on both back ends


@dataclass
class WriteCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def written(self) -> int:
        return self.inserted + self.updated

    def add(self, other: WriteCounts) -> None:
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def mark(connection: Connection) -> str:
    """The DB-API's positional parameter marker: ``?`` for sqlite3, ``%s`` for psycopg 3."""
    style = connection.dialect.paramstyle
    if style == "qmark":
        return "?"
    if style in ("format", "pyformat"):
        return "%s"
    raise ValueError(f"unsupported DB-API parameter style {style!r}: use sqlite3 or psycopg 3")


def insert_rows(
    connection: Connection, table: str, names: Sequence[str], rows: Sequence[Sequence[Any]]
) -> int:
    """Insert ``rows`` (tuples in the order of the column ``names``) into ``table``.

    PostgreSQL with psycopg 3 gets ``COPY ... FROM STDIN`` (an order of magnitude faster than
    executemany there); SQLite gets one executemany of plain tuples (no per-row SQLAlchemy
    parameter processing, several times faster than ``connection.execute(table.insert(),
    dicts)``). Values go to the driver as given (see :func:`driver_adapters`).
    """
    if not rows:
        return 0
    dialect = connection.dialect
    quote = dialect.identifier_preparer.quote
    if dialect.name == "postgresql":
        columns = ", ".join(quote(name) for name in names)
        sql = f"COPY {quote(table)} ({columns}) FROM STDIN"
        raw = connection.connection.driver_connection
        assert raw is not None  # an open Connection always has one
        try:
            with raw.cursor() as cursor, cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
        except dialect.loaded_dbapi.Error as exc:
            # What SQLAlchemy raises for the same failure: IntegrityError for a key clash, ...
            raise DBAPIError.instance(sql, None, exc, dialect.loaded_dbapi.Error) from exc
        return len(rows)
    marker = mark(connection)
    if dialect.name == "sqlite":
        names, rows = without_empty_columns(table, names, rows)
    columns = ", ".join(quote(name) for name in names)
    marks = ", ".join(marker for _ in names)
    sql = f"INSERT INTO {quote(table)} ({columns}) VALUES ({marks})"  # noqa: S608 - names are ours
    connection.exec_driver_sql(sql, rows if isinstance(rows, list) else list(rows))
    return len(rows)


def without_empty_columns(
    table: str, names: Sequence[str], rows: Sequence[Sequence[Any]]
) -> tuple[Sequence[str], Sequence[Sequence[Any]]]:
    """``names`` and ``rows`` without the columns that are None in every row and default to
    NULL, which the insert then leaves out: the stored rows are the same. Python 3.11's sqlite3
    binds each None through its adapter registry (~1,200 instructions, against a few for a
    number), and an import's rows are often a third None (no USD values, no stage ...)."""
    target = Base.metadata.tables.get(table)
    if target is None or len(rows) < 2:
        return names, rows
    keep = [
        i
        for i, name in enumerate(names)
        if target.c[name].server_default is not None or any(row[i] is not None for row in rows)
    ]
    if len(keep) == len(names) or not keep:
        return names, rows
    kept = [names[i] for i in keep]
    if len(keep) == 1:  # itemgetter of one index gives the value, not a 1-tuple
        return kept, [(row[keep[0]],) for row in rows]
    pick = itemgetter(*keep)
    return kept, [pick(row) for row in rows]


def sqlite_date(value: Any) -> str | None:
    """What SQLAlchemy's ``Date`` stores on SQLite (and parses back into a ``datetime.date``)."""
    if value is None:
        return None
    if type(value) is dt.date:
        return value.isoformat()  # the same text for years 1 to 9999, and faster
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def sqlite_flag(value: Any) -> int | None:
    """A boolean as the integer SQLite stores for it anyway. Python 3.11's sqlite3 looks a bool
    up as an adaptable type and formats (then discards) an AttributeError for each one bound:
    ~4,000 instructions a value, against a few for an int."""
    return None if value is None else int(value)


def driver_adapters(connection: Connection, target: Table, names: Sequence[str]) -> list[Any]:
    """Per column of ``names``: a function turning a record value into what SQLAlchemy's type
    processing would have handed the driver (``Date`` and ``Boolean`` on SQLite, ``JSON``), or
    None."""
    dialect = connection.dialect
    dumps: Callable[[Any], str] = getattr(dialect, "_json_serializer", None) or json.dumps
    adapters: list[Any] = []
    for name in names:
        kind = target.c[name].type
        if isinstance(kind, JSON):
            # none_as_null is False: SQLAlchemy stores None as JSON null, as this does
            adapters.append(dumps)
        elif isinstance(kind, Date) and dialect.name == "sqlite":
            adapters.append(sqlite_date)
        elif isinstance(kind, Boolean) and dialect.name == "sqlite":
            adapters.append(sqlite_flag)
        else:
            adapters.append(None)
    return adapters


def adapt(rows: list[tuple[Any, ...]], adapters: list[Any]) -> list[tuple[Any, ...]]:
    """``rows`` with the :func:`driver_adapters` applied.

    Column by column: dates and flags are converted once per distinct value (a batch repeats
    them; equal keys such as True and 1 convert alike), JSON once per value, and the rows are
    taken apart and rebuilt by ``zip`` in C.
    """
    if not rows or all(f is None for f in adapters):
        return rows
    columns = list(zip(*rows, strict=True))
    for i, adapt in enumerate(adapters):
        if adapt is None:
            continue
        column = columns[i]
        if adapt is sqlite_date or adapt is sqlite_flag:
            converted = {value: adapt(value) for value in set(column)}
            columns[i] = tuple(map(converted.__getitem__, column))
        else:
            columns[i] = tuple(map(adapt, column))
    return list(zip(*columns, strict=True))


def insert_table(
    connection: Connection, model: Any, names: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    if rows:
        target = table(model)
        rows = adapt(rows, driver_adapters(connection, target, names))
        insert_rows(connection, target.name, names, rows)


def select_in(
    connection: Connection, target: Table, columns: Sequence[str], key: str, values: Sequence[Any]
) -> list[tuple[Any, ...]]:
    """``columns`` of the rows of ``target`` whose ``key`` is one of ``values``, as tuples.

    Plain SQL to the driver: SQLAlchemy would compile each statement once per engine (a few per
    import, ~1 ms each), and a one-off import opens a new engine.
    """
    found: list[tuple[Any, ...]] = []
    marker = mark(connection)
    quote = connection.dialect.identifier_preparer.quote
    for part in chunks(values):
        sql = (
            f"SELECT {', '.join(quote(name) for name in columns)} FROM {quote(target.name)} "  # noqa: S608 - names are ours
            f"WHERE {quote(key)} IN ({', '.join(marker for _ in part)})"
        )
        found += connection.exec_driver_sql(sql, tuple(part)).fetchall()
    return found


_ORGANISATION = (
    "key",
    "ref",
    "name",
    "name_zh",
    "org_type",
    "country_iso3",
    "is_international",
    "dataset",
    "is_synthetic",
)


def upsert_organisations(
    connection: Connection, orgs: Iterable[OrgRef], *, dataset: str
) -> dict[str, int]:
    """Insert organisations not yet known (matched on ``OrgRef.key``); return key -> id."""
    unique: dict[str, OrgRef] = {}
    for org in orgs:
        unique.setdefault(org.key, org)
    rows = [
        (
            key,
            org.ref,
            org.name[:256],
            org.name_zh,
            org.org_type,
            org.country_iso3,
            org.is_international,
            dataset,
            False,
        )
        for key, org in unique.items()
    ]
    organisation = table(models.Organisation)
    if rows:
        # ON CONFLICT ... DO NOTHING is the same SQL on SQLite and PostgreSQL; plain SQL saves
        # compiling it (no value here needs SQLAlchemy's type processing).
        marker = mark(connection)
        quote = connection.dialect.identifier_preparer.quote
        sql = (
            f"INSERT INTO {quote(organisation.name)} "  # noqa: S608 - names are ours
            f"({', '.join(quote(name) for name in _ORGANISATION)}) "
            f"VALUES ({', '.join(marker for _ in _ORGANISATION)}) "
            f"ON CONFLICT ({quote('key')}) DO NOTHING"
        )
        connection.exec_driver_sql(sql, rows)
    found = select_in(connection, organisation, ("key", "id"), "key", list(unique))
    return {key: int(id_) for key, id_ in found}
