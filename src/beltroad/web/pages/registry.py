"""Registry pages: countries, organisations, cooperation documents, enterprises and zones.

Lists (search, country filter, pagination) and detail pages read through
:mod:`beltroad.services.registry_access` (scoped: a partner sees its country's rows). Forms
create and edit through :mod:`beltroad.services.registry` (the same parser and checks as the
CLI and the import; refused fields come back inline). Bulk upload takes the entity templates
of ``beltroad template`` through :mod:`beltroad.services.registry_upload`, with a dry-run
preview of every rejected row before anything is written.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.background import BackgroundTask

from beltroad.entities import COLUMNS, EntityKind, entity_field
from beltroad.errors import InvalidInput
from beltroad.services import registry, registry_access
from beltroad.services.imports import ImportRejected, ImportReport
from beltroad.services.permissions import Action, Actor, covers_all, read_scope
from beltroad.services.registry_upload import upload
from beltroad.web.api.deps import WorkspaceDep
from beltroad.web.render import NAV, NavItem, page
from beltroad.web.security import check_csrf
from beltroad.web.session import PageUser

router = APIRouter()
PAGE_SIZE = 50
MAX_UPLOAD = 20 * 1024 * 1024  # a filled-in template, not a dataset

Entity = Literal["countries", "organisations", "documents", "enterprises", "zones"]
Writable = Literal["organisations", "documents", "enterprises", "zones"]
KINDS: dict[str, EntityKind] = {
    "organisations": EntityKind.ORGANISATION,
    "documents": EntityKind.DOCUMENT,
    "enterprises": EntityKind.ENTERPRISE,
    "zones": EntityKind.ZONE,
}
TITLES = {
    "countries": "Countries",
    "organisations": "Organisations",
    "documents": "Cooperation documents",
    "enterprises": "Enterprises",
    "zones": "Cooperation zones",
}
#: The columns a list shows (the detail page shows every stored column).
LIST_COLUMNS = {
    "countries": ("iso3", "name", "name_zh", "region", "income_group"),
    "organisations": ("id", "name", "name_zh", "ref", "country_iso3"),
    "documents": ("id", "title", "doc_type", "signed_on", "status"),
    "enterprises": ("id", "name", "host_iso3", "sector_code", "employees_total"),
    "zones": ("id", "name", "name_zh", "host_iso3", "jobs_total"),
}
KEYS = {"countries": "iso3"}

NAV.append(NavItem("/registry/countries", "Registry"))


def _title(entity: str) -> str:
    return TITLES[entity]


def _text(value: Any) -> str:
    """An entity value as the form shows it (and the template cell parser reads it back)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple | list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _values(kind: EntityKind, entity: object) -> dict[str, str]:
    return {c.field: _text(getattr(entity, entity_field(c.field))) for c in COLUMNS[kind]}


def _may_edit_all(user: Actor) -> bool:
    return covers_all(user, Action.edit_record)


def _may_edit(user: Actor) -> bool:
    """Whether some grant lets the user edit records; the service checks each record's scope."""
    scope = read_scope(user, Action.edit_record)
    return scope.everything or bool(scope.countries or scope.unit_roots or scope.orgs)


