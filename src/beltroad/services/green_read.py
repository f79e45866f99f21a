"""Green classes as stored by the last ``beltroad green classify``: a read, never a recompute.

The web /green page, the country pages, the assessments API and the brief show the traffic
lights; rerunning the classifier on every view (and holding a write transaction to read the
overrides) cost seconds per view at 100k projects. :func:`stored_report` builds the same
:class:`~beltroad.services.green.GreenReport` from ``green_assessments`` and ``green_overrides``
in one read transaction. A project with no stored assessment (created after the last run) is
shown as ``unrated`` with evidence saying it was not assessed, and counted in
:attr:`StoredGreen.not_assessed`; nothing is guessed. :func:`green_report` falls back to
computing (without saving) only when nothing has ever been stored.

>>> stored_report(workspace).shares()["portfolio"]["green_share_count"]  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from beltroad.engines import green as engine
from beltroad.services import basis as basis_rules
from beltroad.services.green import GreenReport, _computed_class, classify, load_config
from beltroad.services.workspace import Workspace
from beltroad.storage import green as queries

NOT_ASSESSED = "not assessed"


@dataclass(frozen=True)
class StoredGreen:
    """The stored report and what it rests on."""

    report: GreenReport
    not_assessed: int  # projects with no stored assessment (shown unrated)
    config_versions: tuple[str, ...]  # the configurations of the stored runs
    assessed_at: dt.datetime | None  # the newest stored assessment

    def note(self) -> str:
        text = self.report.note()
        if self.assessed_at is not None:
            text += (
                f" Classes as stored by the last classification run "
                f"({self.assessed_at.isoformat(timespec='seconds')}; "
                f"config {', '.join(self.config_versions)})."
            )
        if self.not_assessed:
            text += f" {self.not_assessed} project(s) not assessed yet, shown unrated."
        return text


def _impacts(evidence: Sequence[engine.Evidence]) -> dict[str, str]:
    """The impact per dimension the engine recorded (its evidence names each dimension)."""
    found = {e.criterion: e.finding for e in evidence if e.criterion in engine.DIMENSIONS}
    if found:
        return found
    if any(e.criterion == "sector" and e.finding == engine.UNRATED for e in evidence):
        return {}  # no rule or prior matched: the engine records no impacts
    return dict.fromkeys(engine.DIMENSIONS, "neutral")  # a location override alone


def _rules(evidence: Sequence[engine.Evidence]) -> tuple[str, ...]:
    """The matched rules' keys, from the engine's "rule KEY: why" sector evidence."""
    keys = []
    for e in evidence:
        if e.criterion == "sector" and e.basis.startswith("rule ") and ":" in e.basis:
            keys.append(e.basis[len("rule ") :].split(":", 1)[0])
    return tuple(keys)


def _assessment(row: Mapping[str, Any], stored: Mapping[str, Any] | None) -> engine.GreenAssessment:
    if stored is None:
        why = "no stored assessment: the project was added after the last classification run"
        return engine.GreenAssessment(
            project_id=row["id"],
            identifier=row["identifier"],
            green_class=engine.UNRATED,
            brigc_class=engine.UNRATED,
            impacts={},
            ifc_category=None,
            ifc_implied=None,
            policy_flag=None,
            rules=(),
            evidence=(engine.Evidence("assessment", NOT_ASSESSED, why, "green_assessments"),),
        )
    evidence = tuple(
        engine.Evidence(
            str(e.get("criterion", "")),
            str(e.get("finding", "")),
            str(e.get("basis", "")),
            str(e.get("source", "")),
        )
        for e in stored.get("evidence") or []
    )
    return engine.GreenAssessment(
        project_id=row["id"],
        identifier=row["identifier"],
        green_class=_computed_class(stored),  # the engine's class; overrides apply on top
        brigc_class=str(stored["brigc_class"]),
        impacts=_impacts(evidence),
        ifc_category=stored.get("ifc_category"),
        ifc_implied=stored.get("ifc_implied"),
        policy_flag=stored.get("policy_flag"),
        rules=_rules(evidence),
        evidence=evidence,
    )


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def stored_report(
    workspace: Workspace,
    *,
    dataset: str | None = None,
    base_year: int | None = None,
    config: engine.GreenConfig | None = None,
) -> StoredGreen:
    """The traffic lights, evidence and overrides as stored, in one read transaction."""
    config = config or load_config()
    with workspace.reading() as connection:
        rows = queries.project_rows(connection, dataset=dataset, with_text=False)
        stored = queries.assessments(connection)
        overrides = queries.overrides(connection)
    basis_rules.require_rows(rows)
    assessments = [_assessment(r, stored.get(r["id"])) for r in rows]
    mine = [stored[r["id"]] for r in rows if r["id"] in stored]
    report = GreenReport(
        config,
        assessments,
        overrides,
        basis_rules.choose(rows, base_year),
        {r["id"]: r for r in rows},
    )
    return StoredGreen(
        report=report,
        not_assessed=len(rows) - len(mine),
        config_versions=tuple(sorted({str(s["config_version"]) for s in mine})),
        assessed_at=max((_aware(s["assessed_at"]) for s in mine), default=None),
    )


def has_stored(workspace: Workspace) -> bool:
    with workspace.reading() as connection:
        return queries.any_assessment(connection)


def green_report(
    workspace: Workspace, *, dataset: str | None = None, base_year: int | None = None
) -> GreenReport:
    """The stored report when a classification run has been stored, else computed now (and
    not saved): the read path of every page and of the brief."""
    if has_stored(workspace):
        return stored_report(workspace, dataset=dataset, base_year=base_year).report
    return classify(workspace, dataset=dataset, base_year=base_year, save=False)


__all__ = ["NOT_ASSESSED", "StoredGreen", "green_report", "has_stored", "stored_report"]
