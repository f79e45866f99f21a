"""The symposium's headline figures from the registry, each reconciled with the reported one.

For example, with the GFDC list of BRI countries imported,
``headline(workspace, "2023-12-31").as_dict()["partner_countries"]`` is 149: 151 listed, less
China (the initiator) and Italy (exited 2023-06-12 in that file).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from beltroad.engines.headline import ReportedFigure, format_figure, reconcile
from beltroad.errors import InvalidInput
from beltroad.services import money
from beltroad.services.summary import SYNTHETIC_LABEL
from beltroad.services.workspace import Workspace
from beltroad.storage import headline as queries

FIGURES: tuple[str, ...] = (
    "partner_countries",
    "partner_organizations",
    "overseas_enterprises",
    "investment_stock_usd",
    "zone_local_jobs",
)

EMPTY_NOTE = (
    "the registry holds no partnerships, documents, enterprises or zones in force on this date; "
    "import some (for example `beltroad import bri-members FILE`) and run again"
)


@dataclass(frozen=True)
class Headline:
    as_of: dt.date
    figures: dict[str, float]
    sources: dict[str, dict[str, Any]]
    reported: dict[str, dict[str, Any]]
    reconciliation: dict[str, dict[str, Any]]
    base_years: tuple[int, ...] = ()
    synthetic: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)
    as_of_note: str = ""
    series: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return all(self.sources[key]["records"] == 0 for key in FIGURES)

    @property
    def label(self) -> str | None:
        return SYNTHETIC_LABEL if self.synthetic else None

    def as_dict(self) -> dict[str, Any]:
        figures: dict[str, Any] = {
            key: int(value) if key != "investment_stock_usd" else value
            for key, value in self.figures.items()
        }
        return {
            "as_of": self.as_of.isoformat(),
            "as_of_note": self.as_of_note,
            **figures,
            "reported": self.reported,
            "sources": self.sources,
            "reconciliation": self.reconciliation,
            "base_year": self.base_years[0] if len(self.base_years) == 1 else list(self.base_years),
            "synthetic": self.synthetic,
            "label": self.label,
            "empty": self.empty,
            "notes": list(self.notes),
            "series": self.series,
        }

    def series_rows(self) -> list[dict[str, Any]]:
        """The reported series, one row per figure, for table and CSV output."""
        return [
            {
                "figure": key,
                "as_of": point["as_of"],
                "reported": f"{point['qualifier']} {format_figure(point['value'], point['unit'])}",
                "scope": point["scope"] or "",
                "source": point["source"],
            }
            for key, points in self.series.items()
            for point in points
        ]

    def rows(self) -> list[dict[str, Any]]:
        """One row per figure, for table and CSV output."""
        rows: list[dict[str, Any]] = []
        for key in FIGURES:
            reported = self.reported.get(key)
            source = self.sources[key]
            rows.append(
                {
                    "figure": key,
                    "registry": self.figures[key]
                    if key == "investment_stock_usd"
                    else int(self.figures[key]),
                    "reported": (
                        f"{reported['qualifier']} "
                        f"{format_figure(reported['value'], reported['unit'])}"
                        if reported
                        else ""
                    ),
                    "reported_as_of": reported["as_of"] if reported else "",
                    "records": source["records"],
                    "datasets": ", ".join(f"{k} ({v})" for k, v in source["datasets"].items()),
                    "verdict": self.reconciliation[key]["verdict"],
                }
            )
        return rows


def parse_as_of(value: str | dt.date | None, *, today: dt.date) -> dt.date:
    """The as-of date: ``None`` means today; a future or unparseable date is rejected."""
    if value is None:
        return today
    if isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise InvalidInput.at(
                "not a date (expected YYYY-MM-DD, e.g. 2023-12-31)",
                field="as_of",
                value=value,
                hint="give a calendar date in ISO form, or leave it out for the newest date "
                "in the data",
            ) from None
    if day > today:
        raise InvalidInput.at(
            f"is in the future (expected YYYY-MM-DD on or before {today.isoformat()})",
            field="as_of",
            value=day.isoformat(),
            hint="the registry records what has happened; pick today or an earlier date",
        )
    return day


def default_as_of(
    value: str | dt.date | None, newest: dt.date | None, *, today: dt.date, what: str
) -> tuple[dt.date, str]:
    """The as-of date and a sentence saying where it came from.

    Left out, it is the newest date in the data (``newest``, never after ``today``), not today:
    figures "as of today" on data that ends years ago would claim a currency they lack.
    """
    if value is not None:
        day = parse_as_of(value, today=today)
        return day, f"as of {day.isoformat()}, as asked"
    if newest is None:
        return today, f"as of today ({today.isoformat()}): no dated {what} in the registry"
    day = min(newest, today)
    return day, (
        f"as of {day.isoformat()}, the newest date in the data ({what}); "
        "give an as-of date to choose another"
    )


def headline(
    workspace: Workspace,
    as_of: str | dt.date | None = None,
    *,
    today: dt.date | None = None,
    base_year: int | None = None,
    deflator: str | None = None,
) -> Headline:
    """Compute the headline figures as of a date and reconcile each with the reported statistic.

    ``as_of`` left out is the newest date of the registry's partnerships, documents, enterprises
    and zones (``as_of_note`` says so). The investment stock is in constant ``base_year`` USD
    (default: the newest base year of the stocks): stocks of other base years are converted, or
    left out and named, never added as they stand. An empty registry is a result: zeros, with a
    note saying why.
    """
    if base_year is not None:
        money.check_base_year(base_year)
    with workspace.reading() as connection:
        day, as_of_note = default_as_of(
            as_of,
            queries.newest_date(connection),
            today=today or dt.date.today(),
            what="partnerships, documents, enterprises and zones",
        )
        enterprises, stock = queries.enterprises(connection, day)
        if len(stock.base_years) > 1 or (
            base_year is not None and stock.base_years not in ((), (base_year,))
        ):
            value, stock_year, stock_notes = money.convert_year_totals(
                connection,
                queries.stock_by_base_year(connection, day),
                base_year=base_year,
                deflator=deflator,
            )
            stock = dataclasses.replace(
                stock,
                value=value,
                notes=(*stock.notes, *stock_notes),
                base_years=() if stock_year is None else (stock_year,),
            )
        figures = {
            "partner_countries": queries.partners(connection, day, countries=True),
            "partner_organizations": queries.partners(connection, day, countries=False),
            "overseas_enterprises": enterprises,
            "investment_stock_usd": stock,
            "zone_local_jobs": queries.zone_local_jobs(connection, day),
        }
        reported_rows = queries.reported(connection, day)
        synthetic_sets = queries.synthetic_datasets(connection)
        series_rows = queries.series(connection)
        cited = queries.citations(
            connection, sorted({name for f in figures.values() for name in f.datasets})
        )
    reported: dict[str, dict[str, Any]] = {}
    reconciliation: dict[str, dict[str, Any]] = {}
    for key, figure in figures.items():
        row = reported_rows.get(key)
        target = None
        if row is not None:
            reported[key] = {
                "label": row.label,
                "value": row.value,
                "qualifier": row.qualifier,
                "unit": row.unit,
                "as_of": row.as_of.isoformat(),
                "source": row.source,
            }
            target = ReportedFigure(
                row.value, row.qualifier, row.unit, row.as_of.isoformat(), row.source
            )
        result = reconcile(figure.value, target).as_dict()
        if figure.synthetic and target is not None:
            # Generated records agreeing with an official figure prove nothing: never say so.
            shown = format_figure(figure.value, target.unit)
            result["consistent"] = None
            result["verdict"] = (
                f"SYNTHETIC registry {shown} ({figure.synthetic:,} generated records), "
                f"reported '{target.qualifier} {format_figure(target.value, target.unit)}': "
                "not comparable"
            )
        if row is not None and row.as_of != day:
            result["note"] = (
                f"the reported figure is as of {row.as_of.isoformat()}, the registry as of "
                f"{day.isoformat()}"
            )
        reconciliation[key] = result
    sources = {
        key: {
            "records": figure.records,
            "datasets": figure.datasets,
            "synthetic_records": figure.synthetic,
            "notes": list(figure.notes),
            "citations": {name: cited.get(name) for name in figure.datasets},
        }
        | ({"base_years": list(figure.base_years)} if key == "investment_stock_usd" else {})
        for key, figure in figures.items()
    }
    synthetic = any(f.synthetic for f in figures.values()) or any(
        name in f.datasets for f in figures.values() for name in synthetic_sets
    )
    notes: list[str] = []
    if all(f.records == 0 for f in figures.values()):
        notes.append(EMPTY_NOTE)
    if synthetic:
        notes.append(f"{SYNTHETIC_LABEL}: synthetic records are included in these figures")
    return Headline(
        as_of=day,
        figures={key: f.value for key, f in figures.items()},
        sources=sources,
        reported=reported,
        reconciliation=reconciliation,
        base_years=stock.base_years,
        synthetic=synthetic,
        notes=tuple(notes),
        as_of_note=as_of_note,
        series=_series(series_rows),
    )


def _series(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Reported statistics by key, oldest first, each with its date, scope and source."""
    out: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        out.setdefault(row["key"], []).append(
            {
                "as_of": row["as_of"].isoformat(),
                "value": row["value"],
                "qualifier": row["qualifier"],
                "unit": row["unit"],
                "label": row["label"],
                "scope": row["scope"],
                "source": row["source"],
                "source_date": row["source_date"].isoformat(),
                "url": row["url"],
            }
        )
    return out
