"""The symposium brief's content (issue #18 part 4), gathered from the existing services.

Each section is computed by the service that owns it, never re-derived here; a section that cannot
be computed (no data loaded, no indicators, solver trouble) says why instead of showing zeros.
Rendering (HTML, SVG charts, the map, PDF) is :mod:`beltroad.report`'s; this module only gathers
figures with the sources, base year, rules and data vintages behind them. Nothing is written to
the database: green classes are read as stored by the last run (computed without saving when
none is stored), the stress test is not stored.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from beltroad.errors import BeltroadError, InvalidInput
from beltroad.services.workspace import Workspace

BRIEF_STRESS_SCENARIOS = 10_000
"""[N] Scenarios of the brief's stress test: enough for a stable EL and 99% VaR, small enough for
the brief to render in seconds (``beltroad risk stress`` runs 100,000)."""

FLAGSHIP_BUDGET_SHARE = 0.02
"""[N] The flagship set's budget as a share of the candidates' total amount (as in the demo)."""

FLAGSHIP_MIN_GREEN_SHARE = 0.2
"""[N] The flagship set's least green share (as in the demo)."""

FLAGSHIP_TIME_LIMIT_S = 30.0
"""[N] Solver time limit of the flagship set in the brief; the status and MIP gap are shown, so
a set stopped at the limit says so."""

FLAGSHIP_SHORTLIST_BUDGETS = 5.0
"""[N] The brief's MILP weighs a shortlist, the candidates of highest objective per dollar adding
up to this many budgets (see ``SelectionRequest.shortlist_budgets``): over all 20,000 demo
candidates HiGHS found no feasible set within its time limit (110 s wall, no solution), on the
shortlist it proves an optimum in seconds. The section's notes say how many were weighed."""

TOP_N = 8


@dataclass
class Section:
    """One section's figures, or why it has none."""

    key: str
    data: dict[str, Any] = field(default_factory=dict)
    missing: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.missing is None


@dataclass
class BriefContent:
    generated_at: dt.datetime
    lang: str
    sections: dict[str, Section]
    vintages: list[dict[str, Any]]
    synthetic: bool
    country_names: dict[str, str] = field(default_factory=dict)
    sector_names: dict[str, str] = field(default_factory=dict)

    def section(self, key: str) -> Section:
        return self.sections[key]

    def as_dict(self) -> dict[str, Any]:
        return {
            "generated_at": self.generated_at.isoformat(timespec="seconds"),
            "lang": self.lang,
            "synthetic": self.synthetic,
            "vintages": self.vintages,
            "sections": {
                k: {"data": s.data, "missing": s.missing, "seconds": round(s.seconds, 2)}
                for k, s in self.sections.items()
            },
        }


LANGUAGES = ("en", "zh")


def check_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise InvalidInput.at(f"expected one of {', '.join(LANGUAGES)}", field="lang", value=lang)
    return lang


def _run(key: str, compute: Callable[[], dict[str, Any]]) -> Section:
    start = time.perf_counter()
    try:
        data = compute()
    except BeltroadError as exc:
        return Section(key, missing=exc.message, seconds=time.perf_counter() - start)
    return Section(key, data=data, seconds=time.perf_counter() - start)


def _headline(workspace: Workspace) -> dict[str, Any]:
    from beltroad.services.headline import headline

    h = headline(workspace)
    return {
        "as_of": h.as_of.isoformat(),
        "as_of_note": h.as_of_note,
        "rows": h.rows(),
        "series": h.series_rows(),
        "base_years": list(h.base_years),
        "notes": list(h.notes),
        "empty": h.empty,
        "sources": h.sources,
    }


def _portfolio(workspace: Workspace) -> dict[str, Any]:
    """Commitments by recipient country (the map) and by sector (a chart)."""
    from beltroad.services.breakdown import breakdown

    by_country = breakdown(workspace, ["country"]).as_dict()
    by_sector = breakdown(workspace, ["sector"]).as_dict()
    return {"country": by_country, "sector": by_sector}


def _funnel(workspace: Workspace) -> dict[str, Any]:
    from beltroad.services.funnel import funnel
    from beltroad.services.permissions import Actor, Grant, Role
    from beltroad.services.plans import list_plans, plan_vs_actual

    result = funnel(workspace)
    # The brief is a read of the whole portfolio: a read-only viewer of scope all.
    reader = Actor(user_id=0, login="brief", grants=(Grant(Role.viewer, "all", None),))
    plans = [
        plan_vs_actual(workspace, reader, str(p["name"])) for p in list_plans(workspace, reader)
    ]
    return {
        "rows": result.rows(),
        "note": result.note(),
        "measure": result.as_dict()["measure"],
        "plans": plans[:3],
        "plans_total": len(plans),
    }


def _risks(workspace: Workspace, scenarios: int, seed: int | None) -> dict[str, Any]:
    from beltroad.scenarios import example_files
    from beltroad.services.risk_register import top_risks
    from beltroad.services.stress import run_stress_test

    top = top_risks(workspace, n=TOP_N)
    path = next(Path(str(f)) for f in example_files() if f.name == "regional_conflict.toml")
    run = run_stress_test(workspace, path, scenarios=scenarios, seed=seed, store_run=False)
    payload = run.as_dict()
    return {"top": top, "stress": payload}


