"""``beltroad risk stress``: a few lines over :func:`beltroad.services.stress.run_stress_test`."""

from pathlib import Path
from typing import Annotated, Any

import typer

from beltroad.cli.output import Format, emit, with_flags
from beltroad.errors import InvalidInput

#: Breakdown rows per dimension in the table view (JSON and CSV have them all).
TABLE_ROWS = 10


def register(risk_app: typer.Typer) -> None:
    """Attach this module's commands to the ``risk`` group."""
    risk_app.command("stress")(stress_command)


def stress_command(
    ctx: typer.Context,
    scenario: Annotated[
        Path,
        typer.Argument(
            help="Scenario TOML file, or a shipped scenario's name: red_sea_closure, "
            "regional_conflict, sanctions_round."
        ),
    ],
    scenarios: Annotated[
        int, typer.Option("--scenarios", "-n", help="Number of Monte Carlo scenarios.")
    ] = 100_000,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Random seed (default: setting `seed`).")
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Dask scheduler tcp://HOST:PORT: run the chunks there."),
    ] = None,
    executor: Annotated[
        str | None,
        typer.Option(
            "--executor", help="local, process or dask (default: local, dask with --scheduler)."
        ),
    ] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Processes for --executor process.")
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Seconds to wait for the Dask scheduler.")
    ] = 10.0,
    rule: Annotated[
        str, typer.Option("--rule", help="aiddata (default) or all, as for breakdowns.")
    ] = "aiddata",
    config: Annotated[
        Path | None,
        typer.Option("--config-file", help="A stress.toml to use instead of the packaged one."),
    ] = None,
    no_store: Annotated[
        bool, typer.Option("--no-store", help="Do not record the run in scenario_runs.")
    ] = False,
    base_year: Annotated[
        int | None,
        typer.Option(
            "--base-year", help="EAD in constant USD of this year (default: newest in the data)."
        ),
    ] = None,
    deflator: Annotated[
        str | None, typer.Option("--deflator", help="Deflator series to convert with.")
    ] = None,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="Output format: table, json or csv.")
    ] = Format.table,
) -> None:
    """Monte Carlo stress test of the portfolio under a scenario: EL, VaR, ES and breakdowns."""
    from beltroad.cli.main import state
    from beltroad.services.stress import run_stress_test
    from beltroad.services.workspace import open_workspace

    workspace = open_workspace(state(ctx).settings())
    try:
        run = run_stress_test(
            workspace,
            scenario,
            scenarios=scenarios,
            seed=seed,
            executor_kind=executor,
            workers=workers,
            scheduler=scheduler,
            timeout=timeout,
            rule=rule,
            config_path=config,
            store_run=not no_store,
            base_year=base_year,
            deflator=deflator,
        )
    except InvalidInput as exc:
        raise with_flags(exc, {"base_year": "--base-year", "deflator": "--deflator"}) from None
    finally:
        workspace.close()
    payload = run.as_dict()
    rows = _rows(payload, limit=None if fmt is Format.csv else TABLE_ROWS)
    if fmt is Format.csv:  # every CSV row says which run it belongs to
        label = {"scenario": payload["scenario"], "seed": payload["seed"],
                 "scenarios": payload["scenarios"]}  # fmt: skip
        rows = [{**label, **row} for row in rows]
    note = (
        f"{payload['scenario']}: {payload['scenarios']:,} scenarios, seed {payload['seed']}, "
        f"{payload['groups']:,} groups of {payload['exposures']:,} exposures "
        f"({payload['projects']:,} projects); EL {payload['expected_loss']:,.0f}; "
        f"delayed projects {payload['delayed_projects']:,}; config {payload['config_version']}; "
        f"{payload['elapsed_s']:.2f} s on {payload['executor']}"
    )
    for extra in payload["notes"]:
        note += f"\nnote: {extra}"
    emit(payload, rows, fmt, title=f"stress test: {payload['scenario']}", note=note)


def _rows(payload: dict[str, Any], *, limit: int | None) -> list[dict[str, Any]]:
    """Portfolio first, then the breakdown rows (the ``limit`` largest by EL of each)."""

    def flat(kind: str, name: str, row: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"by": kind, "name": name, "exposure": row.get("exposure"),
                               "expected_loss": row["expected_loss"]}  # fmt: skip
        for level in ("95", "99", "99.9"):
            out[f"var_{level}"] = row["var"][level]
            out[f"es_{level}"] = row["es"][level]
        return out

    rows = [flat("portfolio", "total", payload)]
    for family in ("country", "sector", "corridor", "financier"):
        for row in payload[f"by_{family}"][:limit]:
            rows.append(flat(family, str(row[family]), row))
    return rows
