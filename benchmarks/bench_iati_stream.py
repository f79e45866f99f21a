"""Benchmark: import a large generated IATI 2.03 file, streaming, in bounded memory.

    python benchmarks/bench_iati_stream.py [--size-mb 1024] [--workdir DIR] [--keep]
    python benchmarks/bench_iati_stream.py --size-mb 200 --before /tmp/base --rounds 2

With ``--before SRC`` (a checkout of an earlier commit, e.g. ``git worktree add /tmp/base main``)
the import also runs from ``SRC/src``, alternating before/after ``--rounds`` times on the same
file, and the ratio of the median import times is printed (issue #13: at most 10% slower).

Generates (into a temporary directory, never the repository) an IATI 2.03 file of about
``--size-mb`` MB by repeating varied activities: unique identifiers, 1 to 3 recipient countries
with percentage splits, a region now and then, 1 to 3 sectors, several participating
organisations, 2 to 8 transactions in four currencies, budgets, a location, loan terms on a
quarter of them, and descriptions of varying length.

Then, each in its own subprocess, one after the other:

* baseline: a bare lxml ``iterparse`` of the file that clears each activity and its earlier
  siblings (the textbook streaming loop, doing nothing with the data);
* beltroad: ``import_file(workspace, "iati", path)`` into a fresh SQLite database (created in
  the subprocess before the clock starts).

For each: wall time, and peak RSS read from ``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss``
after the subprocess ends (the baseline runs first, so the second reading is the import's
own peak whenever it is the larger; each child also reports its own ``RUSAGE_SELF`` peak).
Target: beltroad's peak RSS < 500 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

TARGET_RSS_MB = 500
COUNTRIES = ["PK", "KE", "LA", "ID", "KZ", "ET", "RS", "MY", "EG", "BD", "LK", "NG", "TZ", "MM"]
SECTORS = ["21020", "21030", "21040", "23230", "23240", "23220", "14021", "22040", "32120"]
CURRENCIES = ["USD", "CNY", "EUR", "XDR"]
WORDS = [
    "road",
    "rail",
    "port",
    "power",
    "grid",
    "solar",
    "wind",
    "hydro",
    "water",
    "sanitation",
    "telecom",
    "fibre",
    "industrial",
    "park",
    "bridge",
    "corridor",
    "logistics",
    "training",
    "hospital",
    "school",
    "housing",
    "upgrade",
    "phase",
]


def _activity(rng: random.Random, number: int) -> str:
    identifier = f"XE-EXAMPLE-BENCH-{number:09d}"
    words = " ".join(rng.choices(WORDS, k=rng.randint(5, 60)))
    countries = rng.sample(COUNTRIES, rng.randint(1, 3))
    shares = [100 // len(countries)] * len(countries)
    shares[0] += 100 - sum(shares)
    region = rng.random() < 0.1
    if region:
        shares = [s * 0.8 for s in shares]
    sectors = rng.sample(SECTORS, rng.randint(1, 3))
    sector_shares = [100 // len(sectors)] * len(sectors)
    sector_shares[0] += 100 - sum(sector_shares)
    year = rng.randint(2005, 2022)
    currency = rng.choice(CURRENCIES)
    parts = [
        f'<iati-activity last-updated-datetime="2024-01-01T00:00:00" xml:lang="en" '
        f'default-currency="{currency}" hierarchy="{rng.choice((1, 2))}">',
        f"<iati-identifier>{identifier}</iati-identifier>",
        '<reporting-org ref="XE-EXAMPLE" type="10"><narrative>Example Agency</narrative>'
        "</reporting-org>",
        f"<title><narrative>{escape(words[:80].title())} #{number}</narrative></title>",
        f'<description type="1"><narrative>{escape(words)}</narrative></description>',
        '<participating-org ref="XE-EXAMPLE" role="1" type="10"><narrative>Example Agency'
        "</narrative></participating-org>",
        f'<participating-org ref="XE-EXAMPLE-BANK-{number % 50}" role="3" type="40">'
        f"<narrative>Example Bank {number % 50}</narrative></participating-org>",
        f'<participating-org role="4" type="70"><narrative>Contractor {number % 997} Ltd'
        "</narrative></participating-org>",
        f'<activity-status code="{rng.randint(1, 4)}"/>',
        f'<activity-date type="1" iso-date="{year}-0{rng.randint(1, 9)}-15"/>',
        f'<activity-date type="2" iso-date="{year}-1{rng.randint(0, 2)}-01"/>',
        f'<activity-date type="3" iso-date="{year + rng.randint(2, 8)}-06-30"/>',
    ]
    parts += [
        f'<recipient-country code="{c}" percentage="{s:g}"/>'
        for c, s in zip(countries, shares, strict=True)
    ]
    if region:
        parts.append('<recipient-region code="298" vocabulary="1" percentage="20"/>')
    if rng.random() < 0.5:
        parts.append(
            f"<location><name><narrative>Site {number}</narrative></name>"
            '<point srsName="http://www.opengis.net/def/crs/EPSG/0/4326">'
            f"<pos>{rng.uniform(-30, 50):.5f} {rng.uniform(-20, 120):.5f}</pos></point>"
            '<exactness code="1"/></location>'
        )
    parts += [
        f'<sector vocabulary="1" code="{c}" percentage="{s}"/>'
        for c, s in zip(sectors, sector_shares, strict=True)
    ]
    parts.append('<default-flow-type code="21"/><default-finance-type code="421"/>')
    parts.append('<default-aid-type code="C01" vocabulary="1"/>')
    for offset in range(rng.randint(0, 3)):
        parts.append(
            f'<budget type="1" status="2"><period-start iso-date="{year + offset}-01-01"/>'
            f'<period-end iso-date="{year + offset}-12-31"/>'
            f'<value value-date="{year + offset}-01-01">{rng.randint(1, 9) * 10**6}</value>'
            "</budget>"
        )
    commitment = rng.randint(1, 900) * 10**6
    parts.append(
        f'<transaction><transaction-type code="2"/><transaction-date iso-date="{year}-03-01"/>'
        f'<value value-date="{year}-03-01">{commitment}</value>'
        f'<receiver-org type="70"><narrative>Contractor {number % 997} Ltd</narrative>'
        "</receiver-org></transaction>"
    )
    for step in range(rng.randint(1, 7)):
        parts.append(
            f'<transaction><transaction-type code="{rng.choice((3, 3, 4, 5, 6))}"/>'
            f'<transaction-date iso-date="{year + 1 + step // 4}-{step % 4 * 3 + 1:02d}-10"/>'
            f'<value currency="{rng.choice(CURRENCIES)}" value-date="{year + 1}-01-10">'
            f"{rng.uniform(1e4, 1e8):.2f}</value></transaction>"
        )
    if number % 4 == 0:
        parts.append(
            f'<crs-add><loan-terms rate-1="{rng.uniform(0.5, 6):.2f}"><repayment-type code="1"/>'
            f'<commitment-date iso-date="{year}-03-01"/>'
            f'<repayment-first-date iso-date="{year + 5}-03-01"/>'
            f'<repayment-final-date iso-date="{year + 20}-03-01"/></loan-terms></crs-add>'
        )
    parts.append("</iati-activity>\n")
    return "\n".join(parts)


def generate(path: Path, size_mb: float, *, seed: int = 20241203) -> tuple[int, int]:
    """Write about ``size_mb`` MB of activities; returns (activities, bytes)."""
    rng = random.Random(seed)
    target = int(size_mb * 1_000_000)
    written = 0
    number = 0
    with path.open("w", encoding="utf-8") as handle:
        written += handle.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<iati-activities version="2.03" generated-datetime="2024-01-01T00:00:00">\n'
        )
        chunk: list[str] = []
        while written < target:
            text = _activity(rng, number)
            number += 1
            chunk.append(text)
            written += len(text)  # ASCII: characters are bytes
            if len(chunk) >= 1000:
                handle.write("".join(chunk))
                chunk.clear()
        handle.write("".join(chunk))
        handle.write("</iati-activities>\n")
    return number, path.stat().st_size


BASELINE_CHILD = """
import json, resource, sys, time
from lxml import etree
started = time.perf_counter()
count = 0
for _, element in etree.iterparse(sys.argv[1], events=("end",), tag="iati-activity"):
    count += 1
    element.clear(keep_tail=False)
    parent = element.getparent()
    while element.getprevious() is not None:
        del parent[0]
