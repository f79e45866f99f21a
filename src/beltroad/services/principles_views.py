"""The #17 services as a signed-in user sees them: green classes (with evidence and overrides),
integrity flags (with dismissal), debt signals, the benefit balance and flagship selection.

The analysts' services (:mod:`~beltroad.services.green`, :mod:`~beltroad.services.integrity`,
:mod:`~beltroad.services.debt`, :mod:`~beltroad.services.benefits`,
:mod:`~beltroad.services.selection`) work on the whole portfolio and take no actor. Here:

- a user on scope all sees everything;
- any other user sees the rows of the projects the registry lets them read and the country
  rows of their countries; portfolio totals (green share, debt exposure) are for scope all,
  since they add up projects the user may not see;
- a green override or a flag dismissal is a decision on a project: it needs the ``approve``
  role on that project, and the audit log records the user's login;
- a flagship selection ranks the whole portfolio: it needs ``manage_plans`` on scope all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from beltroad.services import (
    benefits,
    debt,
    green,
    green_read,
    integrity,
    registry_access,
    selection,
)
from beltroad.services.permissions import (
    Action,
    Actor,
    covers_all,
    not_found,
    read_scope,
    require_global,
)
from beltroad.services.workspace import Workspace
from beltroad.storage import green as green_store

#: A scoped reader's projects are listed page by page up to this many (a partner's country).
MAX_SCOPED_PROJECTS = 50_000


@dataclass(frozen=True)
class Visible:
    """What the actor may see: None is everything."""

    project_ids: frozenset[int] | None
    identifiers: frozenset[str] | None
    countries: frozenset[str] | None

    @property
    def everything(self) -> bool:
        return self.project_ids is None

    def project(self, project_id: int | None = None, identifier: str | None = None) -> bool:
        if self.project_ids is None or self.identifiers is None:
            return True
        return project_id in self.project_ids or identifier in self.identifiers

    def country(self, iso3: str | None) -> bool:
        return self.countries is None or iso3 in self.countries


def visible(workspace: Workspace, actor: Actor) -> Visible:
    if covers_all(actor, Action.read):
        return Visible(None, None, None)
    ids: set[int] = set()
    identifiers: set[str] = set()
    offset, size = 0, registry_access.MAX_PAGE
    while offset < MAX_SCOPED_PROJECTS:
        found = registry_access.list_projects(workspace, actor, limit=size, offset=offset)
        for item in found.items:
            ids.add(int(item["id"]))
            identifiers.add(str(item["identifier"]))
        offset += size
        if offset >= found.total:
            break
    return Visible(frozenset(ids), frozenset(identifiers), read_scope(actor).countries)


@dataclass(frozen=True)
class GreenView:
    items: list[dict[str, Any]]
    portfolio: dict[str, Any] | None  # scope all only
    countries: dict[str, dict[str, Any]]
    note: str


def green_classes(workspace: Workspace, actor: Actor, *, dataset: str | None = None) -> GreenView:
    """Every readable project's class, computed and final, with its evidence and override."""
    if green_read.has_stored(workspace):  # a read of the last run: no recompute per view
        found = green_read.stored_report(workspace, dataset=dataset)
        report, note = found.report, found.note()
    else:
        report = green.classify(workspace, dataset=dataset, save=False)
        note = report.note()
    seen = visible(workspace, actor)
    shares = report.shares()
    items = [i for i in report.items() if seen.project(i["project_id"], i["identifier"])]
    countries = {k: v for k, v in shares["countries"].items() if seen.country(k)}
    portfolio = shares["portfolio"] if seen.everything else None
    return GreenView(items, portfolio, countries, note)


def _decide_on(workspace: Workspace, actor: Actor, identifier: str) -> None:
    with workspace.reading() as connection:
        registry_access.scoped_project(connection, actor, identifier, Action.approve)


def override_green(
    workspace: Workspace,
    actor: Actor,
    identifier: str,
    green_class: str | None,
    *,
    justification: str,
) -> dict[str, Any]:
    """Override (or, with None, clear) a project's class; audited with the user's login."""
    _decide_on(workspace, actor, identifier)
    return green.override(
        workspace, identifier, green_class, justification=justification, actor=actor.login
    )


