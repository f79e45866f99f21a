"""Benchmark (issue #14): breakdowns that stay fast while people edit, against in-memory baselines.

    python benchmarks/bench_incremental.py --workdir DIR [--projects 1000000] [--repeat 3]

Reuses (or builds) the synthetic portfolio of ``bench_analytics.py`` in ``--workdir`` and times:

* warm breakdowns (every dimension of ``bench_analytics.QUERIES``): beltroad's service on its
  snapshot, against the same breakdown on the same tables **held in memory**, read once before
  the clock starts: pandas (merge + groupby, ``bench_analytics``'s recipe without ``read_sql``)
  and DuckDB (the tables copied into an in-memory DuckDB database, one SQL query per breakdown).
  The headline ratio is against the faster of the two; all three must agree (groups, project
  counts, amounts to 1e-6);
* the cold path: a full snapshot rebuild, and a fresh process's first breakdown on the unchanged
  database (a new interpreter: open the workspace, memory-map the saved snapshot, answer);
* after a single-record edit (one project's amount, through SQL), the next breakdown;
* after importing 10,000 new projects (``write_projects`` inside a paused transaction, as an
  import writes), the next breakdown, and a fresh process's first breakdown after that;
* at the end, the patched snapshot against a full rebuild (same breakdowns).

The edits are undone at the end (the 10,000 projects deleted, the amounts restored), so the
database can be reused; the snapshot is rebuilt once more by the next run if needed.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import bench_analytics as base

DATASET = "bench-incremental"
BUMP = "UPDATE projects SET amount_usd_constant = amount_usd_constant"
RULE = "(recommended_for_aggregates IS NULL OR recommended_for_aggregates) AND NOT is_umbrella"


# --- the tables in memory ------------------------------------------------------------------------


def load_tables(engine: Any) -> dict[str, Any]:
    import pandas as pd

    with engine.connect() as connection:
        return {
            "projects": pd.read_sql(
                "SELECT id, amount_usd_constant, flow_class, commitment_year, status, "
                "recommended_for_aggregates, is_umbrella FROM projects",
                connection,
            ),
            "project_countries": pd.read_sql(
                "SELECT project_id, iso3, percentage FROM project_countries", connection
            ),
            "countries": pd.read_sql("SELECT iso3, region FROM countries", connection),
            "project_sectors": pd.read_sql(
                "SELECT project_id, vocabulary, code, percentage FROM project_sectors", connection
            ),
            "funders": pd.read_sql(
                "SELECT p.project_id, o.name AS financier FROM participations p "
                "JOIN organisations o ON o.id = p.organisation_id WHERE p.role = 'funding'",
                connection,
            ),
        }


def pandas_memory(tables: dict[str, Any], by: tuple[str, ...]) -> dict[str, Any]:
    """bench_analytics.pandas_breakdown on frames already in memory (no read_sql)."""
    import pandas as pd

    p = tables["projects"]
    keep = (p["recommended_for_aggregates"].isna() | (p["recommended_for_aggregates"] == 1)) & (
        p["is_umbrella"] == 0
    )
    sources = {base.SOURCE_OF[d] for d in by if d in base.SOURCE_OF}
    columns = ["id", "amount_usd_constant"]
    columns += [base.PROJECT_COLUMNS[d] for d in by if d not in base.SOURCE_OF]
    frame = p.loc[keep, columns].copy()
    frame["share"] = 1.0
    if "country" in sources:
        pc = tables["project_countries"]
        if "region" in by:
            pc = pc.merge(tables["countries"], on="iso3", how="left")
        frame = frame.merge(pc, left_on="id", right_on="project_id", how="left")
        frame["share"] *= frame["percentage"].fillna(100.0) / 100.0
        frame = frame.drop(columns=["project_id", "percentage"]).rename(columns={"iso3": "country"})
    if "sector" in sources:
        ps = tables["project_sectors"]
        ps = ps[ps["vocabulary"].isin(("1", "2"))].copy()
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
        funders = tables["funders"].copy()
        funders["fshare"] = 1.0 / funders.groupby("project_id")["project_id"].transform("size")
        frame = frame.merge(funders, left_on="id", right_on="project_id", how="left")
        frame["share"] *= frame["fshare"].fillna(1.0)
        frame = frame.drop(columns=["project_id", "fshare"])
    frame["amount"] = frame["amount_usd_constant"] * frame["share"]
    keys = [base.PROJECT_COLUMNS.get(d, d) for d in by]
    grouped = frame.groupby(keys, dropna=False, sort=False)
    fan_out = _fan_out(by, sources)
    projects = grouped["id"].nunique() if fan_out else grouped.size()
    amounts = grouped["amount"].sum(min_count=1)
    groups: dict[tuple[Any, ...], tuple[int, float]] = {}
    for index, count, amount in zip(projects.index, projects, amounts, strict=True):
        key = index if isinstance(index, tuple) else (index,)
        groups[tuple(base._key(k) for k in key)] = (
            int(count),
            0.0 if pd.isna(amount) else float(amount),
        )
    total = int(frame["id"].nunique())
    return {"groups": groups, "projects": total, "amount": float(frame["amount"].sum())}


def _fan_out(by: tuple[str, ...], sources: set[str]) -> bool:
    """A project can appear twice in one group: count distinct ids (as bench_analytics does)."""
    return "sector" in sources or any(
        s in sources and s not in by for s in ("country", "financier")
    )


def duckdb_tables(tables: dict[str, Any]) -> Any:
    import duckdb

    con = duckdb.connect()  # in memory
    for name, frame in tables.items():
        con.register("frame", frame)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM frame")  # noqa: S608 - native table
        con.unregister("frame")
    return con


def duckdb_breakdown(con: Any, by: tuple[str, ...]) -> dict[str, Any]:
    sources = {base.SOURCE_OF[d] for d in by if d in base.SOURCE_OF}
    joins, share = [], "1.0"
    if "country" in sources:
        joins.append(
            "LEFT JOIN (SELECT pc.project_id, pc.iso3 AS country, c.region, "
            "COALESCE(pc.percentage, 100.0) / 100.0 AS cshare FROM project_countries pc "
            "LEFT JOIN countries c ON c.iso3 = pc.iso3) cs ON cs.project_id = p.id"
        )
        share += " * COALESCE(cs.cshare, 1.0)"
    if "sector" in sources:
        joins.append(
            "LEFT JOIN (SELECT project_id, CASE WHEN vocabulary = '1' THEN substr(code, 1, 3) "
            "ELSE code END AS sector, COALESCE(percentage, 100.0) / 100.0 AS sshare "
            "FROM project_sectors WHERE vocabulary IN ('1', '2')) ss ON ss.project_id = p.id"
        )
        share += " * COALESCE(ss.sshare, 1.0)"
    if "financier" in sources:
        joins.append(
            "LEFT JOIN (SELECT project_id, financier, 1.0 / COUNT(*) OVER (PARTITION BY "
            "project_id) AS fshare FROM funders) fs ON fs.project_id = p.id"
        )
        share += " * COALESCE(fs.fshare, 1.0)"
    column = {"country": "cs.country", "region": "cs.region", "sector": "ss.sector"}
    column |= {"financier": "fs.financier"}
    keys = [column.get(d, f"p.{base.PROJECT_COLUMNS.get(d, d)}") for d in by]
    count = "COUNT(DISTINCT p.id)" if _fan_out(by, sources) else "COUNT(*)"
    sql = (
        f"SELECT {', '.join(keys)}, {count}, SUM(p.amount_usd_constant * {share}) "  # noqa: S608
        f"FROM projects p {' '.join(joins)} WHERE {RULE} GROUP BY ALL"
    )
    rows = con.execute(sql).fetchall()
    totals = con.execute(
        f"SELECT COUNT(DISTINCT p.id), SUM(p.amount_usd_constant * {share}) "  # noqa: S608
        f"FROM projects p {' '.join(joins)} WHERE {RULE}"
    ).fetchone()
    groups = {
        tuple(base._key(k) for k in row[: len(by)]): (int(row[-2]), float(row[-1] or 0.0))
        for row in rows
    }
    return {"groups": groups, "projects": int(totals[0]), "amount": float(totals[1] or 0.0)}


# --- incremental ---------------------------------------------------------------------------------


def _timed(run: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = run()
    return time.perf_counter() - started, result


def _cpu_timed(run: Any) -> tuple[float, float]:
    """(wall, CPU seconds of this process) of one call: on a loaded machine CPU is steadier."""
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


FRESH = """
import sys, time
started = time.perf_counter()
from beltroad.services.breakdown import breakdown
from beltroad.services.workspace import open_workspace
from beltroad.settings import Settings
imported, cpu = time.perf_counter(), time.process_time()
workspace = open_workspace(Settings(data_dir=sys.argv[1]))
breakdown(workspace, by=["country"], measure="commitment", rule="aiddata")
done = time.perf_counter()
print(f"{done - imported:.4f} {imported - started:.4f} {time.process_time() - cpu:.4f}")
"""


def fresh_process(workdir: Path) -> tuple[float, float, float]:
    """(first breakdown incl. opening the workspace, import time, CPU) in a new interpreter."""
    out = subprocess.run(
        [sys.executable, "-c", FRESH, str(workdir)],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    ).stdout.split()
    return float(out[0]), float(out[1]), float(out[2])


def new_records(count: int, seed: int) -> list[Any]:
    import random

    from beltroad.records import (
        CountrySplit,
        Money,
        OrgRef,
        Participation,
        ProjectRecord,
        Provenance,
        SectorSplit,
        TransactionRecord,
    )

    rng = random.Random(seed)
    countries = ("PAK", "KEN", "LKA", "KAZ", "IDN", "NGA", "EGY", "BGD")
    out = []
    for i in range(count):
        usd = rng.uniform(1e6, 1e9)
        out.append(
            ProjectRecord(
                identifier=f"{DATASET}-{i}",
                title=f"bench project {i}",
                provenance=Provenance(dataset=DATASET, source_record_id=str(i)),
                commitment_year=rng.randint(2013, 2023),
                status=rng.randint(1, 5),
                flow_class="ODA-like",
                amount=Money(currency="USD", original=usd, usd_constant=usd, base_year=2021),
                countries=(CountrySplit(rng.choice(countries)),),
                sectors=(SectorSplit(rng.choice(("21020", "23210", "14010"))),),
                participations=(Participation(OrgRef("China Development Bank"), "1"),),
                transactions=(
                    TransactionRecord(
                        2,
                        None,
                        Money(currency="USD", original=usd, usd_constant=usd, base_year=2021),
                    ),
                ),
            )
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20241203)
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--import-projects", type=int, default=10_000)
    args = parser.parse_args(argv)

    import duckdb
    import pandas

    from beltroad.services.portfolio import portfolio_snapshot
    from beltroad.storage.generation import paused_triggers
    from beltroad.storage.writes import write_projects

    print(
        f"python {platform.python_version()}, pandas {pandas.__version__}, "
        f"duckdb {duckdb.__version__}; best of {args.repeat}",
        flush=True,
    )
    workspace = base._workspace(args.workdir, None, args.projects, args.seed)
    engine = workspace.engine
    counts = base._counts(engine)
    print(", ".join(f"{n:,} {t}" for t, n in counts.items()), flush=True)
    failures = 0

    workspace.snapshots = None
    shutil.rmtree(args.workdir / "analytics", ignore_errors=True)
    rebuild_s, _ = _timed(lambda: portfolio_snapshot(workspace))
    print(f"full snapshot rebuild: {rebuild_s:.2f} s", flush=True)
    fresh_s, import_s, fresh_cpu = fresh_process(args.workdir)
    print(f"fresh process, unchanged db: first breakdown {fresh_s:.3f} s, CPU {fresh_cpu:.3f} s "
          f"(+ {import_s:.2f} s of Python imports)", flush=True)  # fmt: skip

    load_s, tables = _timed(lambda: load_tables(engine))
    duck_s, con = _timed(lambda: duckdb_tables(tables))
    print(f"baselines' tables read into pandas in {load_s:.1f} s, copied into DuckDB in "
          f"{duck_s:.1f} s (once, not timed below)", flush=True)  # fmt: skip
    rows = []
    for name, by in base.QUERIES:
        ours_s, ours = base._best(lambda by=by: base.beltroad_breakdown(workspace, by), args.repeat)
        pd_s, theirs = base._best(lambda by=by: pandas_memory(tables, by), args.repeat)
        dk_s, duck = base._best(lambda by=by: duckdb_breakdown(con, by), args.repeat)
        problem = base._compare_breakdowns(ours, theirs) or base._compare_breakdowns(ours, duck)
        failures += bool(problem)
        rows.append((name, ours_s, pd_s, dk_s, problem))
        print(f"  {name}: beltroad {ours_s:.4f} s, pandas {pd_s:.4f} s, duckdb {dk_s:.4f} s"
              + (f"  MISMATCH: {problem}" if problem else ""), flush=True)  # fmt: skip
    con.close()
    tables.clear()

    ids = [int(counts["projects"] * f) for f in (0.25, 0.5, 0.75)]
    edits: list[float] = []
    edit_cpu: list[float] = []
    try:
        for pid in ids:
            with workspace.writing() as connection:
                connection.exec_driver_sql(f"{BUMP} + 1 WHERE id = {pid}")
            seconds, cpu = _cpu_timed(lambda: base.beltroad_breakdown(workspace, ("country",)))
            edits.append(seconds)
            edit_cpu.append(cpu)
            print(f"  after editing project {pid}: next breakdown {seconds:.3f} s, CPU {cpu:.3f} s",
                  flush=True)  # fmt: skip
        records = new_records(args.import_projects, args.seed)
        started = time.perf_counter()
        with workspace.writing() as connection, paused_triggers(connection):
            write_projects(connection, records)
        write_s = time.perf_counter() - started
        after_import, import_cpu = _cpu_timed(
            lambda: base.beltroad_breakdown(workspace, ("country",))
        )
        print(f"  imported {len(records):,} projects in {write_s:.2f} s; next breakdown "
              f"{after_import:.3f} s, CPU {import_cpu:.3f} s", flush=True)  # fmt: skip
        fresh_after, _, after_cpu = fresh_process(args.workdir)
        print(f"  fresh process after the import: first breakdown {fresh_after:.3f} s, "
              f"CPU {after_cpu:.3f} s", flush=True)  # fmt: skip
        patched = {name: base.beltroad_breakdown(workspace, by) for name, by in base.QUERIES}
        workspace.snapshots = None
        shutil.rmtree(args.workdir / "analytics", ignore_errors=True)
        for name, by in base.QUERIES:
            problem = base._compare_breakdowns(
                patched[name], base.beltroad_breakdown(workspace, by)
            )
            if problem:
                failures += 1
                print(f"  patched != rebuilt for {name}: {problem}", flush=True)
        print("  patched snapshot == full rebuild on every breakdown" if not failures else "")
    finally:
        with workspace.writing() as connection:
            for pid in ids[: len(edits)]:
                connection.exec_driver_sql(f"{BUMP} - 1 WHERE id = {pid}")
            connection.exec_driver_sql(f"DELETE FROM projects WHERE dataset = '{DATASET}'")  # noqa: S608
        workspace.close()

    print(f"\nSQLite, {counts['projects']:,} projects, {counts['transactions']:,} transactions")
    header = (
        f"{'breakdown':<16} {'beltroad s':>10} {'pandas mem':>10} {'duckdb mem':>10} {'ratio':>7}"
    )
    print(header + "  (ratio: the faster baseline / beltroad; target >= 1)")
    print("-" * len(header))
    for name, ours_s, pd_s, dk_s, _ in rows:
        ratio = min(pd_s, dk_s) / ours_s
        failures += ratio < 1
        print(f"{name:<16} {ours_s:>10.4f} {pd_s:>10.4f} {dk_s:>10.4f} {ratio:>6.1f}x")
    print(f"full rebuild {rebuild_s:.2f} s; fresh process first breakdown {fresh_s:.3f} s "
          f"(target <= 1 s); after one edit {max(edits):.3f} s worst of {len(edits)} "
          f"(target <= 0.3 s); after importing {args.import_projects:,} projects "
          f"{after_import:.3f} s (target <= 3 s); fresh process after it "
          f"{fresh_after:.3f} s")  # fmt: skip
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
