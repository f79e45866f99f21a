"""``beltroad routes`` and ``beltroad exposure``: a few lines each over the services."""

from typing import Annotated

import typer

from beltroad.cli.output import Format, FormatOption, emit, with_flags
from beltroad.errors import InvalidInput

CloseHelp = (
    "Passages to close, comma-separated (suez, babalmandab, ormuz, malacca, panama, bosporus, "
    "dardanelles, gibraltar, sunda, south_africa, chili, bering, northwest; red_sea = "
    "babalmandab+suez)."
)


def parse_pairs(value: str) -> int | None:
    """``--pairs``: a whole number, or ``all`` (``None``: every pair).

    >>> parse_pairs("all"), parse_pairs("5"), parse_pairs("-1")
    (None, 5, -1)
    """
    from beltroad.errors import InvalidInput
    from beltroad.services.exposure import PAIRS_EXPECTED

    text = value.strip().lower()
    if text == "all":
        return None
    try:
        return int(text)
    except ValueError:
        raise InvalidInput.at(PAIRS_EXPECTED, field="--pairs", value=value) from None


def register(app: typer.Typer) -> None:
    """Attach ``routes`` and ``exposure`` to the root app."""
    app.command("routes")(routes_command)
    app.command("exposure")(exposure_command)
    app.command("vessels")(vessels_command)


VesselOption = Annotated[
    str | None,
    typer.Option(
        "--vessel",
        help="Vessel class (feeder, panamax, neopanamax, ulcv, capesize, vlcc; see `beltroad "
        "vessels`): passages whose size limits it exceeds are closed.",
    ),
]
VesselFileOption = Annotated[
    str | None,
    typer.Option("--vessel-file", help="A TOML file of vessel classes and passage limits, "
                 "merged over config/vessels.toml."),
]  # fmt: skip
VESSEL_FLAGS = {"vessel": "--vessel", "vessel_file": "--vessel-file"}


SpeedOption = Annotated[
    float, typer.Option("--speed", help="Service speed in knots, for days and fuel [M: 14 kn].")
]
FuelOption = Annotated[
    float,
    typer.Option("--fuel-t-per-day", help="Fuel burnt per day at 14 kn, tonnes [N: 60]."),
]
BunkerOption = Annotated[
    float, typer.Option("--bunker-usd", help="Bunker fuel price, USD per tonne [N: 600].")
]


