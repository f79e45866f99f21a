"""/api/v1 routes of issue #17: green classes with evidence and overrides, integrity flags and
their dismissal, debt signals per country, the benefit balance, flagship selection.

Thin skins over :mod:`beltroad.services.assessments`, where the permission checks run.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query
from pydantic import Field

from beltroad.services import assessments
from beltroad.services.registry_access import MAX_PAGE
from beltroad.services.selection import AhpInput, SelectionRequest
from beltroad.web.api.deps import CurrentUser, WorkspaceDep
from beltroad.web.api.schemas import Body

router = APIRouter(tags=["assessments"])
Limit = Query(50, ge=1, le=MAX_PAGE)
Offset = Query(0, ge=0)


class GreenOverride(Body):
    green_class: Literal["green", "yellow", "red"] | None = Field(
        description="The class a person sets; null clears the override."
    )
    justification: str = Field(description="Why (required, kept in the audit log).")


class Dismissal(Body):
    reason: str = Field(description="Why the flag does not hold (required, audited).")


class Ahp(Body):
    criteria: list[str]
    matrix: list[list[float]] = Field(description="Pairwise comparisons, Saaty's 1-9 scale.")


class Selection(Body):
    budget: float = Field(description="USD, in constant USD of the base year.")
    method: Literal["topsis", "promethee"] = "topsis"
    objective: Literal["score_x_amount", "score"] = "score_x_amount"
    weights: dict[str, float] | None = Field(
        None, description="Criterion -> weight; weights not summing to 1 are normalised (said)."
    )
    ahp: Ahp | None = Field(None, description="Weights from an AHP matrix (CR reported).")
    force: bool = Field(False, description="Use an AHP matrix whose CR exceeds 0.1.")
    country_caps: dict[str, float] = Field(
        default_factory=dict, description="ISO3 -> most USD chosen in that country."
    )
    min_green_share: float | None = Field(None, ge=0, le=1)
    max_risk: float | None = None
    include: list[str] = Field(default_factory=list, description="Must-include identifiers.")
    exclude: list[str] = Field(default_factory=list, description="Must-exclude identifiers.")
    dataset: str | None = None
    base_year: int | None = None
    time_limit_s: float | None = Field(60.0, gt=0, le=600)

    def request(self) -> SelectionRequest:
        ahp = (
            AhpInput(
                tuple(self.ahp.criteria),
                tuple(tuple(row) for row in self.ahp.matrix),
                "request body",
            )
            if self.ahp is not None
            else None
        )
        return SelectionRequest(
            budget=self.budget,
            method=self.method,
            objective=self.objective,
            weights=self.weights,
            ahp=ahp,
            force=self.force,
            country_caps=self.country_caps,
            min_green_share=self.min_green_share,
            max_risk=self.max_risk,
            include=tuple(self.include),
            exclude=tuple(self.exclude),
            dataset=self.dataset,
            base_year=self.base_year,
            time_limit_s=self.time_limit_s,
        )


@router.get("/green")
def green_classes(
    ws: WorkspaceDep,
    user: CurrentUser,
    green_class: str | None = None,
    limit: int = Limit,
    offset: int = Offset,
) -> dict[str, Any]:
    """Traffic lights in force (the last classification) with evidence and overrides."""
    return assessments.green_classes(
        ws, user, green_class=green_class, limit=limit, offset=offset
    ).as_dict()


@router.get("/green/shares")
def green_shares(ws: WorkspaceDep, user: CurrentUser) -> dict[str, Any]:
    """Green shares by count and by amount, portfolio and per country."""
    return assessments.green_shares(ws, user)


@router.post("/green/{identifier}/override")
def override_green(
    ws: WorkspaceDep, user: CurrentUser, identifier: str, body: GreenOverride
) -> dict[str, Any]:
    """Set or clear a person's class for a project, with a justification (audited)."""
    return assessments.override_green(
        ws, user, identifier, body.green_class, justification=body.justification
    )


@router.get("/integrity/flags")
def integrity_flags(
    ws: WorkspaceDep,
    user: CurrentUser,
    status: str | None = None,
    kind: str | None = None,
    limit: int = Limit,
    offset: int = Offset,
) -> dict[str, Any]:
    """Red flags with their explanation and status (open or dismissed, and why)."""
    return assessments.integrity_flags(
        ws, user, status=status, kind=kind, limit=limit, offset=offset
    ).as_dict()


@router.post("/integrity/flags/{flag_id}/dismiss")
def dismiss_flag(
    ws: WorkspaceDep, user: CurrentUser, flag_id: int, body: Dismissal
) -> dict[str, Any]:
    """Dismiss a flag with a reason (audited)."""
    return assessments.dismiss_flag(ws, user, flag_id, reason=body.reason)


@router.get("/debt")
def debt_signals(
    ws: WorkspaceDep,
    user: CurrentUser,
    year: int | None = None,
    country: list[str] = Query(default=[]),  # noqa: B008 (FastAPI's way to declare it)
) -> dict[str, Any]:
    """LIC-DSF ratios, thresholds, distance and risk signal per country; exposure."""
    return assessments.debt_signals(ws, user, year=year, countries=country)


@router.get("/benefits")
def benefit_balance(
    ws: WorkspaceDep,
    user: CurrentUser,
    level: Literal["projects", "countries"] = "projects",
    limit: int = Limit,
    offset: int = Offset,
) -> dict[str, Any]:
    """The benefit-balance index per project or country, with its components."""
    return assessments.benefit_balance(ws, user, level=level, limit=limit, offset=offset)


@router.post("/select")
def select_flagships(ws: WorkspaceDep, user: CurrentUser, body: Selection) -> dict[str, Any]:
    """Flagship selection: the chosen set, each project's rank and reason, the constraints."""
    return assessments.select_flagships(ws, user, body.request())
