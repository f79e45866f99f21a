"""``beltroad risk register refresh``: auto entries created and re-scored, each saying why.

Country entries come from the country score's components and the country's active exposure;
project entries from the host country's score and the project's own attributes (see
:mod:`beltroad.engines.risk_register`). One transaction; every create, re-score and close is
audited; an entry a reviewer overrode keeps the reviewer's numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from beltroad.engines.country_risk import CountryRiskScore
from beltroad.engines.risk_config import RiskConfig
from beltroad.engines.risk_register import (
    AutoEntry,
    ProjectFacts,
    apply_incidents,
    country_entries,
    holding_entries,
    project_entries,
)
from beltroad.services.risk import assess, load_config
from beltroad.services.risk_register import audit_event, audited_fields, utc_now
from beltroad.services.workspace import Workspace
from beltroad.storage import risk as queries


@dataclass
class RefreshReport:
    year: int
    created: int = 0
    rescored: int = 0
    unchanged: int = 0
    kept_overrides: int = 0
    closed: int = 0
    countries: int = 0
    projects: int = 0
    holdings: int = 0
    incident_raised: int = 0
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _reached(
    workspace: Workspace, config: RiskConfig, today: dt.date
) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Assets that recent incidents reached: those within an incident's radius (a country-wide
    incident with no point raises nothing), and the zone or enterprise an incident names."""
    since = today - dt.timedelta(days=config.warnings.incident_lookback_days)
    with workspace.reading() as connection:
        recent = [
            i for i in queries.incidents(connection, since=since) if i["occurred_on"] <= today
        ]
    reached: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for incident in recent:
        hit = {
            "id": incident["id"],
            "date": incident["occurred_on"].isoformat(),
            "event_type": incident["event_type"],
        }
        keys: dict[tuple[str, str], float | None] = {}
        if incident["subject_kind"] in ("zone", "enterprise"):
            keys[(incident["subject_kind"], incident["subject_ref"])] = None
        reach = incident.get("exposure") or {}
        if reach.get("scope") == "radius":
            for plural, kind in (
                ("enterprises", "enterprise"),
                ("zones", "zone"),
                ("projects", "project"),
            ):
                for item in reach.get(plural, []):
                    keys[(kind, str(item["ref"]))] = item.get("distance_km")
        for key, distance in keys.items():
            reached.setdefault(key, []).append(hit | {"distance_km": distance})
    return reached


def _proposals(
    workspace: Workspace, scores: Sequence[CountryRiskScore], config: RiskConfig, today: dt.date
) -> tuple[list[AutoEntry], dict[str, int]]:
    by_iso3 = {s.iso3: s for s in scores}
    params = config.register
    with workspace.reading() as connection:
        exposure = queries.country_exposure(connection)
        projects = queries.active_projects(connection, min_amount=params.project_min_usd)
        held_assets = queries.holdings(connection)
    proposals: list[AutoEntry] = []
    covered = {"countries": 0, "projects": 0, "holdings": 0, "incident_raised": 0}
    for iso3, held in sorted(exposure.items()):
        score = by_iso3.get(iso3)
        if score is None or not (held["projects"] or held["enterprises"] or held["zones"]):
            continue
        covered["countries"] += 1
        proposals += country_entries(score, held["amount"] or None, params)
    for p in projects:
        host = next((by_iso3[iso3] for iso3, _ in p["countries"] if iso3 in by_iso3), None)
        if host is None:
            continue
        covered["projects"] += 1
        facts = ProjectFacts(
            identifier=p["identifier"],
            title=p["title"],
            status=p["status"],
            flow_class=p["flow_class"],
            finance_type=p["finance_type"],
            amount=p["amount"],
            countries=p["countries"],
            sectors=p["sectors"],
        )
        proposals += project_entries(facts, host, params)
    for h in held_assets:
        score = by_iso3.get(h["iso3"])
        if score is None:
            continue
        covered["holdings"] += 1
        proposals += holding_entries(h["kind"], h["ref"], h["name"], score, h["amount"], params)
    raised = apply_incidents(
        proposals, _reached(workspace, config, today), step=params.incident_likelihood_step
    )
    covered["incident_raised"] = sum(
        1
        for before, after in zip(proposals, raised, strict=True)
        if before.likelihood != after.likelihood
    )
    return raised, covered


