"""Registry writes: partnerships, indicators, ports and country profiles, upserted on their
keys; a row equal to what is stored is left alone and counted as unchanged."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, select, update

from beltroad.records import CountryProfileRecord, IndicatorRecord, PartnershipRecord, PortRecord
from beltroad.storage import models
from beltroad.storage.models import table
from beltroad.storage.upsert import upsert
from beltroad.storage.write_driver import CHUNK, WriteCounts, chunks, upsert_organisations


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
    counts.add(upsert_counted(connection, partnership, rows))
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
    for part in chunks(rows, 2000):
        counts.add(upsert_counted(connection, indicator, list(part), key))
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
    for part in chunks(rows, 1000):
        counts.add(upsert_counted(connection, table(models.Port), list(part)))
    return counts


def upsert_counted(
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
    for part in chunks(sorted({row[first] for row in rows}, key=str)):
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
