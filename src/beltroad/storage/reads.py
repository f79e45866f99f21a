"""Read projects back out of the registry as :class:`~beltroad.records.ProjectRecord` objects.

The inverse of :func:`beltroad.storage.writes.write_projects`, for exports: projects stream in
batches (keyset pagination on the id), and each batch's children come in one query per table, so
memory holds one batch whatever the size of the portfolio::

    with workspace.reading() as connection:
        for record in iter_project_records(connection, dataset="iati-datastore-cd"):
            ...
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, Table, and_, select

from beltroad.records import (
    CountrySplit,
    LoanTermsRecord,
    LocationRecord,
    Money,
    OrgRef,
    Participation,
    ProjectRecord,
    Provenance,
    RegionSplit,
    SectorSplit,
    TransactionRecord,
)
from beltroad.storage import models
from beltroad.storage.flat import ProjectFilter, project_conditions
from beltroad.storage.models import table

CHUNK = 500  # bound IN-lists, as storage.writes does
LOAN_FIELDS = tuple(LoanTermsRecord.__dataclass_fields__)
LOCATION_FIELDS = tuple(LocationRecord.__dataclass_fields__)


def iter_project_records(
    connection: Connection,
    *,
    dataset: str | None = None,
    flt: ProjectFilter | None = None,
    batch: int = 1000,
) -> Iterator[ProjectRecord]:
    """Every project (of ``dataset``, and passing ``flt``, if given) with its splits,
    organisations, transactions, loan terms and locations, in id order, ``batch`` projects per
    round of queries."""
    if batch < 1:
        raise ValueError("batch must be at least 1")
    project = table(models.Project)
    conditions = project_conditions(flt) if flt is not None else []
    last = 0
    while True:
        query = (
            select(project)
            .where(project.c.id > last, and_(True, *conditions))
            .order_by(project.c.id)
            .limit(batch)
        )
        if dataset is not None:
            query = query.where(project.c.dataset == dataset)
        rows = connection.execute(query).mappings().all()
        if not rows:
            return
        yield from _records(connection, rows)
        last = int(rows[-1]["id"])


def _children(
    connection: Connection, model: type[models.Base], ids: Sequence[int], *order: str
) -> dict[int, list[Any]]:
    """Rows of a child table for the given project ids, grouped by project, in ``order``."""
    child: Table = table(model)
    grouped: dict[int, list[Any]] = defaultdict(list)
    for start in range(0, len(ids), CHUNK):
        query = select(child).where(child.c.project_id.in_(ids[start : start + CHUNK]))
        if order:
            query = query.order_by(*(child.c[name] for name in order))
        for row in connection.execute(query).mappings():
            grouped[int(row["project_id"])].append(row)
    return grouped


def _organisations(connection: Connection, ids: set[int]) -> dict[int, OrgRef]:
    organisation = table(models.Organisation)
    found: dict[int, OrgRef] = {}
    id_list = sorted(ids)
    for start in range(0, len(id_list), CHUNK):
        part = id_list[start : start + CHUNK]
        for row in connection.execute(
            select(organisation).where(organisation.c.id.in_(part))
        ).mappings():
            found[int(row["id"])] = OrgRef(
                name=row["name"],
                ref=row["ref"],
                org_type=row["org_type"],
                country_iso3=row["country_iso3"],
                is_international=bool(row["is_international"]),
                name_zh=row["name_zh"],
            )
    return found


def _records(connection: Connection, rows: Sequence[Any]) -> Iterator[ProjectRecord]:
    ids = [int(row["id"]) for row in rows]
    countries = _children(connection, models.ProjectCountry, ids, "project_id", "iso3")
    regions = _children(connection, models.ProjectRegion, ids, "project_id", "vocabulary", "code")
    sectors = _children(connection, models.ProjectSector, ids, "project_id", "vocabulary", "code")
    participations = _children(connection, models.Participation, ids, "id")
    transactions = _children(connection, models.Transaction, ids, "id")
    loans = _children(connection, models.LoanTerms, ids)
    locations = _children(connection, models.Location, ids, "id")
    org_ids = {int(p["organisation_id"]) for group in participations.values() for p in group}
    org_ids |= {
        int(t[side])
        for group in transactions.values()
        for t in group
        for side in ("provider_org_id", "receiver_org_id")
        if t[side] is not None
    }
    orgs = _organisations(connection, org_ids)
    for row in rows:
        pid = int(row["id"])
        loan = loans.get(pid)
        yield ProjectRecord(
            identifier=row["identifier"],
            title=row["title"],
            provenance=Provenance(
                dataset=row["dataset"],
                source_record_id=row["source_record_id"],
                recommended_for_aggregates=row["recommended_for_aggregates"],
                quality=row["quality"],
                is_synthetic=bool(row["is_synthetic"]),
            ),
            description=row["description"],
            status=row["status"],
            stage=row["stage"],
            planned_start=row["planned_start"],
            actual_start=row["actual_start"],
            planned_end=row["planned_end"],
            actual_end=row["actual_end"],
            commitment_year=row["commitment_year"],
            flow_class=row["flow_class"],
            flow_type=row["flow_type"],
            finance_type=row["finance_type"],
            aid_type=row["aid_type"],
            amount=_amount(row),
            countries=tuple(CountrySplit(c["iso3"], c["percentage"]) for c in countries[pid]),
            regions=tuple(
                RegionSplit(code=g["code"], vocabulary=g["vocabulary"], percentage=g["percentage"])
                for g in regions[pid]
            ),
            sectors=tuple(
                SectorSplit(code=s["code"], vocabulary=s["vocabulary"], percentage=s["percentage"])
                for s in sectors[pid]
            ),
            participations=tuple(
                Participation(org=orgs[int(p["organisation_id"])], role=p["role"])
                for p in participations[pid]
            ),
            transactions=tuple(_transaction(t, orgs) for t in transactions[pid]),
            loan_terms=LoanTermsRecord(**{k: loan[0][k] for k in LOAN_FIELDS}) if loan else None,
            locations=tuple(
                LocationRecord(**{k: loc[k] for k in LOCATION_FIELDS}) for loc in locations[pid]
            ),
            is_umbrella=bool(row["is_umbrella"]),
            parent_identifier=row["parent_identifier"],
            corridor_id=row["corridor_id"],
            extras=dict(row["extras"] or {}),
        )


def _amount(row: Any) -> Money | None:
    values = (
        row["amount_currency"],
        row["amount_original"],
        row["amount_usd_nominal"],
        row["amount_usd_constant"],
        row["amount_base_year"],
    )
    if all(value is None for value in values):
        return None
    return Money(*values)


def _transaction(row: Any, orgs: dict[int, OrgRef]) -> TransactionRecord:
    provider, receiver = row["provider_org_id"], row["receiver_org_id"]
    return TransactionRecord(
        type=int(row["type"]),
        date=row["date"],
        money=Money(
            currency=row["currency"],
            original=row["value"],
            usd_nominal=row["usd_nominal"],
            usd_constant=row["usd_constant"],
            base_year=row["base_year"],
        ),
        provider=orgs[int(provider)] if provider is not None else None,
        receiver=orgs[int(receiver)] if receiver is not None else None,
        value_date=row["value_date"],
    )


__all__ = ["iter_project_records"]
