"""``beltroad exposure``: which ports, trade lanes and projects depend on which chokepoint.

For a set of ports (the portfolio's, all, or named ones) it computes the origin-destination
matrix on the open network and under each closure scenario, and reports per scenario the pairs
whose route uses the closed passages, the pairs that become longer (median and tail of the extra
km, days and fuel cost), the pairs that become unreachable, and the single points of failure.
Those pairs are counted, and up to ``pairs`` of each kind are listed (``pair_lists`` in the JSON:
the longer ones by extra km descending), picked on the distance matrices.

**Projects and ports.** A project is linked to a port explicitly (``extras["port_unlocode"]``,
or ``explicit_ports``), or else to the port nearest (great-circle) to any of its located points,
within ``max_port_km`` (default :data:`MAX_PORT_KM`).

**Depends on** (what :func:`chokepoint_dependence` returns, and each project's ``depends_on``):
a project depends on a passage when the shortest sea route on the open network (``northwest``
closed, as searoute's default) from the project's port to the nearest China hub port by sea (one
of :data:`CHINA_HUBS`) traverses it. This is the project's trade lane to China.

>>> chokepoint_dependence(workspace)  # doctest: +SKIP
{12: frozenset({'malacca', 'babalmandab', 'suez'}), ...}
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.spatial import cKDTree

from beltroad.engines.corridors import attribute
from beltroad.engines.sea_exposure import Impact, OdMatrix, impact, od_matrix
from beltroad.engines.sea_graph import chord_to_km, unit_vectors
from beltroad.engines.sea_routes import Voyage, mask_names
from beltroad.errors import InvalidInput
from beltroad.network.sea import SeaNetwork
from beltroad.reference.passages import SEAROUTE_KEYS
from beltroad.services.connectivity import (
    BASELINE_CLOSED,
    PortCatalogue,
    PortInfo,
    parse_closures,
    port_catalogue,
    sea_network,
)
from beltroad.services.vessels import vessel_closures
from beltroad.services.workspace import Workspace
from beltroad.storage import connectivity as store
from beltroad.storage import exposures as money_store

MAX_PORT_KM = 100.0
"""[N] A project farther than this from every port has no port (overridable: ``max_port_km``)."""

CHINA_HUBS: tuple[str, ...] = ("CNSHA", "CNNGB", "CNSZX", "CNTSN", "CNTAO", "CNXMN")
"""[N] China's main container ports as the trade lane's China end: Shanghai, Ningbo, Shenzhen,
Tianjin, Qingdao, Xiamen (overridable: ``hubs``). Ranked among the world's busiest in Lloyd's
List's yearly tables [M]; the choice of six is beltroad's assumption."""

DEPENDENCE_DEFINITION = (
    "a project depends on a passage when the shortest sea route on the open network "
    "(northwest closed) from the project's port to the nearest China hub port by sea traverses it"
)

DEFAULT_PAIRS = 20
"""[N] How many pairs of each kind (using, longer, unreachable) a scenario lists by default."""

SINGLE_CLOSURES: tuple[tuple[str, ...], ...] = tuple(
    (key,) for key in SEAROUTE_KEYS if key not in BASELINE_CLOSED
)
"""The 12 single-passage closures, the default scenarios."""


@dataclass(frozen=True)
class ProjectLink:
    project_id: int
    identifier: str
    title: str
    country_iso3: str | None
    corridor_id: str | None
    port: str
    how: str  # "explicit" or "nearest"
    km: float | None


def link_projects(
    sites: Sequence[Mapping[str, Any]],
    catalogue: PortCatalogue,
    *,
    max_port_km: float,
    explicit_ports: Mapping[int, str] | None = None,
) -> tuple[list[ProjectLink], list[str]]:
    """Project -> port: explicit first, else the nearest port within ``max_port_km``."""
    notes: list[str] = []
    links: list[ProjectLink] = []
    codes = list(catalogue.ports)
    tree = None
    if codes:
        lat = [catalogue.ports[c].lat for c in codes]
        lon = [catalogue.ports[c].lon for c in codes]
        tree = cKDTree(unit_vectors(lon, lat))
    explicit_ports = explicit_ports or {}
    for site in sites:
        pid = int(site["id"])
        common: dict[str, Any] = {
            "project_id": pid,
            "identifier": str(site["identifier"]),
            "title": str(site["title"]),
            "country_iso3": site.get("country_iso3"),
            "corridor_id": site.get("corridor_id"),
        }
        code = explicit_ports.get(pid) or site.get("port_unlocode")
        if code:
            key = str(code).replace(" ", "").upper()
            if key in catalogue.ports:
                links.append(ProjectLink(**common, port=key, how="explicit", km=None))
                continue
            notes.append(
                f"project {site['identifier']}: explicit port {code!r} is not a known port"
            )
        points = site.get("points") or []
        if not points or tree is None:
            continue
        plat = [p[0] for p in points]
        plon = [p[1] for p in points]
        chord, index = tree.query(unit_vectors(plon, plat))
        km = chord_to_km(chord)
        best = int(np.argmin(km))
        if float(km[best]) <= max_port_km:
            port = codes[int(np.atleast_1d(index)[best])]
            links.append(ProjectLink(**common, port=port, how="nearest", km=float(km[best])))
    return links, notes


def _corridors_of(site: Mapping[str, Any], members: Mapping[str, Sequence[str]]) -> list[str]:
    """The site's corridors by the one rule of :func:`beltroad.engines.corridors.attribute`."""
    iso3 = site.get("country_iso3")
    found = attribute(
        [(iso3, 100.0)] if iso3 else [],
        members=members,
        points=site.get("points") or (),
        explicit=site.get("corridor_id"),
    )
    return [share.corridor for share in found]


