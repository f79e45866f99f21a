"""Benchmark: beltroad's grouped stress test against a per-project chunked numpy baseline.

One command, both sides measured in the same run on the same portfolio and the same model::

    .venv/bin/python benchmarks/bench_stress.py --scenarios 10000 100000 1000000

The portfolio is 20,000 projects in 150 countries (seeded; sector, instrument and size mixes
shaped like AidData's GCDF: a few sectors and loans dominate, amounts log-normal). The model is
the engine's: global, region and country factors, asset correlation ρ, PD per country.

The baseline is the straightforward implementation: for each chunk of scenarios, draw the
factors, then one latent variable per project per scenario (``X = √ρ·Y_c + √(1−ρ)·ε``), flag
``X < Φ⁻¹(PD)`` and sum ``EAD × LGD`` of the defaulted projects (a matrix product). It is run at
each scenario count up to ``--baseline-max`` and extrapolated linearly beyond (said so in the
output). Each side runs in its own child process so that its peak RSS is its own.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing as mp
import resource
import sys
import time
from typing import Any

import numpy as np
from scipy.special import ndtri

from beltroad.engines.scenario import Scenario
from beltroad.engines.stress import Exposure, StressParameters, run_stress

PROJECTS = 20_000
COUNTRIES = 150
REGIONS = 7
SECTORS = ("210", "231", "232", "233", "236", "220", "140", "321", "322", "430", "121", "111",
           "151", "311", "250", "160", "410", "720", "730", "520", "510")  # fmt: skip
SECTOR_WEIGHTS = np.array([22, 14, 8, 6, 5, 6, 6, 6, 4, 4, 3, 3, 3, 3, 2, 2, 1, 1, 1, 1, 1.0])
INSTRUMENTS = (("loan", 0.45, 0.70), ("export_credit", 0.45, 0.15), ("grant", 0.0, 0.10),
               ("equity", 0.9, 0.03), ("guarantee", 0.45, 0.02))  # fmt: skip
CORRELATION = 0.2
LOADINGS = (0.5, 0.5, 0.7071067811865476)


def portfolio(seed: int = 7) -> list[Exposure]:
    rng = np.random.default_rng(seed)
    country_pd = np.exp(rng.uniform(np.log(0.002), np.log(0.15), COUNTRIES))
    country_region = rng.integers(0, REGIONS, COUNTRIES)
    country = rng.integers(0, COUNTRIES, PROJECTS)
    sector = rng.choice(len(SECTORS), PROJECTS, p=SECTOR_WEIGHTS / SECTOR_WEIGHTS.sum())
    weights = np.array([w for _, _, w in INSTRUMENTS])
    instrument = rng.choice(len(INSTRUMENTS), PROJECTS, p=weights / weights.sum())
    ead = rng.lognormal(np.log(3e7), 1.6, PROJECTS)
    return [
        Exposure(
            project_id=i,
            country=f"C{country[i]:03d}",
            region=f"R{country_region[country[i]]}",
            sector=SECTORS[sector[i]],
            instrument=INSTRUMENTS[instrument[i]][0],
            ead=float(ead[i]),
            lgd=INSTRUMENTS[instrument[i]][1],
            pd=float(country_pd[country[i]]),
        )
        for i in range(PROJECTS)
    ]


def baseline(
    exposures: list[Exposure], scenarios: int, seed: int, chunk: int = 1000
) -> dict[str, Any]:
    """Per-project Monte Carlo: every project drawn in every scenario."""
    countries = sorted({e.country for e in exposures})
    regions = sorted({e.region or "" for e in exposures})
    c_index = {c: i for i, c in enumerate(countries)}
    region_of = {e.country: regions.index(e.region or "") for e in exposures}
    country_region = np.array([region_of[c] for c in countries])
    proj_country = np.array([c_index[e.country] for e in exposures])
    threshold = ndtri(np.array([e.pd for e in exposures]))
    loss_given = np.array([e.ead * e.lgd for e in exposures])
    g, r, c = LOADINGS
    rho = CORRELATION
    rng = np.random.default_rng(seed)
    totals = np.empty(scenarios)
    for start in range(0, scenarios, chunk):
        m = min(chunk, scenarios - start)
        f = rng.standard_normal((m, 1 + len(regions) + len(countries)))
        y = (
            g * f[:, :1]
            + r * f[:, 1 : 1 + len(regions)][:, country_region]
            + c * f[:, 1 + len(regions) :]
        )
        x = math.sqrt(rho) * y[:, proj_country] + math.sqrt(1 - rho) * rng.standard_normal(
            (m, len(exposures))
        )
        totals[start : start + m] = (x < threshold).astype(np.float64) @ loss_given
    var = float(np.quantile(totals, 0.999, method="inverted_cdf"))
    return {"expected_loss": float(totals.mean()), "var_999": var,
            "es_999": float(totals[totals >= var].mean())}  # fmt: skip


def ours(exposures: list[Exposure], scenarios: int, seed: int) -> dict[str, Any]:
    params = StressParameters(correlation=CORRELATION, loadings=LOADINGS)
    result = run_stress(
        exposures, params, Scenario(name="benchmark"), scenarios=scenarios, seed=seed
    )
    return {"expected_loss": result.expected_loss, "var_999": result.var["99.9"],
            "es_999": result.es["99.9"], "groups": result.groups,
            "replayed_chunks": result.replayed_chunks}  # fmt: skip


def _child(side: str, scenarios: int, seed: int, out: Any) -> None:
    exposures = portfolio()
    started = time.perf_counter()
    cpu = time.process_time()
    found = (ours if side == "beltroad" else baseline)(exposures, scenarios, seed)
    found["seconds"] = time.perf_counter() - started
    found["cpu_seconds"] = time.process_time() - cpu
    found["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.send(found)


def measure(side: str, scenarios: int, seed: int) -> dict[str, Any]:
    here, there = mp.Pipe()
    process = mp.get_context("spawn").Process(target=_child, args=(side, scenarios, seed, there))
    process.start()
    found: dict[str, Any] = here.recv()
    process.join()
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--baseline-max", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    rows = []
    base_rate: tuple[float, float] | None = None
    for n in args.scenarios:
        mine = measure("beltroad", n, args.seed)
        if n <= args.baseline_max:
            theirs = measure("baseline", n, args.seed)
            base_rate = (theirs["seconds"] / n, theirs["cpu_seconds"] / n)
            extrapolated = False
        else:
            assert base_rate is not None, "run a smaller count first to extrapolate from"
            theirs = {"seconds": base_rate[0] * n, "cpu_seconds": base_rate[1] * n}
            extrapolated = True
        row = {"scenarios": n, "beltroad": mine, "baseline": theirs,
               "baseline_extrapolated": extrapolated,
               "ratio": theirs["seconds"] / mine["seconds"],
               "cpu_ratio": theirs["cpu_seconds"] / mine["cpu_seconds"]}  # fmt: skip
        rows.append(row)
        b = theirs
        print(
            f"{n:>9,} scenarios | beltroad {mine['seconds']:7.2f} s wall, "
            f"{mine['cpu_seconds']:7.2f} s cpu, peak RSS {mine['peak_rss_mib']:.0f} MiB, "
            f"{mine['groups']} groups, EL {mine['expected_loss']:.4g}, "
            f"VaR99.9 {mine['var_999']:.4g} | baseline{' (extrapolated)' if extrapolated else ''} "
            f"{b['seconds']:7.2f} s wall, {b['cpu_seconds']:7.2f} s cpu"
            + (
                f", peak RSS {b['peak_rss_mib']:.0f} MiB, EL {b['expected_loss']:.4g}, "
                f"VaR99.9 {b['var_999']:.4g}"
                if not extrapolated
                else ""
            )
            + f" | {row['ratio']:.1f}x wall, {row['cpu_ratio']:.1f}x cpu",
            flush=True,
        )
    json.dump(rows, sys.stderr, indent=1)
    sys.stderr.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
