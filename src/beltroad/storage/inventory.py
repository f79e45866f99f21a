"""What the registry holds: record counts, totals and datasets, for summaries and the demo."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, RowMapping, delete, func, select

from beltroad.storage import models
from beltroad.storage.overlaps import not_set_aside

COUNTED = {
    "countries": models.Country,
    "partnerships": models.Partnership,
    "organisations": models.Organisation,
    "cooperation_documents": models.CooperationDocument,
    "corridors": models.Corridor,
    "projects": models.Project,
    "transactions": models.Transaction,
    "overseas_enterprises": models.OverseasEnterprise,
    "cooperation_zones": models.CooperationZone,
    "reported_statistics": models.ReportedStatistic,
    "risk_entries": models.RiskEntry,
    "users": models.User,
}


@dataclass(frozen=True)
class DatasetInfo:
    name: str
    title: str
    citation: str | None
    licence: str | None
    is_synthetic: bool
    records: int
    loaded_at: dt.datetime
    parameters: dict[str, Any] | None
    file_sha256: str | None = None


def record_counts(
    connection: Connection, *, known: Mapping[str, int] | None = None
) -> dict[str, int]:
    """Number of rows per registry entity (``known``: counts the caller already has)."""
    known = known or {}
    return {
        name: known[name]
        if name in known
        else int(connection.execute(select(func.count()).select_from(model)).scalar_one())
        for name, model in COUNTED.items()
    }


def synthetic_counts(connection: Connection) -> dict[str, int]:
    """How many projects and transactions are synthetic."""
    projects = connection.execute(
        select(func.count()).where(models.Project.is_synthetic.is_(True))
    ).scalar_one()
    transactions = connection.execute(
        select(func.count()).where(models.Transaction.is_synthetic.is_(True))
    ).scalar_one()
    return {"projects": int(projects), "transactions": int(transactions)}


def commitment_total(connection: Connection) -> tuple[float, int | None, int]:
    """Sum of project commitments in constant USD under AidData's aggregation rule.

    Counts records recommended for aggregates (or with no recommendation) that are not umbrella
    records nor set aside as duplicates of another dataset's record. Returns (amount, base_year,
    projects counted).
    """
    project = models.Project
    counted = (
        (project.recommended_for_aggregates.is_not(False))
        & (project.is_umbrella.is_(False))
        & not_set_aside(project.id)
    )
    amount, n, base_year = connection.execute(
        select(
            func.coalesce(func.sum(project.amount_usd_constant), 0.0),
            func.count(),
            func.max(project.amount_base_year),
        ).where(counted)
    ).one()
    return float(amount or 0.0), base_year, int(n)


def datasets(connection: Connection) -> list[DatasetInfo]:
    table = models.table(models.Dataset)
    rows = connection.execute(select(table).order_by(table.c.name)).mappings()
    return [_info(row) for row in rows]


def dataset(connection: Connection, name: str) -> DatasetInfo | None:
    table = models.table(models.Dataset)
    row = connection.execute(select(table).where(table.c.name == name)).mappings().first()
    return None if row is None else _info(row)


def record_dataset(
    connection: Connection,
    *,
    name: str,
    title: str,
    citation: str | None,
    licence: str | None,
    is_synthetic: bool,
    records: int,
    parameters: dict[str, Any] | None,
    file_sha256: str | None = None,
    loaded_at: dt.datetime | None = None,
) -> None:
    values = {
        "name": name,
        "title": title,
        "citation": citation,
        "licence": licence,
        "is_synthetic": is_synthetic,
        "records": records,
        "parameters": parameters,
        "file_sha256": file_sha256,
        "loaded_at": loaded_at or dt.datetime.now(dt.UTC),
    }
    table = models.table(models.Dataset)
    dialect = connection.dialect
    if dialect.name == "sqlite":
        # Plain SQL to the driver, values bound by each column type's own processor (what
        # SQLAlchemy would store): a one-off import opens a new engine, where Core would compile
        # both statements first (~1 ms each).
        bound = []
        for key, value in values.items():
            process = table.c[key].type.dialect_impl(dialect).bind_processor(dialect)
            bound.append(value if process is None else process(value))
        names = ", ".join(f'"{key}"' for key in values)
        connection.exec_driver_sql('DELETE FROM "datasets" WHERE "name" = ?', (name,))
        connection.exec_driver_sql(
            f'INSERT INTO "datasets" ({names}) VALUES ({", ".join("?" for _ in values)})',  # noqa: S608 - names are ours
            tuple(bound),
        )
        return
    connection.execute(delete(models.Dataset).where(models.Dataset.name == name))
    connection.execute(table.insert().values(**values))


#: Tables whose rows carry the dataset they came from, for :func:`dataset_record_count`.
_COUNTED = (
    "projects",
    "partnerships",
    "ports",
    "organisations",
    "country_indicators",
    "cooperation_documents",
    "overseas_enterprises",
    "cooperation_zones",
    "conversion_rates",
)


def dataset_record_count(connection: Connection, name: str) -> int:
    """Records of every kind that came from dataset ``name``.

    One statement through the driver: it runs after every import, and five compiled SQLAlchemy
    counts cost a small import more than its inserts into these tables.
    """
    marker = "%s" if connection.dialect.paramstyle in ("format", "pyformat") else "?"
    sql = " + ".join(
        f"(SELECT COUNT(*) FROM {t} WHERE dataset = {marker})"  # noqa: S608 - fixed names
        for t in _COUNTED
    )
    return int(connection.exec_driver_sql(f"SELECT {sql}", (name,) * len(_COUNTED)).scalar_one())


#: Registry rows a dataset can bring besides projects, children before the rows they point at.
REGISTRY_MODELS: tuple[type[models.Base], ...] = (
    models.OverseasEnterprise,
    models.CooperationZone,
    models.DocumentParty,
    models.CooperationDocument,
    models.Partnership,
)


def delete_registry_records(connection: Connection, name: str) -> int:
    """Remove the enterprises, zones, documents (with their parties) and partnerships of a
    dataset; rows removed. They point at organisations, so they go before those."""
    removed = 0
    documents = select(models.CooperationDocument.id).where(
        models.CooperationDocument.dataset == name
    )
    for model in REGISTRY_MODELS:
        if model is models.DocumentParty:
            statement = delete(model).where(models.DocumentParty.document_id.in_(documents))
        else:
            statement = delete(model).where(model.dataset == name)  # type: ignore[attr-defined]
        removed += int(connection.execute(statement).rowcount or 0)
    return removed


def delete_dataset_records(connection: Connection, name: str) -> int:
    """Remove every record a dataset brought in: projects (with their children), registry rows
    (partnerships, documents, zones, enterprises) and organisations; returns projects removed."""
    delete_registry_records(connection, name)
    project_ids = select(models.Project.id).where(models.Project.dataset == name)
    for child in (
        models.Transaction,
        models.ProjectCountry,
        models.ProjectSector,
        models.Participation,
        models.LoanTerms,
        models.Location,
        models.Milestone,
    ):
        connection.execute(delete(child).where(child.project_id.in_(project_ids)))
    removed = connection.execute(delete(models.Project).where(models.Project.dataset == name))
    connection.execute(delete(models.Organisation).where(models.Organisation.dataset == name))
    connection.execute(delete(models.Dataset).where(models.Dataset.name == name))
    return int(removed.rowcount or 0)


def _info(row: RowMapping) -> DatasetInfo:
    return DatasetInfo(
        name=row["name"],
        title=row["title"],
        citation=row["citation"],
        licence=row["licence"],
        is_synthetic=bool(row["is_synthetic"]),
        records=int(row["records"]),
        loaded_at=row["loaded_at"],
        parameters=row["parameters"],
        file_sha256=row["file_sha256"],
    )


def reported_statistics(connection: Connection) -> list[dict[str, Any]]:
    table = models.table(models.ReportedStatistic)
    rows = connection.execute(select(table).order_by(table.c.key)).mappings()
    return [
        {
            "key": r["key"],
            "label": r["label"],
            "value": r["value"],
            "qualifier": r["qualifier"],
            "unit": r["unit"],
            "as_of": r["as_of"].isoformat(),
            "source": r["source"],
            "scope": r["scope"],
        }
        for r in rows
    ]


def table_fingerprint(connection: Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, sorted: lets tests prove a second run changed nothing.

    ``analytics_state`` and its change log ``analytics_changes`` are left out: they are
    bookkeeping, not data, and PostgreSQL's statement triggers count a statement that changed no
    row as a change (a harmless snapshot patch or rebuild).
    """
    result: dict[str, list[tuple[Any, ...]]] = {}
    for table in models.Base.metadata.sorted_tables:
        if table.name in ("analytics_state", "analytics_changes"):
            continue
        rows = connection.execute(select(table)).all()
        result[table.name] = sorted((tuple(row) for row in rows), key=repr)
    return result


def next_project_id(connection: Connection) -> int:
    """The id after the largest project id: where a bulk load with explicit ids may start."""
    largest = connection.execute(select(func.max(models.Project.id))).scalar_one()
    return int(largest or 0) + 1


def sync_id_sequences(connection: Connection) -> None:
    """After inserts with explicit ids, move PostgreSQL's serial counters past them."""
    if connection.dialect.name != "postgresql":
        return  # SQLite's INTEGER PRIMARY KEY always continues from the largest id
    for name in ("projects",):
        connection.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608 - fixed names
            f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"
        )
