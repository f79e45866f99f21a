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
    # The five roles the permission checks know (issue #15); the three above are descriptive.
    RoleFact(
        "partner",
        "Partner-country user: sees and edits only its own country's records (scope country).",
    ),
    RoleFact("viewer", "Reads what its scope covers; changes nothing."),
)
