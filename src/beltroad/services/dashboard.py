"""The figures of the web dashboard, from the same services as the command line.

Each chart is one :func:`~beltroad.services.breakdown.breakdown` (so one rule, one base year and
the same money notes as ``beltroad breakdown``), the funnel is :func:`~beltroad.services.funnel.
funnel`, the cards are :func:`~beltroad.services.headline.headline` with its reconciliation.
A reader whose grant is one country sees that country's figures; a reader with a narrower scope
(a unit, an organisation) sees the whole portfolio's published aggregates, and the result says
which it is. Warnings are filtered to the reader's countries.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from beltroad.services.breakdown import breakdown
from beltroad.services.funnel import funnel
from beltroad.services.permissions import Actor, read_scope
from beltroad.services.plans import list_plans, plan_vs_actual
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


def dashboard_figures(workspace: Workspace, actor: Actor) -> Figures:
    scope = figure_scope(actor)
    filters: Mapping[str, str] = {} if scope == "all" else {"country": scope}
    figures = Figures(scope=scope)
    for dimension in (*CHARTS, MAP_DIMENSION):
        figures.charts[dimension] = _chart(workspace, dimension, filters)
    if scope == "all":
        figures.funnel = funnel(workspace).as_dict()
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
