"""The risk register's rules: categories, scales, auto-scoring with reasons, and escalation.

Pure: country scores, exposure and project facts in, proposed entries out. Every auto entry says
why: which component of which country score set the likelihood, and which amount set the impact,
with the configured cut points ([register] in risk.toml).

Scores follow the usual 5 x 5 matrix: inherent = likelihood x impact (1-25); residual = residual
likelihood x residual impact after mitigation, or the inherent score while no residual is given.
An entry escalates when its residual score is above ``escalation_threshold`` or its review date
has passed while it is still open.

>>> likelihood_from(55.0, (20.0, 40.0, 60.0, 80.0))
3
>>> impact_from_usd(2.5e8, (1e7, 5e7, 2e8, 1e9), unknown=3)
4
"""

from __future__ import annotations

import datetime as dt
import statistics
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from beltroad.engines.country_risk import CountryRiskScore
from beltroad.engines.risk_config import RegisterParams
from beltroad.errors import InvalidInput

CATEGORIES: tuple[str, ...] = (
    "geopolitical",
    "political",
    "sovereign_debt",
    "security",
    "environmental_social",
    "compliance",
    "currency",
    "construction",
    "operational",
)
SUBJECT_KINDS: tuple[str, ...] = ("project", "country", "enterprise", "zone")
STATUSES: tuple[str, ...] = ("open", "monitoring", "escalated", "closed")
OPEN_STATUSES: tuple[str, ...] = ("open", "monitoring", "escalated")
# DAC 3-digit sector groups that are built: water, transport, communications, energy, industry,
# mining, construction (OECD DAC CRS purpose codes).
BUILT_SECTORS: tuple[str, ...] = ("140", "210", "220", "230", "231", "232", "321", "322", "323")
_POLITICAL = ("wgi_va", "wgi_ge", "wgi_rq", "wgi_rl", "wgi_cc")


def check_choice(value: str, allowed: Sequence[str], field: str) -> str:
    """``value`` normalised to lower case with underscores, or InvalidInput naming the choices."""
    cleaned = value.strip().lower().replace("-", "_").replace(" ", "_")
    if cleaned not in allowed:
        raise InvalidInput.at(
            f"unknown value (allowed: {', '.join(allowed)})", field=field, value=value
        )
    return cleaned


