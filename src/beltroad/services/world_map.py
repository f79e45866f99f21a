"""Country shapes for the web map: Natural Earth 1:110m from the dataset registry, as GeoJSON.

The file comes from the dataset cache or mirror (never downloaded while serving a page); no tile
server is involved. Each feature carries the ISO3 code the rest of beltroad uses (Natural Earth
writes ``-99`` for a few countries, found then by ``ADM0_A3`` or the name) and the English and
Chinese names of the country reference.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from beltroad.engines.topojson import features
from beltroad.errors import NotFound
from beltroad.services.data import dataset_files
from beltroad.services.workspace import Workspace

DATASET = "naturalearth-110m"


def _iso3(properties: dict[str, Any]) -> str | None:
    from beltroad.reference.countries import resolve_country

    for key in ("ISO_A3", "ADM0_A3", "NAME"):
        value = properties.get(key)
        if value and value != "-99":
            try:
                return resolve_country(str(value)).iso3
            except NotFound:
                continue
    return None


@lru_cache(maxsize=2)
def _shapes(path: Path, mtime: float) -> dict[str, Any]:
    from beltroad.reference.countries import resolve_country

    topology = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for feature in features(topology):
        iso3 = _iso3(feature["properties"])
        if iso3 is None:  # N. Cyprus, Somaliland: no ISO country to attach figures to
            continue
        fact = resolve_country(iso3)
        feature["properties"] = {
            "iso3": iso3,
            "name": fact.name_en,
            "name_zh": fact.name_zh or fact.name_en,
        }
        out.append(feature)
    return {"type": "FeatureCollection", "features": out}


def country_shapes(workspace: Workspace) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the world's countries (DataUnavailable says how to get
    the file when it is in neither the cache nor the mirror)."""
    path = dataset_files(workspace.settings, DATASET, allow_download=False)[0]
    return _shapes(path, path.stat().st_mtime)