def _red_sea(workspace: Workspace) -> dict[str, Any]:
    from beltroad.services.connectivity import route
    from beltroad.services.exposure import exposure

    result = exposure(workspace, close=["red_sea"])
    (name, _m, imp), *_ = result.scenarios
    affected = [p for p in result.projects if p["scenarios"] and p["scenarios"][0]["extra_days"]]
    by_country = sorted(
        (
            {"iso3": c["iso3"], **c["scenarios"].get(name, {}), "projects": c["projects"]}
            for c in result.countries
        ),
        key=lambda c: -(c.get("projects_longer") or 0) - (c.get("projects_cut_off") or 0),
    )
    routes = []
    for vessel in ("panamax", "ulcv"):
        r = route(workspace, "CNSHA", "NLRTM", close="red_sea", vessel=vessel).as_dict()
        routes.append({"vessel": vessel, **{k: r[k] for k in ("distance_km", "days", "passages",
                                                             "extra_days", "notes")}})  # fmt: skip
    return {
        "scenario": name,
        "network": result.network,
        "ports": len(result.ports),
        "pairs": imp.pairs,
        "pairs_using": imp.pairs_using,
        "pairs_longer": imp.pairs_longer,
        "pairs_unreachable": imp.pairs_unreachable,
        "median_extra_days": imp.extra_days["median"],
        "projects_linked": len(result.projects),
        "projects_longer": len(affected),
        "countries": [
            c for c in by_country if c.get("projects_longer") or c.get("projects_cut_off")
        ][:TOP_N],
        "speed_kn": result.voyage.speed_kn,
        "routes": routes,
    }


def _green(workspace: Workspace) -> dict[str, Any]:
    from beltroad.services import green_read

    report = green_read.green_report(workspace)  # the stored classes; computed if none
    return {
        "portfolio": report.shares()["portfolio"],
        "measure": report.basis.as_dict()["measure"],
        "standard": report.config.label,
        "config": report.config.version,
        "total": sum(float(r["amount_usd_constant"]) for r in report.basis.priced),
    }


def _benefits(workspace: Workspace) -> dict[str, Any]:
    from beltroad.services.benefits import benefits_report

    b = benefits_report(workspace)
    return {
        "gaps": [{"subject": x.subject, "gap": x.gap, "index": x.index} for x in b.gaps(TOP_N)],
        "note": b.note(),
    }


def _flagships(workspace: Workspace, total: float) -> dict[str, Any]:
    from beltroad.services import selection

    if total <= 0:
        raise InvalidInput.at("no project has an amount", field="amount")
    budget = round(FLAGSHIP_BUDGET_SHARE * total, -6)
    report = selection.select(
        workspace,
        selection.SelectionRequest(
            budget=budget,
            min_green_share=FLAGSHIP_MIN_GREEN_SHARE,
            time_limit_s=FLAGSHIP_TIME_LIMIT_S,
            shortlist_budgets=FLAGSHIP_SHORTLIST_BUDGETS,
        ),
    )
    picked = sorted(report.chosen(), key=lambda d: d["rank"])
    summary = report.as_dict()
    return {
        "budget": budget,
        "budget_share": FLAGSHIP_BUDGET_SHARE,
        "min_green_share": FLAGSHIP_MIN_GREEN_SHARE,
        "method": report.ranking.method,
        "status": summary["status"],
        "mip_gap": summary["mip_gap"],
        "selected": summary["selected"],
        "selected_amount": summary["selected_amount"],
        "projects": picked[:TOP_N],
        "notes": summary["notes"],
    }


def gather_brief(
    workspace: Workspace,
    *,
    lang: str = "en",
    stress_scenarios: int = BRIEF_STRESS_SCENARIOS,
    seed: int | None = None,
    now: dt.datetime | None = None,
) -> BriefContent:
    """Every section of the brief, each from its own service, with its timing."""
    from beltroad.reference.iati import DAC3_SECTORS, DAC5_SECTORS
    from beltroad.storage.exposures import dataset_vintages
    from beltroad.storage.risk import country_names

    check_language(lang)
    sections = {
        "headline": _run("headline", lambda: _headline(workspace)),
        "portfolio": _run("portfolio", lambda: _portfolio(workspace)),
        "funnel": _run("funnel", lambda: _funnel(workspace)),
        "risks": _run("risks", lambda: _risks(workspace, stress_scenarios, seed)),
        "red_sea": _run("red_sea", lambda: _red_sea(workspace)),
        "green": _run("green", lambda: _green(workspace)),
        "benefits": _run("benefits", lambda: _benefits(workspace)),
    }
    total = float(sections["green"].data.get("total", 0.0))
    sections["flagships"] = _run("flagships", lambda: _flagships(workspace, total))
    with workspace.reading() as connection:
        vintages = dataset_vintages(connection)
        names = country_names(connection)
    return BriefContent(
        generated_at=now or dt.datetime.now(dt.UTC),
        lang=lang,
        sections=sections,
        vintages=vintages,
        synthetic=any(v["synthetic"] for v in vintages),
        country_names=names,
        sector_names={**DAC5_SECTORS, **DAC3_SECTORS},
    )


__all__ = ["BRIEF_STRESS_SCENARIOS", "BriefContent", "Section", "check_language", "gather_brief"]
