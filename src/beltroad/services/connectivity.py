"""``beltroad routes``: sea routes between ports (or points), with passages closed.

The network is searoute's (loaded at run time, cached under ``DATA_DIR/network``); ports are
searoute's port list, with size, depth and country from the World Port Index when it is imported
(matched on UN/LOCODE). A WPI port that searoute does not list is routed from its own position.

The distance is measured along the network between the nodes the two ends snap to (as searoute
measures it); ``access_km`` says how far each end is from its node. The baseline network always
has ``northwest`` closed (searoute's default: the North-West Passage is ice-bound most of the
year), and ``close`` adds to it.

>>> route(workspace, "CNSHA", "NLRTM", close=["suez"]).as_dict()["distance_km"]  # doctest: +SKIP
25017.7
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from beltroad.engines.sea_graph import KM_PER_NM, open_edges, snap, usable_nodes
from beltroad.engines.sea_routes import (
    Voyage,
    passages_of_nodes,
    path_km,
    path_nodes,
    route_geometry,
    shortest_paths,
)
from beltroad.errors import InvalidInput, NotFound
from beltroad.network.sea import SeaNetwork, load_sea_network
from beltroad.reference.countries import resolve_country
from beltroad.reference.passages import SEAROUTE_KEYS, passage_by_key
from beltroad.services.vessels import VesselClosures, vessel_closures
from beltroad.services.workspace import Workspace
from beltroad.storage import connectivity as store

BASELINE_CLOSED: tuple[str, ...] = ("northwest",)
"""Closed in every scenario, as in searoute's default ``restrictions=['northwest']`` [V]."""

FAR_FROM_NETWORK_KM = 50.0
"""[N] Beyond this, a route's notes say that an end is far from the sea network (an inland or
river port, or a position on land)."""

# Names a planner may use for a set of passages; each expands to searoute keys.
CLOSURE_GROUPS: dict[str, tuple[str, ...]] = {"red_sea": ("babalmandab", "suez")}


def sea_network(workspace: Workspace) -> SeaNetwork:
    """The sea network, cached under ``DATA_DIR/network`` (built there on first use)."""
    return load_sea_network(workspace.settings.data_dir / "network")


def parse_closures(items: Iterable[str] | str | None, *, option: str = "close") -> tuple[str, ...]:
    """``"suez,babalmandab"`` or ``["suez", "ormuz"]`` -> sorted searoute passage keys.

    ``red_sea`` stands for ``babalmandab`` and ``suez``. An unknown name is rejected with the
    valid ones and the closest match.
    """
    if items is None:
        return ()
    raw = [items] if isinstance(items, str) else list(items)
    names: set[str] = set()
    for item in raw:
        for part in item.split(","):
            name = part.strip().lower().replace("-", "_").replace(" ", "_")
            if not name:
                continue
            if name in CLOSURE_GROUPS:
                names.update(CLOSURE_GROUPS[name])
            elif name in SEAROUTE_KEYS:
                names.add(name)
            else:
                raise _unknown_passage(part.strip(), option)
    return tuple(sorted(names))


def _unknown_passage(name: str, option: str) -> InvalidInput:
    valid = [*SEAROUTE_KEYS, *CLOSURE_GROUPS]
    close = difflib.get_close_matches(name.lower(), valid, n=3, cutoff=0.5)
    try:
        known = passage_by_key(name)
        reason = (
            f"{known.name} is a known chokepoint, but the sea network cannot close it "
            f"(expected one of {', '.join(valid)})"
        )
    except KeyError:
        reason = f"unknown passage (expected one of {', '.join(valid)})"
    hint = f"did you mean {' or '.join(close)}?" if close else None
    return InvalidInput.at(reason, field=option, value=name, hint=hint)


@dataclass(frozen=True)
class PortInfo:
    unlocode: str
    name: str
    country_iso3: str | None
    lat: float
    lon: float
    harbor_size: str | None = None
    max_depth_m: float | None = None
    source: str = "searoute"

    def as_dict(self) -> dict[str, Any]:
        return {
            "unlocode": self.unlocode,
            "name": self.name,
            "country": self.country_iso3,
            "lat": self.lat,
            "lon": self.lon,
            "harbor_size": self.harbor_size,
            "max_depth_m": self.max_depth_m,
            "source": self.source,
        }


