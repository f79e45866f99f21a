"""``beltroad risk runs list|show|compare`` and ``beltroad risk submit``: stress runs as stored
jobs (issue #18), over :mod:`beltroad.services.jobs`."""

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from beltroad.cli.output import Format, emit, with_flags
from beltroad.errors import InvalidInput

runs_app = typer.Typer(
    rich_markup_mode=None, help="Stored stress-run jobs: list, show, compare.", no_args_is_help=True
)

FLAGS = {"scenario": "SCENARIO", "edits": "--edits", "scenarios": "--scenarios", "seed": "--seed",
         "run_a": "RUN_A", "run_b": "RUN_B"}  # fmt: skip
FormatOption = Annotated[
    Format, typer.Option("--format", "-f", help="Output format: table, json or csv.")
]


def register(risk_app: typer.Typer) -> None:
    risk_app.command("submit")(submit_command)
    risk_app.add_typer(runs_app, name="runs")
    runs_app.command("list")(list_command)
    runs_app.command("show")(show_command)
    runs_app.command("compare")(compare_command)


def _edits(text: str | None) -> dict[str, Any]:
    if text is None:
        return {}
    source = Path(text)
    raw = source.read_text(encoding="utf-8") if source.is_file() else text
    try:
        if source.suffix == ".toml" and source.is_file():
            import tomllib

            return tomllib.loads(raw)
        data = json.loads(raw)
    except (ValueError, json.JSONDecodeError) as exc:
        raise InvalidInput.at(f"expected JSON or a TOML file ({exc})", field="--edits") from None
    if not isinstance(data, dict):
        raise InvalidInput.at("expected a JSON object", field="--edits", value=text)
    return data


def submit_command(
    ctx: typer.Context,
    scenario: Annotated[str, typer.Argument(help="A shipped scenario's name or a TOML file.")],
    edits: Annotated[
        str | None,
        typer.Option(
            "--edits",
            help='Scenario edits merged over it: JSON (e.g. \'{"factor_shocks": [{"country": '
            '"PAK", "shock_sd": 2}]}\') or a TOML file; a list replaces the scenario\'s.',
        ),
    ] = None,
    scenarios: Annotated[int, typer.Option("--scenarios", "-n", help="Monte Carlo scenarios.")] = (
        100_000
    ),
    seed: Annotated[int | None, typer.Option("--seed", help="Random seed.")] = None,
    executor: Annotated[
        str | None, typer.Option("--executor", help="local, process or dask.")
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Dask scheduler tcp://HOST:PORT.")
    ] = None,
    owner: Annotated[str, typer.Option("--owner", help="Who submits it.")] = "cli",
    fmt: FormatOption = Format.table,
) -> None:
    """Run a stress test as a stored job (inputs, seed, data vintage, progress and result kept
    for `risk runs`); the command waits for it."""
    from beltroad.cli.main import state
    from beltroad.services.jobs import StressJobInputs, get_job, submit_stress
    from beltroad.services.workspace import open_workspace

    workspace = open_workspace(state(ctx).settings())
    try:
        inputs = StressJobInputs(scenario, _edits(edits), scenarios=scenarios, seed=seed,
                                 executor=executor, scheduler=scheduler)  # fmt: skip
        job_id = submit_stress(workspace, inputs, owner=owner)
        job = get_job(workspace, job_id)
    except InvalidInput as exc:
        raise with_flags(exc, FLAGS) from None
    finally:
        workspace.close()
    _show(job, fmt)
    if job["status"] != "done":
        raise typer.Exit(1)


def _summary(job: dict[str, Any]) -> dict[str, Any]:
    result = job.get("result") or {}
    return {
        "id": job["id"],
        "status": job["status"],
        "progress": f"{100 * job['progress']:.0f}%",
        "scenario": job["inputs"]["scenario"],
        "edited": bool(job["inputs"].get("edits")),
        "scenarios": job["inputs"]["scenarios"],
        "seed": job["seed"],
        "expected_loss": result.get("expected_loss"),
        "var_99": (result.get("var") or {}).get("99"),
        "owner": job["owner"],
        "submitted_at": job["submitted_at"],
    }


def _show(job: dict[str, Any], fmt: Format) -> None:
    rows = [{"item": k, "value": v} for k, v in _summary(job).items()]
    result = job.get("result") or {}
    for family in ("country", "sector", "corridor", "financier"):
        for row in result.get(f"by_{family}", [])[:5]:
            rows.append({"item": f"EL {family}: {row.get('name', row[family])}",
                         "value": row["expected_loss"]})  # fmt: skip
    note = job["error"] or f"data vintage: {len(job['data_vintage'] or [])} datasets"
    emit(job, rows, fmt, title=f"stress job {job['id']}", note=note)


def list_command(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Newest N jobs.")] = 50,
    fmt: FormatOption = Format.table,
) -> None:
    """The stored stress jobs, newest first, with status and progress."""
    from beltroad.cli.main import state
    from beltroad.services.jobs import list_jobs
    from beltroad.services.workspace import open_workspace

    workspace = open_workspace(state(ctx).settings())
    try:
        jobs = list_jobs(workspace, limit=limit)
    finally:
        workspace.close()
    rows = [{k: v for k, v in _summary(j).items() if k not in ("expected_loss", "var_99")}
            for j in jobs]  # fmt: skip
    emit(jobs, rows, fmt, title="stress jobs")


def show_command(
    ctx: typer.Context,
    job_id: Annotated[int, typer.Argument(metavar="ID", help="The job's id.")],
    fmt: FormatOption = Format.table,
) -> None:
    """One job: inputs, seed, progress, and its result with the named breakdowns."""
    from beltroad.cli.main import state
    from beltroad.services.jobs import get_job
    from beltroad.services.workspace import open_workspace

    workspace = open_workspace(state(ctx).settings())
    try:
        job = get_job(workspace, job_id)
    finally:
        workspace.close()
    _show(job, fmt)


def compare_command(
    ctx: typer.Context,
    run_a: Annotated[int, typer.Argument(metavar="RUN_A")],
    run_b: Annotated[int, typer.Argument(metavar="RUN_B")],
    top: Annotated[int, typer.Option("--top", min=1, help="Breakdown rows per family.")] = 10,
    fmt: FormatOption = Format.table,
) -> None:
    """Two finished runs side by side: inputs that differ, measures and the rows that moved."""
    from beltroad.cli.main import state
    from beltroad.services.job_compare import compare_runs
    from beltroad.services.workspace import open_workspace

    workspace = open_workspace(state(ctx).settings())
    try:
        result = compare_runs(workspace, run_a, run_b, top=top)
    except InvalidInput as exc:
        raise with_flags(exc, FLAGS) from None
    finally:
        workspace.close()
    rows = [{"what": m["measure"], "a": m["a"], "b": m["b"], "change": m["change"],
             "change_pct": m["change_pct"]} for m in result["measures"]]  # fmt: skip
    for family, items in result["breakdowns"].items():
        for r in items[:5]:
            el = r["expected_loss"]
            rows.append({"what": f"EL {family}: {r['name']}", "a": el["a"], "b": el["b"],
                         "change": el["change"], "change_pct": el["change_pct"]})  # fmt: skip
    differ = "; ".join(f"{d['input']}: {d['a']} -> {d['b']}" for d in result["inputs_differ"])
    note = (f"inputs that differ: {differ or 'none'}; same data vintage: "
            f"{result['same_data_vintage']}")  # fmt: skip
    emit(result, rows, fmt, title=f"stress job {run_a} vs {run_b}", note=note)
