"""Write typed records into the registry: upserts keyed on dataset + source id.

A re-import of the same records changes nothing: each project carries a hash of its content, and a
project whose hash is unchanged is not touched (its children keep their ids).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, delete, select, update

from beltroad.records import (
    CountryProfileRecord,
    IndicatorRecord,
    OrgRef,
    PartnershipRecord,
    PortRecord,
    ProjectRecord,
)
from beltroad.storage import models
from beltroad.storage.models import table
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


def content_hash(record: object) -> str:
    """A stable fingerprint of a record's content (dataclass repr is field-ordered)."""
    return hashlib.sha256(repr(record).encode("utf-8")).hexdigest()


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def upsert_organisations(
    connection: Connection, orgs: Iterable[OrgRef], *, dataset: str
) -> dict[str, int]:
    """Insert organisations not yet known (matched on ``OrgRef.key``); return key -> id."""
    unique: dict[str, OrgRef] = {}
    for org in orgs:
        unique.setdefault(org.key, org)
    rows = [
        {
            "key": key,
            "ref": org.ref,
            "name": org.name[:256],
            "name_zh": org.name_zh,
            "org_type": org.org_type,
            "country_iso3": org.country_iso3,
            "is_international": org.is_international,
            "dataset": dataset,
            "is_synthetic": False,
        }
        for key, org in unique.items()
    ]
    for part in _chunks(rows):
        upsert(connection, table(models.Organisation), part, ["key"], update=False)
    ids: dict[str, int] = {}
    organisation = table(models.Organisation)
    for part in _chunks(list(unique)):
        found = connection.execute(
            select(organisation.c.key, organisation.c.id).where(organisation.c.key.in_(part))
        )
        ids.update({key: int(id_) for key, id_ in found})
    return ids


def _project_row(record: ProjectRecord, digest: str) -> dict[str, Any]:
    amount = record.amount
    p = record.provenance
    return {
        "identifier": record.identifier,
        "title": record.title,
        "description": record.description,
        "status": record.status,
        "stage": record.stage,
        "planned_start": record.planned_start,
        "actual_start": record.actual_start,
        "planned_end": record.planned_end,
        "actual_end": record.actual_end,
        "commitment_year": record.commitment_year,
        "flow_class": record.flow_class,
        "flow_type": record.flow_type,
        "finance_type": record.finance_type,
        "aid_type": record.aid_type,
        "amount_currency": amount.currency if amount else None,
        "amount_original": amount.original if amount else None,
        "amount_usd_nominal": amount.usd_nominal if amount else None,
        "amount_usd_constant": amount.usd_constant if amount else None,
        "amount_base_year": amount.base_year if amount else None,
        "corridor_id": record.corridor_id,
        "is_flagship": False,
        "is_umbrella": record.is_umbrella,
        "parent_identifier": record.parent_identifier,
        "extras": record.extras or None,
        "content_hash": digest,
        "dataset": p.dataset,
        "source_record_id": p.source_record_id,
        "recommended_for_aggregates": p.recommended_for_aggregates,
        "quality": p.quality,
        "is_synthetic": p.is_synthetic,
    }


def write_projects(connection: Connection, records: Sequence[ProjectRecord]) -> WriteCounts:
    """Upsert projects with their splits, participations, transactions, loan terms, locations."""
    counts = WriteCounts()
    project = table(models.Project)
    digests = {r.identifier: content_hash(r) for r in records}
    existing: dict[str, tuple[int, str | None]] = {}
    for part in _chunks([r.identifier for r in records]):
        found = connection.execute(
            select(project.c.identifier, project.c.id, project.c.content_hash).where(
                project.c.identifier.in_(part)
            )
        )
        existing.update({ident: (int(id_), h) for ident, id_, h in found})
    changed = [
        r for r in records if existing.get(r.identifier, (0, None))[1] != digests[r.identifier]
    ]
    counts.unchanged = len(records) - len(changed)
    if not changed:
        return counts
    new = [r for r in changed if r.identifier not in existing]
    old = [r for r in changed if r.identifier in existing]
    counts.inserted, counts.updated = len(new), len(old)

    if new:
        connection.execute(project.insert(), [_project_row(r, digests[r.identifier]) for r in new])
    if old:
        rows = [
            {"b_id": existing[r.identifier][0], **_project_row(r, digests[r.identifier])}
            for r in old
        ]
        statement = (
            update(project)
            .where(project.c.id == bindparam("b_id"))
            .values({name: bindparam(name) for name in rows[0] if name != "b_id"})
        )
        connection.execute(statement, rows)
        old_ids = [existing[r.identifier][0] for r in old]
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

    ids: dict[str, int] = {}
    for part in _chunks([r.identifier for r in changed]):
        rows_ = connection.execute(
            select(project.c.identifier, project.c.id).where(project.c.identifier.in_(part))
        )
        ids.update({ident: int(id_) for ident, id_ in rows_})
    dataset = changed[0].provenance.dataset
    org_ids = upsert_organisations(
        connection,
        [p.org for r in changed for p in r.participations]
        + [o for r in changed for t in r.transactions for o in (t.provider, t.receiver) if o],
        dataset=dataset,
    )
    _write_children(connection, changed, ids, org_ids)
    return counts


