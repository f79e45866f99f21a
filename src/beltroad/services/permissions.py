"""Who may do what, on what: the one place where every service operation is checked.

A user holds grants: a role (admin, planner, coordinator, partner, viewer) on a scope (all, a
country, a unit with its subtree, an organisation). An operation asks :func:`require` with an
:class:`Action` and the :class:`Target` it touches; the target says which countries, units
(with their ancestors) and organisations the record belongs to.

A denied *read* raises :class:`~beltroad.errors.NotFound` with the same message a missing record
gets, so nobody learns whether a record outside their scope exists (:func:`not_found`). A denied
write on a record the user may read raises :class:`~beltroad.errors.PermissionDenied`.

>>> admin = Actor(1, "root", (Grant(Role.admin, "all", None),))
>>> allows(admin, Action.manage_users, Target())
True
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from beltroad.errors import NotFound, PermissionDenied


class Role(StrEnum):
    admin = "admin"
    planner = "planner"
    coordinator = "coordinator"
    partner = "partner"
    viewer = "viewer"


class Action(StrEnum):
    read = "read"
    edit_record = "edit_record"  # create and edit drafts, submit them
    approve = "approve"  # approve or return a submitted version
    transition = "transition"  # move a project through the lifecycle
    edit_task = "edit_task"  # tasks and milestones
    manage_units = "manage_units"
    manage_plans = "manage_plans"
    freeze = "freeze"
    read_audit = "read_audit"
    manage_users = "manage_users"


#: The roles that may perform each action (within their scope).
POLICY: dict[Action, frozenset[Role]] = {
    Action.read: frozenset(Role),
    Action.edit_record: frozenset({Role.admin, Role.planner, Role.coordinator, Role.partner}),
    Action.approve: frozenset({Role.admin, Role.planner}),
    Action.transition: frozenset({Role.admin, Role.planner}),
    Action.edit_task: frozenset({Role.admin, Role.planner, Role.coordinator, Role.partner}),
    Action.manage_units: frozenset({Role.admin, Role.planner}),
    Action.manage_plans: frozenset({Role.admin, Role.planner}),
    Action.freeze: frozenset({Role.admin, Role.planner}),
    Action.read_audit: frozenset({Role.admin, Role.planner}),
    Action.manage_users: frozenset({Role.admin}),
}

SCOPE_KINDS = ("all", "country", "unit", "org")


@dataclass(frozen=True)
class Grant:
    role: Role
    scope: str  # all, country, unit, org
    value: str | None  # ISO3, unit id, organisation id; None for all

    def label(self) -> str:
        return f"{self.role}@{self.scope}" + (f":{self.value}" if self.value else "")


@dataclass(frozen=True)
class Actor:
    """The acting user: id and login for the audit log, grants for the checks."""

    user_id: int
    login: str
    grants: tuple[Grant, ...]


@dataclass(frozen=True)
class Target:
    """What a record belongs to. ``units`` holds its unit and every ancestor of it."""

    countries: frozenset[str] = field(default_factory=frozenset)
    units: frozenset[int] = field(default_factory=frozenset)
    orgs: frozenset[int] = field(default_factory=frozenset)


def _covers(grant: Grant, target: Target) -> bool:
    if grant.scope == "all":
        return True
    if grant.value is None:
        return False
    if grant.scope == "country":
        return grant.value in target.countries
    if grant.scope == "unit":
        return grant.value.isdigit() and int(grant.value) in target.units
    if grant.scope == "org":
        return grant.value.isdigit() and int(grant.value) in target.orgs
    return False


def allows(actor: Actor, action: Action, target: Target) -> bool:
    roles = POLICY[action]
    return any(g.role in roles and _covers(g, target) for g in actor.grants)


def covers_all(actor: Actor, action: Action) -> bool:
    """Whether a grant allows ``action`` on everything: then no target need be computed."""
    roles = POLICY[action]
    return any(g.role in roles and g.scope == "all" for g in actor.grants)


def not_found(what: str, key: object) -> NotFound:
    """The error for a record that is missing *or* outside the actor's read scope."""
    return NotFound(f"no {what} {key!s} (or it is outside your scope)")


def require(actor: Actor, action: Action, target: Target, *, what: str, key: object) -> None:
    """Refuse ``action`` unless a grant allows it. Unreadable records look missing."""
    if allows(actor, action, target):
        return
    if action is not Action.read and allows(actor, Action.read, target):
        roles = ", ".join(sorted(POLICY[action]))
        raise PermissionDenied(
            f"{actor.login} may not {action.value.replace('_', ' ')} {what} {key!s}",
            hint=f"this needs the role {roles} with a scope that covers it",
        )
    raise not_found(what, key)


def require_global(actor: Actor, action: Action, *, what: str) -> None:
    """Refuse an action that has no record to scope it (users, freezes, the audit log)."""
    if allows(actor, action, Target()):
        return
    roles = ", ".join(sorted(POLICY[action]))
    raise PermissionDenied(
        f"{actor.login} may not {what}",
        hint=f"this needs the role {roles} with scope all",
    )


@dataclass(frozen=True)
class ReadScope:
    """What list queries may return: everything, or records in these countries, units or
    organisations (units already expanded to their subtrees by the caller)."""

    everything: bool
    countries: frozenset[str] = frozenset()
    unit_roots: frozenset[int] = frozenset()
    orgs: frozenset[int] = frozenset()


def read_scope(actor: Actor, action: Action = Action.read) -> ReadScope:
    grants = [g for g in actor.grants if g.role in POLICY[action]]
    if any(g.scope == "all" for g in grants):
        return ReadScope(everything=True)

    def values(kind: str) -> Iterable[str]:
        return (g.value for g in grants if g.scope == kind and g.value)

    return ReadScope(
        everything=False,
        countries=frozenset(values("country")),
        unit_roots=frozenset(int(v) for v in values("unit") if v.isdigit()),
        orgs=frozenset(int(v) for v in values("org") if v.isdigit()),
    )


def who_can(action: Action) -> str:
    return ", ".join(sorted(POLICY[action]))
