"""Reads that sea routing needs: ports (World Port Index) and where projects are.

Read-only; no schema of its own (exposure is computed on the fly).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select, text

PORT_COLUMNS = (
    "unlocode",
    "name",
    "country_iso3",
    "lat",
    "lon",
    "harbor_size",
    "max_depth_m",
    "dataset",
)


def port_rows(connection: Connection) -> list[dict[str, Any]]:
    """Ports that have a UN/LOCODE: code, name, country, position, size and depth.

    Plain SQL over columns that need no type processing (text and floats): one sea route
    (``beltroad routes``) then starts without the ORM models, a third of its start-up.
    """
    query = text(
        f"SELECT {', '.join(PORT_COLUMNS)} FROM ports "  # noqa: S608 - the names are ours
        "WHERE unlocode IS NOT NULL ORDER BY id"
    )
    return [dict(zip(PORT_COLUMNS, row, strict=True)) for row in connection.execute(query)]


def project_sites(connection: Connection, project_id: int | None = None) -> list[dict[str, Any]]:
    """One row per project: id, identifier, title, corridor, main country, explicit port code
    (``extras["port_unlocode"]``) and its located points as ``[(lat, lon), ...]``; only the
    project ``project_id`` when given (a project's page needs no portfolio scan)."""
    from beltroad.storage import models
    from beltroad.storage.models import table

    project = table(models.Project)
    location = table(models.Location)
    country = table(models.ProjectCountry)
    points: dict[int, list[tuple[float, float]]] = {}
    located = (
        select(location.c.project_id, location.c.lat, location.c.lon)
        .where(location.c.lat.is_not(None), location.c.lon.is_not(None))
        .order_by(location.c.project_id, location.c.id)
    )
    if project_id is not None:
        located = located.where(location.c.project_id == project_id)
    for pid, lat, lon in connection.execute(located):
        points.setdefault(int(pid), []).append((float(lat), float(lon)))
    main: dict[int, str] = {}
    shares = select(country.c.project_id, country.c.iso3, country.c.percentage).order_by(
        country.c.project_id, country.c.percentage.desc(), country.c.iso3
    )
    if project_id is not None:
        shares = shares.where(country.c.project_id == project_id)
    for pid, iso3, _pct in connection.execute(shares):
        main.setdefault(int(pid), iso3)
    query = select(
        project.c.id,
        project.c.identifier,
        project.c.title,
        project.c.corridor_id,
        project.c.is_synthetic,
        project.c.extras,
    ).order_by(project.c.id)
    if project_id is not None:
        query = query.where(project.c.id == project_id)
    rows: list[dict[str, Any]] = []
    for row in connection.execute(query).mappings():
        pid = int(row["id"])
        extras = row["extras"] if isinstance(row["extras"], dict) else {}
        explicit = extras.get("port_unlocode")
        rows.append(
            {
                "id": pid,
                "identifier": row["identifier"],
                "title": row["title"],
                "corridor_id": row["corridor_id"],
                "is_synthetic": bool(row["is_synthetic"]),
                "country_iso3": main.get(pid),
                "port_unlocode": str(explicit).replace(" ", "").upper() if explicit else None,
                "points": points.get(pid, []),
            }
        )
    return rows
