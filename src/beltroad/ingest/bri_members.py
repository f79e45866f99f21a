"""``bri-members``: the GFDC list of Belt and Road countries with joining (and exit) dates.

Nedopil, C. (2023): Countries of the Belt and Road Initiative; Green Finance & Development
Center, FISF Fudan University. One partnership per country, plus the World Bank region and
income group the file states.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from beltroad.ingest.base import (
    Item,
    Row,
    RowContext,
    SourceInfo,
    check_order,
    country,
    date,
    text,
    xlsx_rows,
)
from beltroad.ingest.sources import registered_source
from beltroad.progress import NULL_PROGRESS, Progress
from beltroad.records import QUALITY_OK, CountryProfileRecord, PartnershipRecord, Provenance

DATASET = "gfdc-bri-countries"
COLUMNS = ("Country", "Country Code", "Likely date of joining", "Likely date of exit")


class BriMembersImporter:
    kind = "bri-members"
    summary = "GFDC list of BRI countries with joining and exit dates (xlsx)"

    def source(self, path: Path) -> SourceInfo:
        return registered_source(DATASET)

    def read(self, path: Path, *, progress: Progress = NULL_PROGRESS) -> Iterator[Item]:
        _, rows = xlsx_rows(path, required=COLUMNS)
        progress.start(f"reading {path.name}")
        for number, values in rows:
            progress.advance()
            ctx = RowContext(number, values)
            code = ctx.get("Country Code", country)
            joined = ctx.get("Likely date of joining", date)
            exited = ctx.get("Likely date of exit", date)
            if code is not None and text(values.get("Country")) is None:
                ctx.fail("Country", values.get("Country"), "country name missing")
            # Rejected, not flagged: the registry holds no partnership that ends before it begins
            # (a constraint on partnerships), and GFDC's published list has none.
            reason = check_order(joined, exited, what="exit date before joining date")
            if reason:
                ctx.fail("Likely date of exit", values.get("Likely date of exit"), reason)
            if ctx.errors:
                yield from ctx.errors
                continue
            assert code is not None
            yield Row(
                number,
                PartnershipRecord(
                    provenance=Provenance(
                        dataset=DATASET, source_record_id=code.iso3, quality=QUALITY_OK
                    ),
                    country_iso3=code.iso3,
                    joined_on=joined,
                    exited_on=exited,
                    note=text(values.get("Country")),
                ),
            )
            region, income = text(values.get("Region")), text(values.get("IncomeGroup"))
            if region or income:
                yield Row(
                    number,
                    CountryProfileRecord(
                        iso3=code.iso3, region=region, income_group=income, source=DATASET
                    ),
                )
        progress.finish()
