"""``beltroad green classify`` and ``green override``: traffic lights with evidence, overrides
with a justification (audited), and green shares by count and by amount.

>>> report = classify(workspace)  # doctest: +SKIP
>>> report.shares()["portfolio"]["by_count"]["green"]  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from beltroad.engines import green as engine
from beltroad.errors import InvalidInput, NotFound
from beltroad.services import basis as basis_rules
from beltroad.services.config_files import load
from beltroad.services.csv_input import read_rows
from beltroad.services.workspace import Workspace
from beltroad.storage import green as queries
from beltroad.storage import risk as audit

CLASSES = ("green", "yellow", "red", "unrated")


def load_config(path: Path | str | None = None) -> engine.GreenConfig:
    data, source = load("green", path, field="green_config")
    return engine.parse_config(data, source=source)


def read_eco_areas(path: Path | str) -> dict[str, str]:
    """``identifier,area`` rows: the projects that infringe on an ecologically important area."""
    out: dict[str, str] = {}
    for line, row in read_rows(path, ("identifier", "area"), field="eco_areas"):
        if not row.get("identifier") or not row.get("area"):
            raise InvalidInput.at(
                "identifier and area must both be given", file=str(path), row=line, field="area"
            )
        out[row["identifier"]] = row["area"]
    return out


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def to_project(row: Mapping[str, Any], eco_areas: Mapping[str, str]) -> engine.GreenProject:
    extras = row.get("extras") or {}
    eco = eco_areas.get(row["identifier"]) or extras.get("ecologically_important_area")
    category = extras.get("ifc_category") or extras.get("environmental_category")
    return engine.GreenProject(
        project_id=row["id"],
        identifier=row["identifier"],
        title=row.get("title") or "",
        description=row.get("description"),
        sectors=tuple(row.get("sectors", ())),
        commitment_date=_date(extras.get("commitment_date")),
        commitment_year=row.get("commitment_year"),
        ifc_category=str(category) if category else None,
        eco_area=str(eco) if eco else None,
        mitigation=str(extras["mitigation"]) if extras.get("mitigation") else None,
    )


@dataclass(frozen=True)
class GreenReport:
    config: engine.GreenConfig
    assessments: list[engine.GreenAssessment]
    overrides: dict[int, dict[str, Any]]
    basis: basis_rules.Basis
    rows_by_id: dict[int, dict[str, Any]]

    def final_class(self, a: engine.GreenAssessment) -> str:
        o = self.overrides.get(a.project_id)
        return str(o["green_class"]) if o else a.green_class

    def shares(self) -> dict[str, Any]:
        """Portfolio and per-country shares by count and by amount (one base year)."""
        counted = {r["id"] for r in self.basis.counted}
        by_id = {a.project_id: self.final_class(a) for a in self.assessments}
        count: Counter[str] = Counter()
        amount: defaultdict[str, float] = defaultdict(float)
        c_count: defaultdict[str, Counter[str]] = defaultdict(Counter)
        c_amount: defaultdict[str, defaultdict[str, float]] = defaultdict(
            lambda: defaultdict(float)
        )
        for pid in counted:
            row = self.rows_by_id[pid]
            cls = by_id[pid]
            count[cls] += 1
            value = self.basis.amount(row)
            for iso3, pct in row["countries"]:
                c_count[iso3][cls] += 1  # counts use whole projects
                if value is not None:
                    c_amount[iso3][cls] += value * pct / 100.0  # amounts are split
            if value is not None:
                amount[cls] += value

        def block(n: Mapping[str, int], a: Mapping[str, float]) -> dict[str, Any]:
            total_n = sum(n.values())
            total_a = sum(a.values())
            return {
                "by_count": {c: n.get(c, 0) for c in CLASSES},
                "by_amount": {c: a.get(c, 0.0) for c in CLASSES},
                "green_share_count": n.get("green", 0) / total_n if total_n else None,
                "green_share_amount": a.get("green", 0.0) / total_a if total_a else None,
                "projects": total_n,
                "amount": total_a,
            }

        return {
            "portfolio": block(count, amount),
            "countries": {
                iso3: block(c_count[iso3], c_amount.get(iso3, {})) for iso3 in sorted(c_count)
            },
            "basis": self.basis.as_dict(),
        }

    def items(self) -> list[dict[str, Any]]:
        out = []
        for a in self.assessments:
            item = a.as_dict() | {"title": self.rows_by_id[a.project_id].get("title")}
            o = self.overrides.get(a.project_id)
            item["computed_class"] = a.green_class
            item["green_class"] = self.final_class(a)
            item["override"] = {k: str(v) for k, v in o.items() if k != "project_id"} if o else None
            out.append(item)
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "standard": self.config.label,
            "config": {"version": self.config.version, "source": self.config.source},
            "shares": self.shares(),
            "projects": self.items(),
        }

    def rows(self, limit: int | None = None) -> list[dict[str, Any]]:
        rows = []
        for item in self.items()[:limit]:
            rows.append(
                {
                    "identifier": item["identifier"],
                    "class": item["green_class"],
                    "computed": item["computed_class"],
                    "flag": item["policy_flag"] or "",
                    "rules": ", ".join(item["rules"]),
                    "evidence": " | ".join(
                        f"{e['criterion']}: {e['finding']}" for e in item["evidence"]
                    ),
                }
            )
        return rows

    def share_rows(self) -> list[dict[str, Any]]:
        shares = self.shares()
        out = []
        for scope, block in [("portfolio", shares["portfolio"]), *shares["countries"].items()]:
            out.append(
                {
                    "scope": scope,
                    "projects": block["projects"],
                    **{c: block["by_count"][c] for c in CLASSES},
                    "green % (count)": _pct(block["green_share_count"]),
                    "green % (amount)": _pct(block["green_share_amount"]),
                }
            )
        return out

    def note(self) -> str:
        n = len(self.overrides)
        return f"{self.config.label}; config {self.config.version}. {self.basis.note()}." + (
            f" {n} class(es) overridden by a person (see the evidence)." if n else ""
        )


def _pct(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.1f}"


def classify(
    workspace: Workspace,
    *,
    config: engine.GreenConfig | None = None,
    eco_areas: Mapping[str, str] | None = None,
    dataset: str | None = None,
    base_year: int | None = None,
    save: bool = True,
    now: dt.datetime | None = None,
) -> GreenReport:
    """Classify every project (of ``dataset``), store the result and return the report."""
    config = config or load_config()
    with workspace.reading() as connection:
        rows = queries.project_rows(connection, dataset=dataset)
    basis_rules.require_rows(rows)
    known = {r["identifier"] for r in rows}
    for identifier in eco_areas or {}:
        if identifier not in known:
            raise InvalidInput.at(
                "no project has this identifier", field="eco_areas", value=identifier
            )
    assessments = engine.classify_all((to_project(r, eco_areas or {}) for r in rows), config)
    at = now or dt.datetime.now(dt.UTC)
    if save:
        overrides = _store(workspace, assessments, config, at)
    else:  # a read: no write transaction (it would block writers for nothing)
        with workspace.reading() as connection:
            overrides = queries.overrides(connection)
    return GreenReport(
        config,
        assessments,
        overrides,
        basis_rules.choose(rows, base_year),
        {r["id"]: r for r in rows},
    )


def _store(
    workspace: Workspace,
    assessments: list[engine.GreenAssessment],
    config: engine.GreenConfig,
    at: dt.datetime,
) -> dict[int, dict[str, Any]]:
    """Store the run's classes (an override's class where one is set); returns the overrides."""
    with workspace.writing() as connection:
        overrides = queries.overrides(connection)
        stored: list[dict[str, Any]] = [
            {
                "project_id": a.project_id,
                "green_class": overrides[a.project_id]["green_class"]
                if a.project_id in overrides
                else a.green_class,
                "brigc_class": a.brigc_class,
                "ifc_category": a.ifc_category,
                "ifc_implied": a.ifc_implied,
                "policy_flag": a.policy_flag,
                "evidence": [e.as_dict() for e in a.evidence],
                "config_version": config.version,
                "assessed_at": at,
            }
            for a in assessments
        ]
        # Only what changed is rewritten: a re-run on the same data changes nothing (not
        # even the timestamp), so `beltroad demo` stays idempotent.
        before = queries.assessments(connection, [row["project_id"] for row in stored])
        changed = [row for row in stored if _differs(before.get(row["project_id"]), row)]
        queries.replace_assessments(connection, changed, [r["project_id"] for r in changed])
    return overrides


def override(
    workspace: Workspace,
    identifier: str,
    green_class: str | None,
    *,
    justification: str,
    actor: str,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Set (or, with ``green_class=None``, clear) a person's class for a project. A
    justification is required either way; the change is written to ``audit_events``."""
    if green_class is not None and green_class not in engine.CLASSES:
        raise InvalidInput.at(
            f"expected one of {', '.join(engine.CLASSES)}", field="green_class", value=green_class
        )
    if not justification.strip():
        raise InvalidInput.at(
            "an override needs a justification (expected a sentence saying why)",
            field="justification",
        )
    at = now or dt.datetime.now(dt.UTC)
    with workspace.writing() as connection:
        project = queries.project_by_identifier(connection, identifier)
        if project is None:
            raise NotFound(f"no project with identifier {identifier!r}")
        before = queries.override(connection, project["id"])
        assessed = queries.assessments(connection, [project["id"]]).get(project["id"])
        computed = assessed["brigc_class"] if assessed else None
        if green_class is None:
            queries.clear_override(connection, project["id"])
            restored = _computed_class(assessed)
            queries.replace_assessments(
                connection,
                [assessed | {"green_class": restored}] if assessed else [],
                [project["id"]] if assessed else [],
            )
        else:
            queries.set_override(
                connection,
                {
                    "project_id": project["id"],
                    "green_class": green_class,
                    "justification": justification.strip(),
                    "actor": actor,
                    "at": at,
                },
            )
            if assessed:
                queries.replace_assessments(
                    connection, [assessed | {"green_class": green_class}], [project["id"]]
                )
        after = {"green_class": green_class, "justification": justification.strip()}
        audit.insert_audit(
            connection,
            [
                {
                    "at": at,
                    "actor": actor,
                    "action": "green.override" if green_class else "green.override_cleared",
                    "entity": "project",
                    "entity_id": identifier,
                    "before": {k: str(v) for k, v in before.items() if k != "project_id"}
                    if before
                    else {"green_class": project["green_class"], "computed": computed},
                    "after": after,
                }
            ],
        )
    return {"identifier": identifier, "actor": actor, "at": at.isoformat(), **after}


def _differs(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> bool:
    if old is None:
        return True
    return any(old.get(k) != v for k, v in new.items() if k != "assessed_at")


def _computed_class(assessed: Mapping[str, Any] | None) -> str:
    """The engine's class of a stored assessment (the IFC step included), from its evidence."""
    if not assessed:
        return "unrated"
    cls = str(assessed["brigc_class"])
    for e in assessed.get("evidence") or []:
        if e.get("criterion") == "ifc" and e.get("basis") == "makes the class stricter":
            cls = str(e["finding"]).rsplit("-> ", 1)[-1]
    return cls


__all__ = ["GreenReport", "classify", "load_config", "override", "read_eco_areas", "to_project"]
