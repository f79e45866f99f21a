"""Conversion data: deflators and annual-average exchange rates, one record per year.

Four layouts, each as its publisher exports it:

* ``deflator-fred``: a FRED series CSV (``observation_date,GDPDEF``; older downloads say
  ``DATE``), quarterly, monthly or annual. A year's index is the mean of its observations; the
  record keeps how many there were, so a year with fewer than the series' full count (a year
  still in progress) is known to be incomplete and is never used as if it were whole.
* ``deflator-dac``: the OECD DAC "Deflators for resource flows from DAC countries" table, wide
  (a ``Donor`` or ``Country`` column, one column per year) or long (OECD.Stat / Data Explorer
  export: ``Donor``/``DONOR``, ``TIME_PERIOD``/``Time``/``Year``, ``OBS_VALUE``/``Value``). Only
  the row of one donor is kept (default: the United States, whose index converts USD amounts).
* ``deflator-wdi``: a World Bank WDI download (four lines of metadata, then ``Country Name,
  Country Code, Indicator Name, Indicator Code, 1960, ...``) of ``NY.GDP.DEFL.ZS``; one country
  (default USA).
* ``fx-imf``: annual-average exchange rates, long (IMF IFS export ``Time Period``/``TIME_PERIOD``
  and ``Value``/``OBS_VALUE``, or plain ``year``/``value``) with an ISO 4217 ``currency`` column:
  units of the currency per USD (a ``unit`` column saying ``USD per currency`` is inverted). The
  IMF's SDR rates (XDR), which the ECB does not publish, come in this way.

A blank or ``..`` cell is a gap: nothing is stored for that year, nothing is interpolated, and the
figures that need the year are listed as unconvertible when they are asked for.
"""

from __future__ import annotations

import re
from collections import defaultdict
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
    csv_rows,
    date,
    number,
    read_text,
    require_file,
    year,
)
from beltroad.ingest.sources import registered_source
from beltroad.progress import NULL_PROGRESS, Progress
from beltroad.records import RateRecord

DAC_CITATION = (
    "OECD, Deflators for Resource Flows from DAC Countries (DAC deflators), OECD Development "
    "Assistance Committee"
)
WDI_CITATION = "World Bank, World Development Indicators: GDP deflator (NY.GDP.DEFL.ZS)"
IMF_FX_CITATION = (
    "International Monetary Fund, International Financial Statistics: exchange rates, "
    "domestic currency per U.S. dollar, period average"
)
_US_NAMES = ("united states", "usa", "us", "united states of america", "801", "302")


def _first(header: list[str], *names: str) -> str | None:
    lowered = {h.lower(): h for h in header}
    for name in names:
        if name.lower() in lowered:
            return lowered[name.lower()]
    return None


def _positive(raw: Any, what: str) -> float | None:
    value = number(raw, what=what)
    if value is not None and value <= 0:
        raise ValueProblem(f"expected {what} above 0")
    return value


def _yearly(
    per_year: dict[int, list[float]], *, series: str, dataset: str, vintage: str
) -> Iterator[Item]:
    for when in sorted(per_year):
        values = per_year[when]
        yield Row(
            when,
            RateRecord(
                kind="deflator",
                series=series,
                currency="USD",
                year=when,
                value=sum(values) / len(values),
                vintage=vintage,
                dataset=dataset,
                observations=len(values) if len(values) > 1 else None,
            ),
        )


class FredDeflatorImporter:
    """A FRED price-index series (GDPDEF and alike), annualised as the mean of each year."""

    kind = "deflator-fred"
    summary = "FRED price index CSV (observation_date,SERIES), e.g. GDPDEF"

    def source(self, path: Path) -> SourceInfo:
        return registered_source("fred-gdpdef", dataset=f"deflator-fred-{self._series(path)}")

    def _series(self, path: Path) -> str:
        header = read_text(require_file(path), "utf-8-sig").split("\n", 1)[0]
        names = [h.strip() for h in header.split(",")]
        if len(names) != 2 or names[0].lower() not in ("observation_date", "date"):
            raise InvalidInput.at(
                "expected a FRED CSV with two columns, observation_date and the series id "
                f"(e.g. observation_date,GDPDEF); found {','.join(names)!r}",
                file=str(path),
                row=1,
            )
        return names[1].lower()

    def read(self, path: Path, *, progress: Progress = NULL_PROGRESS) -> Iterator[Item]:
        self._series(path)  # checks the layout before any row is read
        header, rows = csv_rows(path)
        day_column, value_column = header
        per_year: dict[int, list[float]] = defaultdict(list)
        last = None
        progress.start(f"reading {path.name}")
        for line, values in rows:
            progress.advance()
            try:
                when = date(values.get(day_column))
            except ValueProblem as exc:
                yield RowError(line, day_column, values.get(day_column), str(exc))
                continue
            if when is None:
                yield RowError(line, day_column, None, "expected a date (YYYY-MM-DD)")
                continue
            raw = values.get(value_column)
            if raw is not None and raw.strip() == ".":
                continue  # FRED's mark of a missing observation: a gap, nothing stored
            try:
                value = _positive(raw, "an index value")
            except ValueProblem as exc:
                yield RowError(line, value_column, values.get(value_column), str(exc))
                continue
            if value is None:  # a blank cell: a gap
                continue
            per_year[when.year].append(value)
            last = when if last is None or when > last else last
        progress.finish()
        vintage = f"FRED {value_column} to {last.isoformat()}" if last else f"FRED {value_column}"
        yield from _yearly(
            per_year,
            series=value_column.upper(),
            dataset=self.source(path).dataset,
            vintage=vintage,
        )


