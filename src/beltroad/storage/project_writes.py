"""Project writes: upsert projects with their splits, participations, transactions, loan terms
and locations, keyed on the project identifier; an unchanged project (same content hash) is not
touched, so its children keep their ids."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from sqlalchemy import Connection, bindparam, delete, update

from beltroad.records import ProjectRecord
from beltroad.storage import models
from beltroad.storage.content_hash import (
    LOAN,
    LOCATION,
    PROJECT_COLUMNS,
    Children,
    children_of,
    digest,
    project_row,
    project_values,
)
from beltroad.storage.models import table
from beltroad.storage.write_driver import (
    WriteCounts,
    adapt,
    chunks,
    driver_adapters,
    insert_rows,
    insert_table,
    mark,
    select_in,
    upsert_organisations,
    without_empty_columns,
)

COUNTRY = ("project_id", "iso3", "percentage")
SPLIT = ("project_id", "vocabulary", "code", "percentage")  # project_regions, project_sectors
PARTICIPATION = ("project_id", "organisation_id", "role")
TRANSACTION = (
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
CHILD_MODELS = (
    models.ProjectCountry,
    models.ProjectRegion,
    models.ProjectSector,
    models.Participation,
    models.Transaction,
    models.LoanTerms,
    models.Location,
)


class _Prepared(NamedTuple):
    """One record to write, with the rows it stores and their hash."""

    record: ProjectRecord
    values: tuple[Any, ...]
    children: Children
    digest: str


def write_projects(connection: Connection, records: Sequence[ProjectRecord]) -> WriteCounts:
    """Upsert projects with their splits, participations, transactions, loan terms, locations."""
    counts = WriteCounts()
    project = table(models.Project)
    prepared = []
    for record in records:
        values, children = project_values(record), children_of(record)
        prepared.append(_Prepared(record, values, children, digest(values, children)))
    found = select_in(
        connection,
        project,
        ("identifier", "id", "content_hash"),
        "identifier",
        [r.identifier for r in records],
    )
    existing = {ident: (int(id_), stored) for ident, id_, stored in found}
    changed = [
        item
        for item in prepared
        if existing.get(item.record.identifier, (0, None))[1] != item.digest
    ]
    counts.unchanged = len(records) - len(changed)
    if not changed:
        return counts
    new = [item for item in changed if item.record.identifier not in existing]
    old = [item for item in changed if item.record.identifier in existing]
    counts.inserted, counts.updated = len(new), len(old)
    if new:
        _insert_projects(connection, [(*item.values, item.digest) for item in new])
    if old:
        _update_projects(connection, old, {k: v[0] for k, v in existing.items()})
    found = select_in(
        connection,
        project,
        ("identifier", "id"),
        "identifier",
        [item.record.identifier for item in changed],
    )
    ids = {ident: int(id_) for ident, id_ in found}
    changed_records = [item.record for item in changed]
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
    _write_children(
        connection, [(ids[item.record.identifier], item.children) for item in changed], org_ids
    )
    return counts


def _update_projects(connection: Connection, old: Sequence[_Prepared], ids: dict[str, int]) -> None:
    """Rewrite changed projects in place (their ids stay) and delete their child rows."""
    project = table(models.Project)
    rows = [
        {"b_id": ids[item.record.identifier], **project_row(item.record, item.digest)}
        for item in old
    ]
    statement = (
        update(project)
        .where(project.c.id == bindparam("b_id"))
        .values({name: bindparam(name) for name in PROJECT_COLUMNS})
    )
    connection.execute(statement, rows)
    old_ids = [ids[item.record.identifier] for item in old]
    for child in CHILD_MODELS:
        child_table = table(child)
        for part in chunks(old_ids):
            connection.execute(delete(child_table).where(child_table.c.project_id.in_(part)))


def _insert_projects(connection: Connection, rows: list[tuple[Any, ...]]) -> None:
    """Insert new ``projects`` rows (``PROJECT_COLUMNS`` order).

    On SQLite each row's parent_id is looked up as the row goes in, so a parent already stored
    or named earlier in the batch (IATI files list a parent before its components) is linked
    at once; :func:`link_parents` would otherwise rewrite every such row after the insert.
    """
    target = table(models.Project)
    rows = adapt(rows, driver_adapters(connection, target, PROJECT_COLUMNS))
    named = PROJECT_COLUMNS.index("parent_identifier")
    if connection.dialect.name != "sqlite" or all(row[named] is None for row in rows):
        insert_rows(connection, target.name, PROJECT_COLUMNS, rows)
        return
    # parent_identifier is not empty, so it is kept
    names, kept = without_empty_columns(target.name, PROJECT_COLUMNS, rows)
    parent = list(names).index("parent_identifier")
    quote = connection.dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO projects ({', '.join(quote(name) for name in names)}, parent_id) "  # noqa: S608 - names are ours
        f"VALUES ({', '.join('?' for _ in names)}, "
        "(SELECT id FROM projects WHERE identifier = ?))"
    )
    connection.exec_driver_sql(sql, [(*row, row[parent]) for row in kept])


def _write_children(
    connection: Connection, projects: Sequence[tuple[int, Children]], org_ids: dict[str, int]
) -> None:
    """Insert the child rows of the projects ``(id, children)``: one insert per table."""
    countries: list[tuple[Any, ...]] = []
    regions: list[tuple[Any, ...]] = []
    sectors: list[tuple[Any, ...]] = []
    participations: list[tuple[Any, ...]] = []
    transactions: list[tuple[Any, ...]] = []
    loans: list[tuple[Any, ...]] = []
    locations: list[tuple[Any, ...]] = []
    stored_date, stored_flag = _transaction_adapters(connection)
    for pid, children in projects:
        countries += [(pid, *row) for row in children.countries]
        regions += [(pid, *row) for row in children.regions]
        sectors += [(pid, *row) for row in children.sectors]
        participations += [(pid, org_ids[key], role) for key, role in children.participations]
        for row in children.transactions:  # as children_of builds them
            (kind, day, currency, value, nominal, constant, base_year) = row[:7]
            provider, receiver, synthetic, *value_day = row[7:]
            transactions.append(
                (
                    pid,
                    kind,
                    stored_date(day),
                    currency,
                    value,
                    nominal,
                    constant,
                    base_year,
                    None if provider is None else org_ids[provider],
                    None if receiver is None else org_ids[receiver],
                    stored_flag(synthetic),
                    stored_date(value_day[0]) if value_day else None,
                )
            )
        if children.loan is not None:
            loans.append((pid, *children.loan))
        locations += [(pid, *row) for row in children.locations]
    insert_table(connection, models.ProjectCountry, COUNTRY, countries)
    insert_table(connection, models.ProjectRegion, SPLIT, regions)
    insert_table(connection, models.ProjectSector, SPLIT, sectors)
    insert_table(connection, models.Participation, PARTICIPATION, participations)
    if transactions:  # dates and flags adapted above; the rest needs no adapting
        insert_rows(connection, table(models.Transaction).name, TRANSACTION, transactions)
    insert_table(connection, models.LoanTerms, LOAN, loans)
    insert_table(connection, models.Location, LOCATION, locations)


def _transaction_adapters(
    connection: Connection,
) -> tuple[Callable[[int | None], Any], Callable[[bool], Any]]:
    """Day number -> stored date, flag -> stored flag, as the driver stores them.

    ``children_of`` gives the dates as day numbers, and a file repeats its dates, so each day
    is converted once (see :func:`~beltroad.storage.write_driver.driver_adapters`).
    """
    adapt_date, adapt_flag = driver_adapters(
        connection, table(models.Transaction), ("date", "is_synthetic")
    )
    stored: dict[int | None, Any] = {None: None}

    def stored_date(day: int | None) -> Any:
        if day in stored:
            return stored[day]
        assert day is not None
        value = dt.date.fromordinal(day)
        stored[day] = value = value if adapt_date is None else adapt_date(value)
        return value

    def stored_flag(flag: bool) -> Any:
        return flag if adapt_flag is None else adapt_flag(flag)

    return stored_date, stored_flag


def link_parents(connection: Connection, dataset: str) -> int:
    """Point each project's parent_id at the project named by its parent_identifier.

    Only rows whose link changes are written (none on a re-import), so the analytics triggers
    do not fire for the rest; a parent_identifier that names no project (or none at all, after
    an update removed it) leaves parent_id empty.
    """
    marker = mark(connection)
    distinct = "IS NOT" if connection.dialect.name == "sqlite" else "IS DISTINCT FROM"
    linked = (
        "(SELECT parent.id FROM projects AS parent "
        "WHERE parent.identifier = projects.parent_identifier)"
    )
    sql = (
        f"UPDATE projects SET parent_id = {linked} WHERE dataset = {marker} "  # noqa: S608 - ours
        f"AND (parent_identifier IS NOT NULL OR parent_id IS NOT NULL) "
        f"AND parent_id {distinct} {linked}"
    )
    return int(connection.exec_driver_sql(sql, (dataset,)).rowcount or 0)
