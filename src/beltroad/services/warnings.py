"""``beltroad risk warnings``: detect early warnings, store them for the web layer, list them.

Kinds: a country score jump since the year before; a GPR spike in recent months; an overdue
register review; a slipping milestone or project end (issue #4's slippage, per project); a recent
security incident. Thresholds come from ``[warnings]`` in risk.toml. Detection and storage are one
transaction: new warnings are added, re-detected ones refreshed, and open ones no longer detected
marked ``resolved``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from beltroad.engines.country_risk import Observation
from beltroad.engines.early_warning import (
    KINDS,
    EarlyWarning,
    gpr_spikes,
    incident_warnings,
    milestone_slips,
    overdue_reviews,
    score_jumps,
)
from beltroad.engines.risk_config import RiskConfig
from beltroad.engines.risk_register import OPEN_STATUSES, check_choice
from beltroad.errors import BeltroadError, DataUnavailable
from beltroad.services.risk import assess, load_config
from beltroad.services.workspace import Workspace
from beltroad.storage import risk as queries

_ORDER = {"critical": 0, "warning": 1, "info": 2}


@dataclass
class WarningReport:
    as_of: dt.date
    year: int | None
    warnings: list[EarlyWarning]
    stored: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "year": self.year,
            "counts": self.counts(),
            "stored": self.stored,
            "notes": self.notes,
            "warnings": [w.as_dict() for w in self.warnings],
        }

    def counts(self) -> dict[str, int]:
        found: dict[str, int] = dict.fromkeys(KINDS, 0)
        for w in self.warnings:
            found[w.kind] += 1
        return found

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "severity": w.severity,
                "kind": w.kind,
                "subject": f"{w.subject_kind}:{w.subject_ref}",
                "period": w.period,
                "value": w.value,
                "threshold": w.threshold,
                "message": w.message,
            }
            for w in self.warnings
        ]


def _country_warnings(
    workspace: Workspace, config: RiskConfig, year: int | None, notes: list[str]
) -> tuple[int | None, list[EarlyWarning]]:
    found: list[EarlyWarning] = []
    try:
        now = assess(workspace, year=year, config=config)
    except DataUnavailable as exc:
        notes.append(f"score jumps and GPR spikes skipped: {exc.message}")
        return None, found
    try:
        before = assess(workspace, year=now.year - 1, config=config)
        previous = {s.iso3: s for s in before.scored}
        found += score_jumps(now.scored, previous, threshold=config.warnings.score_jump)
    except BeltroadError as exc:
        notes.append(f"score jumps skipped: {exc.message}")
    spec = next((c for c in config.components if c.method == "log_zscore"), None)
    if spec is None:
        notes.append("GPR spikes skipped: no log_zscore component configured")
        return now.year, found
    window = int(spec.params["window_years"])
    lookback_years = config.warnings.gpr_lookback_months // 12 + 1
    with workspace.reading() as connection:
        span = queries.yearly_span(connection, [spec.indicator])
        if span is None:
            notes.append("GPR spikes skipped: no GPR data")
            return now.year, found
        last_year = span[1] if year is None else min(span[1], year)
        rows = queries.observations(
            connection,
            [spec.indicator],
            first_year=last_year - window - lookback_years,
            last_year=last_year,
        )
    series: dict[str, list[Observation]] = defaultdict(list)
    for iso3, items in rows.items():
        series[iso3] = [Observation(*item) for item in items]
    found += gpr_spikes(
        series,
        spec=spec,
        z_threshold=config.warnings.gpr_spike_z,
        lookback_months=config.warnings.gpr_lookback_months,
        last_month=f"{last_year:04d}-12",
    )
    return now.year, found


def detect(
    workspace: Workspace,
    *,
    year: int | None = None,
    as_of: dt.date | None = None,
    kind: str | None = None,
    store: bool | None = None,
    config: RiskConfig | None = None,
) -> WarningReport:
    """Detect every kind of warning and return them, critical first (``kind`` filters the
    returned list only). ``store`` (default: only for a run as of now, without ``year`` or
    ``as_of``) writes them to ``risk_warnings`` and resolves stored ones no longer detected, so
    that a look back at an earlier year never rewrites the current warnings."""
    config = config or load_config()
    if store is None:
        store = year is None and as_of is None
    as_of = as_of or dt.date.today()
    if kind is not None:
        kind = check_choice(kind, KINDS, "kind")
    notes: list[str] = []
    scored_year, found = _country_warnings(workspace, config, year, notes)
    with workspace.reading() as connection:
        entries = queries.entries(connection, statuses=OPEN_STATUSES)
        milestones = queries.milestone_slips(connection, as_of)
        ends = queries.project_end_slips(connection, as_of)
        since = as_of - dt.timedelta(days=config.warnings.incident_lookback_days)
        recent = queries.incidents(connection, since=since)
    found += overdue_reviews(entries, today=as_of)
    found += milestone_slips(
        milestones, ends, today=as_of, slip_days=config.warnings.milestone_slip_days
    )
    found += incident_warnings(
        recent, today=as_of, lookback_days=config.warnings.incident_lookback_days
    )
    found.sort(key=lambda w: (_ORDER.get(w.severity, 3), w.kind, -(w.value or 0), w.key))
    rows = [
        {
            **w.as_dict(),
            "subject_kind": w.subject_kind,
            "subject_ref": w.subject_ref,
            "country_iso3": w.country_iso3,
        }
        for w in found
    ]
    saved: dict[str, int] = {}
    if store:
        with workspace.writing() as connection:
            saved = queries.store_warnings(connection, rows, now=dt.datetime.now(dt.UTC))
    else:
        notes.append("a look back (an earlier year or as-of date): shown, not stored")
    shown = [w for w in found if kind is None or w.kind == kind]
    return WarningReport(as_of, scored_year, shown, saved, notes)


def stored(
    workspace: Workspace, *, kind: str | None = None, status: str | None = "open"
) -> list[dict[str, Any]]:
    """Warnings as stored (what the web layer reads)."""
    if kind is not None:
        kind = check_choice(kind, KINDS, "kind")
    with workspace.reading() as connection:
        return queries.stored_warnings(connection, kind=kind, status=status)


__all__ = ["WarningReport", "detect", "stored"]
