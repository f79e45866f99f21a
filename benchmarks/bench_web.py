"""Benchmark: server time of the web dashboard and project list, warm and after an edit.

    python benchmarks/bench_web.py --data-dir DIR [--repeat 5]

DIR holds a beltroad database (for example after ``beltroad --data-dir DIR demo --synthetic
--projects 100000 --no-serve``). The app runs in-process (Starlette's TestClient, no network),
as the local administrator (scope all: the largest figures). It times:

* the first dashboard request (cold: the portfolio snapshot is loaded);
* the dashboard warm (median and max of ``--repeat``);
* the dashboard right after an edit (a project created through the workflow service, which
  changes the registry);
* the project list (first page, sorted by amount, descending) and ``/api/v1/projects``.

The issue's target is ≤ 300 ms for the dashboard at 1,000,000 projects, warm and after an edit.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def timed(client: Any, path: str, **kw: Any) -> float:
    start = time.perf_counter()
    answer = client.get(path, **kw)
    elapsed = time.perf_counter() - start
    if answer.status_code != 200:
        raise SystemExit(f"{path}: {answer.status_code} {answer.text[:300]}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    from fastapi.testclient import TestClient
    from tests.web.pages_support import log_in

    from beltroad.services import users, workflow
    from beltroad.services.summary import portfolio_summary
    from beltroad.services.workspace import open_workspace
    from beltroad.settings import load_settings
    from beltroad.web.app import create_app

    settings = load_settings(data_dir=args.data_dir, allowed_hosts=["testserver"])
    with TestClient(create_app(settings)) as client:
        ws = open_workspace(settings)
        admin = users.resolve_actor(ws)
        log_in(client, ws, admin, admin.login)
        token = users.issue_token(ws, admin, admin.login).token
        projects = portfolio_summary(ws).counts.get("projects", 0)
        cold = timed(client, "/")
        warm = [timed(client, "/") for _ in range(args.repeat)]
        identifier = f"BENCH-{int(time.time())}"
        workflow.create_project(
            ws, admin, identifier, {"title": "benchmark edit", "countries": [{"iso3": "PAK"}]}
        )
        after_edit = timed(client, "/")
        listing = [
            timed(client, "/projects?sort=amount_usd_constant&desc=true")
            for _ in range(args.repeat)
        ]
        api = [
            timed(client, "/api/v1/projects", headers={"Authorization": f"Bearer {token}"})
            for _ in range(args.repeat)
        ]
        ws.close()
    ms = 1000.0
    print(f"projects in the database: {projects:,}")
    print(f"dashboard cold: {cold * ms:.0f} ms")
    print(
        f"dashboard warm: median {statistics.median(warm) * ms:.0f} ms, "
        f"max {max(warm) * ms:.0f} ms ({args.repeat} runs)"
    )
    print(f"dashboard after an edit: {after_edit * ms:.0f} ms")
    print(f"project list, sorted by amount: median {statistics.median(listing) * ms:.0f} ms")
    print(f"/api/v1/projects: median {statistics.median(api) * ms:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
