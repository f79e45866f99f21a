"""Subcommands of ``beltroad risk`` (issue #5 parts 1-3): country, register, warnings, incident.

``country`` lives in :mod:`beltroad.cli.risk_country` and ``warnings``/``incident`` in
:mod:`beltroad.cli.risk_warnings`; this module holds ``register`` and attaches them all.
"""

import datetime as dt
from typing import Annotated, Any

import typer

from beltroad.cli.acting import acting_login
from beltroad.cli.output import Format, FormatOption, emit
from beltroad.cli.risk_country import RiskConfigOption

register_app = typer.Typer(
    rich_markup_mode=None,
    help="The risk register: list, add, review, escalate, refresh (auto entries), history.",
    no_args_is_help=True,
)

ActorOption = Annotated[
    str | None,
    typer.Option(
        "--actor",
        help="The user login who makes the change, for the audit trail (default: the --as "
        "user, else the local administrator).",
    ),
]
TodayOption = Annotated[
    str | None,
    typer.Option("--today", help="Judge overdue reviews as of this date, YYYY-MM-DD."),
]
# Fields that add and review both take.
ResidualLikelihoodOption = Annotated[
    int | None, typer.Option("--residual-likelihood", help="Likelihood after mitigation, 1-5.")
]
ResidualImpactOption = Annotated[
    int | None, typer.Option("--residual-impact", help="Impact after mitigation, 1-5.")
]
OwnerOption = Annotated[str | None, typer.Option("--owner", help="Owning organisation or unit.")]
ReviewOnOption = Annotated[
    str | None, typer.Option("--review-on", help="Next review, YYYY-MM-DD (default +interval).")
]
_STATUS_HELP = "open, monitoring, escalated, closed."


def register(risk_app: typer.Typer) -> None:
    """Attach this module's commands to the ``risk`` group."""
    from beltroad.cli import risk_country, risk_warnings

    risk_country.register(risk_app)
    risk_app.add_typer(register_app, name="register")
    risk_warnings.register(risk_app)


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


def _today(value: str | None) -> dt.date | None:
    from beltroad.services.risk_register import parse_date

    return parse_date(value, "--today")