def _iso3(unlocode: str) -> str | None:
    try:
        return resolve_country(unlocode[:2]).iso3
    except LookupError:
        return None


@dataclass
class PortCatalogue:
    """searoute's ports, with WPI attributes where the UN/LOCODE matches; plus WPI-only ports."""

    ports: dict[str, PortInfo]
    wpi_matched: int = 0

    def get(self, code: str, *, option: str = "port") -> PortInfo:
        """The port with UN/LOCODE ``code`` (spaces and case ignored), or NotFound with the
        closest codes and names."""
        key = code.replace(" ", "").upper()
        found = self.ports.get(key)
        if found is not None:
            return found
        codes = difflib.get_close_matches(key, list(self.ports), n=3, cutoff=0.6)
        names = {p.name.lower(): p.unlocode for p in self.ports.values()}
        by_name = [
            f"{names[n]} ({self.ports[names[n]].name})"
            for n in difflib.get_close_matches(code.lower(), list(names), n=3, cutoff=0.75)
        ]
        suggestions = [*codes, *by_name]
        hint = (
            f"closest matches: {', '.join(suggestions)}"
            if suggestions
            else "give a UN/LOCODE such as CNSHA, or a position as LAT,LON"
        )
        return_error = NotFound(
            f"{option}: unknown port {code!r} (expected a UN/LOCODE of a port on the sea network, "
            "e.g. CNSHA, or LAT,LON)",
            hint=hint,
        )
        raise return_error


def port_catalogue(workspace: Workspace, network: SeaNetwork | None = None) -> PortCatalogue:
    """Every port that can be routed: searoute's, enriched with (and extended by) the WPI."""
    net = network or sea_network(workspace)
    ports: dict[str, PortInfo] = {}
    sp = net.ports
    for i, code in enumerate(sp.unlocode.tolist()):
        ports[code] = PortInfo(
            unlocode=code,
            name=str(sp.name[i]),
            country_iso3=_iso3(code),
            lat=float(sp.lat[i]),
            lon=float(sp.lon[i]),
        )
    with workspace.reading() as connection:
        rows = store.port_rows(connection)
    matched = 0
    for row in rows:
        code = str(row["unlocode"])
        known = ports.get(code)
        if known is not None and known.source != "searoute":
            continue  # the first WPI row of a code wins, as searoute's first entry does
        if known is not None:
            matched += 1
        ports[code] = PortInfo(
            unlocode=code,
            name=known.name if known else str(row["name"]),
            country_iso3=row["country_iso3"] or (known.country_iso3 if known else None),
            # searoute's position is the one its network was drawn for; WPI's for other ports
            lat=known.lat if known else float(row["lat"]),
            lon=known.lon if known else float(row["lon"]),
            harbor_size=row["harbor_size"],
            max_depth_m=row["max_depth_m"],
            source="searoute+wpi" if known else "wpi",
        )
    return PortCatalogue(ports, matched)


def parse_place(text: str, catalogue: PortCatalogue, *, option: str) -> PortInfo:
    """A UN/LOCODE (``CNSHA``) or a position ``LAT,LON`` (``31.2,121.5``)."""
    if "," in text:
        parts = [p.strip() for p in text.split(",")]
        try:
            lat, lon = (float(p) for p in parts)
        except ValueError:
            raise InvalidInput.at(
                "expected a UN/LOCODE or LAT,LON in decimal degrees, e.g. 31.23,121.47",
                field=option,
                value=text,
            ) from None
        if not (math.isfinite(lat) and -90.0 <= lat <= 90.0):
            raise InvalidInput.at(
                "latitude out of range (expected -90 to 90; the order is LAT,LON)",
                field=option,
                value=text,
            )
        if not (math.isfinite(lon) and -180.0 <= lon <= 180.0):
            raise InvalidInput.at(
                "longitude out of range (expected -180 to 180; the order is LAT,LON)",
                field=option,
                value=text,
            )
        return PortInfo(unlocode="", name=f"{lat:g},{lon:g}", country_iso3=None, lat=lat, lon=lon,
                        source="position")  # fmt: skip
    return catalogue.get(text, option=option)


