"""``beltroad risk``: one command group whose subcommands live in their own modules."""

import typer

risk_app = typer.Typer(
    rich_markup_mode=None,
    help="Country risk, the risk register, early warnings and stress tests.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    from beltroad.cli import risk_register, risk_runs, risk_stress

    risk_register.register(risk_app)
    risk_stress.register(risk_app)
    risk_runs.register(risk_app)
    if risk_app.registered_commands:  # an empty group would be a command that does nothing
        app.add_typer(risk_app, name="risk")
