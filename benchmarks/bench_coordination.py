"""Coordination at scale (issue #15): one unit's overdue tasks and one project's history with
100,000 projects and 1,000,000 tasks on PostgreSQL, and 20 concurrent writers over HTTP.

    python benchmarks/bench_coordination.py --postgres-cluster [--projects 100000]
        [--tasks 1000000] [--writers 20] [--seconds 60]

Part 1 fills a database (schema by ``beltroad init``, rows by ``INSERT ... SELECT`` over
``generate_series``): 1,111 units (a ministry, 10 departments, 100 provinces, 1,000
localities), the projects with a country split, one approved version each, four lifecycle
events each, and four audit rows each (plus 1,000,000 tasks spread over the localities, due
2020-2026, two thirds done). It then times, best and median of 30 calls each on different
units and projects:

* beltroad: ``services.tasks.list_tasks(unit_id=U, overdue_on=D)`` as a planner (permission
  check, the unit's subtree, the query) and ``services.workflow.history(P)``;
* baseline: the same reads in plain SQL through psycopg on the same tables (the subtree by a
  recursive CTE turned into an array, so that the planner probes the index per unit; the
  history as its four queries).

Part 2 serves the JSON API (``beltroad serve``) on 127.0.0.1 against a fresh database with 50
tasks and 20 users; each writer loops for ``--seconds``: GET a random task, PATCH its title with
the version it read; a 409 (someone else was first) is retried with a fresh read. Afterwards
every task's version must be 1 + the number of 200 answers for it (0 lost updates), no answer
may be a 5xx, and ``audit verify`` must pass.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
TODAY = dt.date(2025, 7, 1)

FILL = [
    # units: 1 ministry, 10 departments, 100 provinces, 1,000 localities
    "INSERT INTO units (id, name, kind, parent_id, version) VALUES (1, 'Ministry', 'ministry', NULL, 1)",  # noqa: E501
    "INSERT INTO units (id, name, kind, parent_id, version) SELECT 1 + g, 'Department ' || g, "
    "'department', 1, 1 FROM generate_series(1, 10) g",
    "INSERT INTO units (id, name, kind, parent_id, version) SELECT 11 + g, 'Province ' || g, "
    "'province', 2 + (g - 1) / 10, 1 FROM generate_series(1, 100) g",
    "INSERT INTO units (id, name, kind, parent_id, version) SELECT 111 + g, 'Locality ' || g, "
    "'locality', 12 + (g - 1) / 10, 1 FROM generate_series(1, 1000) g",
    "SELECT setval(pg_get_serial_sequence('units', 'id'), 1111)",
    # projects with a country split and an approved version
    "INSERT INTO projects (id, identifier, title, dataset, is_flagship, is_umbrella, is_synthetic,"
    " version, lifecycle_state, status, unit_id, commitment_year, amount_usd_constant, "
    "amount_base_year) SELECT g, 'BENCH-' || g, 'Project ' || g, 'bench', false, false, true, "
    "2, 'under_construction', 2, 112 + g % 1000, 2015 + g % 10, 1e6 * (g % 97), 2021 "
    "FROM generate_series(1, :projects) g",
    "SELECT setval(pg_get_serial_sequence('projects', 'id'), :projects)",
    "INSERT INTO project_countries (project_id, iso3, percentage) SELECT g, "
    "(ARRAY['PAK','KEN','IDN','KAZ','EGY'])[1 + g % 5], 100 FROM generate_series(1, :projects) g",
    "INSERT INTO approvals (entity, entity_id, state, submitted_by, decided_by, submitted_at, "
    "decided_at, payload, version_no, base_version, created_by, created_at, version) "
    "SELECT 'project', 'BENCH-' || g, 'approved', 1, 1, now(), now(), "
    "json_build_object('title', 'Project ' || g), 1, 1, 1, now(), 3 "
    "FROM generate_series(1, :projects) g",
    "INSERT INTO lifecycle_events (project_id, from_state, to_state, at, actor_id, reason, "
    "iati_status) SELECT g, s.a, s.b, now() - (s.n || ' days')::interval, 1, 'bench', 1 "
    "FROM generate_series(1, :projects) g, (VALUES (1, 'idea', 'feasibility'), "
    "(2, 'feasibility', 'approved'), (3, 'approved', 'financing_agreed'), "
    "(4, 'financing_agreed', 'under_construction')) AS s(n, a, b)",
    # audit rows (their hashes are placeholders: this database is not verified)
    "INSERT INTO audit_events (at, actor, action, entity, entity_id, before, after, seq, "
    "prev_hash, row_hash, actor_id) SELECT now(), 'local-admin', s.action, 'project', "
    "'BENCH-' || g, NULL, json_build_object('n', s.n), 1000 + 4 * g + s.n, repeat('0', 64), "
    "repeat('0', 64), 1 FROM generate_series(1, :projects) g, (VALUES (0, 'create'), "
    "(1, 'submit'), (2, 'approve'), (3, 'transition')) AS s(n, action)",
    # tasks over the localities
    "INSERT INTO tasks (title, unit_id, project_id, due_on, done_on, status, kind, created_at, "
    "version) SELECT 'Task ' || g, 112 + ((g::bigint * 7919) % 1000)::int, 1 + g % :projects, "
    "DATE '2020-01-01' + ((g::bigint * 31) % 2555)::int, CASE WHEN g % 3 = 0 THEN NULL ELSE "
    "DATE '2020-01-01' + ((g::bigint * 31) % 2555)::int END, CASE WHEN g % 3 = 0 THEN 'open' ELSE 'done' END, "  # noqa: E501
    "'task', now(), 1 FROM generate_series(1, :tasks) g",
    "ANALYZE",
]


def _cluster(name: str) -> tuple[Any, str]:
    sys.path.insert(0, str(REPO))
    from sqlalchemy import create_engine, text
    from tests.support import pgcluster

    reason = pgcluster.why_unavailable()
    if reason:
        raise SystemExit(f"--postgres-cluster: {reason}")
    cluster = pgcluster.start()
    admin = create_engine(cluster.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for db in (name, f"{name}_http"):
            connection.execute(text(f'CREATE DATABASE "{db}"'))
    admin.dispose()
    return cluster, cluster.url(name)


def _timed(call: Any, runs: int) -> tuple[float, float]:
    times = []
    for i in range(runs):
        start = time.perf_counter()
        call(i)
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def read_benchmark(url: str, projects: int, tasks_n: int, runs: int) -> list[dict[str, Any]]:
    import psycopg
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from beltroad.services import tasks, users, workflow
    from beltroad.services.permissions import Role
    from beltroad.services.setup import initialise
    from beltroad.services.workspace import open_workspace
    from beltroad.settings import load_settings

    settings = load_settings(db=url, data_dir=REPO / ".bench-data")
    initialise(settings)
    ws = open_workspace(settings)
    started = time.perf_counter()
    with ws.writing() as connection:
        for statement in FILL:
            connection.execute(text(statement), {"projects": projects, "tasks": tasks_n})
    print(
        f"filled {projects:,} projects and {tasks_n:,} tasks in {time.perf_counter() - started:.0f} s"  # noqa: E501
    )
    admin = users.resolve_actor(ws)
    users.add_user(ws, admin, "bench-planner", Role.planner)
    planner = users.resolve_actor(ws, "bench-planner")
    rng = random.Random(15)
    localities = [rng.randrange(112, 1112) for _ in range(runs)]
    provinces = [rng.randrange(12, 112) for _ in range(runs)]
    idents = [f"BENCH-{rng.randrange(1, projects + 1)}" for _ in range(runs)]
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    raw = psycopg.connect(dsn, autocommit=True)

    def plain_overdue(unit: int) -> list[Any]:
        with raw.cursor() as cur:
            cur.execute(
                "SELECT t.id, t.title, t.description, t.kind, t.unit_id, t.project_id, "
                "t.milestone_id, t.due_on, t.done_on, t.status, t.recurrence_id, "
                "t.escalated_to, t.escalated_at, t.version FROM tasks t WHERE t.unit_id = "
                "ANY(ARRAY(WITH RECURSIVE sub(id) AS (SELECT %s::int UNION ALL SELECT u.id "
                "FROM units u JOIN sub ON u.parent_id = sub.id) SELECT id FROM sub)) "
                "AND t.status = 'open' AND t.due_on < %s "
                "ORDER BY t.due_on, t.id LIMIT 100",
                (unit, TODAY),
            )
            return cur.fetchall()

    def plain_history(identifier: str) -> list[Any]:
        with raw.cursor() as cur:
            cur.execute(
                "SELECT id, version, lifecycle_state FROM projects WHERE identifier = %s",
                (identifier,),
            )
            project_id = cur.fetchone()[0]
            cur.execute(
                "SELECT version_no, state, base_version, payload, comment, created_by, created_at,"
                " submitted_by, submitted_at, decided_by, decided_at, version FROM approvals "
                "WHERE entity = 'project' AND entity_id = %s ORDER BY version_no",
                (identifier,),
            )
            versions = cur.fetchall()
            cur.execute(
                "SELECT e.at, e.from_state, e.to_state, e.reason, e.iati_status, u.username "
                "FROM lifecycle_events e JOIN users u ON u.id = e.actor_id WHERE e.project_id = %s"
                " ORDER BY e.at, e.id",
                (project_id,),
            )
            events = cur.fetchall()
            cur.execute(
                "SELECT seq, at, actor, actor_id, action, entity, entity_id, before, after FROM "
                "audit_events WHERE entity = 'project' AND entity_id = %s ORDER BY seq DESC "
                "NULLS LAST, id DESC LIMIT 500",
                (identifier,),
            )
            return [versions, events, cur.fetchall()]

    rows = []
    cases = [
        (
            "one locality's overdue tasks",
            lambda i: tasks.list_tasks(ws, planner, unit_id=localities[i], overdue_on=TODAY),
            lambda i: plain_overdue(localities[i]),
        ),
        (
            "one province's overdue tasks (11 units)",
            lambda i: tasks.list_tasks(ws, planner, unit_id=provinces[i], overdue_on=TODAY),
            lambda i: plain_overdue(provinces[i]),
        ),
        (
            "one project's history",
            lambda i: workflow.history(ws, planner, idents[i]),
            lambda i: plain_history(idents[i]),
        ),
    ]
    for name, ours, theirs in cases:
        ours(0), theirs(0)  # warm the caches once
        best, median = _timed(ours, runs)
        base_best, base_median = _timed(theirs, runs)
        rows.append(
            {
                "case": name,
                "beltroad_best_ms": 1000 * best,
                "beltroad_median_ms": 1000 * median,
                "psycopg_best_ms": 1000 * base_best,
                "psycopg_median_ms": 1000 * base_median,
                "ratio_median": median / base_median,
            }
        )
    n = len(tasks.list_tasks(ws, planner, unit_id=provinces[0], overdue_on=TODAY, limit=100_000))
    print(f"(a province has ~{n:,} overdue tasks; lists return the first 100)")
    raw.close()
    ws.close()
    return rows


def write_benchmark(url: str, writers: int, seconds: float, port: int) -> dict[str, Any]:
    import requests

    from beltroad.services import audit_log, tasks, users
    from beltroad.services.permissions import Role
    from beltroad.services.setup import initialise
    from beltroad.services.workspace import open_workspace
    from beltroad.settings import load_settings

    settings = load_settings(db=url, data_dir=REPO / ".bench-data")
    initialise(settings)
    ws = open_workspace(settings)
    admin = users.resolve_actor(ws)
    unit = tasks.add_unit(ws, admin, "Ministry", "ministry")["id"]
    ids = [
        tasks.add_task(ws, admin, f"Hot task {i}", unit_id=unit, due_on="2027-01-01")["id"]
        for i in range(50)
    ]
    tokens = []
    for w in range(writers):
        users.add_user(ws, admin, f"writer{w}", Role.coordinator, [("unit", str(unit))])
        tokens.append(users.issue_token(ws, admin, f"writer{w}").token)
    env = os.environ | {"PYTHONPATH": str(REPO / "src")}
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from beltroad.cli import main; sys.exit(main(sys.argv[1:]))",
            "--db",
            url,
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}/api/v1"
    for _ in range(100):
        try:
            if requests.get(f"http://127.0.0.1:{port}/api/health", timeout=5).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.2)
    successes: Counter[int] = Counter()
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def writer(w: int) -> None:
        rng = random.Random(w)
        headers = {"Authorization": f"Bearer {tokens[w]}"}
        with requests.Session() as client:
            client.headers.update(headers)
            n = 0
            while time.monotonic() < deadline:
                task_id = rng.choice(ids)
                read = client.get(f"{base}/tasks/{task_id}", timeout=60)
                answer = client.patch(
                    timeout=60,
                    url=f"{base}/tasks/{task_id}",
                    json={"version": read.json()["version"], "title": f"w{w} #{n}"},
                )
                n += 1
                with lock:
                    statuses[read.status_code] += 1
                    statuses[answer.status_code] += 1
                    if answer.status_code == 200:
                        successes[task_id] += 1

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(writers)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    server.terminate()
    server.wait(timeout=30)
    lost = 0
    for task_id in ids:
        stored = tasks.read_task(ws, admin, task_id)["version"]
        lost += abs(stored - 1 - successes[task_id])
    verified = audit_log.verify(ws, admin)
    ws.close()
    ok = sum(successes.values())
    return {
        "writers": writers,
        "seconds": round(elapsed, 1),
        "updates": ok,
        "conflicts_409": statuses[409],
        "server_errors_5xx": sum(n for s, n in statuses.items() if s >= 500),
        "other_statuses": {s: n for s, n in statuses.items() if s not in (200, 409)},
        "lost_updates": lost,
        "updates_per_s": round(ok / elapsed, 1),
        "requests_per_s": round(sum(statuses.values()) / elapsed, 1),
        "audit_chain_ok": verified.ok,
        "audit_rows": verified.rows,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--writers", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--postgres-cluster",
        action="store_true",
        required=True,
        help="start a throwaway PostgreSQL cluster (tests/support/pgcluster.py)",
    )
    parser.add_argument("--skip-reads", action="store_true")
    parser.add_argument("--skip-writes", action="store_true")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO / "src"))
    cluster, url = _cluster("bench_coord")
    try:
        if not args.skip_reads:
            rows = read_benchmark(url, args.projects, args.tasks, args.runs)
            print(
                f"\nreads on PostgreSQL, {args.projects:,} projects, {args.tasks:,} tasks (ms; target <= 50):"  # noqa: E501
            )
            print(
                f"  {'case':<42} {'beltroad best/median':>22} {'psycopg best/median':>22} {'ratio':>6}"  # noqa: E501
            )
            for r in rows:
                print(
                    f"  {r['case']:<42} {r['beltroad_best_ms']:>10.1f} / {r['beltroad_median_ms']:<9.1f} {r['psycopg_best_ms']:>10.1f} / {r['psycopg_median_ms']:<9.1f} {r['ratio_median']:>6.1f}"  # noqa: E501
                )
        if not args.skip_writes:
            result = write_benchmark(
                url.replace("/bench_coord", "/bench_coord_http"),
                args.writers,
                args.seconds,
                args.port,
            )
            print("\nconcurrent writers over HTTP on 127.0.0.1 (PostgreSQL):")
            for key, value in result.items():
                print(f"  {key:<20} {value}")
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
