"""The symposium brief from the browser (issue #18 part 4): a page with two buttons that download
the brief as HTML or PDF in the page's current language, rendered by the same call as
``beltroad report`` (:func:`beltroad.report.brief.write_brief`). The brief adds up the whole
portfolio, so it is for users who read with scope all."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from beltroad.services.permissions import Action, require_global
from beltroad.web import i18n
from beltroad.web.api.deps import WorkspaceDep
from beltroad.web.render import NAV, NavItem, page
from beltroad.web.session import PageUser

router = APIRouter()
NAV.append(NavItem("/brief", "Brief", Action.read))
WHAT = "download the brief (it adds up the whole portfolio)"


@router.get("/brief")
def brief_page(request: Request, user: PageUser) -> Response:
    require_global(user, Action.read, what=WHAT)
    return page(request, "brief/index.html", {}, user=user)


@router.get("/brief/download")
def brief_download(
    request: Request,
    ws: WorkspaceDep,
    user: PageUser,
    format: Annotated[Literal["html", "pdf"], Query()] = "html",
) -> Response:
    """Rendered in the request's worker thread: on the demo data it takes seconds (measured in
    the report's benchmark), short enough not to need a job."""
    from beltroad.report.brief import write_brief

    require_global(user, Action.read, what=WHAT)
    lang = getattr(request.state, "locale", i18n.DEFAULT)
    pdf = format == "pdf"
    with tempfile.TemporaryDirectory(prefix="beltroad-brief-") as folder:
        out = Path(folder) / f"beltroad-brief-{lang}.{format}"
        write_brief(ws.settings, out, lang=lang, pdf=pdf)
        body = out.read_bytes()
    media = "application/pdf" if pdf else "text/html; charset=utf-8"
    disposition = f'attachment; filename="beltroad-brief-{lang}.{format}"'
    return Response(body, media_type=media, headers={"Content-Disposition": disposition})
