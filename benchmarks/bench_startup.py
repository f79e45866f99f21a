"""Benchmark: start-up. ``beltroad --help`` and one sea route, each beside its baseline.

    python benchmarks/bench_startup.py [--repeat 7]

Each command runs in a fresh interpreter (``sys.executable``, with this checkout's ``src`` first
on the path), ``--repeat`` times, the pair alternating so that both see the same load:

* ``beltroad --help`` against ``python -c "import typer"`` (issue #13 part 6: within 2x);
* ``beltroad routes CNSHA NLRTM`` (end to end: settings, the database's schema check, the
  port catalogue, the sea network, two scenarios routed, the table printed) against searoute's
  own one route, ``searoute.searoute(Shanghai, Rotterdam)`` in a fresh interpreter (within 3x).
  The route runs on a database made by ``beltroad init`` in a temporary directory first (not
  timed).

Wall time and CPU time (user + system of the child, from ``RUSAGE_CHILDREN``) are both
reported as medians: on a shared machine the wall time swings with the load, CPU time much less.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
CLI = "import sys; from beltroad.cli import main; sys.exit(main())"  # the console script
SEAROUTE = (
    "import searoute; route = searoute.searoute([121.49, 31.24], [4.48, 51.92]); "
    "print(round(route.properties['length']), 'km')"
)


def run(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one child process; a failure stops the benchmark."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=env, check=False
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"{args} failed:\n{result.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def pair(
    name: str, ours: list[str], theirs: list[str], env: dict[str, str], repeat: int, target: float
) -> None:
    times: dict[str, list[tuple[float, float]]] = {"beltroad": [], "baseline": []}
    run(ours, env)  # warm the file cache and the bytecode cache, untimed
    run(theirs, env)
    for _ in range(repeat):
        times["beltroad"].append(run(ours, env))
        times["baseline"].append(run(theirs, env))
    medians = {
        side: (statistics.median(w for w, _ in got), statistics.median(c for _, c in got))
        for side, got in times.items()
    }
    (ours_wall, ours_cpu), (base_wall, base_cpu) = medians["beltroad"], medians["baseline"]
    print(
        f"{name}: beltroad {ours_wall:.2f} s wall / {ours_cpu:.2f} s CPU; baseline "
        f"{base_wall:.2f} s wall / {base_cpu:.2f} s CPU; ratio {ours_wall / base_wall:.2f}x "
        f"wall, {ours_cpu / base_cpu:.2f}x CPU (target <= {target:g}x: "
        f"{'met' if ours_cpu / base_cpu <= target else 'missed'} on CPU, "
        f"{'met' if ours_wall / base_wall <= target else 'missed'} on wall)",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    for name in ("BELTROAD_DB", "BELTROAD_DATA_DIR", "BELTROAD_DEBUG"):
        env.pop(name, None)
    print(f"python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f}", flush=True)
    pair("--help", ["-c", CLI, "--help"], ["-c", "import typer"], env, args.repeat, 2)
    data = Path(tempfile.mkdtemp(prefix="beltroad-startup-"))
    try:
        run(["-c", CLI, "--data-dir", str(data), "init"], env)
        pair(
            "routes CNSHA NLRTM",
            ["-c", CLI, "--data-dir", str(data), "routes", "CNSHA", "NLRTM"],
            ["-c", SEAROUTE],
            env,
            args.repeat,
            3,
        )
    finally:
        shutil.rmtree(data, ignore_errors=True)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