def refresh(
    workspace: Workspace,
    *,
    year: int | None = None,
    actor: str = "beltroad",
    today: dt.date | None = None,
    config: RiskConfig | None = None,
) -> RefreshReport:
    """Create and re-score the auto entries from the country scores and active projects."""
    config = config or load_config()
    today = today or dt.date.today()
    report_scores = assess(workspace, year=year, config=config)
    proposals, covered = _proposals(workspace, report_scores.scored, config, today)
    report = RefreshReport(
        year=report_scores.year,
        countries=covered["countries"],
        projects=covered["projects"],
        holdings=covered["holdings"],
        incident_raised=covered["incident_raised"],
    )
    now = utc_now()
    review_on = today + dt.timedelta(days=config.register.review_interval_days)
    with workspace.writing() as connection:
        existing = queries.auto_entries(connection)
        new_rows: list[dict[str, Any]] = []
        changes: list[tuple[int, dict[str, Any]]] = []
        events: list[dict[str, Any]] = []
        for auto in proposals:
            explanation = {
                "source": "auto",
                "why": auto.why,
                "inputs": auto.inputs,
                "auto_likelihood": auto.likelihood,
                "auto_impact": auto.impact,
                "refreshed_on": today.isoformat(),
            }
            old = existing.pop(auto.key, None)
            if old is None:
                new_rows.append(
                    {
                        "subject_kind": auto.subject_kind,
                        "subject_ref": auto.subject_ref,
                        "category": auto.category,
                        "title": auto.title,
                        "likelihood": auto.likelihood,
                        "impact": auto.impact,
                        "owner": None,
                        "status": "open",
                        "review_on": review_on,
                        "is_auto": True,
                        "explanation": explanation,
                        "auto_key": auto.key,
                        "overridden": False,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                continue
            if old["overridden"]:
                report.kept_overrides += 1
                explanation["why"] = (
                    f"overridden by a reviewer (kept {old['likelihood']} x {old['impact']}); "
                    f"auto proposal: {auto.why}"
                )
                changes.append((old["id"], {"explanation": explanation}))
                continue
            same = (old["likelihood"], old["impact"]) == (auto.likelihood, auto.impact)
            reopened = old["status"] == "closed"
            if same and not reopened:
                report.unchanged += 1
                changes.append((old["id"], {"explanation": explanation}))
                continue
            report.rescored += 1
            values = {
                "likelihood": auto.likelihood,
                "impact": auto.impact,
                "explanation": explanation,
                "updated_at": now,
            } | ({"status": "open"} if reopened else {})
            changes.append((old["id"], values))
            events.append(
                audit_event(
                    now,
                    actor,
                    "rescore",
                    old["id"],
                    audited_fields(old),
                    audited_fields(old | values) | {"why": auto.why},
                )
            )
        for old in existing.values():  # auto entries no longer proposed
            if old["status"] == "closed" or old["overridden"]:
                continue
            report.closed += 1
            values = {"status": "closed", "updated_at": now}
            changes.append((old["id"], values))
            events.append(
                audit_event(
                    now,
                    actor,
                    "close",
                    old["id"],
                    {"status": old["status"]},
                    {"status": "closed", "why": "no longer proposed by the auto rules"},
                )
            )
        ids = queries.insert_entries(connection, new_rows)
        report.created = len(ids)
        events += [
            audit_event(
                now, actor, "create", i, None, audited_fields(r) | {"why": r["explanation"]["why"]}
            )
            for i, r in zip(ids, new_rows, strict=True)
        ]
        queries.update_entries(connection, changes)
        queries.insert_audit(connection, events)
    if not report_scores.scored:
        report.notes.append("no country could be scored: no auto entries")
    return report


__all__ = ["RefreshReport", "refresh"]