def integrity_flags(
    workspace: Workspace, actor: Actor, *, status: str | None = "open"
) -> list[dict[str, Any]]:
    """Stored flags (from the last ``integrity scan``) about projects the actor may read."""
    with workspace.reading() as connection:
        rows = green_store.flags(connection, status=status)
    seen = visible(workspace, actor)
    return [r for r in rows if seen.project(r["project_id"], r["subject"])]


def dismiss_flag(
    workspace: Workspace, actor: Actor, flag_id: int, *, reason: str
) -> dict[str, Any]:
    """Dismiss a flag (a reason is required) on a project the actor may approve."""
    with workspace.reading() as connection:
        found = green_store.flag(connection, flag_id)
    if found is None:
        raise not_found("integrity flag", flag_id)
    if found["project_id"] is None:
        require_global(actor, Action.approve, what="dismiss a flag on no project")
    elif not visible(workspace, actor).project(int(found["project_id"])):
        raise not_found("integrity flag", flag_id)
    else:
        # the numeric id: a flag's subject may be a counterparty rather than the identifier
        _decide_on(workspace, actor, str(found["project_id"]))
    return integrity.dismiss(workspace, flag_id, reason=reason, actor=actor.login)


def debt_signals(
    workspace: Workspace, actor: Actor, *, year: int | None = None
) -> tuple[debt.DebtReport, bool]:
    """The debt report for the actor's countries (all for scope all) and whether the portfolio
    exposure may be shown (scope all only)."""
    seen = visible(workspace, actor)
    countries = None if seen.countries is None else sorted(seen.countries)
    report = debt.debt_report(workspace, year=year, countries=countries or None)
    if countries is not None:
        report.signals[:] = [s for s in report.signals if seen.country(s.iso3)]
    return report, seen.everything


def benefit_balance(workspace: Workspace, actor: Actor) -> benefits.BenefitsReport:
    """Balances of the projects and countries the actor may read."""
    report = benefits.benefits_report(workspace)
    seen = visible(workspace, actor)
    if not seen.everything:
        report.projects[:] = [b for b in report.projects if seen.project(identifier=b.subject)]
        report.countries[:] = [b for b in report.countries if seen.country(b.subject)]
    return report


def select_flagships(
    workspace: Workspace, actor: Actor, request: selection.SelectionRequest
) -> selection.SelectionReport:
    require_global(actor, Action.manage_plans, what="run a flagship selection over the portfolio")
    return selection.select(workspace, request)


@dataclass(frozen=True)
class CountryPanel:
    """A country page's #17 figures; None where the data behind one is not imported."""

    iso3: str
    green: dict[str, Any] | None
    debt: Any | None  # engines.debt.DebtSignal
    balance: Any | None  # engines.benefits.Balance
    risk: Any | None  # engines.country_risk.CountryRiskScore


def country_panel(workspace: Workspace, actor: Actor, iso3: str) -> CountryPanel:
    """The green share, debt signal, benefit balance and risk score of one country the actor
    may read (a country outside the scope looks missing)."""
    from beltroad.errors import DataUnavailable
    from beltroad.services import risk

    iso3 = iso3.upper()
    registry_access.read_entity(workspace, actor, "countries", iso3)
    found: dict[str, Any] = {}
    try:
        found["green"] = green_read.green_report(workspace).shares()["countries"].get(iso3)
    except DataUnavailable:
        found["green"] = None
    try:
        signals = debt.debt_report(workspace, countries=[iso3]).signals
        found["debt"] = signals[0] if signals else None
    except DataUnavailable:
        found["debt"] = None
    try:
        balances = benefits.benefits_report(workspace).countries
        found["balance"] = next((b for b in balances if b.subject == iso3), None)
    except DataUnavailable:
        found["balance"] = None
    try:
        scores = risk.country_scores(workspace, countries=[iso3])
        found["risk"] = scores[0] if scores else None
    except DataUnavailable:
        found["risk"] = None
    return CountryPanel(iso3, **found)