@dataclass
class Route:
    origin: PortInfo
    destination: PortInfo
    closed: tuple[str, ...]
    baseline_closed: tuple[str, ...]
    reachable: bool
    distance_km: float | None
    passages: tuple[str, ...]
    geometry: dict[str, Any] | None
    access_km: tuple[float, float]
    voyage: Voyage
    network_version: str
    open_distance_km: float | None = None
    open_passages: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)
    vessel: VesselClosures = field(default_factory=lambda: VesselClosures(None))

    def as_dict(self) -> dict[str, Any]:
        v = self.voyage
        km = self.distance_km
        base = self.open_distance_km
        extra = (km - base) if km is not None and base is not None else None
        days = float(v.days(km)) if km is not None else None
        return {
            "from": self.origin.unlocode or self.origin.name,
            "to": self.destination.unlocode or self.destination.name,
            "closed": list(self.closed),
            "reachable": self.reachable,
            "distance_km": _round(km, 1),
            "distance_nm": _round(km / KM_PER_NM if km is not None else None, 1),
            "days": _round(days, 2),
            "passages": list(self.passages),
            "geometry": self.geometry,
            "from_port": self.origin.as_dict(),
            "to_port": self.destination.as_dict(),
            "access_km": [round(self.access_km[0], 1), round(self.access_km[1], 1)],
            "always_closed": list(self.baseline_closed),
            "open_network": {
                "reachable": base is not None,
                "distance_km": _round(base, 1),
                "days": _round(float(v.days(base)) if base is not None else None, 2),
                "passages": list(self.open_passages),
            },
            "extra_km": _round(extra, 1),
            "extra_days": _round(float(v.days(extra)) if extra is not None else None, 2),
            "extra_fuel_usd": _round(
                float(v.fuel_cost_usd(extra)) if extra is not None else None, 0
            ),
            "assumptions": v.as_dict(),
            "network": self.network_version,
            "vessel": self.vessel.as_dict(),
            "notes": self.notes,
        }


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def voyage_assumptions(
    *,
    speed_kn: float = Voyage.speed_kn,
    fuel_t_per_day: float = Voyage.fuel_t_per_day,
    bunker_usd_per_t: float = Voyage.bunker_usd_per_t,
) -> Voyage:
    """Checked voyage assumptions (see :class:`~beltroad.engines.sea_routes.Voyage`)."""
    checks = (
        ("speed_kn", speed_kn, "a speed above 0 knots"),
        ("fuel_t_per_day", fuel_t_per_day, "tonnes per day, 0 or more"),
        ("bunker_usd_per_t", bunker_usd_per_t, "USD per tonne, 0 or more"),
    )
    for option, value, expected in checks:
        low_ok = value > 0 if option == "speed_kn" else value >= 0
        if not (math.isfinite(value) and low_ok):
            raise InvalidInput.at(f"expected {expected}", field=option, value=value)
    return Voyage(
        speed_kn=speed_kn, fuel_t_per_day=fuel_t_per_day, bunker_usd_per_t=bunker_usd_per_t
    )


