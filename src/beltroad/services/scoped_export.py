"""Exports on behalf of a user: the same files as ``beltroad export``, within the user's scope.

The export services write whole portfolios for the command line (whose user is the local
administrator). A web user gets only what they may read: everything with a read grant on scope
all, one country's projects with a single country grant; other scopes (a unit, an
organisation, several countries) cannot be expressed as an export filter yet and are refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from beltroad.errors import PermissionDenied
from beltroad.services.exports import export_projects
from beltroad.services.permissions import Actor, read_scope
from beltroad.services.tabular_export import project_filter
from beltroad.services.workspace import Workspace

WEB_FORMATS = ("csv", "xlsx", "iati")


def export_scope_country(actor: Actor, country: str | None) -> str | None:
    """The country filter the export must use for ``actor`` (None: all), or PermissionDenied."""
    scope = read_scope(actor)
    if scope.everything:
        return country
    if len(scope.countries) == 1 and not scope.unit_roots and not scope.orgs:
        (own,) = scope.countries
        if country and country.upper() != own:
            raise PermissionDenied(
                f"{actor.login} may export only projects of {own}",
                hint="clear the country filter or choose your own country",
            )
        return own
    raise PermissionDenied(
        f"{actor.login} may not export: the scope cannot be applied to an export",
        hint="exports need a read grant on scope all or on one country",
    )


def export_for(
    workspace: Workspace,
    actor: Actor,
    fmt: str,
    path: Path,
    *,
    country: str | None = None,
    dataset: str | None = None,
    status: int | None = None,
) -> Any:
    """Write ``fmt`` (csv, xlsx or iati) of the projects ``actor`` may read to ``path``."""
    if fmt not in WEB_FORMATS:
        from beltroad.errors import InvalidInput

        raise InvalidInput.at(
            f"expected one of {', '.join(WEB_FORMATS)}", field="format", value=fmt
        )
    flt = project_filter(
        dataset=dataset or None, country=export_scope_country(actor, country), status=status
    )
    return export_projects(workspace, fmt, path, flt)
