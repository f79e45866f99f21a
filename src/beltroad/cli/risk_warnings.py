"""``beltroad risk warnings`` and ``beltroad risk incident add|list``: a few lines over
:mod:`beltroad.services.warnings` and :mod:`beltroad.services.incidents`."""

from typing import Annotated, Any

import typer

from beltroad.cli.acting import acting_login
from beltroad.cli.output import Format, FormatOption, emit
from beltroad.cli.risk_country import RiskConfigOption

incident_app = typer.Typer(
    rich_markup_mode=None,
    help="Security incidents and the enterprises, zones and projects within reach.",
    no_args_is_help=True,
)


def register(risk_app: typer.Typer) -> None:
    """Attach ``warnings`` and ``incident`` to the ``risk`` group."""
    risk_app.command("warnings")(warnings_command)
    risk_app.add_typer(incident_app, name="incident")


def _run(ctx: typer.Context, call: Any, *args: Any, **kwargs: Any) -> Any:
    from beltroad.cli.main import state
    from beltroad.services.workspace import open_workspace

    workspace = open_workspace(state(ctx).settings())
    try:
        if "actor" in kwargs:  # a user login, checked: the audit trail holds no free text
            kwargs["actor"] = acting_login(ctx, workspace, kwargs["actor"])
        return call(workspace, *args, **kwargs)
    finally:
        workspace.close()


def warnings_command(
    ctx: typer.Context,
    year: Annotated[
        int | None, typer.Option("--year", help="Country scores as of this year (default newest).")
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Judge reviews, milestones, incidents as of YYYY-MM-DD."),
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            help="Show one kind: score_jump, gpr_spike, review_overdue, milestone_slip, incident.",
        ),
    ] = None,
    store: Annotated[
        bool | None,
        typer.Option(
            "--store/--no-store",
            help="Store them for the web layer (default: only without --year and --as-of).",
        ),
    ] = None,
    risk_config: RiskConfigOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Detect early warnings, store them for the web layer, and list them, critical first."""
    from beltroad.services.risk import load_config
    from beltroad.services.risk_register import parse_date
    from beltroad.services.warnings import detect

    report = _run(
        ctx,
        detect,
        year=year,
        as_of=parse_date(as_of, "--as-of"),
        kind=kind,
        store=store,
        config=load_config(risk_config),
    )
    counts = ", ".join(f"{k} {v}" for k, v in report.counts().items())
    note = f"as of {report.as_of.isoformat()}: {counts}; stored {report.stored}"
    if report.notes:
        note += "; " + "; ".join(report.notes)
    emit(report.as_dict(), report.rows(), fmt, title="early warnings", note=note)


@incident_app.command("add")
def add_command(
    ctx: typer.Context,
    subject: Annotated[
        str,
        typer.Option(
            "--subject",
            help="country:ISO3, site:NAME (with --lat/--lon/--country), zone:ID, enterprise:ID.",
        ),
    ],
    date: Annotated[str, typer.Option("--date", help="When it happened, YYYY-MM-DD.")],
    event_type: Annotated[
        str,
        typer.Option(
            "--event-type",
            help="ACLED event type: Battles, Explosions/Remote violence, Violence against "
            "civilians, Protests, Riots, Strategic developments.",
        ),
    ],
    severity: Annotated[int, typer.Option("--severity", help="1 (minor) to 5 (grave).")],
    source: Annotated[str, typer.Option("--source", help="Where it is reported.")],
    casualties: Annotated[int, typer.Option("--casualties", help="Killed and injured.")] = 0,
    sub_event_type: Annotated[
        str | None, typer.Option("--sub-event-type", help="ACLED sub-event type.")
    ] = None,
    country: Annotated[
        str | None, typer.Option("--country", help="ISO3 (needed for a site).")
    ] = None,
    lat: Annotated[float | None, typer.Option("--lat", help="Latitude of the incident.")] = None,
    lon: Annotated[float | None, typer.Option("--lon", help="Longitude of the incident.")] = None,
    radius_km: Annotated[
        float | None, typer.Option("--radius-km", help="Search radius (default from risk.toml).")
    ] = None,
    description: Annotated[str | None, typer.Option("--description", help="What happened.")] = None,
    actor: Annotated[
        str | None,
        typer.Option("--actor", help="The user login who records it (default: the --as user)."),
    ] = None,
    risk_config: RiskConfigOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Record an incident and list the enterprises, zones and projects within the radius."""
    from beltroad.services.incidents import add_incident
    from beltroad.services.risk import load_config

    incident = _run(
        ctx,
        add_incident,
        subject=subject,
        occurred_on=date,
        event_type=event_type,
        severity=severity,
        source=source,
        casualties=casualties,
        sub_event_type=sub_event_type,
        country=country,
        lat=lat,
        lon=lon,
        radius_km=radius_km,
        description=description,
        actor=actor,
        config=load_config(risk_config),
    )
    reach = incident["exposure"]
    rows = [
        {"kind": kind[:-1], **{k: v for k, v in item.items() if k != "details"}}
        for kind in ("enterprises", "zones", "projects")
        for item in reach[kind]
    ]
    totals = reach["totals"]
    scope = f"within {reach['radius_km']:g} km" if reach["scope"] == "radius" else "in the country"
    note = (
        f"incident {incident['id']} recorded "
        f"({incident['event_type']}, {incident['country_iso3']}); "
        f"{scope}: {totals['enterprises']} enterprises ({totals['personnel']} personnel, "
        f"{totals['expatriate_personnel']} expatriate), {totals['zones']} zones, "
        f"{totals['projects']} projects"
    )
    emit(incident, rows, fmt, title="within reach", note=note)


@incident_app.command("list")
def list_command(
    ctx: typer.Context,
    country: Annotated[str | None, typer.Option("--country", help="Only this ISO3.")] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Only from this date, YYYY-MM-DD.")
    ] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Recorded incidents, newest first, with what lay within reach."""
    from beltroad.services.incidents import list_incidents

    found = _run(ctx, list_incidents, country=country, since=since)
    emit(found.incidents, found.rows(), fmt, title="security incidents")


@incident_app.command("alert")
def alert_command(
    ctx: typer.Context,
    incident_id: Annotated[int, typer.Argument(metavar="ID", help="The incident's id.")],
    fmt: FormatOption = Format.table,
) -> None:
    """Alert the units owning the projects within an incident's reach (notifications outbox)."""
    from beltroad.services.safety import alert_owning_units

    result = _run(ctx, alert_owning_units, incident_id)
    rows = [{"item": k, "value": ", ".join(map(str, v)) if isinstance(v, list) else v}
            for k, v in result.items()]  # fmt: skip
    emit(result, rows, fmt, title=f"incident {incident_id}: alerts")


@incident_app.command("country")
def country_command(
    ctx: typer.Context,
    country: Annotated[str, typer.Argument(metavar="ISO3", help="The country.")],
    fmt: FormatOption = Format.table,
) -> None:
    """A country's safety summary: incident history and open early warnings."""
    from beltroad.services.safety import country_safety

    result = _run(ctx, country_safety, country)
    note = (
        f"{len(result['incidents'])} incidents {result['incidents_by_year']}; casualties "
        f"{result['casualties']}; highest severity {result['max_severity']}; "
        f"{len(result['warnings'])} open early warnings"
    )
    emit(result, result["incidents"], fmt, title=f"safety: {result['country']}", note=note)