def check_scale(value: int | None, field: str) -> int | None:
    """A likelihood or impact: a whole number 1 to 5 (None passes through)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise InvalidInput.at("expected a whole number from 1 to 5", field=field, value=value)
    return value


def likelihood_from(normalised: float, cuts: Sequence[float]) -> int:
    """A 0-100 risk reading as likelihood 1-5: 1 below the first cut, 5 at or above the last."""
    return 1 + bisect_right(list(cuts), normalised)


def impact_from_usd(amount: float | None, cuts: Sequence[float], *, unknown: int) -> int:
    """An exposure in constant USD as impact 1-5; an unknown amount gets ``unknown``."""
    if amount is None or amount <= 0:
        return unknown
    return 1 + bisect_right(list(cuts), amount)


def score_of(likelihood: int, impact: int) -> int:
    return likelihood * impact


@dataclass(frozen=True)
class AutoEntry:
    """An entry the register proposes, with the reason for each number."""

    key: str
    subject_kind: str
    subject_ref: str
    category: str
    title: str
    likelihood: int
    impact: int
    why: str
    inputs: dict[str, Any] = field(default_factory=dict)

    @property
    def score(self) -> int:
        return score_of(self.likelihood, self.impact)


@dataclass(frozen=True)
class ProjectFacts:
    identifier: str
    title: str
    status: int | None
    flow_class: str | None
    finance_type: int | None
    amount: float | None
    countries: tuple[tuple[str, float], ...]  # (iso3, percentage), largest first
    sectors: tuple[str, ...]


def _money(amount: float | None) -> str:
    return "unknown" if amount is None else f"USD {amount / 1e6:,.1f} m"


def _impact(amount: float | None, params: RegisterParams, what: str) -> tuple[int, str]:
    impact = impact_from_usd(amount, params.impact_usd_cuts, unknown=params.unknown_impact)
    cuts = ", ".join(f"{c / 1e6:g}" for c in params.impact_usd_cuts)
    if amount is None or amount <= 0:
        return impact, f"impact {impact}: {what} unknown (register.unknown_impact)"
    return impact, f"impact {impact}: {what} {_money(amount)} (cuts USD m {cuts})"


def _from_component(
    score: CountryRiskScore, names: Sequence[str], params: RegisterParams
) -> tuple[int, str, dict[str, Any]] | None:
    used = [c for c in score.components if c.name in names and not c.missing]
    if not used:
        return None
    reading = statistics.fmean(c.normalised or 0.0 for c in used)
    likelihood = likelihood_from(reading, params.likelihood_cuts)
    parts = ", ".join(f"{c.name} {c.normalised:.0f}" for c in used)
    cuts = ", ".join(f"{c:g}" for c in params.likelihood_cuts)
    label = parts if len(used) == 1 else f"mean of {parts} = {reading:.0f}"
    why = (
        f"likelihood {likelihood}: {score.iso3} {score.year} country score {score.score:.1f} "
        f"({score.band}), {label} (cuts {cuts})"
    )
    inputs = {
        "country": score.iso3,
        "year": score.year,
        "country_score": round(score.score, 2),
        "components": {c.name: round(c.normalised or 0.0, 2) for c in used},
        "config_version": score.config_version,
    }
    return likelihood, why, inputs


COUNTRY_RULES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("geopolitical", ("gpr", "wgi_pv"), "Geopolitical tension and conflict"),
    ("political", _POLITICAL, "Governance and policy change"),
    ("security", ("wgi_pv",), "Political violence and terrorism"),
    ("sovereign_debt", ("debt",), "Sovereign debt distress"),
    ("environmental_social", ("ndgain",), "Climate vulnerability"),
)


def country_entries(
    score: CountryRiskScore, exposure: float | None, params: RegisterParams
) -> list[AutoEntry]:
    """One entry per category a country score informs, impact from the country exposure."""
    entries: list[AutoEntry] = []
    impact, impact_why = _impact(exposure, params, "active portfolio exposure")
    for category, names, title in COUNTRY_RULES:
        found = _from_component(score, names, params)
        if found is None:
            continue
        likelihood, why, inputs = found
        entries.append(
            AutoEntry(
                key=f"country:{score.iso3}:{category}",
                subject_kind="country",
                subject_ref=score.iso3,
                category=category,
                title=f"{title} in {score.iso3}",
                likelihood=likelihood,
                impact=impact,
                why=f"{why}; {impact_why}",
                inputs=inputs | {"exposure_usd": exposure},
            )
        )
    return entries


def is_loan(project: ProjectFacts) -> bool:
    """Debt-creating finance: IATI FinanceType 4xx (loans) or an OOF/loan flow class."""
    if project.finance_type is not None and 400 <= project.finance_type < 500:
        return True
    text = (project.flow_class or "").lower()
    return "oof" in text or "loan" in text


def project_entries(
    project: ProjectFacts, score: CountryRiskScore, params: RegisterParams
) -> list[AutoEntry]:
    """Entries for one active project from its host country's score and its own attributes."""
    entries: list[AutoEntry] = []
    impact, impact_why = _impact(project.amount, params, "project amount (constant USD)")
    rules: list[tuple[str, tuple[str, ...], str, str]] = [
        ("security", ("wgi_pv",), "Security of the site and staff", "host country PV"),
    ]
    if is_loan(project):
        rules.append(
            (
                "sovereign_debt",
                ("debt",),
                "Repayment at risk from sovereign debt distress",
                f"debt-creating finance (finance type {project.finance_type}, "
                f"flow class {project.flow_class})",
            )
        )
    built = sorted({s[:3] for s in project.sectors} & set(BUILT_SECTORS))
    if built and project.status == 2:
        rules.append(
            (
                "construction",
                ("wgi_ge", "wgi_rq"),
                "Construction delay and cost overrun",
                f"under implementation (IATI status 2) in built sectors {', '.join(built)}",
            )
        )
    for category, names, title, because in rules:
        found = _from_component(score, names, params)
        if found is None:
            continue
        likelihood, why, inputs = found
        entries.append(
            AutoEntry(
                key=f"project:{project.identifier}:{category}",
                subject_kind="project",
                subject_ref=project.identifier,
                category=category,
                title=f"{title}: {project.title}"[:500],
                likelihood=likelihood,
                impact=impact,
                why=f"{because}; {why}; {impact_why}",
                inputs=inputs | {"amount_usd": project.amount, "host": score.iso3},
            )
        )
    return entries


