"""Benchmark: breakdowns and the headline in the database, against pandas reading and grouping.

    python benchmarks/bench_analytics.py --projects 1000000 [--db URL] [--workdir DIR]

Builds (or reuses) a synthetic portfolio in SQLite (default) or at ``--db`` (a PostgreSQL URL),
then times each query both ways, best of ``--repeat``, in the same run:

* beltroad: ``beltroad.services.breakdown.breakdown(workspace, by=[...], measure="commitment",
  rule="aiddata")`` and ``beltroad.services.headline.headline(workspace)``;
* baseline: ``pandas.read_sql`` (through the same SQLAlchemy engine) of the rows the query needs
  (the rule's row filter and the sector vocabulary filter are pushed into SQL, in the baseline's
  favour), then the same split (country, sector and financier shares) and group-by in pandas.

Both sides' results are compared: the same groups, the same project counts, and amounts equal to
1e-6 relative (per group and in total). The target (issue 4): each query ≤ 1 s on SQLite and
≥ 5× faster than the baseline.

With ``--workdir`` the database and a small JSON of its parameters (projects, seed, base year,
database) stay there, and a later run with the same parameters reuses them; without it a
temporary directory is used and removed afterwards.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import platform
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

QUERIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("flow-class", ("flow-class",)),
    ("year", ("year",)),
    ("status", ("status",)),
    ("country", ("country",)),
    ("region", ("region",)),
    ("sector", ("sector",)),
    ("country+sector", ("country", "sector")),
    ("financier", ("financier",)),
)
PROJECT_COLUMNS = {"flow-class": "flow_class", "year": "commitment_year", "status": "status"}
SOURCE_OF = {
    "country": "country",
    "region": "country",
    "sector": "sector",
    "financier": "financier",
}
PARAMETERS_FILE = "bench_analytics.json"
TARGET_SECONDS = 1.0
TARGET_RATIO = 5.0


# --- the portfolio -----------------------------------------------------------------------------


def _workspace(workdir: Path, db: str | None, projects: int, seed: int) -> Any:
    """Open (building first if needed) the benchmark's workspace."""
    from sqlalchemy.engine import make_url

    from beltroad.engines.synthetic import default_calibration
    from beltroad.services.setup import initialise
    from beltroad.services.synthetic import build_synthetic_portfolio
    from beltroad.services.workspace import open_workspace
    from beltroad.settings import Settings

    settings = Settings(data_dir=workdir, db=db)
    label = make_url(settings.database_url).render_as_string(hide_password=True)
    wanted = {
        "projects": projects,
        "seed": seed,
        "base_year": settings.base_year,
        "database": label,
    }
    record = workdir / PARAMETERS_FILE
    found = json.loads(record.read_text(encoding="utf-8")) if record.is_file() else None
    if found == wanted:
        print(f"reusing the portfolio in {label} ({record})", flush=True)
        initialise(settings)  # upgrades a database built by an older beltroad
        return open_workspace(settings)
    if db is None:  # a fresh SQLite file is quicker than replacing the dataset in place
        for leftover in workdir.glob("beltroad.db*"):
            leftover.unlink()
    record.unlink(missing_ok=True)
    print(f"building {projects:,} synthetic projects (seed {seed}) in {label} ...", flush=True)
    started = time.perf_counter()
    initialise(settings)
    workspace = open_workspace(settings)
    report = build_synthetic_portfolio(
        workspace, projects=projects, seed=seed, calibration=default_calibration()
    )
    with workspace.engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")  # fresh statistics for the query planner
    print(
        f"  built in {time.perf_counter() - started:.1f} s: {report.written or 'kept'}", flush=True
    )
    record.write_text(json.dumps(wanted, indent=2) + "\n", encoding="utf-8")
    return workspace


def _counts(engine: Any) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            name: int(connection.exec_driver_sql(f"SELECT count(*) FROM {name}").scalar_one())  # noqa: S608
            for name in ("projects", "project_countries", "project_sectors", "transactions")
        }


# --- beltroad ----------------------------------------------------------------------------------


