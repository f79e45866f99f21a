"""Benchmark: ``beltroad headline`` on a full synthetic registry, against pandas, in one run.

    python benchmarks/bench_headline.py [--projects 1000000] [--db URL | --postgres-cluster]
                                        [--workdir DIR] [--as-of 2023-12-31] [--repeat 5]

Builds (or, with ``--workdir``, reuses) a synthetic portfolio of ``--projects`` projects with
the registry around it (partnerships, international organisations with cooperation documents,
overseas enterprises, cooperation zones; ~60,000 enterprises and ~390 zones at 1,000,000
projects), in SQLite (default), at ``--db`` (a PostgreSQL URL), or in a throwaway PostgreSQL
cluster (``--postgres-cluster``, the one the tests start: tests/support/pgcluster.py). Then it
times, best of ``--repeat``, in the same run:

* beltroad: ``beltroad.services.headline.headline(workspace, as_of)``;
* baseline: ``pandas.read_sql`` (through the same SQLAlchemy engine) of the partnerships,
  documents, parties, organisations, enterprises and zones, and the same five figures computed
  in pandas (``bench_analytics.pandas_headline``).

Both sides must agree on all five figures (1e-6 relative); the target (issue 4) is ≤ 1 s on
SQLite and ≥ 5× faster than the baseline. The database building is ``bench_analytics``'s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import platform
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any

import bench_analytics as shared

REPO = Path(__file__).resolve().parents[1]
TABLES = (
    "projects",
    "transactions",
    "partnerships",
    "cooperation_documents",
    "document_parties",
    "organisations",
    "overseas_enterprises",
    "cooperation_zones",
)


def _stored_registry(workspace: Any) -> bool:
    """Whether the stored synthetic portfolio was built with today's registry calibration."""
    from beltroad.engines.synthetic_calibration import default_registry_calibration
    from beltroad.services.synthetic import DATASET
    from beltroad.storage import inventory

    with workspace.reading() as connection:
        stored = inventory.dataset(connection, DATASET)
    parameters = (stored.parameters if stored else None) or {}
    return bool(parameters.get("registry") == default_registry_calibration().source)


def open_registry(workdir: Path, db: str | None, projects: int, seed: int) -> Any:
    """bench_analytics' workspace, rebuilt if it was stored before the registry existed."""
    workspace = shared._workspace(workdir, db, projects, seed)
    if _stored_registry(workspace):
        return workspace
    workspace.close()
    print("  the stored portfolio has no registry (built by an older generator): rebuilding")
    (workdir / shared.PARAMETERS_FILE).unlink(missing_ok=True)
    if db is not None:  # bench_analytics removes a stale SQLite file itself
        from beltroad.services.synthetic import DATASET
        from beltroad.services.workspace import open_workspace
        from beltroad.settings import Settings
        from beltroad.storage import bulk, inventory

        stale = open_workspace(Settings(data_dir=workdir, db=db))
        with stale.writing() as connection:
            bulk.delete_synthetic_registry(connection, DATASET)
            inventory.delete_dataset_records(connection, DATASET)
        stale.close()
    return shared._workspace(workdir, db, projects, seed)


def _counts(engine: Any) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            name: int(connection.exec_driver_sql(f"SELECT count(*) FROM {name}").scalar_one())  # noqa: S608
            for name in TABLES
        }


def _start_cluster() -> tuple[Any, str]:
    sys.path.insert(0, str(REPO))
    from sqlalchemy import create_engine, text
    from tests.support import pgcluster

    reason = pgcluster.why_unavailable()
    if reason:
        raise SystemExit(f"--postgres-cluster: {reason}")
    cluster = pgcluster.start()
    admin = create_engine(cluster.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text('CREATE DATABASE "bench_headline"'))
    admin.dispose()
    return cluster, cluster.url("bench_headline")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20241203)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--db", default=None, help="database URL (default: SQLite in --workdir)")
    where.add_argument(
        "--postgres-cluster",
        action="store_true",
        help="start a throwaway PostgreSQL cluster (tests/support/pgcluster.py) and use it",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="keeps the SQLite file and its parameters for reuse (default: a temporary directory)",
    )
    parser.add_argument(
        "--as-of", type=dt.date.fromisoformat, default=dt.date(2023, 12, 31), help="YYYY-MM-DD"
    )
    parser.add_argument("--repeat", type=int, default=5, help="runs per side; the best counts")
    args = parser.parse_args(argv)

    import numpy
    import pandas
    import sqlalchemy

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="beltroad-bench-headline-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(
        f"python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"numpy {numpy.__version__}, pandas {pandas.__version__}, "
        f"SQLAlchemy {sqlalchemy.__version__}; best of {args.repeat}",
        flush=True,
    )
    cluster, db = (None, args.db)
    if args.postgres_cluster:
        cluster, db = _start_cluster()
    try:
        workspace = open_registry(workdir, db, args.projects, args.seed)
        engine = workspace.engine
        backend = engine.dialect.name
        counts = _counts(engine)
        print(", ".join(f"{n:,} {t}" for t, n in counts.items()) + f" ({backend})", flush=True)
        ours_s, ours = shared._best(
            lambda: shared.beltroad_headline(workspace, args.as_of), args.repeat
        )
        theirs_s, theirs = shared._best(
            lambda: shared.pandas_headline(engine, args.as_of), args.repeat
        )
        workspace.close()
    finally:
        if cluster is not None:
            cluster.stop()
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)

    differ = [k for k in ours if not shared._close(ours[k], theirs[k])]
    ratio = theirs_s / ours_s if ours_s > 0 else math.inf
    met = ours_s <= shared.TARGET_SECONDS and ratio >= shared.TARGET_RATIO
    print(f"\nheadline as of {args.as_of.isoformat()} ({backend}):")
    for key, value in ours.items():
        mark = "" if key not in differ else f"  MISMATCH: pandas {theirs[key]:,.2f}"
        print(f"  {key:<24} {value:>22,.2f}{mark}")
    print(
        f"\nbeltroad {ours_s:.4f} s, pandas {theirs_s:.4f} s, ratio {ratio:.1f}x; "
        f"agree: {'no' if differ else 'yes'}; target (≤{shared.TARGET_SECONDS:g} s and "
        f"≥{shared.TARGET_RATIO:g}×) met: {'yes' if met else 'NO'}"
    )
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
