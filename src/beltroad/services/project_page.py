"""Everything one project's web page shows (issue #16), read for that project only.

:func:`project_dependence` is :func:`beltroad.services.exposure.chokepoint_dependence` for ONE
project: it links the project to its port and routes that port to China's hubs, instead of
routing every port of the portfolio. The definition of "depends on" is the same (see
:data:`beltroad.services.exposure.DEPENDENCE_DEFINITION`), so the two agree on every project.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from beltroad.services.permissions import Actor
from beltroad.services.registry_access import scoped_project
from beltroad.services.workspace import Workspace
from beltroad.storage import project_parts
from beltroad.storage import risk as risk_store


@dataclass(frozen=True)
class Dependence:
    """A project's trade lane to China: its port (``how``: explicit or nearest, ``port_km``
    away), the nearest hub by sea, the lane's length and the passages it traverses. ``port`` is
    None when no port is within ``max_port_km``; ``hub`` is None when the port reaches no hub."""

    port: str | None
    port_name: str | None = None
    how: str | None = None
    port_km: float | None = None
    hub: str | None = None
    lane_km: float | None = None
    passages: tuple[str, ...] = ()
    max_port_km: float = 0.0
    definition: str = ""


@dataclass(frozen=True)
class ProjectParts:
    transactions: list[dict[str, Any]] = field(default_factory=list)
    participants: list[dict[str, Any]] = field(default_factory=list)
    locations: list[dict[str, Any]] = field(default_factory=list)
    risks: list[dict[str, Any]] = field(default_factory=list)

    @property
    def points(self) -> list[dict[str, Any]]:
        """The located points (name, lat, lon) for the map."""
        return [
            {"name": loc["name"] or "", "lat": loc["lat"], "lon": loc["lon"]}
            for loc in self.locations
            if loc["lat"] is not None and loc["lon"] is not None
        ]


def project_parts_for(workspace: Workspace, actor: Actor, identifier: str) -> ProjectParts:
    """The project's transactions, participants, locations and open or closed risk entries,
    after the same read check as the project itself (NotFound / PermissionDenied)."""
    with workspace.reading() as connection:
        found, _target = scoped_project(connection, actor, identifier)
        pid = int(found["id"])
        return ProjectParts(
            transactions=project_parts.transactions(connection, pid),
            participants=project_parts.participants(connection, pid),
            locations=project_parts.locations(connection, pid),
            risks=risk_store.entries(
                connection, subject_kind="project", subject_ref=str(found["identifier"])
            ),
        )


def project_dependence(
    workspace: Workspace, project_id: int, *, max_port_km: float | None = None
) -> Dependence:
    """The passages one project's trade lane to China depends on; routes only the project's
    port and the hubs (7 ports at most), never the whole portfolio."""
    from beltroad.engines.sea_exposure import od_matrix
    from beltroad.engines.sea_routes import mask_names
    from beltroad.services.connectivity import BASELINE_CLOSED, port_catalogue, sea_network
    from beltroad.services.exposure import (
        CHINA_HUBS,
        DEPENDENCE_DEFINITION,
        MAX_PORT_KM,
        link_projects,
    )
    from beltroad.storage import connectivity as store

    limit = MAX_PORT_KM if max_port_km is None else float(max_port_km)
    empty = Dependence(port=None, max_port_km=limit, definition=DEPENDENCE_DEFINITION)
    with workspace.reading() as connection:
        sites = store.project_sites(connection, project_id)
    if not sites:
        return empty
    net = sea_network(workspace)
    catalogue = port_catalogue(workspace, net)
    links, _notes = link_projects(sites, catalogue, max_port_km=limit)
    if not links:
        return empty
    link = links[0]
    codes = list(dict.fromkeys([link.port, *(h for h in CHINA_HUBS if h in catalogue.ports)]))
    chosen = [catalogue.ports[c] for c in codes]
    base = od_matrix(
        net.graph, [p.lon for p in chosen], [p.lat for p in chosen],
        closed=tuple(sorted(BASELINE_CLOSED)), passages=True,
    )  # fmt: skip
    found = Dependence(
        port=link.port,
        port_name=chosen[0].name,
        how=link.how,
        port_km=link.km,
        max_port_km=limit,
        definition=DEPENDENCE_DEFINITION,
    )
    hub_rows = [i for i, c in enumerate(codes) if c in CHINA_HUBS]
    if not hub_rows:
        return found
    lane = base.km[0, hub_rows]
    best = int(lane.argmin())
    if not bool(lane[best] < float("inf")) or base.masks is None:
        return found
    hub = hub_rows[best]
    names = mask_names(net.graph, int(base.masks[0, hub]))
    return replace(
        found,
        hub=codes[hub],
        lane_km=float(lane[best]),
        passages=tuple(sorted(names)),
    )
