"""Benchmark: load a synthetic portfolio into SQLite, beltroad's bulk writer against pandas.

    python benchmarks/bench_synthetic.py --projects 1000000

Both sides run in their own freshly spawned process (so peak RSS is each side's own), into
their own fresh SQLite file with the same migrated schema and reference countries, and load
the same batches (same seed, same batch size), one transaction per batch:

* beltroad: ``generate()`` + ``beltroad.storage.bulk.write_synthetic()``;
* baseline: ``generate()`` + the batch as pandas DataFrames (same columns and values) +
  ``DataFrame.to_sql()`` with pandas' defaults (``method=None``, no chunk size: one DB-API
  ``executemany`` per table and batch), what a competent user runs (issue #14: ~8x faster than
  ``method="multi"``). ``--method multi`` runs the old baseline, ``to_sql(method="multi")`` with
  the largest chunk SQLite accepts (32,766 bound variables per statement), for reference.

Timed: generation plus writing (schema creation and reference facts are set-up, not timed).
Peak memory: ``ru_maxrss`` of the side's process. Both databases are checked to hold the same
row counts and money totals.
"""

from __future__ import annotations

import argparse
import multiprocessing
import platform
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SQLITE_MAX_VARIABLES = 32_766
DATASET = "synthetic-benchmark"
TABLES = ("projects", "project_countries", "project_sectors", "participations", "transactions")


def _peak_rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024  # bytes vs KiB


def _prepare(path: Path) -> tuple[Any, list[int]]:
    from beltroad.storage.bulk import ensure_synthetic_financiers
    from beltroad.storage.database import make_engine, migrate
    from beltroad.storage.reference import load_reference_facts

    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    with engine.begin() as connection:
        load_reference_facts(connection)
        financiers = ensure_synthetic_financiers(connection, DATASET)
    return engine, financiers


def _summary(engine: Any) -> dict[str, float]:
    with engine.connect() as connection:
        found: dict[str, float] = {
            table: connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one()  # noqa: S608
            for table in TABLES
        }
        for column in ("value", "usd_constant"):
            found[f"sum {column}"] = connection.exec_driver_sql(
                f"SELECT round(sum({column}), 0) FROM transactions"  # noqa: S608
            ).scalar_one()
    return found


def _frames(batch: Any, financiers: list[int]) -> dict[str, Any]:
    """The rows write_synthetic writes, as DataFrames (the baseline's input)."""
    import numpy as np
    import pandas as pd

    p, c, s, t = batch.projects, batch.countries, batch.sectors, batch.transactions
    org = np.asarray(financiers)[p.financier]
    flow_type = pd.array(np.where(p.flow_type == 0, None, p.flow_type), dtype="Int16")
    projects = pd.DataFrame(
        {
            "id": p.id,
            "identifier": p.identifier,
            "title": p.title,
            "status": p.status,
            "stage": p.stage,
            "planned_start": p.planned_start.astype(object),
            "actual_start": p.actual_start.astype(object),
            "planned_end": p.planned_end.astype(object),
            "actual_end": p.actual_end.astype(object),
            "commitment_year": p.commitment_year,
            "flow_class": p.flow_class,
            "flow_type": flow_type,
            "finance_type": p.finance_type,
            "amount_currency": batch.amount_currency,
            "amount_original": p.amount_original,
            "amount_usd_nominal": p.amount_usd_nominal,
            "amount_usd_constant": p.amount_usd_constant,
            "amount_base_year": batch.base_year,
            "is_flagship": False,
            "is_umbrella": p.is_umbrella,
            "dataset": DATASET,
            "source_record_id": p.identifier,
            "recommended_for_aggregates": p.recommended_for_aggregates,
            "is_synthetic": True,
        }
    )
    t_org = org[np.searchsorted(p.id, t.project_id)]
    incoming = (t.type == 5) | (t.type == 6)
    return {
        "projects": projects,
        "project_countries": pd.DataFrame(
            {"project_id": c.project_id, "iso3": c.iso3, "percentage": c.percentage}
        ),
        "project_sectors": pd.DataFrame(
            {
                "project_id": s.project_id,
                "vocabulary": batch.sector_vocabulary,
                "code": s.code,
                "percentage": s.percentage,
            }
        ),
        "participations": pd.DataFrame(
            {"project_id": p.id, "organisation_id": org, "role": "funding"}
        ),
        "transactions": pd.DataFrame(
            {
                "project_id": t.project_id,
                "type": t.type,
                "date": t.date.astype(object),
                "currency": batch.amount_currency,
                "value": t.usd_nominal,
                "usd_nominal": t.usd_nominal,
                "usd_constant": t.usd_constant,
                "base_year": batch.base_year,
                "provider_org_id": pd.array(np.where(incoming, None, t_org), dtype="Int64"),
                "receiver_org_id": pd.array(np.where(incoming, t_org, None), dtype="Int64"),
                "is_synthetic": True,
            }
        ),
    }