@dataclass
class Exposure:
    network: str
    voyage: Voyage
    port_set: str
    ports: list[PortInfo]
    base: OdMatrix
    scenarios: list[tuple[str, OdMatrix | None, Impact]]
    projects: list[dict[str, Any]]
    countries: list[dict[str, Any]]
    corridors: list[dict[str, Any]]
    hubs: tuple[str, ...]
    max_port_km: float
    unlinked_projects: int
    notes: list[str] = field(default_factory=list)
    include_matrix: bool = False

    def scenario_rows(self) -> list[dict[str, Any]]:
        rows = []
        for name, _m, imp in self.scenarios:
            rows.append(
                {
                    "scenario": name,
                    "pairs": imp.pairs,
                    "using": imp.pairs_using,
                    "longer": imp.pairs_longer,
                    "unreachable": imp.pairs_unreachable,
                    "median_extra_km": imp.extra_km["median"],
                    "p90_extra_km": imp.extra_km["p90"],
                    "median_extra_days": imp.extra_days["median"],
                    "p90_extra_days": imp.extra_days["p90"],
                    "ports_cut_off": len(imp.single_points_of_failure),
                }
            )
        return rows

    def as_dict(self) -> dict[str, Any]:
        labels = [p.unlocode for p in self.ports]
        by_port: list[dict[str, Any]] = []
        for name, _m, imp in self.scenarios:
            for i, code in enumerate(labels):
                if imp.using_by_port[i] or imp.unreachable_by_port[i]:
                    days = imp.extra_days_by_port[i]
                    by_port.append(
                        {
                            "port": code,
                            "scenario": name,
                            "routes_using": int(imp.using_by_port[i]),
                            "routes_longer": int(imp.longer_by_port[i]),
                            "routes_unreachable": int(imp.unreachable_by_port[i]),
                            "median_extra_days": None if np.isnan(days) else round(float(days), 2),
                        }
                    )
        result: dict[str, Any] = {
            "network": self.network,
            "always_closed": list(BASELINE_CLOSED),
            "assumptions": {
                **self.voyage.as_dict(),
                "max_port_km": self.max_port_km,
                "china_hubs": list(self.hubs),
                "hubs_tag": "[N] beltroad's choice of China's main container ports",
            },
            "definition": DEPENDENCE_DEFINITION,
            "port_set": self.port_set,
            "ports": [
                {**p.as_dict(), "access_km": round(float(self.base.access_km[i]), 1)}
                for i, p in enumerate(self.ports)
            ],
            "pairs": len(labels) * (len(labels) - 1) // 2,
            "scenarios": [
                {"name": name, **imp.as_dict(labels)} for name, _m, imp in self.scenarios
            ],
            "by_port": by_port,
            "projects": self.projects,
            "unlinked_projects": self.unlinked_projects,
            "countries": self.countries,
            "corridors": self.corridors,
            "notes": self.notes,
        }
        if self.include_matrix:
            result["matrix"] = {
                "ports": labels,
                "unit": "km",
                "open": _matrix(self.base.km),
                **{name: _matrix(m.km) for name, m, _i in self.scenarios if m is not None},
            }
        return result