def routes_command(
    ctx: typer.Context,
    origin: Annotated[str, typer.Argument(metavar="FROM", help="UN/LOCODE (CNSHA) or LAT,LON.")],
    destination: Annotated[str, typer.Argument(metavar="TO", help="UN/LOCODE or LAT,LON.")],
    close: Annotated[list[str] | None, typer.Option("--close", help=CloseHelp)] = None,
    speed: SpeedOption = 14.0,
    fuel: FuelOption = 60.0,
    bunker: BunkerOption = 600.0,
    mode: Annotated[
        str,
        typer.Option(
            "--mode",
            help="sea (UN/LOCODEs, passages) or rail (places or LAT,LON, border crossings: "
            "alashankou, khorgos, manzhouli, erenhot, brest; needs beltroad[rail]).",
        ),
    ] = "sea",
    min_component: Annotated[
        int,
        typer.Option(
            "--min-component",
            help="Rail: snap ends only to track pieces of at least this many nodes [N: 1000].",
        ),
    ] = 1000,
    vessel: VesselOption = None,
    vessel_file: VesselFileOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """The shortest sea (or rail) route between two places, with passages or crossings closed."""
    from beltroad.cli.main import state
    from beltroad.services.connectivity import rail_route, route, voyage_assumptions
    from beltroad.services.workspace import open_workspace

    if mode == "rail":
        workspace = open_workspace(state(ctx).settings())
        try:
            rail = rail_route(
                workspace, origin, destination, close=close, min_component=min_component
            ).as_dict()
        finally:
            workspace.close()
        rail_keys = ("from", "to", "reachable", "distance_km", "extra_km", "same_component")
        row = {k: rail[k] for k in rail_keys}
        row["closed"] = ",".join(rail["closed"])
        row["crossings"] = ",".join(rail["crossings"])
        rows = [row] if fmt is Format.csv else [{"item": k, "value": v} for k, v in row.items()]
        note = "; ".join([rail["network"], *rail["notes"]])
        emit(rail, rows, fmt, title=f"rail route {row['from']} -> {row['to']}", note=note)
        return
    if mode != "sea":
        raise InvalidInput.at("expected sea or rail", field="--mode", value=mode)
    voyage = voyage_assumptions(speed_kn=speed, fuel_t_per_day=fuel, bunker_usd_per_t=bunker)
    workspace = open_workspace(state(ctx).settings())
    try:
        result = route(
            workspace, origin, destination, close=close, voyage=voyage, vessel=vessel,
            vessel_file=vessel_file,
        ).as_dict()  # fmt: skip
    except InvalidInput as exc:
        raise with_flags(exc, VESSEL_FLAGS) from None
    finally:
        workspace.close()
    keys = ("from", "to", "reachable", "distance_km", "distance_nm", "days", "extra_km",
            "extra_days", "extra_fuel_usd")  # fmt: skip
    row = {k: result[k] for k in keys}
    row["closed"] = ",".join(result["closed"])
    row["passages"] = ",".join(result["passages"])
    if result["vessel"] is not None:
        row["vessel"] = result["vessel"]["key"]
    note = f"{result['network']}; always closed: {', '.join(result['always_closed'])}"
    for extra in result["notes"]:
        note += f"; {extra}"
    rows = [row] if fmt is Format.csv else [{"item": k, "value": v} for k, v in row.items()]
    emit(result, rows, fmt, title=f"sea route {row['from']} -> {row['to']}", note=note)


def exposure_command(
    ctx: typer.Context,
    close: Annotated[
        list[str] | None,
        typer.Option(
            "--close",
            help="One closure scenario, repeatable; comma-separated passages close together. "
            "Default: each of the 12 passages alone.",
        ),
    ] = None,
    ports: Annotated[
        str,
        typer.Option(
            "--ports",
            help="portfolio (the projects' ports and China's hubs), all, or UN/LOCODEs.",
        ),
    ] = "portfolio",
    max_port_km: Annotated[
        float | None,
        typer.Option("--max-port-km", help="Farthest a project may be from its port [N: 100 km]."),
    ] = None,
    matrix: Annotated[
        bool, typer.Option("--matrix", help="Include the full distance matrices (JSON).")
    ] = False,
    pairs: Annotated[
        str,
        typer.Option(
            "--pairs",
            metavar="N",
            help="Pairs of each kind (using, longer, unreachable) listed per scenario in the "
            "JSON's pair_lists: a number, 0 for none, or all (or -1) [N: 20].",
        ),
    ] = "20",
    speed: SpeedOption = 14.0,
    fuel: FuelOption = 60.0,
    bunker: BunkerOption = 600.0,
    vessel: VesselOption = None,
    vessel_file: VesselFileOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Chokepoint dependence of port pairs and projects under closure scenarios."""
    from beltroad.cli.main import state
    from beltroad.services.connectivity import voyage_assumptions
    from beltroad.services.exposure import exposure
    from beltroad.services.workspace import open_workspace

    voyage = voyage_assumptions(speed_kn=speed, fuel_t_per_day=fuel, bunker_usd_per_t=bunker)
    workspace = open_workspace(state(ctx).settings())
    try:
        result = exposure(
            workspace,
            close=close,
            ports=ports,
            max_port_km=max_port_km,
            voyage=voyage,
            include_matrix=matrix,
            pairs=parse_pairs(pairs),
            vessel=vessel,
            vessel_file=vessel_file,
        )
    except InvalidInput as exc:
        raise with_flags(exc, VESSEL_FLAGS) from None
    finally:
        workspace.close()
    payload = result.as_dict()
    note = (
        f"{payload['network']}; {len(result.ports)} ports ({result.port_set}); "
        f"{len(result.projects)} projects linked, {result.unlinked_projects} not; "
        f"speed {voyage.speed_kn} kn; the pairs themselves are in --format json (pair_lists)"
    )
    emit(payload, result.scenario_rows(), fmt, title="chokepoint exposure", note=note)


def vessels_command(
    vessel_file: VesselFileOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Vessel classes, their dimensions, and the passages each cannot transit."""
    from beltroad.services.vessels import vessel_catalogue

    try:
        catalogue = vessel_catalogue(vessel_file)
    except InvalidInput as exc:
        raise with_flags(exc, VESSEL_FLAGS) from None
    payload = catalogue.as_dict()
    rows = [
        {"class": v["key"], "length_m": v["length_m"], "beam_m": v["beam_m"],
         "draught_m": v["draught_m"], "tag": v["tag"],
         "cannot_transit": ",".join(v["cannot_transit"])}
        for v in payload["vessels"]
    ]  # fmt: skip
    limits = "; ".join(
        f"{p['passage']}: "
        + ", ".join(
            f"{k[4:-2]} {p[k]:g} m"
            for k in ("max_length_m", "max_beam_m", "max_draught_m")
            if p[k] is not None
        )
        + f" {p['tag']}"
        for p in payload["passages"]
    )
    emit(payload, rows, fmt, title="vessel classes", note=f"limits ({catalogue.source}): {limits}")
