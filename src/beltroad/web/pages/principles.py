"""Open, green, clean and people-centred (issue #17 part 6): green classes with evidence and
overrides, integrity flags with dismissal, debt signals per country, the benefit balance per
project and country, and flagship selection (weights, constraints, the chosen set, reasons).
Each page reads through :mod:`beltroad.services.principles_views`, which keeps users to their
scope and checks who may decide."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from beltroad.errors import DataUnavailable, InvalidInput
from beltroad.services import principles_views as views
from beltroad.services.permissions import Action, covers_all, read_scope
from beltroad.services.selection import SelectionRequest
from beltroad.web.api.deps import WorkspaceDep
from beltroad.web.pages.forms import fields, required
from beltroad.web.render import NAV, NavItem, page
from beltroad.web.session import PageUser

router = APIRouter()
NAV.append(NavItem("/green", "Green and clean"))
GREEN_CLASSES = ("green", "yellow", "red")
METHODS = ("topsis", "promethee")


def _may_decide(user: Any) -> bool:
    scope = read_scope(user, Action.approve)
    return scope.everything or bool(scope.countries or scope.unit_roots or scope.orgs)


@router.get("/green")
def green_page(request: Request, ws: WorkspaceDep, user: PageUser) -> Response:
    try:
        view = views.green_classes(ws, user)
    except DataUnavailable:  # no project imported yet
        view = None
    context = {"view": view, "classes": GREEN_CLASSES, "may_decide": _may_decide(user)}
    return page(request, "green/green.html", context, user=user)


@router.post("/green/{identifier}/override")
async def green_override(
    request: Request, ws: WorkspaceDep, user: PageUser, identifier: str
) -> Response:
    values = await fields(request)
    chosen = values.get("green_class") or None
    views.override_green(
        ws, user, identifier, chosen, justification=required(values, "justification")
    )
    return RedirectResponse(f"/green#p-{identifier}", status_code=303)


@router.get("/integrity")
def integrity_page(
    request: Request, ws: WorkspaceDep, user: PageUser, status: str = "open"
) -> Response:
    shown = status if status in ("open", "dismissed") else None
    context = {
        "flags": views.integrity_flags(ws, user, status=shown),
        "status": status,
        "may_decide": _may_decide(user),
    }
    return page(request, "green/integrity.html", context, user=user)


@router.post("/integrity/{flag_id}/dismiss")
async def integrity_dismiss(
    request: Request, ws: WorkspaceDep, user: PageUser, flag_id: int
) -> Response:
    values = await fields(request)
    views.dismiss_flag(ws, user, flag_id, reason=values.get("reason", ""))
    return RedirectResponse("/integrity", status_code=303)


@router.get("/debt")
def debt_page(
    request: Request,
    ws: WorkspaceDep,
    user: PageUser,
    year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
) -> Response:
    try:
        report, exposure = views.debt_signals(ws, user, year=year)
    except DataUnavailable:  # no IMF data imported: say so, never guess
        context: dict[str, Any] = {"report": None}
        return page(request, "green/debt.html", context, user=user)
    context = {"report": report, "exposure": exposure}
    return page(request, "green/debt.html", context, user=user)


@router.get("/benefits")
def benefits_page(request: Request, ws: WorkspaceDep, user: PageUser) -> Response:
    try:
        report = views.benefit_balance(ws, user)
    except DataUnavailable:  # no project imported yet
        report = None
    context = {"report": report, "gaps": report.gaps(20) if report else []}
    return page(request, "green/benefits.html", context, user=user)


def _caps(text: str) -> dict[str, float]:
    """``PAK=0.3, KEN=0.2``: each country's cap as a share of the budget."""
    caps: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        iso3, sep, value = part.partition("=")
        try:
            caps[iso3.strip().upper()] = float(value)
        except ValueError:
            raise InvalidInput.at(
                "expected ISO3=share, e.g. PAK=0.3", field="country_caps", value=part
            ) from None
        if not sep:
            raise InvalidInput.at("expected ISO3=share", field="country_caps", value=part)
    return caps


def _weights(text: str) -> dict[str, float] | None:
    if not text.strip():
        return None
    out: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, _, value = part.partition("=")
        try:
            out[key.strip()] = float(value)
        except ValueError:
            raise InvalidInput.at(
                "expected criterion=weight, e.g. scale=0.3", field="weights", value=part
            ) from None
    return out


def _ids(text: str) -> tuple[str, ...]:
    return tuple(filter(None, (p.strip() for p in text.split(","))))


def _number(text: str, name: str) -> float | None:
    if not text.strip():
        return None
    try:
        return float(text)
    except ValueError:
        raise InvalidInput.at("expected a number", field=name, value=text) from None


@router.get("/select")
def select_page(
    request: Request,
    ws: WorkspaceDep,
    user: PageUser,
    budget: str = "",
    method: str = "topsis",
    weights: str = "",
    country_caps: str = "",
    min_green_share: str = "",
    max_risk: str = "",
    include: str = "",
    exclude: str = "",
) -> Response:
    """The form, and with a budget the selection itself (a read: nothing is stored)."""
    form = {
        "budget": budget,
        "method": method,
        "weights": weights,
        "country_caps": country_caps,
        "min_green_share": min_green_share,
        "max_risk": max_risk,
        "include": include,
        "exclude": exclude,
    }
    report = None
    no_candidates = False
    allowed = covers_all(user, Action.manage_plans)
    if budget.strip() and allowed:
        amount = _number(budget, "budget")
        assert amount is not None
        selection_request = SelectionRequest(
            budget=amount,
            method=method,
            weights=_weights(weights),
            country_caps=_caps(country_caps),
            min_green_share=_number(min_green_share, "min_green_share"),
            max_risk=_number(max_risk, "max_risk"),
            include=_ids(include),
            exclude=_ids(exclude),
        )
        try:
            report = views.select_flagships(ws, user, selection_request)
        except DataUnavailable:  # no project priced on one base year: nothing to choose from
            no_candidates = True
    elif budget.strip():
        views.select_flagships(ws, user, SelectionRequest(budget=0))  # refused, with the reason
    context = {
        "form": form,
        "report": report,
        "methods": METHODS,
        "allowed": allowed,
        "no_candidates": no_candidates,
    }
    return page(request, "green/select.html", context, user=user)
