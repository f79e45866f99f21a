"""``beltroad assets fetch|check``: the web application's front-end assets (web/assets.toml)."""

from pathlib import Path
from typing import Annotated

import typer

assets_app = typer.Typer(
    rich_markup_mode=None,
    help="Front-end assets of the web application (pinned npm packages, fetched at install).",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(assets_app, name="assets")


@assets_app.command("fetch")
def fetch_command(
    mirror: Annotated[
        Path | None,
        typer.Option(
            "--mirror",
            help="Folder holding the package tarballs (NAME-VERSION.tgz) instead of the npm "
            "registry (default: BELTROAD_ASSET_MIRROR).",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Fetch again even if the files are in place.")
    ] = False,
) -> None:
    """Download, verify (sha512) and install the pinned assets into the package."""
    from beltroad.cli.output import stderr_console
    from beltroad.web.assets import VENDOR, fetch

    done = fetch(mirror=mirror, force=force)
    console = stderr_console()
    if done:
        console.print(f"installed {', '.join(done)} into {VENDOR}")
    else:
        console.print(f"all assets already in place in {VENDOR}")


@assets_app.command("check")
def check_command() -> None:
    """Exit 1 and name the files when any asset is missing."""
    from beltroad.cli.output import stderr_console
    from beltroad.web.assets import missing

    absent = missing()
    if absent:
        stderr_console().print("missing: " + ", ".join(absent) + "\nrun `beltroad assets fetch`")
        raise typer.Exit(1)
    stderr_console().print("all assets in place")
