"""Overseas interests and safety (issue #18 part 3): alerts to the units that own the projects
within an incident's reach, through the notifications outbox (#15), and a country's safety
summary (its incident history and its open early warnings).

The assets within an incident's radius are found when the incident is recorded
(:func:`beltroad.services.incidents.add_incident`) and stored with it; these services read that
snapshot, so an alert names exactly what the incident record names.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from beltroad.errors import NotFound
from beltroad.services.incidents import list_incidents
from beltroad.services.workspace import Workspace


def _incident(workspace: Workspace, incident_id: int) -> dict[str, Any]:
    found = list_incidents(workspace, incident_id=incident_id).incidents
    if not found:
        raise NotFound(f"no incident {incident_id}")
    return found[0]


def alert_owning_units(
    workspace: Workspace, incident_id: int, *, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Queue one notification per unit owning a project within the incident's reach.

    A second call queues nothing new (each alert has a key: incident and unit). Projects with
    no owning unit are counted and named, never dropped silently.
    """
    from beltroad.storage import outbox
    from beltroad.storage.safety import project_units

    incident = _incident(workspace, incident_id)
    reach = incident.get("exposure") or {}
    projects = {str(p["ref"]): p for p in reach.get("projects", [])}
    when = now or dt.datetime.now(dt.UTC)
    by_unit: dict[int, list[str]] = defaultdict(list)
    with workspace.writing() as connection:
        units = project_units(connection, list(projects))
        for ref, unit in sorted(units.items()):
            if unit is not None:
                by_unit[unit].append(ref)
        queued = 0
        for unit, refs in sorted(by_unit.items()):
            lines = [
                f"- {ref} ({projects[ref].get('name') or ''}, "
                + (f"{projects[ref]['distance_km']} km" if projects[ref].get("distance_km")
                   is not None else "in the country")
                + ")"
                for ref in refs
            ]  # fmt: skip
            queued += outbox.add(
                connection,
                {
                    "created_at": when,
                    "kind": "incident",
                    "unit_id": unit,
                    "subject": (
                        f"Security incident near {len(refs)} of your projects: "
                        f"{incident['event_type']} in {incident['country_iso3']} "
                        f"on {incident['occurred_on']}"
                    ),
                    "body": (
                        f"Incident {incident_id} (severity {incident['severity']}, "
                        f"{incident['casualties']} casualties; source: {incident['source']}) "
                        f"reaches these projects of your unit:\n" + "\n".join(lines)
                    ),
                    "entity": "incident",
                    "entity_id": str(incident_id),
                    "key": f"incident:{incident_id}:{unit}",
                },
            )
    without = sorted(ref for ref in projects if units.get(ref) is None)
    return {
        "incident": incident_id,
        "projects_in_reach": len(projects),
        "units": sorted(by_unit),
        "queued": queued,
        "projects_without_unit": without,
        "enterprises_in_reach": len(reach.get("enterprises", [])),
        "personnel_in_reach": (reach.get("totals") or {}).get("personnel", 0),
    }


def country_safety(workspace: Workspace, country: str) -> dict[str, Any]:
    """A country's incident history (newest first, with what each reached) and its open early
    warnings, with totals."""
    from beltroad.services.warnings import stored

    listed = list_incidents(workspace, country=country)
    incidents = listed.incidents
    iso3 = incidents[0]["country_iso3"] if incidents else country.strip().upper()
    warnings = [
        w
        for w in stored(workspace)
        if w.get("country_iso3") == iso3
        or (w.get("subject_kind") == "country" and w.get("subject_ref") == iso3)
    ]
    by_year: dict[str, int] = defaultdict(int)
    for i in incidents:
        by_year[i["occurred_on"][:4]] += 1
    return {
        "country": iso3,
        "incidents": listed.rows(),
        "incidents_by_year": dict(sorted(by_year.items())),
        "casualties": sum(int(i["casualties"]) for i in incidents),
        "max_severity": max((int(i["severity"]) for i in incidents), default=None),
        "warnings": warnings,
    }


__all__ = ["alert_owning_units", "country_safety"]