def _write_children(
    connection: Connection,
    records: Sequence[ProjectRecord],
    ids: dict[str, int],
    org_ids: dict[str, int],
) -> None:
    countries: list[dict[str, Any]] = []
    regions: list[dict[str, Any]] = []
    sectors: list[dict[str, Any]] = []
    participations: list[dict[str, Any]] = []
    transactions: list[dict[str, Any]] = []
    loans: list[dict[str, Any]] = []
    locations: list[dict[str, Any]] = []
    for record in records:
        pid = ids[record.identifier]
        split: dict[str, float] = {}
        for c in record.countries:
            split[c.iso3] = split.get(c.iso3, 0.0) + c.percentage
        countries += [{"project_id": pid, "iso3": k, "percentage": v} for k, v in split.items()]
        region_split: dict[tuple[str, str], float] = {}
        for g in record.regions:
            region_key = (g.vocabulary, g.code)
            region_split[region_key] = region_split.get(region_key, 0.0) + g.percentage
        regions += [
            {"project_id": pid, "vocabulary": v, "code": c, "percentage": pct}
            for (v, c), pct in region_split.items()
        ]
        sector_split: dict[tuple[str, str], float] = {}
        for s in record.sectors:
            key = (s.vocabulary, s.code)
            sector_split[key] = sector_split.get(key, 0.0) + s.percentage
        sectors += [
            {"project_id": pid, "vocabulary": v, "code": c, "percentage": pct}
            for (v, c), pct in sector_split.items()
        ]
        seen: set[tuple[int, str]] = set()
        for p in record.participations:
            key2 = (org_ids[p.org.key], p.role)
            if key2 not in seen:
                seen.add(key2)
                participations.append(
                    {"project_id": pid, "organisation_id": key2[0], "role": key2[1]}
                )
        for t in record.transactions:
            transactions.append(
                {
                    "project_id": pid,
                    "type": t.type,
                    "date": t.date,
                    "currency": t.money.currency,
                    "value": t.money.original,
                    "usd_nominal": t.money.usd_nominal,
                    "usd_constant": t.money.usd_constant,
                    "base_year": t.money.base_year,
                    "provider_org_id": org_ids[t.provider.key] if t.provider else None,
                    "receiver_org_id": org_ids[t.receiver.key] if t.receiver else None,
                    "is_synthetic": record.provenance.is_synthetic,
                }
            )
        if record.loan_terms is not None:
            loans.append({"project_id": pid, **record.loan_terms.__dict__})
        for loc in record.locations:
            locations.append({"project_id": pid, **loc.__dict__})
    for model, rows in (
        (models.ProjectCountry, countries),
        (models.ProjectRegion, regions),
        (models.ProjectSector, sectors),
        (models.Participation, participations),
        (models.Transaction, transactions),
        (models.LoanTerms, loans),
        (models.Location, locations),
    ):
        if rows:
            connection.execute(table(model).insert(), rows)


def link_parents(connection: Connection, dataset: str) -> int:
    """Point each project's parent_id at the project named by its parent_identifier."""
    project = table(models.Project)
    parent = project.alias("parent")
    statement = (
        update(project)
        .where(project.c.dataset == dataset, project.c.parent_identifier.is_not(None))
        .values(
            parent_id=select(parent.c.id)
            .where(parent.c.identifier == project.c.parent_identifier)
            .scalar_subquery()
        )
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