print(json.dumps({"seconds": time.perf_counter() - started, "activities": count,
                  "self_peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

BELTROAD_CHILD = """
import json, resource, sys, time
from pathlib import Path
from beltroad.services.imports import import_file
from beltroad.services.setup import initialise
from beltroad.services.workspace import open_workspace
from beltroad.settings import load_settings
settings = load_settings(data_dir=Path(sys.argv[2]))
initialise(settings)
workspace = open_workspace(settings)
ready_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started, cpu = time.perf_counter(), time.process_time()
report = import_file(workspace, "iati", Path(sys.argv[1]))
seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
workspace.close()
print(json.dumps({"seconds": seconds, "cpu": cpu, "activities": report.records_written,
                  "rejected": len(report.rejected), "ready_kib": ready_kib,
                  "self_peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def run_child(
    code: str, *args: str, source: Path | None = None
) -> tuple[dict[str, float], float, float]:
    """(child's JSON, wall seconds, RUSAGE_CHILDREN peak MB after it).

    ``source``: a checkout whose ``src`` is put first on the child's path (the "before" run).
    """
    env = dict(os.environ)
    if source is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(source / "src"), env.get("PYTHONPATH", "")])
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False, env=env
    )
    wall = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"subprocess failed:\n{result.stderr[-3000:]}")
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return json.loads(result.stdout.strip().splitlines()[-1]), wall, peak_kib / 1024


def compare(
    before: Path, source: Path, workdir: Path, rounds: int, first: dict[str, float]
) -> None:
    """Alternate imports from ``before`` and from this checkout; print the median ratios.

    Wall and CPU time both: on a shared machine the wall time swings with the load, the
    process's CPU time (the import and SQLite run in it) much less.
    """
    times: dict[str, list[float]] = {"before": [], "after": [first["seconds"]]}
    cpus: dict[str, list[float]] = {"before": [], "after": [first["cpu"]]}
    for number in range(rounds):
        for side, checkout in (("before", before), ("after", None)):
            if side == "after" and number == 0:
                continue  # the run above is the first "after"
            shutil.rmtree(workdir / "data", ignore_errors=True)
            result, _, _ = run_child(
                BELTROAD_CHILD, str(source), str(workdir / "data"), source=checkout
            )
            times[side].append(result["seconds"])
            cpus[side].append(result["cpu"])
            print(
                f"{side:9} import_file: {result['seconds']:8.1f} s wall, "
                f"{result['cpu']:8.1f} s CPU",
                flush=True,
            )
    shutil.rmtree(workdir / "data", ignore_errors=True)
    for what, series in (("wall", times), ("CPU", cpus)):
        before_median, after_median = (statistics.median(series[k]) for k in ("before", "after"))
        ratio = after_median / before_median
        print(
            f"after/before medians, {what}: {after_median:.1f} s / {before_median:.1f} s = "
            f"{ratio:.3f} ({'within' if ratio <= 1.10 else 'over'} the 10% allowance)",
            flush=True,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size-mb", type=float, default=1024)
    parser.add_argument("--workdir", type=Path, default=None, help="default: a new temp dir")
    parser.add_argument("--keep", action="store_true", help="keep the generated file")
    parser.add_argument("--before", type=Path, default=None, help="an earlier checkout to compare")
    parser.add_argument("--rounds", type=int, default=2, help="before/after pairs (--before)")
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="beltroad-iati-stream-"))
    workdir.mkdir(parents=True, exist_ok=True)
    source = workdir / "activities.xml"
    try:
        started = time.perf_counter()
        activities, size = generate(source, args.size_mb)
        print(
            f"generated {source}: {size / 1e6:,.0f} MB, {activities:,} activities "
            f"in {time.perf_counter() - started:,.0f} s",
            flush=True,
        )
        base, base_wall, base_peak = run_child(BASELINE_CHILD, str(source))
        print(
            f"baseline  lxml iterparse+clear: {base_wall:8.1f} s wall, "
            f"peak RSS {base_peak:7.1f} MB (self {base['self_peak_kib'] / 1024:.1f} MB), "
            f"{base['activities']:,} activities",
            flush=True,
        )
        ours, wall, peak = run_child(BELTROAD_CHILD, str(source), str(workdir / "data"))
        print(
            f"beltroad  import_file (SQLite): {wall:8.1f} s wall ({ours['seconds']:.1f} s "
            f"import), peak RSS {peak:7.1f} MB (self {ours['self_peak_kib'] / 1024:.1f} MB; "
            f"{ours['ready_kib'] / 1024:.1f} MB before the import), "
            f"{ours['activities']:,} activities, {ours['rejected']} rejected",
            flush=True,
        )
        if args.before is not None:
            compare(args.before, source, workdir, args.rounds, ours)
        rate = size / 1e6 / ours["seconds"]
        verdict = "meets" if peak < TARGET_RSS_MB else "misses"
        print(
            f"ratio     {ours['seconds'] / base['seconds']:.1f}x the baseline's time, "
            f"{rate:.1f} MB/s; peak RSS {verdict} the < {TARGET_RSS_MB} MB target"
        )
    finally:
        if not args.keep:
            if args.workdir is None:
                shutil.rmtree(workdir, ignore_errors=True)
            else:
                source.unlink(missing_ok=True)
                shutil.rmtree(workdir / "data", ignore_errors=True)
    return 0


if __name__ == "__main__":
    os.environ.pop("BELTROAD_DB", None)  # the import goes to its own fresh SQLite file
    raise SystemExit(main())
