"""Write typed records into the registry: upserts keyed on dataset + source id.

A re-import of the same records changes nothing: each project carries a hash of its content, and a
project whose hash is unchanged is not touched (its children keep their ids).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import marshal
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from operator import attrgetter, itemgetter
from typing import Any

import orjson
from sqlalchemy import JSON, Boolean, Connection, Date, Table, bindparam, delete, select, update
from sqlalchemy.exc import DBAPIError

from beltroad.records import (
    CountryProfileRecord,
    IndicatorRecord,
    LoanTermsRecord,
    LocationRecord,
    OrgRef,
    PartnershipRecord,
    PortRecord,
    ProjectRecord,
)
from beltroad.storage import models
from beltroad.storage.models import Base, table
from beltroad.storage.upsert import upsert

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


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def driver_level(connection: Connection) -> bool:
    """Whether :func:`insert_rows` hands rows to the DB-API itself, without SQLAlchemy's type
    processing (then dates and JSON must be passed as the driver stores them)."""
    dialect = connection.dialect
    return (dialect.name == "postgresql" and dialect.driver == "psycopg") or (
        dialect.paramstyle in ("qmark", "format", "pyformat")
    )


def insert_rows(
    connection: Connection, table: str, names: Sequence[str], rows: Sequence[Sequence[Any]]
) -> int:
    """Insert ``rows`` (tuples in the order of the column ``names``) into ``table``.

    PostgreSQL with psycopg 3 gets ``COPY ... FROM STDIN`` (an order of magnitude faster than
    executemany there); other DB-APIs get one executemany of plain tuples (no per-row
    SQLAlchemy parameter processing, several times faster than ``connection.execute(
    table.insert(), dicts)``); anything else falls back to SQLAlchemy Core. Values go to the
    driver as given (see :func:`driver_level` and :func:`driver_adapters`).
    """
    if not rows:
        return 0
    dialect = connection.dialect
    quote = dialect.identifier_preparer.quote
    columns = ", ".join(quote(name) for name in names)
    if dialect.name == "postgresql" and dialect.driver == "psycopg":
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
    if dialect.paramstyle == "qmark":
        mark = "?"
    elif dialect.paramstyle in ("format", "pyformat"):
        mark = "%s"
    else:
        target = Base.metadata.tables[table]
        connection.execute(target.insert(), [dict(zip(names, r)) for r in rows])  # noqa: B905
        return len(rows)
    if dialect.name == "sqlite":
        names, rows = _without_empty_columns(table, names, rows)
        columns = ", ".join(quote(name) for name in names)
    marks = ", ".join(mark for _ in names)
    sql = f"INSERT INTO {quote(table)} ({columns}) VALUES ({marks})"  # noqa: S608 - names are ours
    connection.exec_driver_sql(sql, rows if isinstance(rows, list) else list(rows))
    return len(rows)


def _without_empty_columns(
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


def _sqlite_date(value: Any) -> str | None:
    """What SQLAlchemy's ``Date`` stores on SQLite (and parses back into a ``datetime.date``)."""
    if value is None:
        return None
    if type(value) is dt.date:
        return value.isoformat()  # the same text for years 1 to 9999, and faster
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def _sqlite_flag(value: Any) -> int | None:
    """A boolean as the integer SQLite stores for it anyway. Python 3.11's sqlite3 looks a bool
    up as an adaptable type and formats (then discards) an AttributeError for each one bound:
    ~4,000 instructions a value, against a few for an int."""
    return None if value is None else int(value)


def driver_adapters(connection: Connection, target: Table, names: Sequence[str]) -> list[Any]:
    """Per column of ``names``: a function turning a record value into what SQLAlchemy's type
    processing would have handed the driver (``Date`` and ``Boolean`` on SQLite, ``JSON``), or
    None."""
    if not driver_level(connection):
        return [None] * len(names)
    dialect = connection.dialect
    dumps: Callable[[Any], str] = getattr(dialect, "_json_serializer", None) or json.dumps
    adapters: list[Any] = []
    for name in names:
        kind = target.c[name].type
        if isinstance(kind, JSON):
            # none_as_null is False: SQLAlchemy stores None as JSON null, as this does
            adapters.append(dumps)
        elif isinstance(kind, Date) and dialect.name == "sqlite":
            adapters.append(_sqlite_date)
        elif isinstance(kind, Boolean) and dialect.name == "sqlite":
            adapters.append(_sqlite_flag)
        else:
            adapters.append(None)
    return adapters


