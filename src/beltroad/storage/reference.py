"""Load beltroad's reference facts into the registry: countries, corridors, passages,
IATI codelists and the seed reported statistics. Idempotent: a second load changes nothing."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, delete, select

from beltroad.reference import corridors, countries, iati, passages, reported, roles
from beltroad.storage import models
from beltroad.storage.upsert import upsert


@dataclass(frozen=True)
class ReferenceCounts:
    countries: int
    corridors: int
    corridor_countries: int
    passages: int
    codelist_entries: int
    reported_statistics: int
    roles: int


def load_reference_facts(connection: Connection) -> ReferenceCounts:
    """Upsert every reference fact; existing rows are updated to the shipped values."""
    country_rows = [
        {
            "iso3": c.iso3,
            "iso2": c.iso2,
            "numeric": c.numeric,
            "name_en": c.name_en,
            "official_name": c.official_name,
            "name_zh": c.name_zh,
        }
        for c in countries.load_countries()
    ]
    upsert(connection, models.table(models.Country), country_rows, ["iso3"])

    corridor_rows = [
        {
            "id": c.id,
            "name_en": c.name_en,
            "name_zh": c.name_zh,
            "key_routes": c.key_routes,
            "source": c.source,
        }
        for c in corridors.CORRIDORS
    ]
    upsert(connection, models.table(models.Corridor), corridor_rows, ["id"])
    # Membership is editable in the registry: seed it once, never overwrite edits.
    member_rows = [
        {"corridor_id": c.id, "iso3": m.iso3, "role": m.role}
        for c in corridors.CORRIDORS
        for m in c.members
    ]
    has_members = connection.execute(select(models.CorridorCountry.iso3).limit(1)).first()
    if has_members is None:
        upsert(
            connection, models.table(models.CorridorCountry), member_rows, ["corridor_id", "iso3"]
        )

    passage_rows = [
        {
            "key": p.key,
            "name": p.name,
            "portwatch_id": p.portwatch_id,
            "lat": p.lat,
            "lon": p.lon,
            "searoute_key": p.searoute_key,
            "source": p.source,
            "tag": p.tag,
        }
        for p in passages.PASSAGES
    ]
    upsert(connection, models.table(models.Passage), passage_rows, ["key"])

    labels: dict[tuple[str, str], str] = {
        (name, member.code): member.label
        for name, enum_cls in iati.CODELISTS.items()
        for member in enum_cls
    }
    labels |= {("SectorCategory", code): label for code, label in iati.DAC3_SECTORS.items()}
    labels |= {("Sector", code): label for code, label in iati.DAC5_SECTORS.items()}
    code_rows = [
        {"codelist": codelist, "code": code, "label": label}
        for (codelist, code), label in sorted(labels.items())
    ]
    upsert(connection, models.table(models.Codelist), code_rows, ["codelist", "code"])

    stat_rows = [
        {
            "key": f.key,
            "label": f.label,
            "value": f.value,
            "qualifier": f.qualifier,
            "unit": f.unit,
            "as_of": f.as_of,
            "source": f.source,
            "source_date": f.source_date,
            "scope": f.scope,
            "url": f.url,
        }
        for f in reported.ALL_FACTS
    ]
    upsert(
        connection, models.table(models.ReportedStatistic), stat_rows, ["key", "as_of", "source"]
    )
    role_rows = [{"name": r.name, "description": r.description} for r in roles.ROLES]
    upsert(connection, models.table(models.Role), role_rows, ["name"])
    upsert(
        connection, models.table(models.Scope), [{"kind": "all", "value": "*"}], ["kind", "value"]
    )
    return ReferenceCounts(
        countries=len(country_rows),
        corridors=len(corridor_rows),
        corridor_countries=len(member_rows),
        passages=len(passage_rows),
        codelist_entries=len(code_rows),
        reported_statistics=len(stat_rows),
        roles=len(role_rows),
    )


def reset_corridor_members(connection: Connection) -> None:
    """Put the shipped corridor membership back, dropping local edits."""
    connection.execute(delete(models.CorridorCountry))
    load_reference_facts(connection)
