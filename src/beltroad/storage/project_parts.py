"""One project's parts for its web page (issue #16): transactions, participants, located points
and risk-register entries. Reads only; one project at a time, so each query is by key."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from beltroad.storage import models
from beltroad.storage.models import table


def transactions(connection: Connection, project_id: int) -> list[dict[str, Any]]:
    """Each transaction as published (value and currency) with its USD conversions and the
    provider and receiver names."""
    t = table(models.Transaction).c
    o = table(models.Organisation)
    provider, receiver = o.alias("provider"), o.alias("receiver")
    query = (
        select(
            t.id,
            t.type,
            t.date,
            t.value_date,
            t.currency,
            t.value,
            t.usd_nominal,
            t.usd_constant,
            t.base_year,
            t.is_synthetic,
            provider.c.name.label("provider"),
            receiver.c.name.label("receiver"),
        )
        .select_from(
            table(models.Transaction)
            .outerjoin(provider, provider.c.id == t.provider_org_id)
            .outerjoin(receiver, receiver.c.id == t.receiver_org_id)
        )
        .where(t.project_id == project_id)
        .order_by(t.date, t.id)
    )
    return [dict(row) for row in connection.execute(query).mappings()]


def participants(connection: Connection, project_id: int) -> list[dict[str, Any]]:
    """The organisations and their roles, by role then name."""
    pa = table(models.Participation).c
    o = table(models.Organisation).c
    query = (
        select(pa.role, o.id, o.name, o.name_zh, o.country_iso3)
        .join_from(
            table(models.Participation), table(models.Organisation), o.id == pa.organisation_id
        )
        .where(pa.project_id == project_id)
        .order_by(pa.role, o.name)
    )
    return [dict(row) for row in connection.execute(query).mappings()]


def locations(connection: Connection, project_id: int) -> list[dict[str, Any]]:
    """Every location, located or not (a location with no point is still listed)."""
    loc = table(models.Location).c
    query = (
        select(loc.name, loc.admin_level, loc.admin_code, loc.lat, loc.lon, loc.precision)
        .where(loc.project_id == project_id)
        .order_by(loc.id)
    )
    return [dict(row) for row in connection.execute(query).mappings()]
