"""``naturalearth``: World Bank region and income group of every country, from Natural Earth.

Natural Earth, Admin 0 – Countries, 1:110m (public domain), as TopoJSON. Only the attributes
are read (no geometry): one country profile per geometry, so countries outside the GFDC list of
BRI countries also get a region and an income group.

- ``REGION_WB`` uses the World Bank region names as they are; a value that is not one of the
  seven World Bank regions (Natural Earth's ``"Antarctica"``) is a rejected row.
- ``INCOME_GRP`` is mapped to the World Bank group names by :data:`INCOME_GROUPS`.
- ``ISO_A3`` is ``"-99"`` for a few countries (France, Norway, Kosovo...): the country is then
  found by ``ADM0_A3``, then by the exact ``NAME``; a row none of them resolves (N. Cyprus,
  Somaliland) is rejected naming the values tried.

Row numbers are the 1-based index of the geometry in its object.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from beltroad.errors import InvalidInput
from beltroad.ingest.base import (
    Item,
    Row,
    RowError,
    SourceInfo,
    ValueProblem,
    blank,
    country,
    read_text,
    text,
)
from beltroad.ingest.sources import registered_source
from beltroad.progress import NULL_PROGRESS, Progress
from beltroad.records import CountryProfileRecord
from beltroad.reference.countries import CountryFact

DATASET = "naturalearth-110m"

# Natural Earth INCOME_GRP -> World Bank income group, as the GFDC file names them. The World
# Bank dropped the OECD / non-OECD split of "High income" in 2015; both become "High income".
INCOME_GROUPS: dict[str, str] = {
    "1. High income: OECD": "High income",
    "2. High income: nonOECD": "High income",
    "3. Upper middle income": "Upper middle income",
    "4. Lower middle income": "Lower middle income",
    "5. Low income": "Low income",
}

# The World Bank's regions; Natural Earth's REGION_WB spells them the same way.
WORLD_BANK_REGIONS = frozenset(
    {
        "East Asia & Pacific",
        "Europe & Central Asia",
        "Latin America & Caribbean",
        "Middle East & North Africa",
        "North America",
        "South Asia",
        "Sub-Saharan Africa",
    }
)

# Where the country code is looked for, in order; "-99" means "no code" in Natural Earth.
COUNTRY_FIELDS = ("ISO_A3", "ADM0_A3", "NAME")
EXPECTED = 'a TopoJSON topology: {"type": "Topology", "objects": {name: {"geometries": [...]}}}'


class NaturalEarthImporter:
    kind = "naturalearth"
    summary = "Natural Earth admin-0 countries: World Bank region and income group (TopoJSON)"

    def source(self, path: Path) -> SourceInfo:
        return registered_source(DATASET)

    def read(self, path: Path, *, progress: Progress = NULL_PROGRESS) -> Iterator[Item]:
        geometries = _geometries(path)
        progress.start(f"reading {path.name}")
        for number, geometry in enumerate(geometries, start=1):
            progress.advance()
            properties = geometry.get("properties") if isinstance(geometry, dict) else None
            if not isinstance(properties, dict):
                yield RowError(number, "properties", None, "geometry without properties")
                continue
            errors: list[RowError] = []
            fact = _country(number, properties, errors)
            region = text(properties.get("REGION_WB"))
            if region is not None and region not in WORLD_BANK_REGIONS:
                errors.append(
                    RowError(
                        number,
                        "REGION_WB",
                        region,
                        "not a World Bank region (expected one of "
                        + ", ".join(sorted(WORLD_BANK_REGIONS))
                        + ")",
                    )
                )
            raw_income = properties.get("INCOME_GRP")
            income = None if blank(raw_income) else INCOME_GROUPS.get(str(raw_income).strip())
            if not blank(raw_income) and income is None:
                errors.append(
                    RowError(
                        number,
                        "INCOME_GRP",
                        raw_income,
                        "unknown income group (expected one of " + ", ".join(INCOME_GROUPS) + ")",
                    )
                )
            if errors:
                yield from errors
                continue
            assert fact is not None
            yield Row(
                number,
                CountryProfileRecord(
                    iso3=fact.iso3, region=region, income_group=income, source=DATASET
                ),
            )
        progress.finish()


def _geometries(path: Path) -> list[Any]:
    """Every geometry of every object of the topology, in file order."""
    try:
        document = json.loads(read_text(path, "utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise InvalidInput.at(
            f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
            file=str(path),
            row=exc.lineno,
        ) from None
    if not isinstance(document, dict) or document.get("type") != "Topology":
        raise InvalidInput.at(f"not a TopoJSON topology (expected {EXPECTED})", file=str(path))
    objects = document.get("objects")
    if not isinstance(objects, dict) or not objects:
        raise InvalidInput.at(f"no 'objects' in the topology (expected {EXPECTED})", file=str(path))
    geometries: list[Any] = []
    for name, value in objects.items():
        found = value.get("geometries") if isinstance(value, dict) else None
        if not isinstance(found, list):
            raise InvalidInput.at(
                f"object {name!r} has no 'geometries' list (expected {EXPECTED})",
                file=str(path),
                field=f"objects.{name}",
            )
        geometries.extend(found)
    return geometries


def _country(number: int, properties: dict[str, Any], errors: list[RowError]) -> CountryFact | None:
    tried: list[str] = []
    for field in COUNTRY_FIELDS:
        value = text(properties.get(field))
        if value is None or value == "-99":
            continue
        tried.append(f"{field}={value!r}")
        try:
            return country(value)
        except ValueProblem:
            continue
    errors.append(
        RowError(
            number,
            "ISO_A3",
            properties.get("ISO_A3"),
            "unknown country ("
            + (", ".join(tried) if tried else "no code or name")
            + "; expected an ISO 3166 code or an exact country name)",
        )
    )
    return None
