"""Vessel classes and passage size limits: which passages a ship cannot transit.

Pure: mappings in (read from ``config/vessels.toml`` by the service), dataclasses out. A limit
closes a passage when one of the vessel's dimensions is strictly greater than it; a passage with
no limits is open to every class.

>>> limits = parse_limits({"panama": {"max_beam_m": 51.25, "source": "ACP", "tag": "[M]"}})
>>> ulcv = VesselClass("ulcv", "ULCV", length_m=400.0, beam_m=61.5, draught_m=16.5)
>>> [b.passage for b in blocked_passages(ulcv, limits)]
['panama']
>>> blocked_passages(ulcv, limits)[0].reason
'beam 61.5 m > 51.25 m'
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

DIMENSIONS: tuple[tuple[str, str, str], ...] = (
    ("length", "length_m", "max_length_m"),
    ("beam", "beam_m", "max_beam_m"),
    ("draught", "draught_m", "max_draught_m"),
)
"""(label, vessel field, passage limit field)."""


@dataclass(frozen=True)
class VesselClass:
    key: str
    name: str
    length_m: float
    beam_m: float
    draught_m: float
    source: str = ""
    tag: str = "[N]"

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "length_m": self.length_m,
            "beam_m": self.beam_m,
            "draught_m": self.draught_m,
            "source": self.source,
            "tag": self.tag,
        }


@dataclass(frozen=True)
class PassageLimit:
    passage: str
    name: str
    max_length_m: float | None = None
    max_beam_m: float | None = None
    max_draught_m: float | None = None
    source: str = ""
    tag: str = "[N]"
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "passage": self.passage,
            "name": self.name,
            "max_length_m": self.max_length_m,
            "max_beam_m": self.max_beam_m,
            "max_draught_m": self.max_draught_m,
            "source": self.source,
            "tag": self.tag,
            "note": self.note,
        }


@dataclass(frozen=True)
class Blocked:
    """A passage closed to a vessel, and the first dimension that closes it."""

    passage: str
    reason: str
    source: str
    tag: str


class VesselConfigError(ValueError):
    """A bad value in the vessel file; ``where`` names the table and key."""

    def __init__(self, where: str, value: object, expected: str) -> None:
        super().__init__(f"{where}: expected {expected}, got {value!r}")
        self.where = where
        self.value = value
        self.expected = expected


def _metres(where: str, value: object, *, optional: bool) -> float | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise VesselConfigError(where, value, "a number of metres above 0")
    if value <= 0:
        raise VesselConfigError(where, value, "a number of metres above 0")
    return float(value)


def _text(table: Mapping[str, Any], key: str, default: str) -> str:
    value = table.get(key, default)
    return str(value)


def parse_vessels(data: Mapping[str, Any]) -> dict[str, VesselClass]:
    """``[vessels.KEY]`` tables -> classes, each with length, beam and draught in metres."""
    out: dict[str, VesselClass] = {}
    for key, table in data.items():
        if not isinstance(table, Mapping):
            raise VesselConfigError(f"vessels.{key}", table, "a table")
        dims = {f: _metres(f"vessels.{key}.{f}", table.get(f), optional=False)
                for _label, f, _limit in DIMENSIONS}  # fmt: skip
        out[key] = VesselClass(
            key=key,
            name=_text(table, "name", key),
            length_m=float(dims["length_m"] or 0.0),
            beam_m=float(dims["beam_m"] or 0.0),
            draught_m=float(dims["draught_m"] or 0.0),
            source=_text(table, "source", ""),
            tag=_text(table, "tag", "[N]"),
        )
    return out


def parse_limits(data: Mapping[str, Any]) -> dict[str, PassageLimit]:
    """``[passages.KEY]`` tables -> limits; a missing limit is no limit."""
    out: dict[str, PassageLimit] = {}
    for key, table in data.items():
        if not isinstance(table, Mapping):
            raise VesselConfigError(f"passages.{key}", table, "a table")
        limits = {f: _metres(f"passages.{key}.{f}", table.get(f), optional=True)
                  for _label, _v, f in DIMENSIONS}  # fmt: skip
        out[key] = PassageLimit(
            passage=key,
            name=_text(table, "name", key),
            max_length_m=limits["max_length_m"],
            max_beam_m=limits["max_beam_m"],
            max_draught_m=limits["max_draught_m"],
            source=_text(table, "source", ""),
            tag=_text(table, "tag", "[N]"),
            note=_text(table, "note", ""),
        )
    return out


def blocked_passages(vessel: VesselClass, limits: Mapping[str, PassageLimit]) -> list[Blocked]:
    """The passages ``vessel`` cannot transit, in ``limits`` order, with the reason."""
    out: list[Blocked] = []
    for key, limit in limits.items():
        for label, vfield, lfield in DIMENSIONS:
            cap = getattr(limit, lfield)
            size = float(getattr(vessel, vfield))
            if cap is not None and size > cap:
                out.append(Blocked(key, f"{label} {size:g} m > {cap:g} m", limit.source, limit.tag))
                break
    return out


__all__ = [
    "Blocked",
    "PassageLimit",
    "VesselClass",
    "VesselConfigError",
    "blocked_passages",
    "parse_limits",
    "parse_vessels",
]