@router.get("/registry/{entity}")
def entity_list(
    request: Request,
    ws: WorkspaceDep,
    user: PageUser,
    entity: Entity,
    q: str | None = None,
    country: str | None = None,
    page_no: Annotated[int, Query(alias="page", ge=1, le=1_000_000)] = 1,
) -> Response:
    q = (q or "").strip() or None
    country = (country or "").strip().upper() or None
    found = registry_access.list_entities(
        ws, user, entity, country=country, q=q, limit=PAGE_SIZE, offset=(page_no - 1) * PAGE_SIZE
    )
    pages = max(1, -(-found.total // PAGE_SIZE))

    def query(**extra: object) -> str:
        items = {"q": q, "country": country, **extra}
        return urlencode({k: v for k, v in items.items() if v not in (None, "")})

    context = {
        "entity": entity,
        "title": _title(entity),
        "titles": TITLES,
        "found": found,
        "columns": LIST_COLUMNS[entity],
        "key": KEYS.get(entity, "id"),
        "q": q,
        "country": country,
        "page_no": page_no,
        "pages": pages,
        "query": query,
        "writable": entity in KINDS and _may_edit(user),
        "may_upload": entity in KINDS and _may_edit_all(user),
    }
    return page(request, "registry/list.html", context, user=user)


def _form(
    request: Request,
    user: Actor,
    entity: str,
    values: dict[str, str],
    *,
    key: int | None = None,
    error: InvalidInput | None = None,
) -> Response:
    kind = KINDS[entity]
    problems: dict[str, list[str]] = {}
    general: list[str] = []
    if error is not None:
        for problem in error.problems:
            if problem.field and problem.field in values:
                problems.setdefault(problem.field, []).append(problem.reason)
            else:
                general.append(problem.describe())
        if not error.problems:
            general.append(error.message)
    context = {
        "entity": entity,
        "title": _title(entity),
        "columns": COLUMNS[kind],
        "values": values,
        "key": key,
        "problems": problems,
        "general": general,
    }
    status = 422 if error is not None else 200
    return page(request, "registry/form.html", context, user=user, status_code=status)


async def _submitted(request: Request, entity: str) -> dict[str, str]:
    form = await request.form()
    check_csrf(request, str(form.get("csrf_token") or ""))
    fields = {c.field for c in COLUMNS[KINDS[entity]]}
    return {name: str(form.get(name) or "").strip() for name in fields}


@router.get("/registry/{entity}/new")
def entity_new(request: Request, user: PageUser, entity: Writable) -> Response:
    return _form(request, user, entity, {c.field: "" for c in COLUMNS[KINDS[entity]]})


@router.post("/registry/{entity}/new")
async def entity_create(
    request: Request, ws: WorkspaceDep, user: PageUser, entity: Writable
) -> Response:
    values = await _submitted(request, entity)
    kind = KINDS[entity]
    try:
        id_ = registry.create(
            ws, user, registry.build(kind, {k: v for k, v in values.items() if v})
        )
    except InvalidInput as exc:
        return _form(request, user, entity, values, error=exc)
    return RedirectResponse(f"/registry/{entity}/{id_}", status_code=303)


@router.get("/registry/{entity}/upload")
def upload_form(request: Request, user: PageUser, entity: Writable) -> Response:
    context = {"entity": entity, "title": _title(entity), "report": None, "committed": False}
    return page(request, "registry/upload.html", context, user=user)


@router.get("/registry/{entity}/template.xlsx")
def template_download(user: PageUser, entity: Writable) -> Response:
    """The entity template of ``beltroad template KIND`` (blank, with its column notes)."""
    from beltroad.services.registry_import import write_template

    folder = Path(tempfile.mkdtemp(prefix="beltroad-template-"))
    path = write_template(KINDS[entity], folder / f"{KINDS[entity].value}.xlsx")
    return FileResponse(
        path,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        filename=path.name,
        background=BackgroundTask(_remove, folder),
    )


def _remove(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


@router.post("/registry/{entity}/upload")
async def upload_file(
    request: Request,
    ws: WorkspaceDep,
    user: PageUser,
    entity: Writable,
    file: Annotated[UploadFile, File()],
    csrf_token: Annotated[str, Form()] = "",
    commit: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, csrf_token)
    name = Path(file.filename or "upload.xlsx").name
    suffix = Path(name).suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise InvalidInput.at("expected an .xlsx or .csv template", field="file", value=name)
    data = await file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise InvalidInput.at(
            f"file larger than {MAX_UPLOAD // (1024 * 1024)} MiB", field="file", value=name
        )
    folder = Path(tempfile.mkdtemp(prefix="beltroad-upload-"))
    try:
        path = folder / name
        path.write_bytes(data)
        report: ImportReport
        status = 200
        try:
            report = upload(ws, user, KINDS[entity], path, dry_run=not commit)
        except ImportRejected as exc:
            report, status = exc.report, 422
    finally:
        _remove(folder)
    context = {
        "entity": entity,
        "title": _title(entity),
        "report": report,
        "file_name": name,
        "committed": bool(commit) and status == 200,
    }
    return page(request, "registry/upload.html", context, user=user, status_code=status)


@router.get("/registry/{entity}/{key}")
def entity_detail(
    request: Request, ws: WorkspaceDep, user: PageUser, entity: Entity, key: str
) -> Response:
    row = registry_access.read_entity(ws, user, entity, key)
    context = {
        "entity": entity,
        "title": _title(entity),
        "row": row,
        "key": key,
        "writable": entity in KINDS and _may_edit(user),
    }
    return page(request, "registry/detail.html", context, user=user)


@router.get("/registry/countries/{iso3}/principles")
def country_principles(request: Request, ws: WorkspaceDep, user: PageUser, iso3: str) -> Response:
    """The country's green share, debt signal, benefit balance and risk score: a fragment the
    country page loads after it shows (htmx), since each is computed over the portfolio."""
    from beltroad.services.principles_views import country_panel

    context = {"panel": country_panel(ws, user, iso3)}
    return page(request, "registry/country_panel.html", context, user=user)


@router.get("/registry/{entity}/{key}/edit")
def entity_edit(
    request: Request, ws: WorkspaceDep, user: PageUser, entity: Writable, key: int
) -> Response:
    kind = KINDS[entity]
    stored = registry.get(ws, user, kind, key)
    return _form(request, user, entity, _values(kind, stored), key=key)


@router.post("/registry/{entity}/{key}/edit")
async def entity_update(
    request: Request, ws: WorkspaceDep, user: PageUser, entity: Writable, key: int
) -> Response:
    values = await _submitted(request, entity)
    kind = KINDS[entity]
    try:
        current = _values(kind, registry.get(ws, user, kind, key))
        changed = {k: v for k, v in values.items() if v != current.get(k)}
        if changed:
            registry.update(ws, user, kind, key, registry.parse_fields(kind, changed))
    except InvalidInput as exc:
        return _form(request, user, entity, values, key=key, error=exc)
    return RedirectResponse(f"/registry/{entity}/{key}", status_code=303)