def _adapt(rows: list[tuple[Any, ...]], adapters: list[Any]) -> list[tuple[Any, ...]]:
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
        if adapt is _sqlite_date or adapt is _sqlite_flag:
            converted = {value: adapt(value) for value in set(column)}
            columns[i] = tuple(map(converted.__getitem__, column))
        else:
            columns[i] = tuple(map(adapt, column))
    return list(zip(*columns, strict=True))


def _insert_table(
    connection: Connection, model: Any, names: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    if rows:
        target = table(model)
        rows = _adapt(rows, driver_adapters(connection, target, names))
        insert_rows(connection, target.name, names, rows)


def _mark(connection: Connection) -> str | None:
    """The DB-API's positional parameter marker, or None when SQLAlchemy Core must bind."""
    style = connection.dialect.paramstyle
    return "?" if style == "qmark" else "%s" if style in ("format", "pyformat") else None


def select_in(
    connection: Connection, target: Table, columns: Sequence[str], key: str, values: Sequence[Any]
) -> list[tuple[Any, ...]]:
    """``columns`` of the rows of ``target`` whose ``key`` is one of ``values``, as tuples.

    Plain SQL to the driver where it can take it: SQLAlchemy would compile each statement once
    per engine (a few per import, ~1 ms each), and a one-off import opens a new engine.
    """
    found: list[tuple[Any, ...]] = []
    mark = _mark(connection)
    quote = connection.dialect.identifier_preparer.quote
    for part in _chunks(values):
        if mark is None:
            query = select(*(target.c[name] for name in columns)).where(target.c[key].in_(part))
            found += [tuple(row) for row in connection.execute(query)]
            continue
        sql = (
            f"SELECT {', '.join(quote(name) for name in columns)} FROM {quote(target.name)} "  # noqa: S608 - names are ours
            f"WHERE {quote(key)} IN ({', '.join(mark for _ in part)})"
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
    mark = _mark(connection)
    if mark is None:
        for part in _chunks(rows):
            records = [dict(zip(_ORGANISATION, row, strict=True)) for row in part]
            upsert(connection, organisation, records, ["key"], update=False)
    elif rows:
        # ON CONFLICT ... DO NOTHING is the same SQL on SQLite and PostgreSQL; plain SQL saves
        # compiling it (no value here needs SQLAlchemy's type processing).
        quote = connection.dialect.identifier_preparer.quote
        sql = (
            f"INSERT INTO {quote(organisation.name)} "  # noqa: S608 - names are ours
            f"({', '.join(quote(name) for name in _ORGANISATION)}) "
            f"VALUES ({', '.join(mark for _ in _ORGANISATION)}) "
            f"ON CONFLICT ({quote('key')}) DO NOTHING"
        )
        connection.exec_driver_sql(sql, rows)
    found = select_in(connection, organisation, ("key", "id"), "key", list(unique))
    return {key: int(id_) for key, id_ in found}


# The project columns an import writes, in the order of :func:`_project_values`; the content hash
# goes last. ``id`` is the database's and ``parent_id`` is set by :func:`link_parents`.
_PROJECT = (
    "identifier",
    "title",
    "description",
    "status",
    "stage",
    "planned_start",
    "actual_start",
    "planned_end",
    "actual_end",
    "commitment_year",
    "flow_class",
    "flow_type",
    "finance_type",
    "aid_type",
    "amount_currency",
    "amount_original",
    "amount_usd_nominal",
    "amount_usd_constant",
    "amount_base_year",
    "corridor_id",
    "is_flagship",
    "is_umbrella",
    "parent_identifier",
    "extras",
    "dataset",
    "source_record_id",
    "recommended_for_aggregates",
    "quality",
    "is_synthetic",
)
_PROJECT_COLUMNS = (*_PROJECT, "content_hash")
_COUNTRY = ("project_id", "iso3", "percentage")
_SPLIT = ("project_id", "vocabulary", "code", "percentage")  # project_regions, project_sectors
_PARTICIPATION = ("project_id", "organisation_id", "role")
_TRANSACTION = (
    "project_id",
    "type",
    "date",
    "currency",
    "value",
    "usd_nominal",
    "usd_constant",
    "base_year",
    "provider_org_id",
    "receiver_org_id",
    "is_synthetic",
    "value_date",
)
# Every field of the record is a column (a field added to the record is stored and hashed too).
_LOAN = ("project_id", *(f.name for f in fields(LoanTermsRecord)))
_LOCATION = ("project_id", *(f.name for f in fields(LocationRecord)))
_loan_values = attrgetter(*_LOAN[1:])
_location_values = attrgetter(*_LOCATION[1:])


def _project_values(record: ProjectRecord) -> tuple[Any, ...]:
    """The ``projects`` row of ``record`` in :data:`_PROJECT` order, as Python values."""
    amount = record.amount
    p = record.provenance
    if amount is None:
        currency = original = usd_nominal = usd_constant = base_year = None
    else:
        currency, original = amount.currency, amount.original
        usd_nominal, usd_constant = amount.usd_nominal, amount.usd_constant
        base_year = amount.base_year
    return (
        record.identifier,
        record.title,
        record.description,
        record.status,
        record.stage,
        record.planned_start,
        record.actual_start,
        record.planned_end,
        record.actual_end,
        record.commitment_year,
        record.flow_class,
        record.flow_type,
        record.finance_type,
        record.aid_type,
        currency,
        original,
        usd_nominal,
        usd_constant,
        base_year,
        record.corridor_id,
        False,  # is_flagship: a curated flag, never set by an import
        record.is_umbrella,
        record.parent_identifier,
        record.extras or None,
        p.dataset,
        p.source_record_id,
        p.recommended_for_aggregates,
        p.quality,
        p.is_synthetic,
    )


def _project_row(record: ProjectRecord, digest: str) -> dict[str, Any]:
    """The ``projects`` row of ``record`` as a dict (for SQLAlchemy Core and the tests)."""
    return dict(zip(_PROJECT_COLUMNS, (*_project_values(record), digest), strict=True))


@dataclass
class _Children:
    """The child rows of one project without its id; organisations by key, not yet by id."""

    countries: list[tuple[Any, ...]]
    regions: list[tuple[Any, ...]]
    sectors: list[tuple[Any, ...]]
    participations: list[tuple[str, str]]
    transactions: list[tuple[Any, ...]]
    loan: tuple[Any, ...] | None
    locations: list[tuple[Any, ...]]

    def content(self) -> tuple[Any, ...]:
        return (
            self.countries,
            self.regions,
            self.sectors,
            self.participations,
            self.transactions,
            self.loan,
            self.locations,
        )


def _children(record: ProjectRecord) -> _Children:
    """What :func:`write_projects` stores under a project: repeated splits summed, repeated
    participations once, in record order; transaction dates as day numbers (what the content
    hash encodes; :func:`_write_children` turns them into what the driver stores)."""
    countries: list[tuple[Any, ...]] = []
    if len(record.countries) == 1:  # the usual case: nothing to sum
        only = record.countries[0]
        countries = [(only.iso3, only.percentage)]
    elif record.countries:
        split: dict[str, float] = {}
        for c in record.countries:
            split[c.iso3] = split.get(c.iso3, 0.0) + c.percentage
        countries = list(split.items())
    regions: list[tuple[Any, ...]] = []
    if record.regions:
        region_split: dict[tuple[str, str], float] = {}
        for g in record.regions:
            key = (g.vocabulary, g.code)
            region_split[key] = region_split.get(key, 0.0) + g.percentage
        regions = [(v, c, pct) for (v, c), pct in region_split.items()]
    sectors: list[tuple[Any, ...]] = []
    if len(record.sectors) == 1:
        one = record.sectors[0]
        sectors = [(one.vocabulary, one.code, one.percentage)]
    elif record.sectors:
        sector_split: dict[tuple[str, str], float] = {}
        for s in record.sectors:
            key = (s.vocabulary, s.code)
            sector_split[key] = sector_split.get(key, 0.0) + s.percentage
        sectors = [(v, c, pct) for (v, c), pct in sector_split.items()]
    participations: list[tuple[str, str]] = []
    if record.participations:
        seen: set[tuple[str, str]] = set()
        for p in record.participations:
            pair = (p.org.key, p.role)
            if pair not in seen:
                seen.add(pair)
                participations.append(pair)
    transactions: list[tuple[Any, ...]] = []
    synthetic = record.provenance.is_synthetic
    for t in record.transactions:
        money = t.money
        row: tuple[Any, ...] = (
            t.type,
            None if t.date is None else t.date.toordinal(),  # the day number: see _digest
            money.currency,
            money.original,
            money.usd_nominal,
            money.usd_constant,
            money.base_year,
            t.provider.key if t.provider else None,
            t.receiver.key if t.receiver else None,
            synthetic,
        )
        if t.value_date is not None and t.value_date != t.date:
            # Only then: rows without one keep the content (and hash) they always had.
            row = (*row, t.value_date.toordinal())
        transactions.append(row)
    loan = None if record.loan_terms is None else _loan_values(record.loan_terms)
    locations = [_location_values(loc) for loc in record.locations]
    return _Children(countries, regions, sectors, participations, transactions, loan, locations)


HASH_VERSION = "v3"
_PROJECT_DATES = tuple(
    i
    for i, name in enumerate(_PROJECT)
    if name in ("planned_start", "actual_start", "planned_end", "actual_end")
)
_HASHED_JSON = orjson.OPT_NON_STR_KEYS | orjson.OPT_SORT_KEYS


def _day(value: dt.date | None) -> int | None:
    return None if value is None else value.toordinal()


def _date(day: int | None) -> dt.date | None:
    return None if day is None else dt.date.fromordinal(day)


def _digest(values: tuple[Any, ...], children: _Children) -> str:
    """``v3:`` and the first 128 bits of the SHA-256 of the stored content as compact JSON.

    orjson encodes the rows in C (dates as ISO text, dict keys sorted, so equal content gives
    equal bytes whatever objects hold it) at a third of marshal's cost on freshly read records,
    and SHA-256 runs on the CPU's SHA extensions where there are some. A value orjson refuses
    (an integer beyond 64 bits) falls back to the rows' repr.
    """
    payload = (
        values,
        children.countries,
        children.regions,
        children.sectors,
        children.participations,
        children.transactions,  # dates as day numbers
        children.loan,
        children.locations,
    )
    try:
        encoded = orjson.dumps(payload, option=_HASHED_JSON)
    except orjson.JSONEncodeError:
        encoded = repr(payload).encode("utf-8")
    return f"{HASH_VERSION}:{hashlib.sha256(encoded).hexdigest()[:32]}"


def _digest_v2(values: tuple[Any, ...], children: _Children) -> str:
    """The hash written before ``v3``: BLAKE2b-128 of the content as marshal (format 2)."""
    try:
        plain = list(values)
        for i in _PROJECT_DATES:
            plain[i] = _day(plain[i])
        encoded = marshal.dumps(
            (
                plain,
                children.countries,
                children.regions,
                children.sectors,
                children.participations,
                children.transactions,  # their dates are day numbers already
                children.loan,
                children.locations,
            ),
            2,
        )
    except ValueError:  # a value marshal cannot encode (e.g. a date in extras): its repr
        content = list(children.content())
        content[4] = [(t[0], _date(t[1]), *t[2:]) for t in children.transactions]
        encoded = repr((values, tuple(content))).encode("utf-8")
    return f"v2:{hashlib.blake2b(encoded, digest_size=16).hexdigest()}"


def content_hash(record: ProjectRecord) -> str:
    """A fingerprint of what :func:`write_projects` stores for ``record``: its ``projects`` row
    and child rows (organisations by key). Equal stored content gives an equal hash, so a
    re-import of an unchanged project touches nothing.

    >>> from beltroad.records import Provenance
    >>> content_hash(ProjectRecord("XM-1", "A road", Provenance("demo")))[:3]
    'v3:'
    """
    return _digest(_project_values(record), _children(record))


def legacy_content_hash(record: object) -> str:
    """The hash written before ``v2``: SHA-256 of the record's repr.

    Databases written by earlier versions hold it (or a ``v2:`` one); :func:`write_projects`
    still recognises both, so re-importing unchanged records there rewrites nothing either.
    """
    return hashlib.sha256(repr(record).encode("utf-8")).hexdigest()


def _unchanged(stored: str | None, digest: str, record: ProjectRecord) -> bool:
    if stored == digest or stored is None:
        return stored == digest
    if stored.startswith("v2:"):
        return stored == _digest_v2(_project_values(record), _children(record))
    # A 64-digit hash without a version prefix is a legacy one (see legacy_content_hash).
    return len(stored) == 64 and stored == legacy_content_hash(record)


def write_projects(connection: Connection, records: Sequence[ProjectRecord]) -> WriteCounts:
    """Upsert projects with their splits, participations, transactions, loan terms, locations."""
    counts = WriteCounts()
    project = table(models.Project)
    prepared = []
    for record in records:
        values, children = _project_values(record), _children(record)
        prepared.append((record, values, children, _digest(values, children)))
    found = select_in(
        connection,
        project,
        ("identifier", "id", "content_hash"),
        "identifier",
        [r.identifier for r in records],
    )
    existing = {ident: (int(id_), h) for ident, id_, h in found}
    changed = [
        item
        for item in prepared
        if not _unchanged(existing.get(item[0].identifier, (0, None))[1], item[3], item[0])
    ]
    counts.unchanged = len(records) - len(changed)
    if not changed:
        return counts
    new = [item for item in changed if item[0].identifier not in existing]
    old = [item for item in changed if item[0].identifier in existing]
    counts.inserted, counts.updated = len(new), len(old)

    if new:
        _insert_projects(connection, [(*values, digest) for _, values, _, digest in new])
    if old:
        rows = [
            {"b_id": existing[r.identifier][0], **_project_row(r, digest)}
            for r, _, _, digest in old
        ]
        statement = (
            update(project)
            .where(project.c.id == bindparam("b_id"))
            .values({name: bindparam(name) for name in _PROJECT_COLUMNS})
        )
        connection.execute(statement, rows)
        old_ids = [existing[item[0].identifier][0] for item in old]
        for child in (
            models.ProjectCountry,
            models.ProjectRegion,
            models.ProjectSector,
            models.Participation,
            models.Transaction,
            models.LoanTerms,
            models.Location,
        ):
            child_table = table(child)
            for part in _chunks(old_ids):
                connection.execute(delete(child_table).where(child_table.c.project_id.in_(part)))

    found = select_in(
        connection, project, ("identifier", "id"), "identifier", [r.identifier for r, *_ in changed]
    )
    ids = {ident: int(id_) for ident, id_ in found}
    changed_records = [item[0] for item in changed]
    org_ids = upsert_organisations(
        connection,
        [p.org for r in changed_records for p in r.participations]
        + [
            o
            for r in changed_records
            for t in r.transactions
            for o in (t.provider, t.receiver)
            if o
        ],
        dataset=changed_records[0].provenance.dataset,
    )
    _write_children(connection, [(ids[item[0].identifier], item[2]) for item in changed], org_ids)
    return counts


def _insert_projects(connection: Connection, rows: list[tuple[Any, ...]]) -> None:
    """Insert new ``projects`` rows (:data:`_PROJECT_COLUMNS` order).

    On SQLite each row's parent_id is looked up as the row goes in, so a parent already stored
    or named earlier in the batch (IATI files list a parent before its components) is linked
    at once; :func:`link_parents` would otherwise rewrite every such row after the insert.
    """
    target = table(models.Project)
    rows = _adapt(rows, driver_adapters(connection, target, _PROJECT_COLUMNS))
    named = _PROJECT_COLUMNS.index("parent_identifier")
    if connection.dialect.name != "sqlite" or all(row[named] is None for row in rows):
        insert_rows(connection, target.name, _PROJECT_COLUMNS, rows)
        return
    # parent_identifier is not empty, so it is kept
    names, kept = _without_empty_columns(target.name, _PROJECT_COLUMNS, rows)
    parent = list(names).index("parent_identifier")
    quote = connection.dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO projects ({', '.join(quote(name) for name in names)}, parent_id) "  # noqa: S608 - names are ours
        f"VALUES ({', '.join('?' for _ in names)}, "
        "(SELECT id FROM projects WHERE identifier = ?))"
    )
    connection.exec_driver_sql(sql, [(*row, row[parent]) for row in kept])


def _write_children(
    connection: Connection, projects: Sequence[tuple[int, _Children]], org_ids: dict[str, int]
) -> None:
    """Insert the child rows of the projects ``(id, children)``: one insert per table."""
    countries: list[tuple[Any, ...]] = []
    regions: list[tuple[Any, ...]] = []
    sectors: list[tuple[Any, ...]] = []
    participations: list[tuple[Any, ...]] = []
    transactions: list[tuple[Any, ...]] = []
    loans: list[tuple[Any, ...]] = []
    locations: list[tuple[Any, ...]] = []
    # Dates and flags go to the driver as it stores them (see driver_adapters); _children gave
    # the dates as day numbers, and a file repeats its dates, so each is converted once.
    adapt_date, adapt_flag = driver_adapters(
        connection, table(models.Transaction), ("date", "is_synthetic")
    )
    stored_dates: dict[int | None, Any] = {None: None}

    def stored_date(day: int) -> Any:
        value = dt.date.fromordinal(day)
        stored_dates[day] = value = value if adapt_date is None else adapt_date(value)
        return value

    for pid, children in projects:
        countries += [(pid, *row) for row in children.countries]
        regions += [(pid, *row) for row in children.regions]
        sectors += [(pid, *row) for row in children.sectors]
        participations += [(pid, org_ids[key], role) for key, role in children.participations]
        for t in children.transactions:  # as built by _children: keys at 7 and 8
            provider, receiver = t[7], t[8]
            transactions.append(
                (
                    pid,
                    t[0],
                    stored_dates[t[1]] if t[1] in stored_dates else stored_date(t[1]),
                    t[2],
                    t[3],
                    t[4],
                    t[5],
                    t[6],
                    None if provider is None else org_ids[provider],
                    None if receiver is None else org_ids[receiver],
                    t[9] if adapt_flag is None else adapt_flag(t[9]),
                    None
                    if len(t) < 11
                    else stored_dates[t[10]]
                    if t[10] in stored_dates
                    else stored_date(t[10]),
                )
            )
        if children.loan is not None:
            loans.append((pid, *children.loan))
        locations += [(pid, *row) for row in children.locations]
    _insert_table(connection, models.ProjectCountry, _COUNTRY, countries)
    _insert_table(connection, models.ProjectRegion, _SPLIT, regions)
    _insert_table(connection, models.ProjectSector, _SPLIT, sectors)
    _insert_table(connection, models.Participation, _PARTICIPATION, participations)
    if transactions:  # dates and flags adapted above; the rest needs no adapting
        insert_rows(connection, table(models.Transaction).name, _TRANSACTION, transactions)
    _insert_table(connection, models.LoanTerms, _LOAN, loans)
    _insert_table(connection, models.Location, _LOCATION, locations)


def link_parents(connection: Connection, dataset: str) -> int:
    """Point each project's parent_id at the project named by its parent_identifier.

    Only rows whose link changes are written (none on a re-import), so the analytics triggers
    do not fire for the rest; a parent_identifier that names no project (or none at all, after
    an update removed it) leaves parent_id empty.
    """
    project = table(models.Project)
    mark = _mark(connection)
    if mark is not None:  # the same statement as below, without compiling it (see select_in)
        distinct = "IS NOT" if connection.dialect.name == "sqlite" else "IS DISTINCT FROM"
        linked = (
            "(SELECT parent.id FROM projects AS parent "
            "WHERE parent.identifier = projects.parent_identifier)"
        )
        sql = (
            f"UPDATE projects SET parent_id = {linked} WHERE dataset = {mark} "  # noqa: S608 - ours
            f"AND (parent_identifier IS NOT NULL OR parent_id IS NOT NULL) "
            f"AND parent_id {distinct} {linked}"
        )
        return int(connection.exec_driver_sql(sql, (dataset,)).rowcount or 0)
    parent = project.alias("parent")
    linked_id = (
        select(parent.c.id)
        .where(parent.c.identifier == project.c.parent_identifier)
        .scalar_subquery()
    )
    statement = (
        update(project)
        .where(
            project.c.dataset == dataset,
            project.c.parent_identifier.is_not(None) | project.c.parent_id.is_not(None),
            project.c.parent_id.is_distinct_from(linked_id),
        )
        .values(parent_id=linked_id)
    )
    return int(connection.execute(statement).rowcount or 0)


def write_partnerships(connection: Connection, records: Sequence[PartnershipRecord]) -> WriteCounts:
    counts = WriteCounts()
    org_ids = upsert_organisations(
        connection,
        [r.organisation for r in records if r.organisation],
        dataset=records[0].provenance.dataset if records else "manual",
    )
    partnership = table(models.Partnership)
    rows = [
        {
            "country_iso3": r.country_iso3,
            "organisation_id": org_ids[r.organisation.key] if r.organisation else None,
            "joined_on": r.joined_on,
            "exited_on": r.exited_on,
            "note": r.note,
            "dataset": r.provenance.dataset,
            "source_record_id": r.provenance.source_record_id,
            "recommended_for_aggregates": r.provenance.recommended_for_aggregates,
            "quality": r.provenance.quality,
            "is_synthetic": r.provenance.is_synthetic,
        }
        for r in records
    ]
    counts.add(_upsert_counted(connection, partnership, rows))
    return counts


def write_indicators(connection: Connection, records: Sequence[IndicatorRecord]) -> WriteCounts:
    rows = [
        {
            "iso3": r.iso3,
            "indicator": r.indicator,
            "period": r.period,
            "value": r.value,
            "vintage": r.vintage,
            "dataset": r.dataset,
        }
        for r in records
    ]
    indicator = table(models.CountryIndicator)
    key = ("iso3", "indicator", "period")
    counts = WriteCounts()
    for part in _chunks(rows, 2000):
        counts.add(_upsert_counted(connection, indicator, list(part), key))
    return counts


def write_ports(connection: Connection, records: Sequence[PortRecord]) -> WriteCounts:
    rows = [
        {
            "unlocode": r.unlocode,
            "wpi_number": r.wpi_number,
            "name": r.name,
            "country_iso3": r.country_iso3,
            "lat": r.lat,
            "lon": r.lon,
            "harbor_size": r.harbor_size,
            "harbor_type": r.harbor_type,
            "max_depth_m": r.max_depth_m,
            "extras": r.extras or None,
            "dataset": r.provenance.dataset,
            "source_record_id": r.provenance.source_record_id,
            "recommended_for_aggregates": r.provenance.recommended_for_aggregates,
            "quality": r.provenance.quality,
            "is_synthetic": r.provenance.is_synthetic,
        }
        for r in records
    ]
    counts = WriteCounts()
    for part in _chunks(rows, 1000):
        counts.add(_upsert_counted(connection, table(models.Port), list(part)))
    return counts


def _upsert_counted(
    connection: Connection,
    target: Any,
    rows: list[dict[str, Any]],
    key: Sequence[str] = ("dataset", "source_record_id"),
) -> WriteCounts:
    """Upsert ``rows`` on ``key``; rows equal to what is stored are left alone and counted."""
    counts = WriteCounts()
    if not rows:
        return counts
    columns = list(rows[0])
    stored: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    first = key[0]
    # Narrow the look-up on the other key columns too when they take few values, so that a
    # batch of indicators does not fetch every stored value of its countries.
    narrow = [
        target.c[name].in_(sorted(values, key=str))
        for name in key[1:]
        if None not in (values := {row[name] for row in rows}) and len(values) <= CHUNK
    ]
    for part in _chunks(sorted({row[first] for row in rows}, key=str)):
        result = connection.execute(
            select(*(target.c[name] for name in columns)).where(target.c[first].in_(part), *narrow)
        ).mappings()
        for found in result:
            stored[tuple(found[k] for k in key)] = tuple(found[c] for c in columns)
    changed = []
    for row in rows:
        k = tuple(row[name] for name in key)
        before = stored.get(k)
        if before == tuple(row[c] for c in columns):
            counts.unchanged += 1
            continue
        if before is None:
            counts.inserted += 1
        else:
            counts.updated += 1
        changed.append(row)
    if changed:
        upsert(connection, target, changed, list(key))
    return counts


def write_country_profiles(
    connection: Connection, records: Sequence[CountryProfileRecord]
) -> WriteCounts:
    """Set region and income group on known countries; blanks never erase a stored value."""
    counts = WriteCounts()
    country = table(models.Country)
    for record in records:
        values = {
            name: value
            for name, value in (("region", record.region), ("income_group", record.income_group))
            if value
        }
        if not values:
            counts.unchanged += 1
            continue
        stored = connection.execute(
            select(country.c.region, country.c.income_group).where(country.c.iso3 == record.iso3)
        ).first()
        if stored is not None and all(stored._mapping[k] == v for k, v in values.items()):
            counts.unchanged += 1
            continue
        connection.execute(update(country).where(country.c.iso3 == record.iso3).values(values))
        counts.updated += 1
    return counts
