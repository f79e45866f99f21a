"""Vessel classes and the passages each cannot transit (``config/vessels.toml``).

A route for a vessel class closes, on top of the scenario's closures, every passage whose size
limits (locks, draught, beam, length) the class exceeds; the route's notes say which and why, with
the limit's source and tag. Errors name the fields ``vessel`` and ``vessel_file``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from beltroad.engines.vessels import (
    Blocked,
    PassageLimit,
    VesselClass,
    VesselConfigError,
    blocked_passages,
    parse_limits,
    parse_vessels,
)
from beltroad.errors import InvalidInput
from beltroad.reference.passages import SEAROUTE_KEYS
from beltroad.services import config_files


@dataclass(frozen=True)
class VesselCatalogue:
    vessels: dict[str, VesselClass]
    limits: dict[str, PassageLimit]
    source: str

    def get(self, key: str) -> VesselClass:
        name = key.strip().lower().replace("-", "_")
        if name in self.vessels:
            return self.vessels[name]
        close = difflib.get_close_matches(name, list(self.vessels), n=3, cutoff=0.5)
        raise InvalidInput.at(
            f"unknown vessel class (expected one of {', '.join(self.vessels)})",
            field="vessel",
            value=key,
            hint=f"did you mean {' or '.join(close)}?" if close else None,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "vessels": [
                {**v.as_dict(), "cannot_transit": [b.passage for b in self.blocked(v)]}
                for v in self.vessels.values()
            ],
            "passages": [limit.as_dict() for limit in self.limits.values()],
        }

    def blocked(self, vessel: VesselClass) -> list[Blocked]:
        return blocked_passages(vessel, self.limits)


def vessel_catalogue(path: Path | str | None = None) -> VesselCatalogue:
    """The packaged vessel classes and passage limits, with the TOML file at ``path`` over them."""
    data, source = config_files.load("vessels", path, field="vessel_file")
    try:
        vessels = parse_vessels(data.get("vessels", {}))
        limits = parse_limits(data.get("passages", {}))
    except VesselConfigError as exc:
        raise InvalidInput.at(
            f"expected {exc.expected}", file=source, field=exc.where, value=exc.value
        ) from None
    unknown = [k for k in limits if k not in SEAROUTE_KEYS]
    if unknown:
        raise InvalidInput.at(
            f"unknown passage (expected one of {', '.join(SEAROUTE_KEYS)})",
            file=source,
            field="passages",
            value=unknown[0],
        )
    return VesselCatalogue(vessels, limits, source)


@dataclass(frozen=True)
class VesselClosures:
    """What a vessel class closes: passage keys and one note per passage."""

    vessel: VesselClass | None
    blocked: tuple[Blocked, ...] = ()

    @property
    def passages(self) -> tuple[str, ...]:
        return tuple(sorted(b.passage for b in self.blocked))

    def notes(self) -> list[str]:
        if self.vessel is None:
            return []
        if not self.blocked:
            return [f"vessel {self.vessel.key}: no passage limit closes a route to it"]
        return [
            f"vessel {self.vessel.key} cannot transit {b.passage}: {b.reason} ({b.source} {b.tag})"
            for b in self.blocked
        ]

    def as_dict(self) -> dict[str, Any] | None:
        if self.vessel is None:
            return None
        return {
            **self.vessel.as_dict(),
            "cannot_transit": [
                {"passage": b.passage, "reason": b.reason, "source": b.source, "tag": b.tag}
                for b in self.blocked
            ],
        }


def vessel_closures(vessel: str | None, path: Path | str | None = None) -> VesselClosures:
    """The passages closed to vessel class ``vessel`` (none when ``vessel`` is None)."""
    if vessel is None:
        return VesselClosures(None)
    catalogue = vessel_catalogue(path)
    chosen = catalogue.get(vessel)
    return VesselClosures(chosen, tuple(catalogue.blocked(chosen)))


__all__ = ["VesselCatalogue", "VesselClosures", "vessel_catalogue", "vessel_closures"]
