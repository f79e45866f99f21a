"""``gcdf3-geo``: AidData's GeoGCDF 3.0 project list joined to its ADM1 and ADM2 location files.

AidData (2023), Global Chinese Development Finance Dataset, Version 3.0 / GeoGCDF v3.0. The user
gives the project list (``geogcdf3_final_input.csv``: 17 columns with R-style dotted names); the
location files ``GCDF_3.0_ADM1_Locations.csv`` and ``GCDF_3.0_ADM2_Locations.csv`` are found
beside it (or given with the options ``adm1=`` / ``adm2=``) and joined on ``id`` =
``AidData.Record.ID``. A location file that is not there is named in the dataset title, and the
projects import without those locations.

Each ADM row becomes a :class:`LocationRecord`: the geoBoundaries unit name and shape id, its
centroid, and ``share`` = AidData's ``intersection_ratio`` (the part of the project's footprint
inside the unit). Centroids are approximate (IATI exactness 2) at first- or second-order
administrative precision (IATI precision 4 or 3).

Mapping, as for :mod:`beltroad.ingest.aiddata_gcdf3`: amount in constant 2021 USD (blank is
unknown); status and sector through :mod:`beltroad.ingest.aiddata_codes`, recipients through
:mod:`beltroad.ingest.aiddata`; a regional record keeps no country and names its OECD DAC
region. Identifiers are ``AidData-GeoGCDF3-<id>`` in the dataset ``aiddata-geogcdf3``: the same
AidData record imported with ``gcdf3`` is a separate project of the ``aiddata-gcdf3`` dataset, so
a total must take one dataset or the other. The file
carries no "recommended for aggregates" flag; AidData's rule is applied where its inputs are known
(the file has no umbrella column, so it usually stays unknown).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from beltroad.errors import InvalidInput
from beltroad.ingest.aiddata import (
    amount,
    build_project,
    make_money,
    project_items,
    read_dates,
    record_number,
    required_text,
    resolve_recipient,
)
from beltroad.ingest.aiddata_codes import (
    sector_group_of,
    status_of,
)
from beltroad.ingest.aiddata_gcdf3 import BASE_YEAR, GCDF3_CITATION
from beltroad.ingest.base import (
    Item,
    ReadNotes,
    RowContext,
    SourceInfo,
    ValueProblem,
    boolean,
    csv_rows,
    date,
    number,
    require_columns,
    text,
    year,
)
from beltroad.ingest.sheets import refuse_utf16_or_binary
from beltroad.progress import NULL_PROGRESS, Progress
from beltroad.records import LocationRecord, ProjectRecord
from beltroad.reference.iati import GeographicalPrecision, GeographicExactness

DATASET = "aiddata-geogcdf3"
ADM_FILES = {1: "GCDF_3.0_ADM1_Locations.csv", 2: "GCDF_3.0_ADM2_Locations.csv"}
ADM_COLUMNS = (
    "id",
    "shapeID",
    "shapeName",
    "intersection_ratio",
    "centroid_longitude",
    "centroid_latitude",
)
ADM_PRECISION = {
    1: int(GeographicalPrecision.FIRST_ORDER_ADMINISTRATIVE_DIVISION),
    2: int(GeographicalPrecision.SECOND_ORDER_ADMINISTRATIVE_DIVISION),
}

RECORD_ID = "AidData.Record.ID"
AMOUNT = "Amount.(Constant.USD.2021)"
COMMITTED = "Commitment.Date.(MM/DD/YYYY)"
ACTUAL_START = "Actual.Implementation.Start.Date.(MM/DD/YYYY)"
ACTUAL_END = "Actual.Completion.Date.(MM/DD/YYYY)"
DATE_COLUMNS = {"actual_start": ACTUAL_START, "actual_end": ACTUAL_END}
REQUIRED = (RECORD_ID, "Title", "Status", "Sector.Name", "Recipient", "Commitment.Year", AMOUNT)
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y")  # the file writes ISO dates under MM/DD/YYYY headers
#: Every column of the project list the importer reads (the report lists the rest).
COLUMNS = (
    *REQUIRED,
    "Recipient.ISO-3",
    COMMITTED,
    ACTUAL_START,
    ACTUAL_END,
    "Infrastructure",
    "OSM.link",
    "Level.of.precision",
    "Type.of.the.OSM.feature",
)


class GeoGcdf3Importer:
    kind = "gcdf3-geo"
    summary = "AidData GeoGCDF 3.0 project list with its ADM1/ADM2 location files (.csv)"

    def __init__(self, adm1: str | Path | None = None, adm2: str | Path | None = None) -> None:
        self.given = {1: adm1, 2: adm2}
        self.notes = ReadNotes()

    def adm_paths(self, path: Path) -> dict[int, Path | None]:
        """The ADM location files to join: as given, else beside ``path`` by their standard names.

        A file given explicitly must exist; a standard one that is absent is None.
        """
        found: dict[int, Path | None] = {}
        for level, name in ADM_FILES.items():
            given = self.given[level]
            if given is not None:
                chosen = Path(given)
                if not chosen.is_file():
                    raise InvalidInput.at(
                        f"ADM{level} location file not found",
                        file=str(chosen),
                        field=f"adm{level}",
                        hint=f"give the path of {name}, or leave adm{level} out to import "
                        "without those locations",
                    )
                found[level] = chosen
            else:
                beside = path.with_name(name)
                found[level] = beside if beside.is_file() else None
        return found

    def source(self, path: Path) -> SourceInfo:
        paths = self.adm_paths(path)
        parts = [
            f"ADM{level} locations from {found.name}"
            if found
            else f"no ADM{level} locations ({ADM_FILES[level]} not found beside the file)"
            for level, found in paths.items()
        ]
        return SourceInfo(
            dataset=DATASET,
            title="AidData GeoGCDF 3.0 geolocated projects; " + "; ".join(parts),
            citation=GCDF3_CITATION,
            licence="ODC-By 1.0 (OSM link columns: ODbL)",
        )

    def read(self, path: Path, *, progress: Progress = NULL_PROGRESS) -> Iterator[Item]:
        header, rows = _csv(path, REQUIRED)
        self.notes.columns(header, COLUMNS)
        locations: dict[str, list[LocationRecord]] = defaultdict(list)
        for level, adm_path in self.adm_paths(path).items():
            if adm_path is None:
                progress.start(f"{ADM_FILES[level]} not found: importing without ADM{level}")
                progress.finish()
                continue
            progress.start(f"reading {adm_path.name}", total=_data_lines(adm_path))
            for record_id, location in read_locations(adm_path, level):
                locations[record_id].append(location)
                progress.advance()
            progress.finish()
        yield from project_items(path, rows, lambda ctx: _project(ctx, locations), progress)


def _data_lines(path: Path) -> int:
    """The rows of a location file (its lines but the header), for a real progress total.

    No ADM field holds a line break; counting costs one more read of a 1.5 MB file.
    """
    data = path.read_bytes()
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    return max(lines - 1, 0)


def _csv(path: Path, required: tuple[str, ...]) -> tuple[list[str], Iterator[Any]]:
    with path.open("rb") as handle:
        refuse_utf16_or_binary(path, handle.read(1 << 16), expected="a UTF-8 CSV file")
    header, rows = csv_rows(path)
    require_columns(header, required, file=str(path))
    return header, rows


def read_locations(path: Path, level: int) -> Iterator[tuple[str, LocationRecord]]:
    """(AidData record id, location) for each row of an ADM1 or ADM2 location file.

    A bad value in a location file is a file error (the file is AidData's, not the user's rows).
    """
    _, rows = _csv(path, ADM_COLUMNS)
    source = f"AidData GCDF 3.0 ADM{level} (geoBoundaries CGAZ)"
    exactness = int(GeographicExactness.APPROXIMATE)
    for line, row in rows:
        record_id = text(row.get("id"))
        if record_id is None:
            raise _adm_error(path, line, "id", row.get("id"), "expected an AidData record id")
        yield (
            record_id,
            LocationRecord(
                name=(text(row.get("shapeName")) or "")[:256] or None,
                lat=_bounded(path, line, row, "centroid_latitude", -90, 90),
                lon=_bounded(path, line, row, "centroid_longitude", -180, 180),
                admin_level=level,
                admin_code=text(row.get("shapeID")),
                share=_bounded(path, line, row, "intersection_ratio", 0, 2),
                exactness=exactness,
                precision=ADM_PRECISION[level],
                source=source,
            ),
        )


def _bounded(
    path: Path, line: int, row: dict[str, str], column: str, low: float, high: float
) -> float:
    raw = row.get(column)
    try:
        result = number(raw)
    except ValueProblem as exc:
        raise _adm_error(path, line, column, raw, str(exc)) from None
    if result is None or not low <= result <= high:
        raise _adm_error(path, line, column, raw, f"expected a number from {low} to {high}")
    return result


def _adm_error(path: Path, line: int, column: str, value: Any, reason: str) -> InvalidInput:
    return InvalidInput.at(reason, file=str(path), row=line, field=column, value=value)


def _project(ctx: RowContext, locations: dict[str, list[LocationRecord]]) -> ProjectRecord | None:
    values = ctx.values
    record_id = ctx.get(RECORD_ID, record_number)
    title = ctx.get("Title", required_text, what="a project title")
    status = ctx.get("Status", status_of)
    group = ctx.get("Sector.Name", sector_group_of)
    recipients = ctx.get("Recipient", lambda v: resolve_recipient(v, values.get("Recipient.ISO-3")))
    commitment_year = ctx.get("Commitment.Year", year)
    constant = ctx.get(AMOUNT, amount, what="an amount in constant 2021 USD")
    committed = ctx.get(COMMITTED, date, formats=DATE_FORMATS)
    dates = read_dates(ctx, DATE_COLUMNS, DATE_FORMATS)
    infrastructure = ctx.get("Infrastructure", boolean)
    if ctx.errors:
        return None
    assert recipients is not None
    countries = recipients[0]
    money = make_money(
        currency=None, original=None, usd_nominal=None, usd_constant=constant, base_year=BASE_YEAR
    )
    links = text(values.get("OSM.link"))
    extras: dict[str, Any] = {
        "aiddata_sector": text(values.get("Sector.Name")),
        "infrastructure": infrastructure,
        "recipient": None if countries else text(values.get("Recipient")),
        "geographic_precision": text(values.get("Level.of.precision")),
        "osm_feature_type": text(values.get("Type.of.the.OSM.feature")),
        "osm_links": [link.strip() for link in links.split(", ") if link.strip()]
        if links
        else None,
        "commitment_date": committed.isoformat() if committed else None,
    }
    return build_project(
        dataset=DATASET,
        prefix="AidData-GeoGCDF3",
        record_id=record_id,
        title=title,
        status=status,
        status_name=text(values.get("Status")),
        group=group,
        recipients=recipients,
        commitment_year=commitment_year,
        dates=dates,
        money=money,
        committed=committed,
        locations=locations.get(str(record_id), ()),
        extras=extras,
    )