def _matrix(km: np.ndarray[Any, Any]) -> list[list[float | None]]:
    return [[round(float(x), 1) if np.isfinite(x) else None for x in row] for row in km]


PAIRS_EXPECTED = (
    "expected a whole number of pairs, 0 or more (0: none), or 'all' (or -1): every pair"
)


def check_pairs(value: int | None) -> int | None:
    """How many pairs to list: a whole number >= 0, or ``None`` (or -1) for every pair.

    >>> check_pairs(None), check_pairs(5), check_pairs(-1)
    (None, 5, None)
    """
    if (
        isinstance(value, bool)
        or not (value is None or isinstance(value, int))
        or (value is not None and value < -1)
    ):
        raise InvalidInput.at(PAIRS_EXPECTED, field="pairs", value=value)
    return None if value is None or value == -1 else value


def _scenarios(
    close: Sequence[str] | None, always: tuple[str, ...] = BASELINE_CLOSED
) -> list[tuple[str, ...]]:
    if not close:
        singles = [tuple(sorted({*always, *s})) for s in SINGLE_CLOSURES if s[0] not in always]
        return list(dict.fromkeys(singles))
    out: list[tuple[str, ...]] = []
    for item in close:
        names = parse_closures(item)
        if not names:
            raise InvalidInput.at("expected passage names", field="close", value=item)
        key = tuple(sorted({*always, *names}))
        if key not in out:
            out.append(key)
    return out


def _port_set(
    ports: str | Sequence[str], catalogue: PortCatalogue, links: list[ProjectLink],
    hubs: Sequence[str],
) -> tuple[str, list[PortInfo]]:  # fmt: skip
    if isinstance(ports, str) and ports.lower() == "all":
        return "all", list(catalogue.ports.values())
    if isinstance(ports, str) and ports.lower() == "portfolio":
        codes = list(dict.fromkeys([*(link.port for link in links), *hubs]))
        return "portfolio", [catalogue.ports[c] for c in codes if c in catalogue.ports]
    raw = ports.split(",") if isinstance(ports, str) else list(ports)
    chosen = [catalogue.get(c.strip(), option="ports") for c in raw if c.strip()]
    hubs_info = [catalogue.ports[c] for c in hubs if c in catalogue.ports]
    unique = {p.unlocode: p for p in [*chosen, *hubs_info]}
    return "named", list(unique.values())


