"""Scenarios (issue #18 part 1): pick or edit a stress scenario, run it as a background job in
the web process's :class:`~beltroad.services.jobs.JobPool` (chunks on Dask when the app was
started with a scheduler), follow its progress (htmx polling, which survives a reload because the
progress is stored), read the result and compare two runs. Role checks are in
:mod:`beltroad.services.scenario_runs`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from beltroad.errors import InvalidInput
from beltroad.services import scenario_runs
from beltroad.services.jobs import JobPool, StressJobInputs
from beltroad.services.permissions import Action
from beltroad.web.api.deps import WorkspaceDep
from beltroad.web.pages.forms import fields, integer, optional_integer
from beltroad.web.render import NAV, NavItem, page
from beltroad.web.session import PageUser

router = APIRouter()
NAV.append(NavItem("/scenarios", "Scenarios", Action.read))
DEFAULT_SCENARIOS = 10_000


def job_pool(request: Request) -> JobPool:
    """The app's pool (made by the lifespan handler; made here for an app built without it)."""
    pool = getattr(request.app.state, "job_pool", None)
    if pool is None:
        pool = JobPool(request.app.state.workspace.settings)
        request.app.state.job_pool = pool
    assert isinstance(pool, JobPool)
    return pool


def _form_context(values: dict[str, str] | None = None) -> dict[str, Any]:
    shipped = scenario_runs.shipped_scenarios()
    values = values or {}
    chosen = values.get("scenario") or (shipped[0].key if shipped else "")
    return {
        "shipped": shipped,
        "chosen": chosen,
        "texts": {s.key: s.text for s in shipped},
        "passages": scenario_runs.closable_passages(),
        "form": values,
        "default_scenarios": DEFAULT_SCENARIOS,
        "max_scenarios": scenario_runs.WEB_MAX_SCENARIOS,
    }


@router.get("/scenarios")
def scenarios_page(
    request: Request,
    ws: WorkspaceDep,
    user: PageUser,
    scenario: Annotated[str, Query(max_length=80)] = "",
) -> Response:
    runs = scenario_runs.runs(ws, user)
    context = {
        **_form_context({"scenario": scenario} if scenario else None),
        "runs": runs,
        "may_run": scenario_runs.may_run(user),
    }
    return page(request, "scenarios/index.html", context, user=user)


def _inputs(values: dict[str, str], scheduler: str | None) -> StressJobInputs:
    shipped = {s.key: s for s in scenario_runs.shipped_scenarios()}
    key = values.get("scenario", "")
    if key not in shipped:
        raise InvalidInput.at(
            f"expected one of {', '.join(sorted(shipped))}", field="scenario", value=key
        )
    text = values.get("edits", "").replace("\r\n", "\n")
    # The form shows the whole file: unchanged, it is no edit (the run then reads "no edits").
    if text.strip() == shipped[key].text.strip():
        text = ""
    closed = [c for c in values.get("close", "").split(",") if c]
    multiplier = values.get("pd_multiplier", "")
    try:
        pd = float(multiplier) if multiplier else None
    except ValueError:
        raise InvalidInput.at(
            "expected a number", field="pd_multiplier", value=multiplier
        ) from None
    edits = scenario_runs.edits_from(text, closed=closed, pd_multiplier=pd)
    return StressJobInputs(key, edits, scenarios=integer(values, "scenarios"),
                           seed=optional_integer(values, "seed"), scheduler=scheduler)  # fmt: skip


@router.post("/scenarios")
async def submit_run(request: Request, ws: WorkspaceDep, user: PageUser) -> Response:
    form = await request.form()
    values = await fields(request)
    # Ticked passages come as repeated fields; ``fields`` keeps one value per name.
    values["close"] = ",".join(str(v) for v in form.getlist("close") if isinstance(v, str))
    scheduler = getattr(request.app.state, "scheduler", None)
    job_id = scenario_runs.submit(ws, user, _inputs(values, scheduler), pool=job_pool(request))
    return RedirectResponse(f"/scenarios/runs/{job_id}", status_code=303)


def _chart(result: dict[str, Any]) -> list[dict[str, float]]:
    hist = result.get("loss_histogram") or {}
    edges, counts = hist.get("edges") or [], hist.get("counts") or []
    return [{"low": edges[i], "high": edges[i + 1], "count": counts[i]}
            for i in range(min(len(counts), len(edges) - 1))]  # fmt: skip


@router.get("/scenarios/runs/{job_id}")
def run_page(request: Request, ws: WorkspaceDep, user: PageUser, job_id: int) -> Response:
    job = scenario_runs.run(ws, user, job_id)
    result = job.get("result") or {}
    context = {"job": job, "result": result, "bins": _chart(result)}
    return page(request, "scenarios/run.html", context, user=user)


@router.get("/scenarios/runs/{job_id}/progress")
def run_progress(request: Request, ws: WorkspaceDep, user: PageUser, job_id: int) -> Response:
    """The progress fragment htmx polls; once the job has ended, htmx reloads the page."""
    job = scenario_runs.run(ws, user, job_id)
    response = page(request, "scenarios/_progress.html", {"job": job}, user=user)
    if job["status"] in ("done", "failed"):
        response.headers["HX-Refresh"] = "true"
    return response


@router.get("/scenarios/compare")
def compare_page(
    request: Request,
    ws: WorkspaceDep,
    user: PageUser,
    a: Annotated[int, Query(ge=1)],
    b: Annotated[int, Query(ge=1)],
) -> Response:
    found = scenario_runs.compare(ws, user, a, b)
    return page(request, "scenarios/compare.html", {"found": found}, user=user)