HOLDING_RULES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("security", ("wgi_pv",), "Security of the premises and staff"),
    ("political", _POLITICAL, "Host-country governance and policy change"),
)


def holding_entries(
    kind: str,
    ref: str,
    name: str,
    score: CountryRiskScore,
    amount: float | None,
    params: RegisterParams,
) -> list[AutoEntry]:
    """Entries for an overseas enterprise or a cooperation zone from its host country's score;
    impact from its investment (stock, assets or zone investment, constant or nominal USD)."""
    what = "investment stock" if kind == "enterprise" else "zone investment"
    impact, impact_why = _impact(amount, params, what)
    entries: list[AutoEntry] = []
    for category, names, title in HOLDING_RULES:
        found = _from_component(score, names, params)
        if found is None:
            continue
        likelihood, why, inputs = found
        entries.append(
            AutoEntry(
                key=f"{kind}:{ref}:{category}",
                subject_kind=kind,
                subject_ref=ref,
                category=category,
                title=f"{title}: {name}"[:500],
                likelihood=likelihood,
                impact=impact,
                why=f"{why}; {impact_why}",
                inputs=inputs | {"amount_usd": amount, "host": score.iso3},
            )
        )
    return entries


def apply_incidents(
    entries: Sequence[AutoEntry],
    reached: Mapping[tuple[str, str], Sequence[Mapping[str, Any]]],
    *,
    step: int,
) -> list[AutoEntry]:
    """Raise the likelihood of the security entries of assets a recent incident reached.

    ``reached`` maps (subject kind, ref) to the incidents that listed it: ``id``, ``date``,
    ``event_type``, ``distance_km``.
    """
    out: list[AutoEntry] = []
    for entry in entries:
        hits = reached.get((entry.subject_kind, entry.subject_ref), ())
        if entry.category != "security" or not hits or step <= 0:
            out.append(entry)
            continue
        raised = min(5, entry.likelihood + step)
        named = ", ".join(
            f"#{h['id']} {h['event_type']} on {h['date']}"
            + (f" {h['distance_km']:.0f} km away" if h.get("distance_km") is not None else "")
            for h in hits
        )
        out.append(
            replace(
                entry,
                likelihood=raised,
                why=f"{entry.why}; likelihood {entry.likelihood} -> {raised} "
                f"(register.incident_likelihood_step {step}): recent incident(s) {named}",
                inputs=entry.inputs | {"incidents": [h["id"] for h in hits]},
            )
        )
    return out


@dataclass(frozen=True)
class EntryState:
    """What escalation looks at."""

    likelihood: int
    impact: int
    residual_likelihood: int | None
    residual_impact: int | None
    status: str
    review_on: dt.date | None

    @property
    def inherent(self) -> int:
        return score_of(self.likelihood, self.impact)

    @property
    def residual(self) -> int:
        if self.residual_likelihood is None or self.residual_impact is None:
            return self.inherent
        return score_of(self.residual_likelihood, self.residual_impact)


def escalation_reasons(state: EntryState, *, today: dt.date, threshold: int) -> list[str]:
    """Why an open entry must be escalated (empty when it need not be)."""
    if state.status == "closed":
        return []
    reasons: list[str] = []
    if state.residual > threshold:
        reasons.append(f"residual score {state.residual} is over the threshold {threshold}")
    if state.review_on is not None and state.review_on < today:
        reasons.append(
            f"review overdue since {state.review_on.isoformat()} "
            f"({(today - state.review_on).days} days)"
        )
    return reasons


__all__ = [
    "BUILT_SECTORS",
    "CATEGORIES",
    "HOLDING_RULES",
    "OPEN_STATUSES",
    "STATUSES",
    "SUBJECT_KINDS",
    "AutoEntry",
    "EntryState",
    "ProjectFacts",
    "apply_incidents",
    "check_choice",
    "check_scale",
    "country_entries",
    "escalation_reasons",
    "holding_entries",
    "impact_from_usd",
    "is_loan",
    "likelihood_from",
    "project_entries",
    "score_of",
]
