"""What an administrator marks public, and what anonymous visitors may read of it (issue #16's
optional read-only public mode, setting ``public_mode``).

Only a user allowed to manage users (the administrator role with scope all) publishes or
unpublishes; anonymous reads return public projects only, with a fixed set of fields (no
workflow, versions, audit, participants or transactions), and never write anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from beltroad.errors import InvalidInput, NotFound
from beltroad.services.permissions import Action, Actor, require_global
from beltroad.services.registry_access import Page, check_page
from beltroad.services.workspace import Workspace
from beltroad.storage import publication as store


@dataclass(frozen=True)
class Published:
    """The outcome of publish/unpublish: how many changed, and the identifiers already so."""

    public: bool
    changed: int
    unchanged: int


def set_public(
    workspace: Workspace, actor: Actor, identifiers: Sequence[str], *, public: bool
) -> Published:
    """Mark projects public (``public=True``) or not. Every identifier must exist; none is
    changed otherwise (the error names the missing ones)."""
    require_global(actor, Action.manage_users, what="publish or unpublish projects")
    wanted = list(dict.fromkeys(i.strip() for i in identifiers if i.strip()))
    if not wanted:
        raise InvalidInput.at("no project identifier given", field="identifiers", value="")
    with workspace.writing() as connection:
        found = store.project_ids(connection, wanted)
        missing = [i for i in wanted if i not in found]
        if missing:
            raise NotFound(
                f"no project {', '.join(missing[:10])}"
                + (f" and {len(missing) - 10} more" if len(missing) > 10 else ""),
                hint="nothing was changed",
            )
        changed = store.set_public(connection, list(found.values()), public)
    return Published(public=public, changed=changed, unchanged=len(wanted) - changed)


def public_projects(
    workspace: Workspace, *, q: str | None = None, limit: int = 50, offset: int = 0
) -> Page:
    """The public projects, for anyone."""
    check_page(limit, offset)
    with workspace.reading() as connection:
        total, items = store.public_projects(connection, q=q, limit=limit, offset=offset)
    return Page(total, limit, offset, items)


def public_project(workspace: Workspace, identifier: str) -> dict[str, Any]:
    """One public project; a project that is not public looks missing."""
    with workspace.reading() as connection:
        found = store.public_project(connection, identifier)
    if found is None:
        raise NotFound(f"no public project {identifier}")
    return found


def is_public(workspace: Workspace, identifier: str) -> bool:
    """Whether the project is marked public (False for a missing one)."""
    with workspace.reading() as connection:
        return store.public_project(connection, identifier) is not None
