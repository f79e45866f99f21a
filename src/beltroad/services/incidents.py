"""``beltroad risk incident``: record security incidents and list who is within reach.

An incident is recorded against a country, a site (a named point), a cooperation zone or an
overseas enterprise, with an ACLED event type (standards §4.4), severity 1-5, casualties and a
source. When recorded, beltroad lists the enterprises (with local and expatriate personnel),
zones and project sites within the radius (default ``[incidents] radius_km``) and stores that
snapshot with the incident, for the CLI, the warnings and the web layer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from beltroad.engines.incidents import (
    INCIDENT_SUBJECTS,
    check_coordinates,
    check_event_type,
    check_sub_event_type,
    exposure,
)
from beltroad.engines.proximity import Asset, bounding_box
from beltroad.engines.risk_config import RiskConfig
from beltroad.engines.risk_register import check_choice
from beltroad.errors import InvalidInput
from beltroad.services.risk import check_countries, load_config
from beltroad.services.risk_register import parse_date
from beltroad.services.workspace import Workspace
from beltroad.storage import risk as queries


def _subject(workspace: Workspace, subject: str) -> tuple[str, str]:
    kind, sep, ref = subject.partition(":")
    if not sep or not ref.strip():
        raise InvalidInput.at(
            f"expected KIND:REF with KIND one of {', '.join(INCIDENT_SUBJECTS)} "
            "(e.g. country:PAK, site:Gwadar port, zone:12, enterprise:Acme Ltd)",
            field="subject",
            value=subject,
        )
    return check_choice(kind, INCIDENT_SUBJECTS, "subject"), ref.strip()


def _assets(rows: list[dict[str, Any]]) -> list[Asset]:
    return [
        Asset(r["kind"], r["ref"], r["name"], r["lat"], r["lon"], r["iso3"], r["details"])
        for r in rows
    ]


def add_incident(
    workspace: Workspace,
    *,
    subject: str,
    occurred_on: str | dt.date,
    event_type: str,
    severity: int,
    source: str,
    casualties: int = 0,
    sub_event_type: str | None = None,
    country: str | None = None,
    lat: float | None = None,
    lon: float | None = None,
    radius_km: float | None = None,
    description: str | None = None,
    actor: str = "beltroad",
    today: dt.date | None = None,
    config: RiskConfig | None = None,
) -> dict[str, Any]:
    """Record an incident and what lies within reach; everything is checked before writing."""
    config = config or load_config()
    today = today or dt.date.today()
    kind, ref = _subject(workspace, subject)
    when = parse_date(occurred_on, "occurred_on")
    assert when is not None
    if when > today:
        raise InvalidInput.at(
            f"in the future (today is {today.isoformat()})", field="occurred_on", value=str(when)
        )
    event = check_event_type(event_type)
    sub_event = check_sub_event_type(event, sub_event_type)
    if isinstance(severity, bool) or not 1 <= severity <= 5:
        raise InvalidInput.at(
            "expected a whole number from 1 to 5", field="severity", value=severity
        )
    if casualties < 0:
        raise InvalidInput.at("expected 0 or more", field="casualties", value=casualties)
    if not source.strip():
        raise InvalidInput.at(
            "name the source (report, outlet, ACLED event id)", field="source", value=source
        )
    radius = config.radius_km if radius_km is None else radius_km
    if radius <= 0:
        raise InvalidInput.at("expected a distance above 0 km", field="radius_km", value=radius)
    check_coordinates(lat, lon)
    iso3: str | None = None
    if kind == "country":
        [iso3] = check_countries(workspace, [ref])
        ref = iso3
    elif kind in ("zone", "enterprise"):
        with workspace.reading() as connection:
            place = queries.subject_place(connection, kind, ref)
        if place is None:
            raise InvalidInput.at(
                f"no {'cooperation zone' if kind == 'zone' else 'overseas enterprise'} "
                "with this id or name",
                field="subject",
                value=subject,
            )
        iso3, place_lat, place_lon, _ = place
        if lat is None and place_lat is not None and place_lon is not None:
            lat, lon = place_lat, place_lon
    else:  # site
        if lat is None:
            raise InvalidInput.at("a site needs lat and lon", field="lat", value=None)
    if country is not None:
        [given] = check_countries(workspace, [country])
        if iso3 is not None and given != iso3:
            raise InvalidInput.at(
                f"the subject is in {iso3}, not {given}", field="country", value=country
            )
        iso3 = given
    if iso3 is None:
        raise InvalidInput.at("a site needs a country (ISO3) as well", field="country", value=None)
    with workspace.reading() as connection:
        if lat is not None and lon is not None:
            south, north, west, east = bounding_box(
                lat, lon, radius, earth_radius_km=config.earth_radius_km
            )
            rows = queries.assets_near(connection, south=south, north=north, west=west, east=east)
        else:
            rows = queries.assets_in_country(connection, iso3)
    reach = exposure(
        _assets(rows),
        lat=lat,
        lon=lon,
        radius_km=radius,
        earth_radius_km=config.earth_radius_km,
        country=iso3,
    )
    row = {
        "occurred_on": when,
        "event_type": event,
        "sub_event_type": sub_event,
        "severity": severity,
        "casualties": casualties,
        "subject_kind": kind,
        "subject_ref": ref,
        "country_iso3": iso3,
        "lat": lat,
        "lon": lon,
        "radius_km": radius,
        "source": source.strip(),
        "description": description,
        "exposure": reach,
        "recorded_at": dt.datetime.now(dt.UTC),
        "recorded_by": actor,
    }
    with workspace.writing() as connection:
        incident_id = queries.insert_incident(connection, row)
    return _view(row | {"id": incident_id})


def _view(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    out["occurred_on"] = row["occurred_on"].isoformat()
    out["recorded_at"] = row["recorded_at"].isoformat() if row["recorded_at"] else None
    return out


@dataclass
class IncidentList:
    incidents: list[dict[str, Any]]

    def rows(self) -> list[dict[str, Any]]:
        rows = []
        for i in self.incidents:
            totals = (i.get("exposure") or {}).get("totals", {})
            rows.append(
                {
                    "id": i["id"],
                    "date": i["occurred_on"],
                    "country": i["country_iso3"],
                    "subject": f"{i['subject_kind']}:{i['subject_ref']}",
                    "event_type": i["event_type"],
                    "severity": i["severity"],
                    "casualties": i["casualties"],
                    "radius_km": i["radius_km"] if i["lat"] is not None else "country",
                    "enterprises": totals.get("enterprises", 0),
                    "personnel": totals.get("personnel", 0),
                    "zones": totals.get("zones", 0),
                    "projects": totals.get("projects", 0),
                    "source": i["source"],
                }
            )
        return rows


def list_incidents(
    workspace: Workspace,
    *,
    country: str | None = None,
    since: str | dt.date | None = None,
    incident_id: int | None = None,
) -> IncidentList:
    """Stored incidents, newest first, each with its stored exposure snapshot."""
    iso3 = check_countries(workspace, [country])[0] if country else None
    day = parse_date(since, "since")
    with workspace.reading() as connection:
        found = queries.incidents(connection, country=iso3, since=day, incident_id=incident_id)
    return IncidentList([_view(r) for r in found])


__all__ = ["IncidentList", "add_incident", "list_incidents"]