@register_app.command("list")
def list_command(
    ctx: typer.Context,
    subject: Annotated[
        str | None, typer.Option("--subject", help="KIND:REF, e.g. country:PAK or project:ID.")
    ] = None,
    category: Annotated[str | None, typer.Option("--category", help="Only this category.")] = None,
    status: Annotated[
        str | None, typer.Option("--status", help="open, monitoring, escalated or closed.")
    ] = None,
    escalation: Annotated[
        bool, typer.Option("--escalation", help="Only entries that must be escalated.")
    ] = False,
    top: Annotated[int | None, typer.Option("--top", min=1, help="Only the N highest.")] = None,
    today: TodayOption = None,
    risk_config: RiskConfigOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """List entries, highest residual score first, with why each must escalate."""
    from beltroad.services.risk import load_config
    from beltroad.services.risk_register import list_entries

    view = _run(
        ctx,
        list_entries,
        subject=subject,
        category=category,
        status=status,
        escalation_only=escalation,
        top=top,
        today=_today(today),
        config=load_config(risk_config),
    )
    rows = view.entries if fmt is Format.csv else view.rows()
    if fmt is Format.csv:
        rows = [{**r, "escalation": "; ".join(r["escalation"])} for r in rows]
    emit(
        view.as_dict(),
        rows,
        fmt,
        title="risk register",
        note=f"{len(view.entries)} entries; escalation when the residual score is over "
        f"{view.threshold} or a review is overdue (as of {view.today.isoformat()})",
    )


@register_app.command("add")
def add_command(
    ctx: typer.Context,
    subject: Annotated[
        str,
        typer.Option(
            "--subject", help="KIND:REF: country:ISO3, project:ID, enterprise:ID, zone:ID."
        ),
    ],
    category: Annotated[
        str,
        typer.Option(
            "--category",
            help="geopolitical, political, sovereign_debt, security, environmental_social, "
            "compliance, currency, construction or operational.",
        ),
    ],
    title: Annotated[str, typer.Option("--title", help="What the risk is.")],
    likelihood: Annotated[
        int, typer.Option("--likelihood", help="1 (rare) to 5 (almost certain).")
    ],
    impact: Annotated[int, typer.Option("--impact", help="1 (minor) to 5 (severe).")],
    mitigation: Annotated[str | None, typer.Option("--mitigation", help="What reduces it.")] = None,
    residual_likelihood: ResidualLikelihoodOption = None,
    residual_impact: ResidualImpactOption = None,
    owner: OwnerOption = None,
    status: Annotated[str, typer.Option("--status", help=_STATUS_HELP)] = "open",
    review_on: ReviewOnOption = None,
    actor: ActorOption = None,
    risk_config: RiskConfigOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Add a manual entry (audited)."""
    from beltroad.services.risk import load_config
    from beltroad.services.risk_register import add_entry

    entry = _run(
        ctx,
        add_entry,
        subject=subject,
        category=category,
        title=title,
        likelihood=likelihood,
        impact=impact,
        mitigation=mitigation,
        residual_likelihood=residual_likelihood,
        residual_impact=residual_impact,
        owner=owner,
        status=status,
        review_on=review_on,
        actor=actor,
        config=load_config(risk_config),
    )
    emit(entry, [_flat(entry)], fmt, title=f"risk entry {entry['id']} added")


def _flat(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: ("; ".join(v) if isinstance(v, list) else v) for k, v in entry.items()}


@register_app.command("review")
def review_command(
    ctx: typer.Context,
    entry_id: Annotated[int, typer.Argument(help="The entry's id.")],
    likelihood: Annotated[
        int | None, typer.Option("--likelihood", help="New likelihood, 1-5.")
    ] = None,
    impact: Annotated[int | None, typer.Option("--impact", help="New impact, 1-5.")] = None,
    mitigation: Annotated[str | None, typer.Option("--mitigation", help="Mitigation.")] = None,
    residual_likelihood: ResidualLikelihoodOption = None,
    residual_impact: ResidualImpactOption = None,
    owner: OwnerOption = None,
    status: Annotated[str | None, typer.Option("--status", help=_STATUS_HELP)] = None,
    review_on: ReviewOnOption = None,
    note: Annotated[
        str | None, typer.Option("--note", help="Reviewer's note, kept in the audit trail.")
    ] = None,
    actor: ActorOption = None,
    risk_config: RiskConfigOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Record a review: change any field; new likelihood or impact on an auto entry overrides it."""
    from beltroad.services.risk import load_config
    from beltroad.services.risk_register import review

    entry = _run(
        ctx,
        review,
        entry_id,
        likelihood=likelihood,
        impact=impact,
        mitigation=mitigation,
        residual_likelihood=residual_likelihood,
        residual_impact=residual_impact,
        owner=owner,
        status=status,
        review_on=review_on,
        note=note,
        actor=actor,
        config=load_config(risk_config),
    )
    emit(entry, [_flat(entry)], fmt, title=f"risk entry {entry_id} reviewed")


@register_app.command("escalate")
def escalate_command(
    ctx: typer.Context,
    actor: ActorOption = None,
    today: TodayOption = None,
    risk_config: RiskConfigOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Escalate every open entry over the threshold or past its review date (audited)."""
    from beltroad.services.risk import load_config
    from beltroad.services.risk_register import escalate

    view = _run(ctx, escalate, actor=actor, today=_today(today), config=load_config(risk_config))
    emit(
        view.as_dict(),
        view.rows(),
        fmt,
        title="escalated risks",
        note=f"{len(view.entries)} entries escalated (residual over {view.threshold} "
        "or review overdue)",
    )


@register_app.command("refresh")
def refresh_command(
    ctx: typer.Context,
    year: Annotated[
        int | None, typer.Option("--year", help="Country scores as of this year.")
    ] = None,
    actor: ActorOption = None,
    today: TodayOption = None,
    risk_config: RiskConfigOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Create and re-score the auto entries from country scores and active projects."""
    from beltroad.services.risk import load_config
    from beltroad.services.risk_refresh import refresh

    report = _run(
        ctx, refresh, year=year, actor=actor, today=_today(today), config=load_config(risk_config)
    )
    payload = report.as_dict()
    rows = [{"item": k, "value": v} for k, v in payload.items() if k != "notes"]
    emit(payload, rows, fmt, title="risk register refresh", note="; ".join(report.notes) or None)


@register_app.command("history")
def history_command(
    ctx: typer.Context,
    entry_id: Annotated[int, typer.Argument(help="The entry's id.")],
    fmt: FormatOption = Format.table,
) -> None:
    """The audit trail of one entry: who changed what, when, before and after."""
    from beltroad.services.risk_register import history

    trail = _run(ctx, history, entry_id)
    rows = [
        {
            "at": t["at"],
            "actor": t["actor"],
            "action": t["action"],
            "before": t["before"],
            "after": t["after"],
        }
        for t in trail
    ]
    emit(trail, rows, fmt, title=f"history of risk entry {entry_id}")