class DacDeflatorImporter:
    """The OECD DAC deflator table, wide or long; the row of one donor (default: United States)."""

    kind = "deflator-dac"
    summary = "OECD DAC deflators (csv, wide by year or long), one donor (default USA)"

    def __init__(self, donor: str | None = None) -> None:
        self.donor = (donor or "United States").strip()

    def source(self, path: Path) -> SourceInfo:
        return SourceInfo(
            dataset="deflator-dac",
            title="OECD DAC deflators for resource flows from DAC countries",
            citation=DAC_CITATION,
            licence="OECD terms (attribution)",
        )

    def _is_donor(self, value: Any) -> bool:
        wanted = self.donor.lower()
        given = str(value or "").strip().lower()
        if wanted in ("united states", "usa", "us"):
            return given in _US_NAMES
        return given == wanted

    def read(self, path: Path, *, progress: Progress = NULL_PROGRESS) -> Iterator[Item]:
        header, rows = csv_rows(path)
        donor_col = _first(header, "Donor", "DONOR", "Country", "Donor country")
        if donor_col is None:
            raise InvalidInput.at(
                "no Donor (or Country) column: expected the OECD DAC deflator table",
                file=str(path),
                row=1,
            )
        year_col = _first(header, "TIME_PERIOD", "Time", "Year", "TIME")
        value_col = _first(header, "OBS_VALUE", "Value")
        year_columns = [h for h in header if re.fullmatch(r"\d{4}", h)]
        if (year_col is None or value_col is None) and not year_columns:
            raise InvalidInput.at(
                "expected one column per year (wide) or TIME_PERIOD and OBS_VALUE (long)",
                file=str(path),
                row=1,
            )
        per_year: dict[int, list[float]] = {}
        seen = False
        for line, values in rows:
            if not self._is_donor(values.get(donor_col)):
                continue
            seen = True
            cells = (
                [(c, c, values.get(c)) for c in year_columns]
                if year_columns
                else [(year_col or "", values.get(year_col or ""), values.get(value_col or ""))]
            )
            for column, raw_year, raw_value in cells:
                try:
                    when = year(raw_year, low=1900, high=2100)
                    value = _positive(raw_value, "a deflator index")
                except ValueProblem as exc:
                    yield RowError(line, column, raw_value, str(exc))
                    continue
                if when is not None and value is not None:
                    per_year[when] = [value]
        if not seen:
            raise InvalidInput.at(
                f"no row for donor {self.donor!r}",
                file=str(path),
                field=donor_col,
                hint="name the donor as the table does",
            )
        yield from _yearly(
            per_year,
            series=f"DAC:{self.donor.upper()}",
            dataset="deflator-dac",
            vintage=f"OECD DAC deflators, {path.name}",
        )