def run_side(
    side: str, path: str, projects: int, seed: int, batch_size: int, chunk: int, method: str
) -> dict[str, Any]:
    """One side of the benchmark, in its own process."""
    from beltroad.engines.synthetic import default_calibration, generate
    from beltroad.storage.bulk import write_synthetic

    engine, financiers = _prepare(Path(path))
    chunks: dict[str, int | None] = {}
    started = time.perf_counter()
    for batch in generate(
        projects, seed=seed, calibration=default_calibration(), batch_size=batch_size
    ):
        with engine.begin() as connection:
            if side == "beltroad":
                write_synthetic(connection, batch, dataset=DATASET, financier_ids=financiers)
                continue
            for table, frame in _frames(batch, financiers).items():
                multi = method == "multi"
                size = chunk or (SQLITE_MAX_VARIABLES // len(frame.columns) if multi else None)
                chunks[table] = size
                frame.to_sql(
                    table,
                    connection,
                    if_exists="append",
                    index=False,
                    method="multi" if multi else None,
                    chunksize=size,
                )
    seconds = time.perf_counter() - started
    summary = _summary(engine)
    engine.dispose()
    return {
        "side": side,
        "seconds": seconds,
        "peak_rss_mib": _peak_rss_mib(),
        "summary": summary,
        "chunks": chunks,
    }


def _in_fresh_process(*args: Any) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        result: dict[str, Any] = pool.apply(run_side, args)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--projects", type=int, default=100_000, help="projects to generate (default 100,000)"
    )
    parser.add_argument("--seed", type=int, default=20241203)
    parser.add_argument(
        "--batch-size", type=int, default=50_000, help="projects per batch and transaction"
    )
    parser.add_argument(
        "--chunksize",
        type=int,
        default=0,
        help="to_sql chunk size (default: SQLite's maximum per table)",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="where the two SQLite files go (default: a temporary directory, removed afterwards)",
    )
    parser.add_argument(
        "--method",
        choices=("multi", "executemany"),
        default="executemany",
        help="the baseline's to_sql method (default executemany: pandas' default, method=None)",
    )
    parser.add_argument(
        "--only", choices=("beltroad", "pandas"), default=None, help="run one side only"
    )
    args = parser.parse_args(argv)

    import numpy
    import pandas
    import sqlalchemy

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="beltroad-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    versions = (
        f"python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"numpy {numpy.__version__}, pandas {pandas.__version__}, "
        f"SQLAlchemy {sqlalchemy.__version__}, {multiprocessing.cpu_count()} CPUs"
    )
    print(
        f"{versions}; {args.projects:,} projects, seed {args.seed}, batches of {args.batch_size:,}"
    )
    sides = [args.only] if args.only else ["beltroad", "pandas"]
    results = []
    try:
        for side in sides:
            path = workdir / f"{side}.db"
            for leftover in workdir.glob(f"{side}.db*"):
                leftover.unlink()
            results.append(
                _in_fresh_process(
                    side,
                    str(path),
                    args.projects,
                    args.seed,
                    args.batch_size,
                    args.chunksize,
                    args.method,
                )
            )
            print(f"  {side} done in {results[-1]['seconds']:.1f} s", flush=True)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)

    names = {
        "beltroad": "beltroad generate + write_synthetic",
        "pandas": "pandas DataFrame.to_sql (method='multi')"
        if args.method == "multi"
        else "pandas DataFrame.to_sql (method=None)",
    }
    columns = ("projects", "transactions", "rows", "seconds", "rows/s", "peak RSS MiB")
    widths = (10, 13, 11, 8, 9, 13)
    header = f"{'side':<48}" + "".join(f" {c:>{w}}" for c, w in zip(columns, widths, strict=True))
    print()
    print(header)
    print("-" * len(header))
    for r in results:
        rows = sum(int(r["summary"][t]) for t in TABLES)
        found = r["summary"]
        print(
            f"{names[r['side']]:<48} {int(found['projects']):>10,} "
            f"{int(found['transactions']):>13,} {rows:>11,} {r['seconds']:>8.1f} "
            f"{rows / r['seconds']:>9,.0f} {r['peak_rss_mib']:>13,.0f}"
        )
    if len(results) == 2:
        ours, theirs = results
        if ours["summary"] != theirs["summary"]:
            print(f"\nWARNING: the two databases differ: {ours['summary']} vs {theirs['summary']}")
            return 1
        print(f"\nboth databases hold the same rows and totals; to_sql chunks: {theirs['chunks']}")
        print(
            f"ratio baseline/beltroad: time {theirs['seconds'] / ours['seconds']:.2f}x, "
            f"peak memory {theirs['peak_rss_mib'] / ours['peak_rss_mib']:.2f}x"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
