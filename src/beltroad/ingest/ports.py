"""``wpi``: the NGA World Port Index (Pub. 150), full 109-column CSV edition.

One :class:`~beltroad.records.PortRecord` per port; ``source_record_id`` is the WPI index number
(``"49454.5"`` keeps its fraction, ``"8225"`` drops the ``.0`` the export adds).

Decisions:

* UN/LOCODE is stored without its space (``"US ANP"`` -> ``"USANP"``). A code that is not two
  letters and three letters/digits, or whose country part is not the port's country, is rejected:
  the sea network matches ports by this code, and a wrong one would route to another country.
* The country is the WPI ``Country Code`` column, which holds country *names*; they resolve through
  the exact matcher (spellings such as "Congo (Kinshasa)" are listed in the country aliases).
* Depths: the export writes ``0.0`` where a depth is not reported, so 0 is read as unknown.
  ``max_depth_m`` is the **cargo-pier depth**, the depth alongside the berths where general cargo is
  worked: it is what limits the draft of a ship that calls to load or unload. The channel and
  anchorage depths describe the approach and the roads outside the port, and the oil/LNG terminal
  depths specialised berths (often offshore buoys, with some implausible values such as 970 m), so
  none of them stands in for a missing cargo-pier depth. All are kept in ``extras``. WPI depths
  are the lower bounds of its depth classes (23.2 m means "23.2 m or more").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

from beltroad.ingest.base import (
    Item,
    Row,
    RowContext,
    SourceInfo,
    ValueProblem,
    country,
    csv_rows,
    number,
    require_columns,
    text,
)
from beltroad.ingest.sources import registered_source
from beltroad.progress import NULL_PROGRESS, Progress
from beltroad.records import QUALITY_OK, PortRecord, Provenance

DATASET: Final = "wpi"
NUMBER: Final = "World Port Index Number"
NAME: Final = "Main Port Name"
LOCODE: Final = "UN/LOCODE"
COUNTRY: Final = "Country Code"
LAT: Final = "Latitude"
LON: Final = "Longitude"
REQUIRED: Final = (NUMBER, NAME, LOCODE, COUNTRY, LAT, LON)
CARGO_PIER_DEPTH: Final = "Cargo Pier Depth (m)"

# extras key -> WPI column; numbers in metres (0 = not reported -> left out)
DEPTHS: Final = {
    "channel_depth_m": "Channel Depth (m)",
    "anchorage_depth_m": "Anchorage Depth (m)",
    "cargo_pier_depth_m": CARGO_PIER_DEPTH,
    "oil_terminal_depth_m": "Oil Terminal Depth (m)",
    "lng_terminal_depth_m": "Liquified Natural Gas Terminal Depth (m)",
    "max_vessel_length_m": "Maximum Vessel Length (m)",
    "max_vessel_draft_m": "Maximum Vessel Draft (m)",
}
TEXTS: Final = {
    "alternate_name": "Alternate Port Name",
    "region": "Region Name",
    "water_body": "World Water Body",
    "harbor_use": "Harbor Use",
    "shelter": "Shelter Afforded",
    "container": "Facilities - Container",
    "ro_ro": "Facilities - Ro-Ro",
    "solid_bulk": "Facilities - Solid Bulk",
    "liquid_bulk": "Facilities - Liquid Bulk",
}
_LOCODE = re.compile(r"^[A-Z]{2}[A-Z2-9]{3}$")


def wpi_number(value: Any) -> str:
    result = number(value, what="a WPI index number")
    if result is None:
        raise ValueProblem("WPI index number missing (expected a positive number)")
    if result <= 0:
        raise ValueProblem("not a positive number (expected a WPI index number)")
    return str(int(result)) if result == int(result) else repr(result)


def unlocode(value: Any) -> str | None:
    """``"US ANP"`` -> ``"USANP"``; None for blank; ValueProblem for anything else."""
    raw = text(value)
    if raw is None:
        return None
    code = raw.replace(" ", "").upper()
    if not _LOCODE.match(code):
        raise ValueProblem(
            "not a UN/LOCODE (expected 2 letters of country and 3 letters or digits 2-9, "
            "e.g. 'CN SHA')"
        )
    return code


def coordinate(value: Any, *, limit: float, what: str) -> float:
    result = number(value, what=what)
    if result is None:
        raise ValueProblem(f"{what} missing")
    if not -limit <= result <= limit:
        raise ValueProblem(f"out of range (expected {what} from {-limit:g} to {limit:g})")
    return result


def depth(value: Any) -> float | None:
    result = number(value, what="metres")
    if result is not None and result < 0:
        raise ValueProblem("negative (expected metres, 0 or empty when not reported)")
    return result or None


def limited(value: Any, *, length: int, required: bool = False) -> str | None:
    result = text(value)
    if result is None and required:
        raise ValueProblem("missing (expected a name)")
    if result is not None and len(result) > length:
        raise ValueProblem(f"longer than {length} characters")
    return result


class WpiImporter:
    kind = "wpi"
    summary = "NGA World Port Index (Pub. 150), full CSV edition"

    def source(self, path: Path) -> SourceInfo:
        return registered_source(DATASET)

    def read(self, path: Path, *, progress: Progress = NULL_PROGRESS) -> Iterator[Item]:
        header, rows = csv_rows(path)
        require_columns(header, REQUIRED, file=str(path))
        present = set(header)
        progress.start(f"reading {path.name}")
        for line, values in rows:
            progress.advance()
            ctx = RowContext(line, values)
            ident = ctx.get(NUMBER, wpi_number)
            name = ctx.get(NAME, limited, length=256, required=True)
            place = ctx.get(COUNTRY, country)
            code = ctx.get(LOCODE, unlocode)
            if code and place and code[:2] != place.iso2:
                ctx.fail(
                    LOCODE,
                    values.get(LOCODE),
                    f"country part {code[:2]!r} is not the port's country "
                    f"{values.get(COUNTRY)!r} ({place.iso2})",
                )
            lat = ctx.get(LAT, coordinate, limit=90.0, what="a latitude")
            lon = ctx.get(LON, coordinate, limit=180.0, what="a longitude")
            size = ctx.get("Harbor Size", limited, length=32)
            harbor_type = ctx.get("Harbor Type", limited, length=64)
            extras: dict[str, Any] = {}
            for key, column in DEPTHS.items():
                if column in present:
                    extras[key] = ctx.get(column, depth)
            for key, column in TEXTS.items():
                if column in present:
                    extras[key] = text(values.get(column))
            if ctx.errors or not (ident and name and place) or lat is None or lon is None:
                yield from ctx.errors
                continue
            yield Row(
                line,
                PortRecord(
                    unlocode=code,
                    name=name,
                    country_iso3=place.iso3,
                    lat=lat,
                    lon=lon,
                    provenance=Provenance(
                        dataset=DATASET, source_record_id=ident, quality=QUALITY_OK
                    ),
                    wpi_number=ident,
                    harbor_size=size,
                    harbor_type=harbor_type,
                    max_depth_m=extras.get("cargo_pier_depth_m"),
                    extras={k: v for k, v in extras.items() if v is not None},
                ),
            )
        progress.finish()