def exposure(
    workspace: Workspace,
    *,
    close: Sequence[str] | None = None,
    ports: str | Sequence[str] = "portfolio",
    max_port_km: float | None = None,
    hubs: Sequence[str] = CHINA_HUBS,
    voyage: Voyage | None = None,
    explicit_ports: Mapping[int, str] | None = None,
    include_matrix: bool = False,
    network: SeaNetwork | None = None,
    pairs: int | None = DEFAULT_PAIRS,
    vessel: str | None = None,
    vessel_file: str | None = None,
) -> Exposure:
    """Chokepoint dependence of a set of ports and of the projects linked to them.

    ``close``: one entry per scenario (``"suez,babalmandab"`` closes both together); default the
    12 single-passage closures. ``ports``: ``"portfolio"`` (the projects' ports plus the China
    hubs), ``"all"`` or UN/LOCODEs. ``pairs``: how many pairs of each kind each scenario lists
    (default :data:`DEFAULT_PAIRS`; 0 none; ``None`` or -1 every one; see :func:`check_pairs`).
    ``vessel``: a vessel class whose size limits close passages in every scenario and the base.
    """
    limit_pairs = check_pairs(pairs)
    voyage = voyage or Voyage()
    limit = MAX_PORT_KM if max_port_km is None else float(max_port_km)
    if not limit >= 0:
        raise InvalidInput.at(
            "expected a distance of 0 km or more", field="max_port_km", value=max_port_km
        )
    ship = vessel_closures(vessel, vessel_file)
    always = tuple(sorted({*BASELINE_CLOSED, *ship.passages}))
    scenarios = _scenarios(close, always)
    net = network or sea_network(workspace)
    catalogue = port_catalogue(workspace, net)
    with workspace.reading() as connection:
        sites = store.project_sites(connection)
        members = money_store.corridor_members(connection)
    corridors_of = {int(site["id"]): _corridors_of(site, members) for site in sites}
    links, notes = link_projects(sites, catalogue, max_port_km=limit, explicit_ports=explicit_ports)
    notes = [*ship.notes(), *notes]
    port_set, chosen = _port_set(ports, catalogue, links, hubs)
    graph = net.graph
    lon = [p.lon for p in chosen]
    lat = [p.lat for p in chosen]
    base = od_matrix(graph, lon, lat, closed=always, passages=True)
    index = {p.unlocode: i for i, p in enumerate(chosen)}
    hub_rows = [index[h] for h in hubs if h in index]
    results: list[tuple[str, OdMatrix | None, Impact]] = []
    lanes: list[tuple[str, np.ndarray[Any, Any]]] = []
    for closed in scenarios:
        name = "+".join(p for p in closed if p not in always) or "+".join(
            p for p in closed if p not in BASELINE_CLOSED
        )
        m = od_matrix(graph, lon, lat, closed=closed, base=base)
        # Keep only what the projects need (km to the hubs) unless the matrices are asked for:
        # with all ~4,000 ports a matrix is 128 MB per scenario.
        lanes.append((name, m.km[:, hub_rows]))
        scored = impact(graph, base, m, voyage, limit=limit_pairs)
        results.append((name, m if include_matrix else None, scored))
        del m
    projects = _project_rows(graph, links, index, hub_rows, base, lanes, voyage, chosen)
    if not hub_rows:
        notes.append("no China hub port is on the network: project trade lanes not computed")
    return Exposure(
        network=net.version,
        voyage=voyage,
        port_set=port_set,
        ports=chosen,
        base=base,
        scenarios=results,
        projects=projects,
        countries=_rollup(projects, lambda p: [p["country"]] if p["country"] else [], "iso3"),
        corridors=_rollup(projects, lambda p: corridors_of.get(p["project_id"], []), "corridor"),
        hubs=tuple(hubs),
        max_port_km=limit,
        unlinked_projects=len(sites) - len(links),
        notes=notes,
        include_matrix=include_matrix,
    )


def _lane(values: np.ndarray[Any, Any], hub_rows: list[int]) -> tuple[int | None, float | None]:
    """The nearest hub by sea among ``values`` (km to each of ``hub_rows``) and its distance."""
    if not hub_rows:
        return None, None
    best = int(np.argmin(values))
    return (hub_rows[best], float(values[best])) if np.isfinite(values[best]) else (None, None)


