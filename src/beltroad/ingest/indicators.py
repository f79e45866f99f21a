"""Country indicators: WGI, GPR, ND-GAIN and IMF WEO debt, one record per country and period.

Every value becomes an :class:`~beltroad.records.IndicatorRecord` keyed on (iso3, indicator,
period); the period is a year (``"2023"``) or a month (``"2023-05"``). A missing value (WGI
``".."``, an empty ND-GAIN cell, a JSON ``null``) is skipped, not stored and not an error: an
absent number says nothing, and "unknown" is not zero. The indicator names are listed, with their
units, in :data:`INDICATORS`.

Decisions, so that every stored number can be traced:

* WGI: the estimate, its standard error and the percentile rank of each of the six dimensions are
  three indicators (``wgi.va.estimate``, ``wgi.va.stderr``, ``wgi.va.pctrank``); the source's
  ``nsource`` and percentile-rank bounds are not kept. WGI's own non-ISO codes (ADO, ROM, ZAR,
  TMP, WBG, KSV) are resolved by the exact country name in the same row; "Netherlands Antilles
  (former)" (ANT) has no ISO 3166-1 country today, so its rows are rejected. The vintage is
  ``"WGI 2024 update"``, the release this layout was checked against.
* GPR: only the 44 country series are stored, the recent one (``GPRC_XXX``, 10 newspapers, from
  1985) and the historical one (``GPRHC_XXX``, 3 newspapers, from 1900) as separate indicators so
  that the two vintages never mix (standards §4.3). The global indices (GPR, GPRT, GPRA, GPRH...)
  belong to no country; the countries table cannot hold them, so they are not imported. The
  shared file is a re-saved copy, and its vintage says so.
* ND-GAIN: one file per series, named by the file (``gain.csv`` -> ``ndgain.gain``); the vintage
  names the span of the year columns, because the file itself names no release.
* IMF: one indicator, ``imf.ggxwdg_ngdp``; a value the IMF marks as a projection carries a vintage
  ending in ``", projection"``. ``EUQ`` (European Union) is an IMF group code, skipped.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Final

from beltroad.errors import InvalidInput
from beltroad.ingest.base import (
    Item,
    Row,
    RowContext,
    RowError,
    SourceInfo,
    ValueProblem,
    blank,
    country,
    csv_rows,
    number,
    read_text,
    require_columns,
    require_file,
    text,
    xlsx_rows,
    year,
)
from beltroad.ingest.sources import registered_source
from beltroad.progress import NULL_PROGRESS, Progress
from beltroad.records import IndicatorRecord

WGI_DIMENSIONS: Final = {
    "va": "Voice and Accountability",
    "pv": "Political Stability and Absence of Violence/Terrorism",
    "ge": "Government Effectiveness",
    "rq": "Regulatory Quality",
    "rl": "Rule of Law",
    "cc": "Control of Corruption",
}
# source column -> indicator suffix and what it holds
WGI_MEASURES: Final = {
    "estimate": ("estimate", "estimate, in units of a standard normal (about -2.5 to 2.5)"),
    "stddev": ("stderr", "standard error of the estimate"),
    "pctrank": ("pctrank", "percentile rank among all economies (0 to 100)"),
}
NDGAIN_SERIES: Final = {
    "gain": "ND-GAIN Country Index (0 to 100, higher is better adapted)",
    "vulnerability": "ND-GAIN vulnerability score (0 to 1, higher is more vulnerable)",
    "readiness": "ND-GAIN readiness score (0 to 1, higher is more ready)",
}
IMF_INDICATOR: Final = "imf.ggxwdg_ngdp"

INDICATORS: Final[dict[str, str]] = {
    **{
        f"wgi.{dim}.{suffix}": f"WGI {name}: {what}; yearly"
        for dim, name in WGI_DIMENSIONS.items()
        for suffix, what in WGI_MEASURES.values()
    },
    "gpr.country": (
        "GPR country index GPRC_XXX: percent of articles in 10 newspapers; monthly from 1985"
    ),
    "gpr.country.historical": (
        "GPR historical country index GPRHC_XXX: percent of articles in 3 newspapers; "
        "monthly from 1900"
    ),
    **{f"ndgain.{series}": f"{what}; yearly" for series, what in NDGAIN_SERIES.items()},
    IMF_INDICATOR: (
        "IMF WEO general government gross debt, % of GDP; yearly; projections flagged in vintage"
    ),
}
"""Every indicator these importers write, with its unit and frequency."""


def _resolve(code: Any, name: Any = None) -> str:
    """ISO3 from a code, else from the exact name in the same row; a clash is an error."""
    if isinstance(code, str | None) and isinstance(name, str | None):
        iso3, problem = _resolve_cached(code, name)
    else:
        iso3, problem = _resolve_pair(code, name)
    if iso3 is None:
        raise ValueProblem(problem)
    return iso3


@functools.lru_cache(maxsize=4096)
def _resolve_cached(code: str | None, name: str | None) -> tuple[str | None, str]:
    # a long file repeats the same few hundred (code, name) pairs
    return _resolve_pair(code, name)


def _resolve_pair(code: Any, name: Any) -> tuple[str | None, str]:
    by_code: str | None = None
    by_name: str | None = None
    if text(code) is not None:
        try:
            by_code = country(code).iso3
        except ValueProblem:
            by_code = None
    if text(name) is not None:
        try:
            by_name = country(name).iso3
        except ValueProblem:
            by_name = None
    if by_code and by_name and by_code != by_name:
        return None, f"code {code!r} is {by_code} but name {name!r} is {by_name}"
    found = by_code or by_name
    if found is None:
        shown = " / ".join(repr(v) for v in (code, name) if text(v) is not None) or "blank"
        return None, (
            f"unknown country {shown}: expected an ISO 3166 code or an exact country name "
            "(add the spelling to beltroad.reference.country_aliases if it is one)"
        )
    return found, ""


def _measure(
    ctx: RowContext, field: str, *, what: str, low: float | None = None, high: float | None = None
) -> float | None:
    value: float | None = ctx.get(field, number, what=what)
    if value is not None and (
        (low is not None and value < low) or (high is not None and value > high)
    ):
        bounds = f"{low:g} to {high:g}" if high is not None else f"at least {low:g}"
        ctx.fail(field, ctx.values.get(field), f"out of range (expected {what}, {bounds})")
        return None
    return value


# --- WGI -----------------------------------------------------------------------------------------

WGI_DATASET: Final = "wgi"
WGI_VINTAGE: Final = "WGI 2024 update"
WGI_REQUIRED: Final = ("code", "countryname", "year", "indicator", "estimate")


def _wgi_dimension(value: Any) -> str:
    raw = (text(value) or "").lower()
    if raw not in WGI_DIMENSIONS:
        raise ValueProblem(f"not a WGI dimension (expected one of {', '.join(WGI_DIMENSIONS)})")
    return raw


class WgiImporter:
    """World Bank WGI, long format (one row per economy, year and dimension)."""

    kind = "wgi"
    summary = "World Bank Worldwide Governance Indicators, long format (xlsx)"

    def source(self, path: Path) -> SourceInfo:
        return registered_source(WGI_DATASET)

    def read(self, path: Path, *, progress: Progress = NULL_PROGRESS) -> Iterator[Item]:
        header, rows = xlsx_rows(path, required=WGI_REQUIRED)
        measures = [column for column in WGI_MEASURES if column in header]
        progress.start(f"reading {path.name}")
        for number_, values in rows:
            progress.advance()
            ctx = RowContext(number_, values)
            iso3 = ctx.get("code", _resolve, name=values.get("countryname"))
            period = ctx.get("year", year, low=1996, high=2100)
            dim = ctx.get("indicator", _wgi_dimension)
            found = {
                "estimate": _measure(ctx, "estimate", what="a WGI estimate"),
                "stddev": _measure(ctx, "stddev", what="a standard error", low=0.0)
                if "stddev" in measures
                else None,
                "pctrank": _measure(ctx, "pctrank", what="a percentile rank", low=0.0, high=100.0)
                if "pctrank" in measures
                else None,
            }
            if ctx.errors:
                yield from ctx.errors
                continue
            for column, value in found.items():
                if value is not None:
                    suffix = WGI_MEASURES[column][0]
                    yield Row(
                        number_,
                        IndicatorRecord(
                            iso3=iso3,
                            indicator=f"wgi.{dim}.{suffix}",
                            period=str(period),
                            value=value,
                            vintage=WGI_VINTAGE,
                            dataset=WGI_DATASET,
                        ),
                    )
        progress.finish()


# --- GPR -----------------------------------------------------------------------------------------

GPR_DATASET: Final = "gpr"
# 64 characters at most (country_indicators.vintage)
GPR_VINTAGE: Final = "GPR data_gpr_export.xls (re-saved copy; check vs published)"
_GPR_SERIES = re.compile(r"^(GPRC|GPRHC)_([A-Z]{3})$")
_GPR_INDICATOR = {"GPRC": "gpr.country", "GPRHC": "gpr.country.historical"}


def _grid(path: Path) -> tuple[list[str], int, list[tuple[int, list[Any]]], int]:
    """Header, its row number, (row number, values) and the Excel date mode of a sheet or CSV."""
    require_file(path)
    suffix = path.suffix.lower()
    if suffix in (".csv", ".xlsx"):
        if suffix == ".csv":
            header, found = csv_rows(path)
        else:
            header, found = xlsx_rows(path, required=("month",))
        require_columns(header, ("month",), file=str(path))
        return header, 1, [(n, [r.get(h) for h in header]) for n, r in found], 0
    if suffix != ".xls":
        raise InvalidInput.at(
            f"unsupported file type {suffix or '(none)'!r} (expected .xls, .xlsx or .csv)",
            file=str(path),
        )
    import xlrd

    try:
        book = xlrd.open_workbook(str(path))
    except (xlrd.XLRDError, OSError, ValueError, AssertionError) as exc:
        raise InvalidInput.at(
            f"not a readable .xls workbook ({type(exc).__name__}: {exc})", file=str(path)
        ) from None
    sheet = book.sheet_by_index(0)
    for index in range(min(sheet.nrows, 30)):
        header = [str(v).strip() for v in sheet.row_values(index)]
        if "month" in header:
            rows = [(i + 1, sheet.row_values(i)) for i in range(index + 1, sheet.nrows)]
            return header, index + 1, rows, book.datemode
    first = [str(v).strip() for v in sheet.row_values(0)] if sheet.nrows else []
    require_columns(first, ("month",), file=str(path))
    raise AssertionError("unreachable: require_columns raised")


def _month(value: Any, datemode: int) -> str:
    """``YYYY-MM`` from an Excel date serial, a date, or text like 2023-05 or 2023-05-01."""
    if blank(value):
        raise ValueProblem("month missing (expected a date such as 2023-05-01)")
    when: dt.date | None = None
    if isinstance(value, dt.date):
        when = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        import xlrd

        try:
            when = xlrd.xldate_as_datetime(float(value), datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            raise ValueProblem("not an Excel date (expected a month)") from None
    else:
        raw = str(value).strip()
        for fmt in ("%Y-%m-%d", "%Y-%m", "%Y-%m-%d %H:%M:%S"):
            try:
                when = dt.datetime.strptime(raw, fmt)
                break
            except ValueError:
                continue
        if when is None:
            raise ValueProblem("not a month (expected YYYY-MM, YYYY-MM-DD or an Excel date)")
    if not 1900 <= when.year <= 2100:
        raise ValueProblem("year out of range (expected 1900 to 2100)")
    return f"{when.year:04d}-{when.month:02d}"


class GprImporter:
    """Caldara & Iacoviello GPR: the 44 monthly country series (the global ones are skipped)."""

    kind = "gpr"
    summary = "Caldara-Iacoviello Geopolitical Risk, monthly country series (xls)"

    def source(self, path: Path) -> SourceInfo:
        return registered_source(GPR_DATASET)

    def read(self, path: Path, *, progress: Progress = NULL_PROGRESS) -> Iterator[Item]:
        header, header_row, rows, datemode = _grid(path)
        series: list[tuple[int, str, str]] = []  # column, indicator, iso3
        bad_columns: list[RowError] = []
        for column, name in enumerate(header):
            matched = _GPR_SERIES.match(name)
            if not matched:
                continue
            try:
                iso3 = country(matched.group(2)).iso3
            except ValueProblem as exc:
                bad_columns.append(RowError(header_row, name, matched.group(2), str(exc)))
                continue
            series.append((column, _GPR_INDICATOR[matched.group(1)], iso3))
        if not series and not bad_columns:
            require_columns(header, ("GPRC_CHN",), file=str(path), row=header_row)
        yield from bad_columns
        month_column = header.index("month")
        progress.start(f"reading {path.name}", total=len(rows))
        for number_, values in rows:
            progress.advance()
            if all(blank(v) for v in values):
                continue
            raw_month = values[month_column] if month_column < len(values) else None
            try:
                period = _month(raw_month, datemode)
            except ValueProblem as exc:
                yield RowError(number_, "month", raw_month, str(exc))
                continue
            for column, indicator, iso3 in series:
                raw = values[column] if column < len(values) else None
                try:
                    value = number(raw, what="a GPR share of articles")
                except ValueProblem as exc:
                    yield RowError(number_, header[column], raw, str(exc))
                    continue
                if value is None:
                    continue
                if value < 0:
                    yield RowError(
                        number_, header[column], raw, "negative (expected a share of articles)"
                    )
                    continue
                yield Row(
                    number_,
                    IndicatorRecord(iso3, indicator, period, value, GPR_VINTAGE, GPR_DATASET),
                )
        progress.finish()


# --- ND-GAIN -------------------------------------------------------------------------------------

NDGAIN_DATASET: Final = "ndgain"
NDGAIN_VINTAGE: Final = "ND-GAIN release covering {first}-{last}"
"""The file names no release; the span of its year columns tells releases apart."""


class NdGainImporter:
    """One ND-GAIN file (gain, vulnerability or readiness.csv): ISO3, Name, one column a year.

    The series is named by the file (``gain.csv`` -> ``ndgain.gain``) or by ``series=``.
    """

    kind = "ndgain"
    summary = "ND-GAIN index, vulnerability or readiness, wide by year (csv)"

    def __init__(self, series: str | None = None) -> None:
        self.series = series

    def source(self, path: Path) -> SourceInfo:
        return registered_source(NDGAIN_DATASET)

    def indicator(self, path: Path) -> str:
        series = (self.series or path.stem).strip().lower()
        if series not in NDGAIN_SERIES:
            raise InvalidInput.at(
                f"cannot tell which ND-GAIN series this is from its name (expected a file named "
                f"{', '.join(s + '.csv' for s in NDGAIN_SERIES)}, as ND-GAIN publishes them)",
                file=str(path),
                hint="rename the file to the series it holds",
            )
        return f"ndgain.{series}"

    def read(self, path: Path, *, progress: Progress = NULL_PROGRESS) -> Iterator[Item]:
        indicator = self.indicator(path)
        header, rows = csv_rows(path)
        require_columns(header, ("ISO3",), file=str(path))
        years: list[tuple[str, int]] = []
        for column in header:
            if column in ("ISO3", "Name"):
                continue
            try:
                found = year(column, low=1990, high=2100)
            except ValueProblem as exc:
                raise InvalidInput.at(
                    f"{exc} (expected ISO3, Name and one column per year)",
                    file=str(path),
                    row=1,
                    field=column or "(blank column name)",
                ) from None
            if found is None:
                raise InvalidInput.at(
                    "blank column name (expected ISO3, Name and one column per year)",
                    file=str(path),
                    row=1,
                )
            years.append((column, found))
        if not years:
            raise InvalidInput.at(
                "no year columns (expected ISO3, Name and one column per year)",
                file=str(path),
                row=1,
            )
        spans = [found for _, found in years]
        vintage = NDGAIN_VINTAGE.format(first=min(spans), last=max(spans))
        progress.start(f"reading {path.name}")
        for line, values in rows:
            progress.advance()
            try:
                iso3 = _resolve(values.get("ISO3"), values.get("Name"))
            except ValueProblem as exc:
                yield RowError(line, "ISO3", values.get("ISO3"), str(exc))
                continue
            for column, period in years:
                raw = values.get(column)
                try:
                    value = number(raw, what=f"an {indicator} score")
                except ValueProblem as exc:
                    yield RowError(line, column, raw, str(exc))
                    continue
                if value is not None:
                    yield Row(
                        line,
                        IndicatorRecord(
                            iso3, indicator, str(period), value, vintage, NDGAIN_DATASET
                        ),
                    )
        progress.finish()


# --- IMF WEO debt --------------------------------------------------------------------------------

IMF_DATASET: Final = "imf-weo-debt"
IMF_CODE: Final = "GGXWDG_NGDP"
IMF_GROUPS: Final = {"EUQ": "European Union"}
"""IMF DataMapper group codes: aggregates, not countries, skipped without an error."""


def _imf_vintage(meta: dict[str, Any]) -> str:
    fetched = str(meta.get("fetched_at") or "")[:10]
    return f"IMF WEO DataMapper {IMF_CODE}" + (f", fetched {fetched}" if fetched else "")


class ImfDebtImporter:
    """IMF WEO DataMapper general government gross debt (% of GDP), JSON export.

    Reads the ``timeseries`` object: ``{code: {"country", "region", "data": [{"year", "debt",
    "isProjection"}]}}``. ``row`` in a rejection is the position of the data point in the file.
    """

    kind = "imf-debt"
    summary = "IMF WEO DataMapper general government gross debt, % of GDP (json)"

    def source(self, path: Path) -> SourceInfo:
        return registered_source(IMF_DATASET)

    def _load(self, path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
        try:
            document = json.loads(read_text(path, "utf-8-sig"))
        except json.JSONDecodeError as exc:
            raise InvalidInput.at(
                f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
                file=str(path),
                row=exc.lineno,
            ) from None
        expected = 'an IMF DataMapper export: {"metadata": {...}, "timeseries": {code: ...}}'
        if not isinstance(document, dict) or not isinstance(document.get("timeseries"), dict):
            raise InvalidInput.at(f"no 'timeseries' object (expected {expected})", file=str(path))
        meta = document.get("metadata") or {}
        if not isinstance(meta, dict):
            raise InvalidInput.at(
                f"'metadata' is not an object (expected {expected})", file=str(path)
            )
        code = meta.get("indicator")
        if code is not None and code != IMF_CODE:
            raise InvalidInput.at(
                f"the file holds IMF indicator {code!r}; imf-debt reads {IMF_CODE}",
                file=str(path),
                field="metadata.indicator",
            )
        return meta, document["timeseries"]

    def read(self, path: Path, *, progress: Progress = NULL_PROGRESS) -> Iterator[Item]:
        meta, timeseries = self._load(path)
        vintage = _imf_vintage(meta)
        projected = {str(y) for y in meta.get("projection_years") or ()}
        position = 0
        progress.start(f"reading {path.name}", total=len(timeseries))
        for code, series in timeseries.items():
            progress.advance()
            where = f"timeseries.{code}"
            points = series.get("data") if isinstance(series, dict) else None
            if not isinstance(points, list):
                position += 1
                yield RowError(position, where, code, "expected an object with a 'data' list")
                continue
            if code in IMF_GROUPS:
                position += len(points)
                continue
            try:
                iso3 = _resolve(code, series.get("country"))
            except ValueProblem as exc:
                position += 1
                yield RowError(position, where, code, str(exc))
                position += len(points) - 1
                continue
            for index, point in enumerate(points):
                position += 1
                field = f"{where}.data[{index}]"
                if not isinstance(point, dict):
                    yield RowError(position, field, point, "expected {year, debt, isProjection}")
                    continue
                ctx = RowContext(position, point)
                period = ctx.get("year", year, low=1980, high=2100)
                value = _measure(ctx, "debt", what="debt in % of GDP", low=0.0)
                flag = point.get("isProjection")
                if flag is not None and not isinstance(flag, bool):
                    ctx.fail("isProjection", flag, "expected true or false")
                if ctx.errors:
                    for error in ctx.errors:
                        yield RowError(
                            error.row, f"{field}.{error.field}", error.value, error.reason
                        )
                    continue
                if value is None:
                    continue
                is_projection = flag if flag is not None else str(period) in projected
                yield Row(
                    position,
                    IndicatorRecord(
                        iso3=iso3,
                        indicator=IMF_INDICATOR,
                        period=str(period),
                        value=value,
                        vintage=vintage + (", projection" if is_projection else ""),
                        dataset=IMF_DATASET,
                    ),
                )
        progress.finish()


__all__: Sequence[str] = (
    "INDICATORS",
    "GprImporter",
    "ImfDebtImporter",
    "NdGainImporter",
    "WgiImporter",
)