def route(
    workspace: Workspace,
    origin: str,
    destination: str,
    *,
    close: Sequence[str] | str | None = None,
    voyage: Voyage | None = None,
    vessel: str | None = None,
    vessel_file: str | None = None,
) -> Route:
    """The shortest sea route between two ports or positions, with ``close`` closed.

    Also routes the open network (baseline closures only) so that the extra distance, days and
    fuel cost of the closure can be reported. With a ``vessel`` class, the passages whose size
    limits it exceeds are closed in both (the open network of a ship is the one it can sail).
    """
    closed = parse_closures(close)
    ship = vessel_closures(vessel, vessel_file)
    always = tuple(sorted({*BASELINE_CLOSED, *ship.passages}))
    voyage = voyage or Voyage()
    net = sea_network(workspace)
    catalogue = port_catalogue(workspace, net)
    a = parse_place(origin, catalogue, option="FROM")
    b = parse_place(destination, catalogue, option="TO")
    graph = net.graph
    lon, lat = np.asarray([a.lon, b.lon]), np.asarray([a.lat, b.lat])
    results: dict[
        tuple[str, ...], tuple[float | None, tuple[str, ...], Any, tuple[float, float]]
    ] = {}
    for scenario in {always, tuple(sorted({*always, *closed}))}:
        usable = usable_nodes(graph, open_edges(graph, scenario))
        s = snap(graph, lon, lat, usable)
        tree = shortest_paths(graph, s.node[:1], closed=scenario)
        nodes = path_nodes(tree, int(s.node[0]), int(s.node[1]))
        access = (float(s.km[0]), float(s.km[1]))
        if nodes is None:
            results[scenario] = (None, (), None, access)
            continue
        geometry = route_geometry(graph.lon[nodes].tolist(), graph.lat[nodes].tolist())
        results[scenario] = (
            path_km(graph, nodes),
            passages_of_nodes(graph, nodes),
            geometry,
            access,
        )
    key = tuple(sorted({*always, *closed}))
    km, used, geometry, access = results[key]
    base_km, base_used, _, _ = results[always]
    notes: list[str] = ship.notes()
    for label, place, far in (("FROM", a, access[0]), ("TO", b, access[1])):
        if far > FAR_FROM_NETWORK_KM:
            notes.append(
                f"{label} {place.unlocode or place.name} is {far:,.0f} km from the nearest "
                "sea-network node: the distance covers the network part only"
            )
    if km is None:
        notes.append(
            "unreachable: no sea path joins the two ports with "
            f"{', '.join(key)} closed (no distance is reported, and no straight line is drawn)"
        )
    return Route(
        origin=a,
        destination=b,
        closed=closed,
        baseline_closed=BASELINE_CLOSED,
        reachable=km is not None,
        distance_km=km,
        passages=tuple(p for p in used if p not in BASELINE_CLOSED),
        geometry=geometry,
        access_km=access,
        voyage=voyage,
        network_version=net.version,
        open_distance_km=base_km,
        open_passages=base_used,
        notes=notes,
        vessel=ship,
    )


# --- rail (optional extra ``rail``) ----------------------------------------------------------

RAIL_CROSSINGS: dict[str, tuple[float, float]] = {
    "alashankou": (82.57, 45.17),  # Alashankou (CN) - Dostyk (KZ)
    "khorgos": (80.42, 44.21),  # Khorgos (CN) - Altynkol (KZ)
    "manzhouli": (117.43, 49.60),  # Manzhouli (CN) - Zabaykalsk (RU)
    "erenhot": (111.98, 43.65),  # Erenhot (CN) - Zamyn-Uud (MN)
    "brest": (23.70, 52.08),  # Brest (BY) - Terespol/Malaszewicze (PL)
}
"""[M] China-Europe rail border crossings, (lon, lat) from background knowledge; overridable
(``crossings=``). Closing one removes the track within ``radius_km`` of its point."""

RAIL_PLACES: dict[str, tuple[float, float]] = {
    "chongqing": (106.55, 29.56),
    "chengdu": (104.07, 30.66),
    "xian": (108.94, 34.34),
    "yiwu": (120.07, 29.31),
    "kunming": (102.71, 25.04),
    "vientiane": (102.61, 17.97),
    "almaty": (76.89, 43.24),
    "moscow": (37.62, 55.76),
    "warsaw": (21.01, 52.23),
    "lodz": (19.46, 51.76),
    "duisburg": (6.76, 51.43),
    "hamburg": (9.99, 53.55),
}
"""[M] City-centre positions (lon, lat) of common China-Europe rail terminals, for naming ends;
any LAT,LON works as well."""

RAIL_MIN_COMPONENT = 1000
"""[N] Ends snap only to track in a connected piece of at least this many nodes, so that a city
does not land on a stray fragment of the OpenStreetMap graph (1 = plain nearest node)."""


@dataclass
class RailRouteResult:
    origin: str
    destination: str
    closed: tuple[str, ...]
    route: Any  # beltroad.engines.rail_routes.RailRoute
    open_route: Any
    crossings: tuple[str, ...]
    network_version: str
    min_component: int
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        r, o = self.route, self.open_route
        extra = r.km - o.km if r.km is not None and o.km is not None else None
        return {
            "mode": "rail",
            "from": self.origin,
            "to": self.destination,
            "closed": list(self.closed),
            "reachable": r.reachable,
            "distance_km": _round(r.km, 1),
            "crossings": list(self.crossings),
            "geometry": r.geometry,
            "access_km": [round(r.access_km[0], 1), round(r.access_km[1], 1)],
            "same_component": r.same_component,
            "component_nodes": list(r.component_sizes),
            "open_network": {"reachable": o.reachable, "distance_km": _round(o.km, 1)},
            "extra_km": _round(extra, 1),
            "assumptions": {"min_component": self.min_component, "tag": "[N]"},
            "network": self.network_version,
            "notes": self.notes,
        }