def _project_rows(
    graph: Any,
    links: list[ProjectLink],
    index: dict[str, int],
    hub_rows: list[int],
    base: OdMatrix,
    lanes: list[tuple[str, np.ndarray[Any, Any]]],
    voyage: Voyage,
    chosen: list[PortInfo],
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for link in links:
        i = index.get(link.port)
        if i is None:
            continue
        hub, lane_km = _lane(base.km[i, hub_rows], hub_rows)
        depends: tuple[str, ...] = ()
        if hub is not None and base.masks is not None:
            depends = mask_names(graph, int(base.masks[i, hub]))
        scen: list[dict[str, Any]] = []
        for name, km_to_hubs in lanes:
            _h, km = _lane(km_to_hubs[i], hub_rows)
            extra = None if km is None or lane_km is None else km - lane_km
            scen.append(
                {
                    "name": name,
                    "reachable": km is not None,
                    "lane_km": None if km is None else round(km, 1),
                    "extra_km": None if extra is None else round(extra, 1),
                    "extra_days": None if extra is None else round(float(voyage.days(extra)), 2),
                    "extra_fuel_usd": None
                    if extra is None
                    else round(float(voyage.fuel_cost_usd(extra))),
                }
            )
        rows.append(
            {
                "project_id": link.project_id,
                "identifier": link.identifier,
                "title": link.title,
                "country": link.country_iso3,
                "corridor": link.corridor_id,
                "port": link.port,
                "port_country": chosen[i].country_iso3,
                "link": link.how,
                "link_km": None if link.km is None else round(link.km, 1),
                "hub": None if hub is None else chosen[hub].unlocode,
                "lane_km": None if lane_km is None else round(lane_km, 1),
                "depends_on": list(depends),
                "scenarios": scen,
            }
        )
    return rows


def _rollup(projects: list[dict[str, Any]], keys: Any, label: str) -> list[dict[str, Any]]:
    """Per group: projects, ports, how many projects depend on each passage, and per scenario
    how many lanes get longer or cut off, with the median extra days of the longer ones."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for p in projects:
        for key in keys(p):
            groups[key].append(p)
    out: list[dict[str, Any]] = []
    for key in sorted(groups):
        members = groups[key]
        depends: dict[str, int] = defaultdict(int)
        for p in members:
            for name in p["depends_on"]:
                depends[name] += 1
        scen: dict[str, dict[str, Any]] = {}
        for k, s in enumerate(members[0]["scenarios"]):
            longer = [p["scenarios"][k]["extra_days"] for p in members
                      if (p["scenarios"][k]["extra_days"] or 0) > 0]  # fmt: skip
            cut = sum(
                1
                for p in members
                if p["lane_km"] is not None and not p["scenarios"][k]["reachable"]
            )
            scen[s["name"]] = {
                "projects_longer": len(longer),
                "projects_cut_off": cut,
                "median_extra_days": round(float(np.median(longer)), 2) if longer else None,
            }
        out.append(
            {
                label: key,
                "projects": len(members),
                "ports": sorted({p["port"] for p in members}),
                "depends_on": dict(sorted(depends.items())),
                "scenarios": scen,
            }
        )
    return out


def chokepoint_dependence(
    workspace: Workspace, *, max_port_km: float | None = None
) -> dict[int, frozenset[str]]:
    """Project id -> the passages (searoute keys, e.g. ``"suez"``) its trade lane depends on.

    See the module docstring for "depends on". Projects with no port within ``max_port_km``
    (default :data:`MAX_PORT_KM`), or whose port cannot reach a China hub, are left out; with no
    ports or locations loaded the result is ``{}``.
    """
    return _dependence_only(workspace, max_port_km)


def _dependence_only(workspace: Workspace, max_port_km: float | None) -> dict[int, frozenset[str]]:
    limit = MAX_PORT_KM if max_port_km is None else float(max_port_km)
    net = sea_network(workspace)
    catalogue = port_catalogue(workspace, net)
    with workspace.reading() as connection:
        sites = store.project_sites(connection)
    links, _notes = link_projects(sites, catalogue, max_port_km=limit)
    if not links:
        return {}
    _set, chosen = _port_set("portfolio", catalogue, links, CHINA_HUBS)
    base = od_matrix(
        net.graph, [p.lon for p in chosen], [p.lat for p in chosen],
        closed=tuple(sorted(BASELINE_CLOSED)), passages=True,
    )  # fmt: skip
    index = {p.unlocode: i for i, p in enumerate(chosen)}
    hub_rows = [index[h] for h in CHINA_HUBS if h in index]
    out: dict[int, frozenset[str]] = {}
    for link in links:
        i = index[link.port]
        hub, _km = _lane(base.km[i, hub_rows], hub_rows)
        if hub is not None and base.masks is not None:
            out[link.project_id] = frozenset(mask_names(net.graph, int(base.masks[i, hub])))
    return out


def red_sea_summary(workspace: Workspace) -> str:
    """One sentence on the Red Sea closure (babalmandab + suez) for the portfolio: ports, pairs
    and projects affected, with the median extra days of the projects' lanes to China."""
    result = exposure(workspace, close=["red_sea"])
    (name, _m, imp), *_ = result.scenarios
    longer = [p["scenarios"][0]["extra_days"] for p in result.projects
              if (p["scenarios"][0]["extra_days"] or 0) > 0]  # fmt: skip
    cut = sum(1 for p in result.projects if not p["scenarios"][0]["reachable"])
    text = (
        f"Red Sea closure ({name}, {result.network}): among {len(result.ports)} ports "
        f"({result.port_set}: the projects' ports and China's hubs), {imp.pairs_using:,} of "
        f"{imp.pairs:,} port pairs used the passages, {imp.pairs_longer:,} get longer "
        f"(median +{imp.extra_days['median'] or 0:.1f} days at {result.voyage.speed_kn:g} kn), "
        f"{imp.pairs_unreachable:,} are cut off; "
    )
    if not result.projects:
        return text + "no project is located within reach of a port, so none is linked"
    median = float(np.median(longer)) if longer else 0.0
    return text + (
        f"{len(longer):,} of {len(result.projects):,} port-linked projects have a longer lane "
        f"to China (median +{median:.1f} days), {cut:,} lose it"
    )


def ports_geojson(result: Exposure, scenario: str | None = None) -> dict[str, Any]:
    """The exposure's ports as a GeoJSON FeatureCollection for the web map: each port's
    attributes and, per scenario (or only ``scenario``), its routes using the closed passages,
    longer and unreachable, and the median extra days."""
    names = [name for name, _m, _i in result.scenarios]
    if scenario is not None and scenario not in names:
        raise InvalidInput.at(
            f"unknown scenario (expected one of {', '.join(names)})",
            field="scenario",
            value=scenario,
        )
    features: list[dict[str, Any]] = []
    for i, port in enumerate(result.ports):
        by_scenario: dict[str, Any] = {}
        for name, _m, imp in result.scenarios:
            if scenario is not None and name != scenario:
                continue
            days = imp.extra_days_by_port[i]
            by_scenario[name] = {
                "routes_using": int(imp.using_by_port[i]),
                "routes_longer": int(imp.longer_by_port[i]),
                "routes_unreachable": int(imp.unreachable_by_port[i]),
                "median_extra_days": None if np.isnan(days) else round(float(days), 2),
            }
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [port.lon, port.lat]},
                "properties": {**port.as_dict(), "scenarios": by_scenario},
            }
        )
    return {
        "type": "FeatureCollection",
        "features": features,
        "properties": {"network": result.network, "assumptions": result.voyage.as_dict()},
    }
