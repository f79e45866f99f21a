"""Benchmark: ``beltroad funnel`` against pandas reading the same columns and computing the same.

    python benchmarks/bench_funnel.py [--projects 200000] [--workdir DIR] [--repeat 3]

Times, best of ``--repeat``, in the same run:

* once: the analytics snapshot rebuilt from the database (what the first funnel or breakdown after
  a change of the registry pays), and loaded from the data directory (once per process);
* beltroad: ``beltroad.services.funnel.funnel(workspace, as_of=..., rule=...)``, the whole
  service on the current snapshot (the generation check, the numpy engine, labels of the listed
  projects);
* baseline: ``pandas.read_sql`` through the same SQLAlchemy engine of the same columns (the
  projects with identifier and title, the rule's filter in SQL, and the same per-project
  transaction and milestone aggregates computed in SQL), then the same stage rules, counts,
  amounts, conversion, slippage distribution, worst cases and stalled projects in pandas.

Both results must agree: every count, date, day and list exactly, amounts to 1e-9 relative
(pandas sums with compensation, beltroad in project order). The target (issue 4): ≤ 1 s and ≥ 5×
faster than the baseline.

``--workdir`` reuses a data directory (for example one built by ``bench_analytics.py``); its
schema is upgraded first only if it is older than this beltroad's. Nothing else is written to an
existing database; its ``analytics/`` snapshots are removed and rebuilt. Without ``--workdir`` a
synthetic portfolio of ``--projects`` is built in a temporary directory, removed afterwards.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import platform
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

TARGET_SECONDS = 1.0
TARGET_RATIO = 5.0
AS_OF = dt.date(2024, 6, 30)
STALLED_MONTHS = 12
WORST = 10


# --- the portfolio -----------------------------------------------------------------------------


def _workspace(workdir: Path, projects: int, seed: int, fresh: bool) -> Any:
    from beltroad.services.setup import initialise
    from beltroad.services.workspace import open_workspace
    from beltroad.settings import Settings
    from beltroad.storage.database import current_revision, head_revision, make_engine

    settings = Settings(data_dir=workdir)
    if not fresh:
        engine = make_engine(settings.database_url)
        try:
            revision = current_revision(engine)
        finally:
            engine.dispose()
        if revision != head_revision():
            print(f"upgrading the schema from {revision} to {head_revision()}", flush=True)
            initialise(settings)
        print(f"reusing {settings.database_url}", flush=True)
        return open_workspace(settings)
    from beltroad.engines.synthetic import default_calibration
    from beltroad.services.synthetic import build_synthetic_portfolio

    print(f"building {projects:,} synthetic projects (seed {seed}) ...", flush=True)
    started = time.perf_counter()
    initialise(settings)
    workspace = open_workspace(settings)
    build_synthetic_portfolio(
        workspace, projects=projects, seed=seed, calibration=default_calibration()
    )
    print(f"  built in {time.perf_counter() - started:.1f} s", flush=True)
    return workspace


def _counts(engine: Any) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            name: int(connection.exec_driver_sql(f"SELECT count(*) FROM {name}").scalar_one())  # noqa: S608
            for name in ("projects", "transactions", "milestones")
        }


# --- beltroad ----------------------------------------------------------------------------------


def beltroad_funnel(workspace: Any, rule: str) -> dict[str, Any]:
    from beltroad.services.funnel import funnel

    result = funnel(
        workspace,
        as_of=AS_OF,
        stalled_months=STALLED_MONTHS,
        worst=WORST,
        rule=rule,
        today=AS_OF,
    )
    return result.funnel.as_dict()


def _snapshot_times(workspace: Any) -> tuple[float, float, float, int]:
    """Wall and CPU seconds to rebuild the analytics snapshot from the database, seconds to load
    it from disk, and the projects in it."""
    from beltroad.services.portfolio import portfolio_snapshot

    workspace.snapshots = None  # what a new process starts with
    shutil.rmtree(workspace.settings.data_dir / "analytics", ignore_errors=True)
    started, cpu = time.perf_counter(), time.process_time()
    projects = len(portfolio_snapshot(workspace))
    build_s, build_cpu = time.perf_counter() - started, time.process_time() - cpu
    workspace.snapshots = None  # what a new process starts with
    started = time.perf_counter()
    portfolio_snapshot(workspace)
    return build_s, build_cpu, time.perf_counter() - started, projects


# --- pandas ------------------------------------------------------------------------------------

LADDER = ("mou", "pipeline", "commitment", "implementation", "completion")
OFF_LADDER = ("cancelled", "suspended")
STAGES = LADDER + OFF_LADDER


def _months_before(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return dt.date(year, month, min(day.day, (following - dt.timedelta(days=1)).day))


def pandas_funnel(engine: Any, rule: str) -> dict[str, Any]:
    """The funnel as an analyst would write it with pandas over ``read_sql``."""
    import numpy as np
    import pandas as pd

    where = (
        " WHERE recommended_for_aggregates IS NOT FALSE AND is_umbrella IS FALSE"
        if rule == "aiddata"
        else ""
    )
    dates = ["planned_start", "actual_start", "planned_end", "actual_end"]
    projects = pd.read_sql(
        "SELECT id, identifier, title, stage, status, planned_start, actual_start, planned_end, "  # noqa: S608
        f"actual_end, amount_usd_constant AS amount FROM projects{where}",
        engine,
        parse_dates=dates,
    )
    transactions = pd.read_sql(
        "SELECT project_id AS id, MAX(date) AS last_transaction, "
        "MAX(CASE WHEN type = 2 THEN 1 ELSE 0 END) AS committed "
        "FROM transactions GROUP BY project_id",
        engine,
        parse_dates=["last_transaction"],
    )
    milestones = pd.read_sql(
        "SELECT project_id AS id, MAX(actual_on) AS last_milestone FROM milestones "
        "WHERE actual_on IS NOT NULL GROUP BY project_id",
        engine,
        parse_dates=["last_milestone"],
    )
    df = projects.merge(transactions, on="id", how="left").merge(milestones, on="id", how="left")
    for column in [*dates, "last_transaction", "last_milestone"]:
        df[column] = pd.to_datetime(df[column]).astype("datetime64[s]")
    status = df["status"].fillna(0)
    committed = df["committed"].fillna(0).astype(bool)
    rules = pd.Series("pipeline", index=df.index)
    rules = rules.mask(committed, "commitment")
    rules = rules.mask(df["actual_start"].notna() | (status == 2), "implementation")
    rules = rules.mask(df["actual_end"].notna() | status.isin([3, 4]), "completion")
    rules = rules.mask(status == 6, "suspended").mask(status == 5, "cancelled")
    df["funnel_stage"] = df["stage"].where(df["stage"].isin(STAGES), rules)
    df["last_event"] = df[["actual_start", "actual_end", "last_transaction", "last_milestone"]].max(
        axis=1
    )

    counts = df["funnel_stage"].value_counts().reindex(STAGES, fill_value=0)
    amounts = df.groupby("funnel_stage")["amount"].sum().reindex(STAGES, fill_value=0.0)
    stages: list[dict[str, Any]] = []
    previous: int | None = None
    for i, stage in enumerate(LADDER):
        reached = int(counts[list(LADDER[i:])].sum())
        stages.append(
            {
                "stage": stage,
                "projects": int(counts[stage]),
                "amount": float(amounts[stage]),
                "reached": reached,
                "conversion_from_previous": round(reached / previous, 4) if previous else None,
            }
        )
        previous = reached
    total = len(df)
    off = [
        {
            "stage": stage,
            "projects": int(counts[stage]),
            "amount": float(amounts[stage]),
            "share": round(int(counts[stage]) / total, 4) if total else None,
        }
        for stage in OFF_LADDER
    ]

    slippage: dict[str, Any] = {"unit": "days (actual minus planned; positive is late)"}
    for name in ("start", "end"):
        planned, actual = df[f"planned_{name}"], df[f"actual_{name}"]
        measured = df[planned.notna() & actual.notna()].copy()
        measured["days"] = (measured[f"actual_{name}"] - measured[f"planned_{name}"]).dt.days
        days = measured["days"]
        n = len(days)
        ordered = np.sort(days.to_numpy())
        worst = (
            measured[measured["days"] > 0]
            .sort_values(["days", "identifier"], ascending=[False, True], kind="stable")
            .head(WORST)
        )
        slippage[name] = {
            "projects": n,
            "mean": round(float(days.mean()), 1) if n else None,
            "median": (float(days.median()) if n % 2 == 0 else int(days.median())) if n else None,
            "p90": int(ordered[min(n - 1, int(0.9 * (n - 1) + 0.5))]) if n else None,
            "min": int(days.min()) if n else None,
            "max": int(days.max()) if n else None,
            "late": int((days > 0).sum()),
            "early": int((days < 0).sum()),
            "on_time": int((days == 0).sum()),
            "worst": [
                {
                    "identifier": row.identifier,
                    "title": row.title,
                    "planned": getattr(row, f"planned_{name}").date().isoformat(),
                    "actual": getattr(row, f"actual_{name}").date().isoformat(),
                    "days": int(row.days),
                }
                for row in worst.itertuples()
            ],
        }

    cutoff = _months_before(AS_OF, STALLED_MONTHS)
    open_projects = df[df["funnel_stage"].isin(LADDER[:-1])]
    stalled = open_projects[open_projects["last_event"] < pd.Timestamp(cutoff)]
    longest = stalled.sort_values(["last_event", "identifier"], kind="stable").head(WORST)
    return {
        "stages": stages,
        "off_ladder": off,
        "total": {"projects": total, "amount": float(amounts.sum())},
        "slippage": slippage,
        "stalled": {
            "months": STALLED_MONTHS,
            "as_of": AS_OF.isoformat(),
            "cutoff": cutoff.isoformat(),
            "projects": len(stalled),
            "open_projects": len(open_projects),
            "no_event_recorded": int(open_projects["last_event"].isna().sum()),
            "longest": [
                {
                    "identifier": row.identifier,
                    "title": row.title,
                    "stage": row.funnel_stage,
                    "last_event": row.last_event.date().isoformat(),
                    "days_since": (AS_OF - row.last_event.date()).days,
                }
                for row in longest.itertuples()
            ],
        },
    }


# --- comparing and timing ----------------------------------------------------------------------


def _differences(ours: Any, theirs: Any, path: str = "") -> list[str]:
    """Where two results differ: exactly, except amounts (floats) to 1e-9 relative."""
    if isinstance(ours, dict) and isinstance(theirs, dict):
        if list(ours) != list(theirs):
            return [f"{path}: keys {list(ours)} != {list(theirs)}"]
        return [d for k in ours for d in _differences(ours[k], theirs[k], f"{path}.{k}")]
    if isinstance(ours, list) and isinstance(theirs, list):
        if len(ours) != len(theirs):
            return [f"{path}: {len(ours)} items != {len(theirs)}"]
        return [
            d
            for i, (a, b) in enumerate(zip(ours, theirs, strict=True))
            for d in _differences(a, b, f"{path}[{i}]")
        ]
    if isinstance(ours, float) and isinstance(theirs, float) and path.endswith("amount"):
        return (
            []
            if math.isclose(ours, theirs, rel_tol=1e-9, abs_tol=1e-6)
            else [f"{path}: {ours} != {theirs}"]
        )
    if ours != theirs or type(ours) is not type(theirs):
        return [f"{path}: {ours!r} != {theirs!r}"]
    return []


def _best(run: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """Best wall and best CPU seconds of ``repeat`` runs (SQLite works in this process, so CPU
    time counts the database's work too), and the last result."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        result = run()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=200_000, help="synthetic projects to build")
    parser.add_argument("--seed", type=int, default=20241203)
    parser.add_argument("--workdir", type=Path, help="an existing data directory to reuse")
    parser.add_argument("--rule", choices=("aiddata", "all"), default="aiddata")
    parser.add_argument("--repeat", type=int, default=3, help="runs per side; the best counts")
    args = parser.parse_args(argv)

    import numpy as np
    import pandas as pd

    print(
        f"python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}, "
        f"sqlite {sqlite3.sqlite_version}; as of {AS_OF}, stalled {STALLED_MONTHS} months, "
        f"worst {WORST}, rule {args.rule}",
        flush=True,
    )
    temporary = None
    if args.workdir is None:
        temporary = Path(tempfile.mkdtemp(prefix="bench_funnel_"))
    workdir = args.workdir or temporary
    assert workdir is not None
    workspace = _workspace(workdir, args.projects, args.seed, fresh=args.workdir is None)
    try:
        counts = _counts(workspace.engine)
        print(", ".join(f"{n:,} {t}" for t, n in counts.items()), flush=True)
        build_s, build_cpu, load_s, rows = _snapshot_times(workspace)
        print(
            f"analytics snapshot: rebuilt from the database in {build_s:.2f} s wall, "
            f"{build_cpu:.2f} s CPU (once per change of the registry), loaded from the data dir "
            f"in {load_s:.3f} s (once per process)",
            flush=True,
        )
        ours_s, ours_cpu, ours = _best(lambda: beltroad_funnel(workspace, args.rule), args.repeat)
        theirs_s, theirs_cpu, theirs = _best(
            lambda: pandas_funnel(workspace.engine, args.rule), args.repeat
        )
    finally:
        workspace.close()
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)

    differences = _differences(ours, theirs)
    ratio = theirs_s / ours_s
    print(f"projects: {rows:,} in the snapshot, {ours['total']['projects']:,} in the funnel")
    print(f"beltroad funnel on the snapshot: {ours_s:.3f} s wall, {ours_cpu:.3f} s CPU")
    print(f"pandas baseline: {theirs_s:.3f} s wall, {theirs_cpu:.3f} s CPU")
    print(f"ratio: {ratio:.1f}× faster wall, {theirs_cpu / ours_cpu:.1f}× CPU")
    print(
        f"target: ≤ {TARGET_SECONDS:.0f} s and ≥ {TARGET_RATIO:.0f}×: "
        f"{'met' if ours_s <= TARGET_SECONDS and ratio >= TARGET_RATIO else 'not met'} "
        f"(time {'yes' if ours_s <= TARGET_SECONDS else 'no'}, "
        f"ratio {'yes' if ratio >= TARGET_RATIO else 'no'})"
    )
    if differences:
        print(f"results DIFFER in {len(differences)} places:")
        for line in differences[:20]:
            print("  " + line)
        return 1
    print("results agree: every count, date and list exactly, amounts to 1e-9 relative")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
