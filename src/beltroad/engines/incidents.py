"""Security incidents: ACLED event types, checks, and what lies within the radius.

ACLED's six event types and 25 sub-event types are from the ACLED Codebook as summarised in
standards §4.4 ([S]). ACLED's own data may not be redistributed: beltroad stores the incidents a
user records (or loads from their licensed extract), in the same vocabulary.

>>> check_event_type("battles")
'Battles'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from beltroad.engines.proximity import Asset, within_radius
from beltroad.errors import InvalidInput

# standards §4.4 [S]: ACLED Codebook (3 Oct 2024 cited)
ACLED_EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "Battles": (
        "Armed clash",
        "Government regains territory",
        "Non-state actor overtakes territory",
    ),
    "Explosions/Remote violence": (
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    ),
    "Violence against civilians": ("Sexual violence", "Attack", "Abduction/forced disappearance"),
    "Protests": (
        "Peaceful protest",
        "Protest with intervention",
        "Excessive force against protesters",
    ),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ),
}
INCIDENT_SUBJECTS: tuple[str, ...] = ("country", "site", "zone", "enterprise")


def _key(text: str) -> str:
    return " ".join(text.lower().replace("_", " ").replace("-", " ").split())


def check_event_type(value: str) -> str:
    """ACLED's spelling of an event type given in any case, or InvalidInput naming the six."""
    for name in ACLED_EVENT_TYPES:
        if _key(name) == _key(value) or _key(name.split("/")[0]) == _key(value):
            return name
    raise InvalidInput.at(
        f"not an ACLED event type (allowed: {'; '.join(ACLED_EVENT_TYPES)})",
        field="event_type",
        value=value,
    )


def check_sub_event_type(event_type: str, value: str | None) -> str | None:
    if value is None:
        return None
    for name in ACLED_EVENT_TYPES[event_type]:
        if _key(name) == _key(value):
            return name
    raise InvalidInput.at(
        f"not a sub-event type of {event_type} "
        f"(allowed: {'; '.join(ACLED_EVENT_TYPES[event_type])})",
        field="sub_event_type",
        value=value,
    )


def check_coordinates(lat: float | None, lon: float | None) -> None:
    if (lat is None) != (lon is None):
        raise InvalidInput.at(
            "give both lat and lon, or neither",
            field="lon" if lon is None else "lat",
            value=lat if lon is None else lon,
        )
    if lat is not None and not -90 <= lat <= 90:
        raise InvalidInput.at("latitude out of range (expected -90 to 90)", field="lat", value=lat)
    if lon is not None and not -180 <= lon <= 180:
        raise InvalidInput.at(
            "longitude out of range (expected -180 to 180)", field="lon", value=lon
        )


def _entry(asset: Asset, distance: float | None) -> dict[str, Any]:
    return {
        "ref": asset.ref,
        "name": asset.name,
        "iso3": asset.iso3,
        "distance_km": None if distance is None else round(distance, 2),
    } | asset.details


def exposure(
    assets: Sequence[Asset],
    *,
    lat: float | None,
    lon: float | None,
    radius_km: float,
    earth_radius_km: float,
    country: str,
) -> dict[str, Any]:
    """What an incident touches: within ``radius_km`` of its point, or, with no point, every
    asset in its country (``scope`` says which)."""
    hits: list[tuple[Asset, float | None]]
    if lat is not None and lon is not None:
        found = within_radius(
            lat, lon, assets, radius_km=radius_km, earth_radius_km=earth_radius_km
        )
        scope: dict[str, Any] = {"scope": "radius", "radius_km": radius_km, "center": [lat, lon]}
        hits = list(found)
    else:
        scope = {
            "scope": "country",
            "radius_km": None,
            "center": None,
            "note": f"no coordinates: every asset recorded in {country} is listed",
        }
        hits = [(a, None) for a in assets if a.iso3 == country]
    result: dict[str, Any] = scope | {"enterprises": [], "zones": [], "projects": []}
    for asset, distance in hits:
        result[f"{asset.kind}s"].append(_entry(asset, distance))
    personnel = sum(
        (e.get("employees_local") or 0) + (e.get("employees_expat") or 0)
        for e in result["enterprises"]
    )
    expatriates = sum(e.get("employees_expat") or 0 for e in result["enterprises"])
    result["totals"] = {
        "enterprises": len(result["enterprises"]),
        "personnel": personnel,
        "expatriate_personnel": expatriates,
        "zones": len(result["zones"]),
        "zone_jobs": sum(
            (z.get("jobs_local") or 0) + (z.get("jobs_expat") or 0) for z in result["zones"]
        ),
        "projects": len(result["projects"]),
    }
    return result


__all__ = [
    "ACLED_EVENT_TYPES",
    "INCIDENT_SUBJECTS",
    "check_coordinates",
    "check_event_type",
    "check_sub_event_type",
    "exposure",
]
