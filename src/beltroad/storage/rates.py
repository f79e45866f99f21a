"""Conversion data in the registry: deflator years and annual-average exchange rates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from beltroad.records import RateRecord
from beltroad.storage import models
from beltroad.storage.models import table
from beltroad.storage.upsert import upsert
from beltroad.storage.writes import WriteCounts

_KEY = ("dataset", "kind", "series", "currency", "year")


def write_rates(connection: Connection, records: Sequence[RateRecord]) -> WriteCounts:
    """Insert or update rate years; a re-import of the same file changes nothing."""
    rows = [
        {
            "dataset": r.dataset,
            "kind": r.kind,
            "series": r.series,
            "currency": r.currency,
            "year": r.year,
            "value": r.value,
            "observations": r.observations,
            "vintage": r.vintage,
        }
        for r in records
    ]
    rates = table(models.ConversionRate)
    existing = {
        tuple(row)
        for row in connection.execute(
            select(*(rates.c[k] for k in (*_KEY, "value", "observations", "vintage"))).where(
                rates.c.dataset.in_({r["dataset"] for r in rows})
            )
        )
    }
    keys = {t[:5]: t for t in existing}
    counts = WriteCounts()
    for row in rows:
        key = tuple(row[k] for k in _KEY)
        if key not in keys:
            counts.inserted += 1
        elif keys[key] != (*key, row["value"], row["observations"], row["vintage"]):
            counts.updated += 1
        else:
            counts.unchanged += 1
    upsert(connection, rates, rows, _KEY)
    return counts


@dataclass(frozen=True)
class RateSeries:
    """One stored series: its dataset's citation and the (year -> value, observations) rows."""

    dataset: str
    kind: str
    series: str
    currency: str
    vintage: str
    citation: str | None
    years: dict[int, tuple[float, int | None]]


def read_series(connection: Connection) -> list[RateSeries]:
    """Every stored series with its dataset's citation (a few thousand rows at most)."""
    rates = table(models.ConversionRate)
    datasets = table(models.Dataset)
    rows = connection.execute(
        select(rates, datasets.c.citation)
        .join_from(rates, datasets, datasets.c.name == rates.c.dataset, isouter=True)
        .order_by(rates.c.dataset, rates.c.kind, rates.c.series, rates.c.currency, rates.c.year)
    ).mappings()
    grouped: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for r in rows:
        key = (r["dataset"], r["kind"], r["series"], r["currency"])
        entry = grouped.setdefault(
            key, {"vintage": r["vintage"], "citation": r["citation"], "years": {}}
        )
        entry["years"][int(r["year"])] = (float(r["value"]), r["observations"])
    return [
        RateSeries(
            dataset=d,
            kind=k,
            series=s,
            currency=c,
            vintage=e["vintage"],
            citation=e["citation"],
            years=e["years"],
        )
        for (d, k, s, c), e in grouped.items()
    ]
