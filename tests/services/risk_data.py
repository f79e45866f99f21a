"""Real indicator data for the risk tests: read once per process from ../shared/data, then a
chosen set of countries written into each test's fresh database (SQLite or PostgreSQL)."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from beltroad.ingest.base import Row
from beltroad.ingest.indicators import GprImporter, ImfDebtImporter, NdGainImporter, WgiImporter
from beltroad.records import IndicatorRecord
from beltroad.services.workspace import Workspace
from beltroad.storage.writes import write_indicators
from tests.conftest import shared_file

# GPR has series for CHN, IDN, RUS, TUR, UKR; the others have none (re-weighted).
COUNTRIES = ("PAK", "KEN", "CHN", "IDN", "RUS", "TUR", "UKR", "LKA", "ZMB", "SSD", "NOR", "USA")


@functools.lru_cache(maxsize=1)
def real_indicators() -> tuple[IndicatorRecord, ...]:
    """WGI, GPR, ND-GAIN (index) and IMF debt for :data:`COUNTRIES`, parsed from the real files."""
    sources = [
        (WgiImporter(), shared_file("wgi/wgidataset.xlsx")),
        (GprImporter(), shared_file("gpr/data_gpr_export.xls")),
        (NdGainImporter(), shared_file("nd-gain/gain.csv")),
        (ImfDebtImporter(), shared_file("imf-weo-debt/imf_debt_data.json")),
    ]
    found: list[IndicatorRecord] = []
    for importer, path in sources:
        for item in importer.read(path):
            if (
                isinstance(item, Row)
                and isinstance(item.record, IndicatorRecord)
                and item.record.iso3 in COUNTRIES
                and item.record.indicator != "gpr.country.historical"
            ):
                found.append(item.record)
    return tuple(found)


def load_real_indicators(workspace: Workspace, countries: Sequence[str] = COUNTRIES) -> int:
    records = [r for r in real_indicators() if r.iso3 in countries]
    with workspace.writing() as connection:
        write_indicators(connection, records)
    return len(records)
