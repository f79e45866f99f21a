"""The user roles of beltroad, from the product map (docs/product.md, "Who uses it")."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RoleFact:
    name: str
    description: str


ROLES: tuple[RoleFact, ...] = (
    RoleFact("admin", "Manages users, roles and scopes; sees everything."),
    RoleFact(
        "planner",
        "Ministry or policy-bank planner: keeps the registry, reads headline figures, runs stress "
        "tests, selects flagship projects, publishes the brief.",
    ),
    RoleFact(
        "coordinator",
        "Locality, department or organisation coordinator: owns tasks and milestones, reports "
        "progress, submits records for approval.",
    ),
    RoleFact(
        "risk_officer",
        "Enterprise risk officer: country risk, exposure, chokepoint dependence, early warnings.",
    ),
    RoleFact(
        "counterpart",
        "Partner-country counterpart: sees and co-plans the projects in its own country.",
    ),
    RoleFact("researcher", "Researcher or public: read-only open data."),
)
