"""Projects: the list (filters, sort, pagination, export) and one project's page."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.background import BackgroundTask

from beltroad.errors import BeltroadError
from beltroad.services import project_page, publication, registry_access, workflow
from beltroad.services.permissions import Action, covers_all
from beltroad.services.scoped_export import export_for
from beltroad.web.api.deps import WorkspaceDep
from beltroad.web.render import page
from beltroad.web.security import CSRF_FIELD, check_csrf
from beltroad.web.session import PageUser

router = APIRouter()
PAGE_SIZE = 50
MEDIA = {
    "csv": ("text/csv", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "iati": ("application/xml", "xml"),
}
# IATI TransactionType codelist (the names shown; the code is shown beside them).
TRANSACTION_TYPES = {
    1: "Incoming funds",
    2: "Outgoing commitment",
    3: "Disbursement",
    4: "Expenditure",
    5: "Interest payment",
    6: "Loan repayment",
    7: "Reimbursement",
    8: "Purchase of equity",
    9: "Sale of equity",
    10: "Credit guarantee",
    11: "Incoming commitment",
    12: "Outgoing pledge",
    13: "Incoming pledge",
}
SORTS = {
    "identifier": "Identifier",
    "title": "Title",
    "commitment_year": "Year",
    "amount_usd_constant": "Amount",
    "lifecycle_state": "State",
}


@dataclass(frozen=True)
class Filters:
    q: str | None
    country: str | None
    dataset: str | None
    state: str | None
    status: int | None
    year: int | None
    corridor: str | None

    def query(self, **extra: object) -> str:
        items = {k: v for k, v in vars(self).items() if v not in (None, "")}
        items.update({k: v for k, v in extra.items() if v not in (None, "")})
        return urlencode(items)


def _blank(value: str | None) -> str | None:
    return value.strip() or None if value else None


def _filters(
    q: str | None,
    country: str | None,
    dataset: str | None,
    state: str | None,
    status: int | None,
    year: int | None,
    corridor: str | None,
) -> Filters:
    return Filters(
        _blank(q),
        (_blank(country) or "").upper() or None,
        _blank(dataset),
        _blank(state),
        status,
        year,
        _blank(corridor),
    )


@router.get("/projects")
def project_list(
    request: Request,
    ws: WorkspaceDep,
    user: PageUser,
    q: str | None = None,
    country: str | None = None,
    dataset: str | None = None,
    state: str | None = None,
    status: Annotated[int | None, Query(ge=1, le=6)] = None,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    corridor: str | None = None,
    sort: str = "identifier",
    desc: bool = False,
    page_no: Annotated[int, Query(alias="page", ge=1, le=1_000_000)] = 1,
) -> Response:
    f = _filters(q, country, dataset, state, status, year, corridor)
    found = registry_access.list_projects(
        ws,
        user,
        country=f.country,
        status=f.status,
        lifecycle_state=f.state,
        dataset=f.dataset,
        q=f.q,
        year=f.year,
        corridor=f.corridor,
        sort=sort,
        descending=desc,
        limit=PAGE_SIZE,
        offset=(page_no - 1) * PAGE_SIZE,
    )
    pages = max(1, -(-found.total // PAGE_SIZE))
    context: dict[str, Any] = {
        "found": found,
        "f": f,
        "sort": sort,
        "desc": desc,
        "sorts": SORTS,
        "page_no": page_no,
        "pages": pages,
        "formats": list(MEDIA),
    }
    # htmx (the filter form) asks for the results only; a plain request gets the whole page.
    partial = request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )
    name = "projects/_results.html" if partial else "projects/list.html"
    return page(request, name, context, user=user)


@router.get("/projects/export.{fmt}")
def project_export(
    ws: WorkspaceDep,
    user: PageUser,
    fmt: str,
    country: str | None = None,
    dataset: str | None = None,
    status: Annotated[int | None, Query(ge=1, le=6)] = None,
) -> Response:
    """The export service's file for the user's scope (the country, dataset and status filters
    apply; the others are list-only)."""
    media, suffix = MEDIA.get(fmt, ("application/octet-stream", fmt))
    folder = Path(tempfile.mkdtemp(prefix="beltroad-export-"))
    path = folder / f"projects.{suffix}"
    try:
        export_for(
            ws, user, fmt, path, country=_blank(country), dataset=_blank(dataset), status=status
        )
    except BaseException:
        _remove(folder)
        raise
    return FileResponse(
        path,
        media_type=media,
        filename=f"beltroad-projects.{suffix}",
        background=BackgroundTask(_remove, folder),
    )


def _remove(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


@router.get("/projects/{identifier}")
def project_detail(request: Request, ws: WorkspaceDep, user: PageUser, identifier: str) -> Response:
    project = registry_access.read_project(ws, user, identifier)
    history = workflow.history(ws, user, identifier)
    parts = project_page.project_parts_for(ws, user, identifier)
    dependence: project_page.Dependence | None = None
    dependence_error: BeltroadError | None = None
    try:
        dependence = project_page.project_dependence(ws, int(project["id"]))
    except BeltroadError as exc:  # no sea network (searoute missing): the rest of the page stands
        dependence_error = exc
    context = {
        "p": project,
        "history": history,
        "parts": parts,
        "dependence": dependence,
        "dependence_error": dependence_error,
        "type_names": TRANSACTION_TYPES,
        "may_publish": covers_all(user, Action.manage_users),
        "is_public": publication.is_public(ws, str(project["identifier"])),
        "public_mode": ws.settings.public_mode,
    }
    return page(request, "projects/detail.html", context, user=user)


@router.post("/projects/{identifier}/public")
def project_publish(
    request: Request,
    ws: WorkspaceDep,
    user: PageUser,
    identifier: str,
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD)],
    public: Annotated[bool, Form()],
) -> Response:
    """The administrator's control: mark the project public or withdraw it (the service
    refuses anyone else)."""
    check_csrf(request, csrf_token)
    registry_access.read_project(ws, user, identifier)  # a missing project is a 404 page
    publication.set_public(ws, user, [identifier], public=public)
    return RedirectResponse(f"/projects/{quote(identifier)}", status_code=303)