def _key(value: Any) -> Any:
    """One comparable form for a group key from SQL or from pandas (NaN, None, 3.0, 3)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    try:
        import pandas as pd

        if value is pd.NA:
            return None
    except ImportError:  # pragma: no cover
        pass
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _snapshot_times(workspace: Any) -> tuple[float, float]:
    """Seconds to rebuild the analytics snapshot from the database, and to load it from disk."""
    from beltroad.services.portfolio import portfolio_snapshot

    workspace.snapshots = None  # what a new process starts with
    shutil.rmtree(workspace.settings.data_dir / "analytics", ignore_errors=True)
    started = time.perf_counter()
    portfolio_snapshot(workspace)
    build_s = time.perf_counter() - started
    workspace.snapshots = None  # what a new process starts with
    started = time.perf_counter()
    portfolio_snapshot(workspace)
    return build_s, time.perf_counter() - started


def beltroad_breakdown(workspace: Any, by: tuple[str, ...]) -> dict[str, Any]:
    from beltroad.services.breakdown import breakdown

    result = breakdown(workspace, by=list(by), measure="commitment", rule="aiddata")
    return {
        "groups": {
            tuple(_key(r[d]) for d in by): (int(r["projects"]), float(r["amount"] or 0.0))
            for r in result.rows
        },
        "projects": int(result.total["projects"]),
        "amount": float(result.total["amount"] or 0.0),
    }


def beltroad_headline(workspace: Any, as_of: dt.date) -> dict[str, float]:
    from beltroad.services.headline import headline

    return dict(headline(workspace, as_of, today=as_of).figures)


# --- the baseline: pandas ----------------------------------------------------------------------


def pandas_breakdown(engine: Any, by: tuple[str, ...]) -> dict[str, Any]:
    import pandas as pd

    sources = {SOURCE_OF[d] for d in by if d in SOURCE_OF}
    columns = ["id", "amount_usd_constant", *(PROJECT_COLUMNS[d] for d in by if d not in SOURCE_OF)]
    # the aiddata rule: recommended (or not said) and never umbrella records
    rule = "(recommended_for_aggregates IS NULL OR recommended_for_aggregates) AND NOT is_umbrella"
    with engine.connect() as connection:
        frame = pd.read_sql(f"SELECT {', '.join(columns)} FROM projects WHERE {rule}", connection)  # noqa: S608
        frame["share"] = 1.0
        if "country" in sources:
            pc = pd.read_sql(
                "SELECT project_id, iso3, percentage FROM project_countries", connection
            )
            if "region" in by:
                countries = pd.read_sql("SELECT iso3, region FROM countries", connection)
                pc = pc.merge(countries, on="iso3", how="left")
            frame = frame.merge(pc, left_on="id", right_on="project_id", how="left")
            frame["share"] *= frame["percentage"].fillna(100.0) / 100.0
            frame = frame.drop(columns=["project_id", "percentage"]).rename(
                columns={"iso3": "country"}
            )
        if "sector" in sources:
            ps = pd.read_sql(
                "SELECT project_id, vocabulary, code, percentage FROM project_sectors "
                "WHERE vocabulary IN ('1', '2')",
                connection,
            )
            ps["sector"] = ps["code"].where(ps["vocabulary"] != "1", ps["code"].str[:3])
            frame = frame.merge(
                ps[["project_id", "sector", "percentage"]],
                left_on="id",
                right_on="project_id",
                how="left",
            )
            frame["share"] *= frame["percentage"].fillna(100.0) / 100.0
            frame = frame.drop(columns=["project_id", "percentage"])
        if "financier" in sources:
            funders = pd.read_sql(
                "SELECT p.project_id, o.name AS financier FROM participations p "
                "JOIN organisations o ON o.id = p.organisation_id WHERE p.role = 'funding'",
                connection,
            )
            funders["fshare"] = 1.0 / funders.groupby("project_id")["project_id"].transform("size")
            frame = frame.merge(funders, left_on="id", right_on="project_id", how="left")
            frame["share"] *= frame["fshare"].fillna(1.0)
            frame = frame.drop(columns=["project_id", "fshare"])
    total_projects = int(frame["id"].nunique())
    frame["amount"] = frame["amount_usd_constant"] * frame["share"]
    keys = [PROJECT_COLUMNS.get(d, d) for d in by]
    grouped = frame.groupby(keys, dropna=False, sort=False)
    # a project is counted once per group: distinct ids only where a split can repeat it there
    fan_out = "sector" in sources or any(
        s in sources and s not in by for s in ("country", "financier")
    )
    projects = grouped["id"].nunique() if fan_out else grouped.size()
    amounts = grouped["amount"].sum(min_count=1)
    groups: dict[tuple[Any, ...], tuple[int, float]] = {}
    assert amounts.index.equals(projects.index)  # one groupby: same groups, same order
    for index, count, amount in zip(projects.index, projects, amounts, strict=True):
        key = index if isinstance(index, tuple) else (index,)
        groups[tuple(_key(k) for k in key)] = (
            int(count),
            0.0 if pd.isna(amount) else float(amount),
        )
    return {"groups": groups, "projects": total_projects, "amount": float(frame["amount"].sum())}


def pandas_headline(engine: Any, as_of: dt.date) -> dict[str, float]:
    """The five headline figures from the tables read whole into pandas."""
    import pandas as pd

    day = pd.Timestamp(as_of)

    def dates(frame: Any, *names: str) -> Any:
        for name in names:
            frame[name] = pd.to_datetime(frame[name])
        return frame

    with engine.connect() as connection:
        partnerships = dates(
            pd.read_sql(
                "SELECT country_iso3, organisation_id, joined_on, exited_on FROM partnerships",
                connection,
            ),
            "joined_on",
            "exited_on",
        )
        documents = dates(
            pd.read_sql(
                "SELECT id, signed_on, expires_on, status FROM cooperation_documents", connection
            ),
            "signed_on",
            "expires_on",
        )
        parties = pd.read_sql(
            "SELECT document_id, country_iso3, organisation_id FROM document_parties", connection
        )
        organisations = pd.read_sql("SELECT id, is_international FROM organisations", connection)
        enterprises = dates(
            pd.read_sql(
                "SELECT established_on, closed_on, stock_usd_constant FROM overseas_enterprises",
                connection,
            ),
            "established_on",
            "closed_on",
        )
        zones = pd.read_sql(
            "SELECT established_year, jobs_local FROM cooperation_zones", connection
        )
    in_force = partnerships[
        (partnerships["joined_on"].isna() | (partnerships["joined_on"] <= day))
        & (partnerships["exited_on"].isna() | (partnerships["exited_on"] >= day))
    ]
    signed = documents[
        documents["signed_on"].notna()
        & (documents["signed_on"] <= day)
        & (documents["expires_on"].isna() | (documents["expires_on"] >= day))
        & ~documents["status"].isin(("draft", "proposed"))
    ]
    signed_parties = parties[parties["document_id"].isin(signed["id"])]
    countries = set(in_force["country_iso3"].dropna()) | set(
        signed_parties["country_iso3"].dropna()
    )
    countries.discard("CHN")
    international = set(organisations.loc[organisations["is_international"].astype(bool), "id"])
    orgs = set(in_force["organisation_id"].dropna()) | (
        set(signed_parties["organisation_id"].dropna()) & international
    )
    active = enterprises[
        (enterprises["established_on"].isna() | (enterprises["established_on"] <= day))
        & (enterprises["closed_on"].isna() | (enterprises["closed_on"] > day))
    ]
    built = zones[zones["established_year"].isna() | (zones["established_year"] <= as_of.year)]
    return {
        "partner_countries": float(len(countries)),
        "partner_organizations": float(len(orgs)),
        "overseas_enterprises": float(len(active)),
        "investment_stock_usd": float(active["stock_usd_constant"].fillna(0.0).sum()),
        "zone_local_jobs": float(built["jobs_local"].fillna(0).sum()),
    }


# --- timing and checking -----------------------------------------------------------------------


def _best(run: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, result = math.inf, None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - started)
    return best, result


def _close(a: float, b: float, rel: float = 1e-6) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=1e-6)


def _compare_breakdowns(ours: dict[str, Any], theirs: dict[str, Any]) -> str | None:
    """None when both sides agree, else what differs."""
    if ours["projects"] != theirs["projects"]:
        return f"total projects {ours['projects']:,} vs {theirs['projects']:,}"
    if not _close(ours["amount"], theirs["amount"]):
        return f"total amount {ours['amount']:,.2f} vs {theirs['amount']:,.2f}"
    if set(ours["groups"]) != set(theirs["groups"]):
        only = set(ours["groups"]) ^ set(theirs["groups"])
        sizes = f"{len(ours['groups'])} vs {len(theirs['groups'])}"
        return f"groups differ ({sizes}): {sorted(only, key=str)[:5]}"
    for key, (count, amount) in ours["groups"].items():
        other_count, other_amount = theirs["groups"][key]
        if count != other_count or not _close(amount, other_amount):
            return f"group {key}: {count}, {amount:,.2f} vs {other_count}, {other_amount:,.2f}"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--projects", type=int, default=1_000_000, help="synthetic projects (default 1,000,000)"
    )
    parser.add_argument("--seed", type=int, default=20241203)
    parser.add_argument(
        "--db", default=None, help="database URL, e.g. a PostgreSQL one (default: SQLite)"
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="keeps the SQLite file and its parameters for reuse (default: a temporary directory)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per side; the best counts")
    parser.add_argument(
        "--only", default=None, help="comma-separated query names to run (default: all)"
    )
    args = parser.parse_args(argv)

    import numpy
    import pandas
    import sqlalchemy

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="beltroad-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    wanted = set(args.only.split(",")) if args.only else None
    print(
        f"python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"numpy {numpy.__version__}, pandas {pandas.__version__}, "
        f"SQLAlchemy {sqlalchemy.__version__}; best of {args.repeat}",
        flush=True,
    )
    failures = 0
    try:
        workspace = _workspace(workdir, args.db, args.projects, args.seed)
        engine = workspace.engine
        backend = engine.dialect.name
        counts = _counts(engine)
        print(", ".join(f"{n:,} {t}" for t, n in counts.items()) + f" ({backend})", flush=True)
        results: list[tuple[str, float, float, str | None]] = []
        build_s, load_s = _snapshot_times(workspace)
        print(
            f"  analytics snapshot: rebuilt from the database in {build_s:.2f} s (once per change "
            f"of the registry), loaded from the data dir in {load_s:.3f} s (once per process)",
            flush=True,
        )
        for name, by in QUERIES:
            if wanted is not None and name not in wanted:
                continue
            ours_s, ours = _best(partial(beltroad_breakdown, workspace, by), args.repeat)
            theirs_s, theirs = _best(partial(pandas_breakdown, engine, by), args.repeat)
            problem = _compare_breakdowns(ours, theirs)
            results.append((f"breakdown {name}", ours_s, theirs_s, problem))
            print(
                f"  {name}: beltroad {ours_s:.3f} s, pandas {theirs_s:.3f} s, "
                f"{len(ours['groups'])} groups, {ours['projects']:,} projects"
                + (f"  MISMATCH: {problem}" if problem else ""),
                flush=True,
            )
        if wanted is None or "headline" in wanted:
            as_of = dt.date.today()
            ours_s, figures = _best(lambda: beltroad_headline(workspace, as_of), args.repeat)
            theirs_s, other = _best(lambda: pandas_headline(engine, as_of), args.repeat)
            differ = [k for k in figures if not _close(figures[k], other[k])]
            problem = f"figures differ: {differ}" if differ else None
            results.append(("headline", ours_s, theirs_s, problem))
            print(f"  headline: {figures}" + (f"  MISMATCH: {problem}" if problem else ""))
        workspace.close()
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)

    header = (
        f"{'query':<28} {'beltroad s':>11} {'baseline s':>11} {'ratio':>8} "
        f"{'agree':>6}  target met (≤{TARGET_SECONDS:g} s and ≥{TARGET_RATIO:g}×)"
    )
    print(f"\n{backend}, {counts['projects']:,} projects, {counts['transactions']:,} transactions")
    print(header)
    print("-" * len(header))
    for name, ours_s, theirs_s, problem in results:
        ratio = theirs_s / ours_s if ours_s > 0 else math.inf
        met = ours_s <= TARGET_SECONDS and ratio >= TARGET_RATIO
        failures += bool(problem)
        print(
            f"{name:<28} {ours_s:>11.3f} {theirs_s:>11.3f} {ratio:>7.1f}x "
            f"{'no' if problem else 'yes':>6}  {'yes' if met else 'NO'}"
        )
    print(
        "\nbaseline: pandas.read_sql of the rows each query needs (rule filter in SQL) + merge "
        "and groupby in pandas; agree: same groups, counts, and amounts to 1e-6 relative"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