class WdiDeflatorImporter:
    """A World Bank WDI CSV of the GDP deflator (NY.GDP.DEFL.ZS); one country (default USA)."""

    kind = "deflator-wdi"
    summary = "World Bank WDI GDP deflator CSV (NY.GDP.DEFL.ZS), one country (default USA)"

    def __init__(self, country: str | None = None) -> None:
        self.country = (country or "USA").strip().upper()

    def source(self, path: Path) -> SourceInfo:
        return SourceInfo(
            dataset="deflator-wdi",
            title="World Bank WDI GDP deflator (NY.GDP.DEFL.ZS)",
            citation=WDI_CITATION,
            licence="CC BY 4.0",
        )

    def read(self, path: Path, *, progress: Progress = NULL_PROGRESS) -> Iterator[Item]:
        text = read_text(require_file(path), "utf-8-sig")
        lines = text.splitlines()
        updated = ""
        skip = 0
        for i, meta in enumerate(lines[:10]):  # the metadata lines before the header
            if meta.startswith('"Last Updated Date"'):
                updated = meta.split(",")[1].strip('"')
            if meta.startswith(('"Country Name"', "Country Name")):
                skip = i
                break
        header, rows = csv_rows_after(path, text, skip)
        if "Country Code" not in header:
            raise InvalidInput.at(
                "no Country Code column: expected a World Bank WDI CSV download",
                file=str(path),
                row=skip + 1,
            )
        indicator = _first(header, "Indicator Code")
        years = [h for h in header if re.fullmatch(r"\d{4}", h)]
        per_year: dict[int, list[float]] = {}
        seen = False
        for line, values in rows:
            if str(values.get("Country Code", "")).strip().upper() != self.country:
                continue
            if indicator and values.get(indicator) not in (None, "", "NY.GDP.DEFL.ZS"):
                yield RowError(
                    line, indicator, values.get(indicator), "expected NY.GDP.DEFL.ZS (GDP deflator)"
                )
                continue
            seen = True
            for column in years:
                try:
                    value = _positive(values.get(column), "a deflator index")
                except ValueProblem as exc:
                    yield RowError(line, column, values.get(column), str(exc))
                    continue
                if value is not None:
                    per_year[int(column)] = [value]
        if not seen:
            raise InvalidInput.at(
                f"no row for country {self.country}", file=str(path), field="Country Code"
            )
        vintage = f"WDI, last updated {updated}" if updated else f"WDI, {path.name}"
        yield from _yearly(
            per_year,
            series=f"WDI:{self.country}",
            dataset="deflator-wdi",
            vintage=vintage,
        )


def csv_rows_after(
    path: Path, text: str, skip: int
) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """Header and rows of a CSV whose header is on line ``skip + 1`` (line numbers kept)."""
    import csv
    import io

    reader = csv.reader(io.StringIO("\n".join(text.splitlines()[skip:]), newline=""))
    header = [h.strip() for h in next(reader, [])]

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for offset, row in enumerate(reader, start=skip + 2):
            if any(cell.strip() for cell in row):
                yield offset, dict(zip(header, row, strict=False))

    return header, rows()


class ImfRatesImporter:
    """Annual-average exchange rates (units of the currency per USD), one row per year."""

    kind = "fx-imf"
    summary = "IMF (IFS) annual-average exchange rates, long csv with an ISO 4217 currency column"

    def source(self, path: Path) -> SourceInfo:
        return SourceInfo(
            dataset="fx-imf",
            title="IMF annual-average exchange rates per USD",
            citation=IMF_FX_CITATION,
            licence="IMF terms (attribution)",
        )

    def read(self, path: Path, *, progress: Progress = NULL_PROGRESS) -> Iterator[Item]:
        header, rows = csv_rows(path)
        currency_col = _first(header, "currency", "Currency Code", "CURRENCY")
        year_col = _first(header, "TIME_PERIOD", "Time Period", "year", "Year")
        value_col = _first(header, "OBS_VALUE", "Value", "value", "rate")
        unit_col = _first(header, "unit", "Unit", "UNIT_MEASURE")
        if currency_col is None or year_col is None or value_col is None:
            raise InvalidInput.at(
                "expected columns currency, year (or TIME_PERIOD) and value (or OBS_VALUE)",
                file=str(path),
                row=1,
            )
        seen: dict[tuple[str, int], int] = {}
        for line, values in rows:
            raw_currency = values.get(currency_col, "")
            currency = str(raw_currency or "").strip().upper()
            if not re.fullmatch(r"[A-Z]{3}", currency):
                yield RowError(line, currency_col, raw_currency, "expected an ISO 4217 code")
                continue
            try:
                when = year(values.get(year_col), low=1900, high=2100)
                value = _positive(values.get(value_col), "a rate in units per USD")
            except ValueProblem as exc:
                yield RowError(line, value_col, values.get(value_col), str(exc))
                continue
            if when is None:
                yield RowError(line, year_col, None, "expected a year")
                continue
            if value is None:
                continue  # a gap: nothing stored, nothing interpolated
            unit = str(values.get(unit_col or "", "") or "").lower()
            if "usd per" in unit or "us dollars per" in unit:
                value = 1.0 / value
            key = (currency, when)
            if key in seen:
                yield RowError(
                    line, year_col, when, f"{currency} {when} repeated (first at line {seen[key]})"
                )
                continue
            seen[key] = line
            yield Row(
                line,
                RateRecord(
                    kind="fx-annual",
                    series="IMF",
                    currency=currency,
                    year=when,
                    value=value,
                    vintage=f"IMF annual averages, {path.name}",
                    dataset="fx-imf",
                ),
            )


__all__ = [
    "DacDeflatorImporter",
    "FredDeflatorImporter",
    "ImfRatesImporter",
    "WdiDeflatorImporter",
]
