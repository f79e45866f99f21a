"""The figures of the web dashboard, from the same services as the command line.

Each chart is one :func:`~beltroad.services.breakdown.breakdown` (so one rule, one base year and
the same money notes as ``beltroad breakdown``), the funnel is :func:`~beltroad.services.funnel.
funnel`, the cards are :func:`~beltroad.services.headline.headline` with its reconciliation.
A reader whose grant is one country sees that country's figures; a reader with a narrower scope
(a unit, an organisation) sees the whole portfolio's published aggregates, and the result says
which it is. Warnings are filtered to the reader's countries.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from beltroad.services import money
from beltroad.services.breakdown import breakdown
from beltroad.services.funnel import funnel
from beltroad.services.permissions import Actor, read_scope
from beltroad.services.plans import list_plans, plan_vs_actual
from beltroad.services.portfolio import portfolio_snapshot
from beltroad.services.warnings import stored
from beltroad.services.workspace import Workspace

#: Chart dimension -> the project-list filter a bar drills down to (None: no such filter).
CHARTS: dict[str, str | None] = {
    "year": "year",
    "corridor": "corridor",
    "flow-class": None,
    "sector": None,
}
MAP_DIMENSION = "country"


@dataclass
class Figures:
    scope: str  # "all" or an ISO3 code
    charts: dict[str, dict[str, Any]] = field(default_factory=dict)
    funnel: dict[str, Any] = field(default_factory=dict)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    plans: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "scope": self.scope,
            "charts": self.charts,
            "funnel": self.funnel,
            "warnings": self.warnings,
            "plans": self.plans,
        }


def figure_scope(actor: Actor) -> str:
    """ "all", or the one country a country-scoped reader's figures are limited to."""
    scope = read_scope(actor)
    if not scope.everything and len(scope.countries) == 1:
        return next(iter(scope.countries))
    return "all"


def _chart(workspace: Workspace, dimension: str, filters: Mapping[str, str]) -> dict[str, Any]:
    result = breakdown(workspace, [dimension], filters=filters).as_dict()
    money = result.get("money") or {}
    return {
        "dimension": dimension,
        "drill": CHARTS.get(dimension, "country" if dimension == MAP_DIMENSION else None),
        "rows": [
            {"key": row[dimension], "projects": row["projects"], "amount": row.get("amount")}
            for row in result["rows"]
        ],
        "total": result["total"],
        "base_year": result["base_year"],
        "basis": (money.get("basis") or {}).get("label"),
        "rule": result["rule_description"],
        "notes": list(money.get("notes") or []),
        "synthetic": result["synthetic"],
        "set_aside": result["set_aside"],
    }


#: How many scopes' figures one snapshot keeps (the portfolio's and recent countries').
FIGURES_KEPT = 32


def _cache(workspace: Workspace, scope: str) -> tuple[dict[Any, Any], tuple[Any, ...]]:
    """The figure cache of the current snapshot, and this request's key in it.

    A snapshot is immutable, so figures computed from it hold until the registry changes (an
    edit gives a new, patched snapshot with an empty cache). The key adds what else they rest
    on: the conversion data (rates and deflators can be re-imported) and the day (the funnel's
    "as of" never passes today).
    """
    with workspace.reading() as connection:
        snapshot = portfolio_snapshot(workspace, connection)
        data = money.load_conversion_data(connection)
    target = money.default_base_year(snapshot)
    conversion = None if target is None else money.conversion_for(data, target, None)
    key = (
        scope,
        None if conversion is None else money.conversion_key(conversion),
        dt.date.today(),
    )
    kept: dict[Any, Any] = snapshot.derived.setdefault(("dashboard",), {})
    return kept, key


def _charts_and_funnel(
    workspace: Workspace, scope: str, filters: Mapping[str, str]
) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    kept, key = _cache(workspace, scope)
    found = kept.get(key)
    if found is None:
        charts = {d: _chart(workspace, d, filters) for d in (*CHARTS, MAP_DIMENSION)}
        flow = funnel(workspace).as_dict() if scope == "all" else {}
        found = (charts, flow)
        if len(kept) >= FIGURES_KEPT:
            kept.pop(next(iter(kept)))
        kept[key] = found
    # Copies: a caller may edit its figures (labels, translations) without touching the cache.
    return copy.deepcopy(found[0]), copy.deepcopy(found[1])


def dashboard_figures(workspace: Workspace, actor: Actor) -> Figures:
    """The charts and the funnel are computed once per snapshot and scope (the warm dashboard
    reads them); warnings and plans are read on every request (they are small reads)."""
    scope = figure_scope(actor)
    filters: Mapping[str, str] = {} if scope == "all" else {"country": scope}
    figures = Figures(scope=scope)
    figures.charts, figures.funnel = _charts_and_funnel(workspace, scope, filters)
    countries = read_scope(actor)
    figures.warnings = [
        w
        for w in stored(workspace)[:200]
        if countries.everything or w.get("country_iso3") in countries.countries
    ][:20]
    figures.plans = [
        plan_vs_actual(workspace, actor, str(p["name"])) for p in list_plans(workspace, actor)[:3]
    ]
    return figures
