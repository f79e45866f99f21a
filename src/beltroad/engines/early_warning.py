"""Early warnings: score jumps, GPR spikes, overdue reviews, slipping milestones, incidents.

Pure: scores, series, entries, milestones and incidents in; :class:`EarlyWarning` records out,
each with the value, the configured threshold it crossed and a message that says so. ``key``
identifies a warning across runs (kind, subject, period), so re-detecting it updates the stored
row instead of repeating it.

>>> w = EarlyWarning("gpr_spike", "warning", "country", "UKR", "UKR", "2022-03", 3.1, 2.0, "m")
>>> w.key
'gpr_spike:country:UKR:2022-03'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from beltroad.engines.country_risk import (
    CountryRiskScore,
    Observation,
    log_zscore,
    month_index,
)
from beltroad.engines.risk_config import ComponentSpec

KINDS: tuple[str, ...] = (
    "score_jump",
    "gpr_spike",
    "review_overdue",
    "milestone_slip",
    "incident",
)
SEVERITIES: tuple[str, ...] = ("info", "warning", "critical")


@dataclass(frozen=True)
class EarlyWarning:
    kind: str
    severity: str
    subject_kind: str
    subject_ref: str
    country_iso3: str | None
    period: str | None
    value: float | None
    threshold: float | None
    message: str
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.subject_kind}:{self.subject_ref}:{self.period or ''}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "kind": self.kind,
            "severity": self.severity,
            "subject": f"{self.subject_kind}:{self.subject_ref}",
            "country": self.country_iso3,
            "period": self.period,
            "value": self.value,
            "threshold": self.threshold,
            "message": self.message,
            "details": self.details,
        }


def score_jumps(
    current: Sequence[CountryRiskScore],
    previous: Mapping[str, CountryRiskScore],
    *,
    threshold: float,
) -> list[EarlyWarning]:
    """A country whose score rose by ``threshold`` points or more since the year before
    (critical at twice the threshold). Falls are not warnings."""
    found: list[EarlyWarning] = []
    for now in current:
        before = previous.get(now.iso3)
        if before is None:
            continue
        jump = now.score - before.score
        if jump < threshold:
            continue
        movers = sorted(
            (
                (c.name, c.contribution - (before.component(c.name) or c).contribution)
                for c in now.components
            ),
            key=lambda item: -item[1],
        )[:3]
        found.append(
            EarlyWarning(
                kind="score_jump",
                severity="critical" if jump >= 2 * threshold else "warning",
                subject_kind="country",
                subject_ref=now.iso3,
                country_iso3=now.iso3,
                period=str(now.year),
                value=round(jump, 2),
                threshold=threshold,
                message=(
                    f"{now.iso3} country score rose {jump:.1f} points, {before.score:.1f} "
                    f"({before.band}, {before.year}) -> {now.score:.1f} ({now.band}, {now.year}); "
                    f"threshold {threshold:g}; biggest moves: "
                    + ", ".join(f"{name} {delta:+.1f}" for name, delta in movers)
                ),
                details={
                    "from": round(before.score, 2),
                    "to": round(now.score, 2),
                    "from_band": before.band,
                    "to_band": now.band,
                    "movers": {name: round(delta, 2) for name, delta in movers},
                },
            )
        )
    return found


def gpr_spikes(
    series: Mapping[str, Sequence[Observation]],
    *,
    spec: ComponentSpec,
    z_threshold: float,
    lookback_months: int,
    last_month: str | None = None,
) -> list[EarlyWarning]:
    """Months in the last ``lookback_months`` (up to ``last_month``, default each series' last)
    whose GPR log z-score against the trailing window is ``z_threshold`` or more."""
    window = int(spec.params["window_years"]) * 12
    need = int(spec.params["min_window_months"])
    offset = spec.param("log_offset")
    found: list[EarlyWarning] = []
    for iso3, observations in sorted(series.items()):
        months = sorted((o for o in observations if len(o.period) == 7), key=lambda o: o.period)
        if last_month is not None:
            months = [o for o in months if o.period <= last_month]
        if not months:
            continue
        index = {month_index(o.period): o for o in months}
        end = month_index(months[-1].period)
        for m in range(end - lookback_months + 1, end + 1):
            obs = index.get(m)
            if obs is None:
                continue
            baseline = [index[b].value for b in range(m - window, m) if b in index]
            if len(baseline) < need:
                continue
            z, _, _ = log_zscore(obs.value, baseline, offset=offset)
            if z is None or z < z_threshold:
                continue
            found.append(
                EarlyWarning(
                    kind="gpr_spike",
                    severity="critical" if z >= z_threshold + 1 else "warning",
                    subject_kind="country",
                    subject_ref=iso3,
                    country_iso3=iso3,
                    period=obs.period,
                    value=round(z, 2),
                    threshold=z_threshold,
                    message=(
                        f"GPR spike in {iso3}, {obs.period}: {obs.value:.3g} is a log z-score "
                        f"of {z:+.2f} against the previous {len(baseline)} months "
                        f"(threshold {z_threshold:g})"
                    ),
                    details={"gpr": obs.value, "vintage": obs.vintage, "window": len(baseline)},
                )
            )
    return found


def overdue_reviews(entries: Sequence[Mapping[str, Any]], *, today: dt.date) -> list[EarlyWarning]:
    """Open register entries whose review date has passed (critical past 90 days)."""
    found: list[EarlyWarning] = []
    for e in entries:
        review_on = e.get("review_on")
        if review_on is None or review_on >= today or e.get("status") == "closed":
            continue
        late = (today - review_on).days
        found.append(
            EarlyWarning(
                kind="review_overdue",
                severity="critical" if late > 90 else "warning",
                subject_kind="risk_entry",
                subject_ref=str(e["id"]),
                country_iso3=e["subject_ref"] if e.get("subject_kind") == "country" else None,
                period=review_on.isoformat(),
                value=float(late),
                threshold=0.0,
                message=(
                    f"risk entry {e['id']} ({e['category']}, {e['subject_kind']}:"
                    f"{e['subject_ref']}) review overdue by {late} days (due {review_on})"
                ),
                details={"owner": e.get("owner"), "title": e.get("title")},
            )
        )
    return found


def milestone_slips(
    milestones: Sequence[Mapping[str, Any]],
    project_ends: Sequence[Mapping[str, Any]],
    *,
    today: dt.date,
    slip_days: int,
) -> list[EarlyWarning]:
    """Milestones reached ``slip_days`` or more late, or still open that long after their plan;
    open projects past their planned end by as much (the slippage of issue #4, per project)."""
    found: list[EarlyWarning] = []
    for m in milestones:
        planned: dt.date = m["planned_on"]
        actual: dt.date | None = m["actual_on"]
        late = ((actual or today) - planned).days
        if late < slip_days:
            continue
        state = f"reached {actual}" if actual else "not reached"
        found.append(
            EarlyWarning(
                kind="milestone_slip",
                severity="critical" if late >= 2 * slip_days else "warning",
                subject_kind="project",
                subject_ref=m["identifier"],
                country_iso3=None,
                period=f"{planned.isoformat()} {m['name']}"[:32],
                value=float(late),
                threshold=float(slip_days),
                message=(
                    f"milestone '{m['name']}' of {m['identifier']} planned {planned}, {state}: "
                    f"{late} days late (threshold {slip_days})"
                ),
                details={"milestone": m["name"], "planned": planned.isoformat()},
            )
        )
    for p in project_ends:
        planned = p["planned_end"]
        late = (today - planned).days
        if late < slip_days:
            continue
        found.append(
            EarlyWarning(
                kind="milestone_slip",
                severity="critical" if late >= 2 * slip_days else "warning",
                subject_kind="project",
                subject_ref=p["identifier"],
                country_iso3=None,
                period=f"end {planned.isoformat()}",
                value=float(late),
                threshold=float(slip_days),
                message=(
                    f"{p['identifier']} planned to end {planned}, still open: {late} days late "
                    f"(threshold {slip_days})"
                ),
                details={"title": p.get("title")},
            )
        )
    return found


def incident_warnings(
    incidents: Sequence[Mapping[str, Any]], *, today: dt.date, lookback_days: int
) -> list[EarlyWarning]:
    """A warning per incident of the last ``lookback_days``; critical with severity 4-5 or
    casualties, or when it touches expatriate personnel."""
    found: list[EarlyWarning] = []
    for i in incidents:
        occurred: dt.date = i["occurred_on"]
        if (today - occurred).days > lookback_days or occurred > today:
            continue
        totals = (i.get("exposure") or {}).get("totals", {})
        critical = i["severity"] >= 4 or i["casualties"] > 0 or totals.get("expatriate_personnel")
        found.append(
            EarlyWarning(
                kind="incident",
                severity="critical" if critical else "warning",
                subject_kind=i["subject_kind"],
                subject_ref=i["subject_ref"],
                country_iso3=i["country_iso3"],
                period=f"{occurred.isoformat()} #{i['id']}",
                value=float(i["severity"]),
                threshold=None,
                message=(
                    f"{i['event_type']} on {occurred} at {i['subject_kind']}:{i['subject_ref']} "
                    f"({i['country_iso3']}), severity {i['severity']}, {i['casualties']} "
                    f"casualties; within reach: {totals.get('enterprises', 0)} enterprises "
                    f"({totals.get('personnel', 0)} personnel), {totals.get('zones', 0)} zones, "
                    f"{totals.get('projects', 0)} projects"
                ),
                details={"incident_id": i["id"], "totals": totals, "source": i.get("source")},
            )
        )
    return found


__all__ = [
    "KINDS",
    "SEVERITIES",
    "EarlyWarning",
    "gpr_spikes",
    "incident_warnings",
    "milestone_slips",
    "overdue_reviews",
    "score_jumps",
]
