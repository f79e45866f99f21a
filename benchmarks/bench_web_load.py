"""Benchmark: a locust load test of ``beltroad serve`` on 127.0.0.1, its RSS over repeated runs,
and Datasette serving the same SQLite ``projects`` table as a peer.

    python benchmarks/bench_web_load.py --data-dir DIR [--users 50] [--seconds 60] [--runs 3]

DIR holds a SQLite beltroad database (for example after ``beltroad --data-dir DIR demo
--synthetic --projects 20000 --no-serve``). The script:

1. starts ``beltroad serve`` (one uvicorn process) on a free 127.0.0.1 port, as a subprocess;
2. runs locust headless (``benchmarks/locustfile_web.py``: dashboard, project list sorted by
   amount, the list filtered by year, ``/api/v1/projects``) ``--runs`` times with ``--users``
   users for ``--seconds`` each, and prints requests, failures, p50 and p95 per route and the
   server's RSS after each run;
3. starts ``datasette`` on the same database file (read-only, ``--immutable``) and times the same
   filtered list (status = 2, ordered by id, 50 rows, with the total count) through its
   JSON API and through ``/api/v1/projects?status=2&limit=50``, sequentially, median of
   ``--repeat`` warm requests each, and prints the ratio.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_up(url: str, seconds: float = 120.0) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 - http://127.0.0.1 only
                return
        except Exception:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not come up")


def rss_mib(pid: int) -> float:
    """The process tree's resident memory (the server and any children)."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for p in pids:
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


def credentials(data_dir: Path) -> tuple[str, str]:
    """A bearer token and a signed session cookie for the local administrator."""
    sys.path.insert(0, str(REPO / "src"))
    from beltroad.services import users
    from beltroad.services.workspace import open_workspace
    from beltroad.settings import load_settings
    from beltroad.web.session import Cookies

    settings = load_settings(data_dir=data_dir)
    ws = open_workspace(settings)
    try:
        admin = users.resolve_actor(ws)
        token = users.issue_token(ws, admin, admin.login).token
    finally:
        ws.close()
    return token, Cookies(settings).session.dumps({"token": token})


def locust_run(
    base: str, users_n: int, seconds: int, env: dict[str, str], out: Path
) -> list[dict[str, str]]:
    prefix = out / "run"
    subprocess.run(
        [str(BIN / "locust"), "-f", str(REPO / "benchmarks" / "locustfile_web.py"), "--headless",
         "-u", str(users_n), "-r", str(users_n), "-t", f"{seconds}s", "-H", base,
         "--csv", str(prefix), "--only-summary"],
        env=env, check=False, capture_output=True, text=True,
    )  # fmt: skip
    with open(f"{prefix}_stats.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def timed_get(url: str, headers: dict[str, str] | None = None) -> tuple[float, Any]:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
        body = json.loads(answer.read())
    return time.perf_counter() - start, body


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    token, cookie = credentials(args.data_dir)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "BENCH_TOKEN": token,
           "BENCH_SESSION_COOKIE": cookie}  # fmt: skip
    server = subprocess.Popen(
        [str(BIN / "beltroad"), "--data-dir", str(args.data_dir), "serve", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_up(f"{base}/login")
        print(f"server RSS at start: {rss_mib(server.pid):.0f} MiB")
        for run in range(1, args.runs + 1):
            with tempfile.TemporaryDirectory() as folder:
                rows = locust_run(base, args.users, args.seconds, env, Path(folder))
            print(f"run {run}: {args.users} users, {args.seconds} s")
            for row in rows:
                print(f"  {row['Name']:<28} requests {row['Request Count']:>6} "
                      f"failures {row['Failure Count']:>4} p50 {row['50%']:>6} ms "
                      f"p95 {row['95%']:>6} ms  {float(row['Requests/s']):.1f} req/s")  # fmt: skip
            print(f"  server RSS after run {run}: {rss_mib(server.pid):.0f} MiB")
        peer(args, base, token)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 0


def peer(args: argparse.Namespace, base: str, token: str) -> None:
    """The same filtered list from Datasette and from beltroad, sequential warm requests."""
    db = args.data_dir / "beltroad.db"
    port = free_port()
    datasette = subprocess.Popen(
        [str(BIN / "datasette"), "serve", "--immutable", str(db), "-p", str(port),
         "-h", "127.0.0.1", "--setting", "sql_time_limit_ms", "60000",
         "--setting", "suggest_facets", "off"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        name = db.stem
        ds_url = (f"http://127.0.0.1:{port}/{name}/projects.json?status=2&_sort=id"
                  "&_size=50&_shape=objects&_col=identifier&_col=title&_col=commitment_year"
                  "&_col=amount_usd_constant&_col=status&_col=dataset")  # fmt: skip
        wait_up(f"http://127.0.0.1:{port}/-/versions.json")
        br_url = f"{base}/api/v1/projects?status=2&limit=50"
        auth = {"Authorization": f"Bearer {token}"}
        timed_get(ds_url)
        timed_get(br_url, auth)
        ds = [timed_get(ds_url) for _ in range(args.repeat)]
        br = [timed_get(br_url, auth) for _ in range(args.repeat)]
        ds_ms = statistics.median(t for t, _ in ds) * 1000
        br_ms = statistics.median(t for t, _ in br) * 1000
        ds_rows, br_body = ds[0][1]["rows"], br[0][1]
        ds_ids = [r["identifier"] for r in ds_rows]
        same = ds_ids == [r["identifier"] for r in br_body["items"]]
        print(f"filtered list (status=2, 50 rows): datasette {ds_ms:.1f} ms "
              f"(filtered count {ds[0][1].get('filtered_table_rows_count')}), "
              f"beltroad {br_ms:.1f} ms (total {br_body['total']}); "
              f"ratio beltroad/datasette {br_ms / ds_ms:.2f}; same rows: {same}")  # fmt: skip
    finally:
        datasette.terminate()
        datasette.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