def _rail_place(text: str, option: str) -> tuple[str, tuple[float, float]]:
    key = text.strip().lower().replace("'", "").replace(" ", "")
    if key in RAIL_PLACES:
        return key, RAIL_PLACES[key]
    if "," in text:
        place = parse_place(text, PortCatalogue({}), option=option)
        return place.name, (place.lon, place.lat)
    close = difflib.get_close_matches(key, list(RAIL_PLACES), n=3, cutoff=0.6)
    raise InvalidInput.at(
        f"unknown rail place (expected LAT,LON or one of {', '.join(RAIL_PLACES)})",
        field=option,
        value=text,
        hint=f"did you mean {' or '.join(close)}?" if close else None,
    )


def rail_route(
    workspace: Workspace,
    origin: str,
    destination: str,
    *,
    close: Sequence[str] | str | None = None,
    crossings: dict[str, tuple[float, float]] | None = None,
    min_component: int = RAIL_MIN_COMPONENT,
) -> RailRouteResult:
    """The shortest rail route on scgraph-data's world railway graph, with crossings closed."""
    from beltroad.engines.rail_routes import passes_near
    from beltroad.engines.rail_routes import rail_route as engine_route
    from beltroad.network.rail import load_rail_network

    known = crossings or RAIL_CROSSINGS
    raw = [close] if isinstance(close, str) else list(close or [])
    names: list[str] = []
    for part in ",".join(raw).split(","):
        name = part.strip().lower()
        if not name:
            continue
        if name not in known:
            hint = difflib.get_close_matches(name, list(known), n=2, cutoff=0.5)
            raise InvalidInput.at(
                f"unknown border crossing (expected one of {', '.join(known)})",
                field="close",
                value=part.strip(),
                hint=f"did you mean {' or '.join(hint)}?" if hint else None,
            )
        names.append(name)
    a_name, a = _rail_place(origin, "FROM")
    b_name, b = _rail_place(destination, "TO")
    net = load_rail_network(workspace.settings.data_dir / "network")
    closed = tuple(sorted(set(names)))
    if min_component < 1:
        raise InvalidInput.at(
            "expected a number of nodes, 1 or more", field="min_component", value=min_component
        )
    index = net.index(min_component)
    result = engine_route(net.graph, net.labels, a, b, closed=[known[n] for n in closed],
                          min_component=min_component, index=index)  # fmt: skip
    open_result = (
        engine_route(net.graph, net.labels, a, b, min_component=min_component, index=index)
        if closed
        else result
    )
    used = tuple(
        n for n, (lon, lat) in known.items()
        if result.reachable and passes_near(net.graph, result.nodes, lon, lat, 10.0)
    )  # fmt: skip
    notes: list[str] = []
    if not result.reachable:
        notes.append(
            "disconnected: the railway graph has no track joining the two ends (they lie "
            f"on separate pieces of track of {result.component_sizes[0]:,} and "
            f"{result.component_sizes[1]:,} nodes)"
            if not result.same_component
            else f"unreachable with {', '.join(closed)} closed (the open graph joins them)"
        )
    return RailRouteResult(a_name, b_name, closed, result, open_result, used, net.version,
                           min_component, notes)  # fmt: skip


def route_feature(
    workspace: Workspace,
    origin: str,
    destination: str,
    *,
    close: Sequence[str] | str | None = None,
    voyage: Voyage | None = None,
) -> dict[str, Any]:
    """The route as one GeoJSON Feature for the web map: the geometry (``None`` when
    unreachable) and every other field of :meth:`Route.as_dict` as properties."""
    data = route(workspace, origin, destination, close=close, voyage=voyage).as_dict()
    geometry = data.pop("geometry")
    return {"type": "Feature", "geometry": geometry, "properties": data}
