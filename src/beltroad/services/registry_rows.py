"""Stored registry rows back as entities (references as their ref or name): what
``services.registry`` reads, shows and compares an edit against."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection

from beltroad.entities import (
    DocumentEntity,
    EnterpriseEntity,
    Entity,
    EntityKind,
    OrganisationEntity,
    ZoneEntity,
)
from beltroad.storage import registry as store


def _org_label(names: Mapping[int, tuple[str | None, str]], id_: int | None) -> str | None:
    if id_ is None:
        return None
    ref, name = names[id_]
    return ref or name


def entity_of(connection: Connection, kind: EntityKind, row: Mapping[str, Any]) -> Entity:
    if kind is EntityKind.ORGANISATION:
        names = store.org_names(connection, [row["parent_id"]])
        return OrganisationEntity(
            name=row["name"],
            ref=row["ref"],
            name_zh=row["name_zh"],
            org_type=row["org_type"],
            country=row["country_iso3"],
            international=bool(row["is_international"]),
            parent=_org_label(names, row["parent_id"]),
        )
    if kind is EntityKind.DOCUMENT:
        parties = store.parties(connection, row["id"])
        names = store.org_names(connection, [o for _, o in parties if o is not None])
        return DocumentEntity(
            source_id=row["source_record_id"] or f"#{row['id']}",
            title=row["title"],
            doc_type=row["doc_type"],
            countries=tuple(c for c, _ in parties if c is not None),
            organisations=tuple(str(_org_label(names, o)) for _, o in parties if o is not None),
            signed_on=row["signed_on"],
            expires_on=row["expires_on"],
            status=row["status"],
            scope=row["scope"],
            source=row["source"],
        )
    if kind is EntityKind.ENTERPRISE:
        names = store.org_names(connection, [row["parent_org_id"]])
        zones = store.zone_names(connection, [row["zone_id"]])
        return EnterpriseEntity(
            source_id=row["source_record_id"] or f"#{row['id']}",
            name=row["name"],
            host_country=row["host_iso3"],
            home_province=row["home_province"],
            sector=row["sector_code"],
            parent=_org_label(names, row["parent_org_id"]),
            zone=zones.get(row["zone_id"]) if row["zone_id"] else None,
            established_on=row["established_on"],
            closed_on=row["closed_on"],
            stock=row["stock_original"],
            stock_currency=row["stock_currency"],
            stock_base_year=row["stock_base_year"],
            employees=row["employees_total"],
            employees_local=row["employees_local"],
            lat=row["lat"],
            lon=row["lon"],
        )
    names = store.org_names(connection, [row["developer_org_id"]])
    return ZoneEntity(
        source_id=row["source_record_id"] or f"#{row['id']}",
        name=row["name"],
        host_country=row["host_iso3"],
        name_zh=row["name_zh"],
        developer=_org_label(names, row["developer_org_id"]),
        established_year=row["established_year"],
        area_km2=row["area_km2"],
        investment=row["investment_original"]
        if row["investment_original"] is not None
        else row["investment_usd"],
        investment_currency=row["investment_currency"]
        or ("USD" if row["investment_usd"] is not None else None),
        investment_base_year=row["investment_base_year"],
        enterprises=row["enterprises_hosted"],
        jobs=row["jobs_total"],
        jobs_local=row["jobs_local"],
        lat=row["lat"],
        lon=row["lon"],
    )
