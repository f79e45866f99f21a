"""Benchmark: flagship selection over 20,000 candidates with 5 constraints, solved to optimality.

    python benchmarks/bench_selection.py [--candidates 20000] [--seed 17] [--repeat 3]

The model (issue #17, standards §5.5): binary x_i, maximise sum score_i * amount_i subject to

1. the budget (5% of the candidates' total amount),
2. a cap on the largest country's amount,
3. a cap on the second-largest country's amount,
4. a minimum green share of 30% of the chosen amount,
5. a maximum amount-weighted country risk of 45,

plus 10 must-include and 10 must-exclude projects (bounds, not rows). Seeded data: amounts
log-normal (median USD 50 m), scores uniform 0..1, 25% green, risk 10..90, 60 countries (Zipf).

* beltroad: ``beltroad.engines.selection.solve`` (HiGHS through ``scipy.optimize.milp``, relative
  gap 0), timed whole: the MILP, the explanation of every project and the LP shadow price;
* baseline: the same model in PuLP 3 solved by its bundled CBC (``gapRel=0``); if PuLP is not
  installed, the same model as a dense ``scipy.optimize.milp`` call without beltroad's wrapper.

Both objectives must agree to 1e-6 relative. Prints both times and the ratio.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import time
from typing import Any

import numpy as np

from beltroad.engines.selection import SelectionModel, solve


def build(m: int, seed: int) -> SelectionModel:
    rng = np.random.default_rng(seed)
    amounts = np.exp(rng.normal(np.log(50e6), 1.2, m)).round(0)
    scores = rng.uniform(0, 1, m)
    green = rng.uniform(size=m) < 0.25
    risk = rng.uniform(10, 90, m)
    weights = 1 / np.arange(1, 61) ** 1.1
    country = rng.choice(60, size=m, p=weights / weights.sum())
    codes = [f"C{c:02d}" for c in range(60)]
    total = float(amounts.sum())
    caps = {}
    for k in np.argsort(-np.bincount(country, weights=amounts, minlength=60))[:2]:
        caps[codes[k]] = float(amounts[country == k].sum()) * 0.05
    picks = rng.choice(m, size=20, replace=False)
    return SelectionModel(
        costs=amounts.tolist(),
        values=(scores * amounts).tolist(),
        budget=0.05 * total,
        green=green.tolist(),
        risk=risk.tolist(),
        countries=[{codes[c]: 1.0} for c in country],
        country_caps=caps,
        min_green_share=0.30,
        max_risk=45.0,
        must_include=frozenset(int(i) for i in picks[:10]),
        must_exclude=frozenset(int(i) for i in picks[10:]),
    )


def baseline_pulp(model: SelectionModel) -> tuple[float, str, str]:
    import pulp

    m = len(model.costs)
    c = np.asarray(model.costs)
    v = np.asarray(model.values)
    prob = pulp.LpProblem("selection", pulp.LpMaximize)
    x = [pulp.LpVariable(f"x{i}", cat="Binary") for i in range(m)]
    prob += pulp.lpDot(v.tolist(), x)
    prob += pulp.lpDot(c.tolist(), x) <= model.budget
    assert model.countries is not None
    assert model.green is not None
    assert model.risk is not None
    for iso3, cap in model.country_caps.items():
        idx = [i for i in range(m) if iso3 in model.countries[i]]
        prob += pulp.lpSum(c[i] * x[i] for i in idx) <= cap
    g = np.asarray(model.green, dtype=float)
    r = np.asarray(model.risk)
    assert model.min_green_share is not None
    assert model.max_risk is not None
    prob += pulp.lpDot((c * (g - model.min_green_share)).tolist(), x) >= 0
    prob += pulp.lpDot((c * (r - model.max_risk)).tolist(), x) <= 0
    for i in model.must_include:
        prob += x[i] == 1
    for i in model.must_exclude:
        prob += x[i] == 0
    prob.solve(pulp.PULP_CBC_CMD(msg=False, gapRel=0.0, timeLimit=1800))
    status = pulp.LpStatus[prob.status]
    return float(pulp.value(prob.objective)), status, f"PuLP {pulp.__version__} + CBC"


def baseline_scipy(model: SelectionModel) -> tuple[float, str, str]:
    from scipy.optimize import Bounds, LinearConstraint, milp

    m = len(model.costs)
    c = np.asarray(model.costs)
    assert model.countries is not None
    assert model.green is not None
    assert model.risk is not None
    assert model.min_green_share is not None
    assert model.max_risk is not None
    rows = [c]
    lo = [-np.inf]
    hi = [model.budget]
    for iso3, cap in model.country_caps.items():
        rows.append(c * np.array([iso3 in model.countries[i] for i in range(m)]))
        lo.append(-np.inf)
        hi.append(cap)
    rows.append(c * (np.asarray(model.green, float) - model.min_green_share))
    lo.append(0.0)
    hi.append(np.inf)
    rows.append(c * (np.asarray(model.risk) - model.max_risk))
    lo.append(-np.inf)
    hi.append(0.0)
    lb, ub = np.zeros(m), np.ones(m)
    lb[list(model.must_include)] = 1
    ub[list(model.must_exclude)] = 0
    res = milp(
        -np.asarray(model.values),
        constraints=LinearConstraint(np.vstack(rows), lo, hi),
        integrality=np.ones(m),
        bounds=Bounds(lb, ub),
        options={"mip_rel_gap": 0.0},
    )
    return float(-res.fun), "Optimal" if res.status == 0 else res.message, "scipy.optimize.milp"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--candidates", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    model = build(args.candidates, args.seed)
    print(
        f"python {platform.python_version()}, {args.candidates:,} candidates, 5 constraints",
        flush=True,
    )

    ours: list[float] = []
    result: Any = None
    for _ in range(args.repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        result = solve(model)
        ours.append(time.perf_counter() - t0)
        print(
            f"beltroad run: {ours[-1]:.2f} s wall, {time.process_time() - c0:.2f} s CPU "
            f"(load {os.getloadavg()[0]:.1f})",
            flush=True,
        )
    assert result is not None
    assert result.status == "optimal"
    try:
        import pulp  # noqa: F401

        baseline = baseline_pulp
    except ImportError:
        baseline = baseline_scipy
    theirs: list[float] = []
    base_obj = float("nan")
    status = label = ""
    for _ in range(args.repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        k0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        base_obj, status, label = baseline(model)
        theirs.append(time.perf_counter() - t0)
        k1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        child = (k1.ru_utime + k1.ru_stime) - (k0.ru_utime + k0.ru_stime)
        print(
            f"baseline run: {theirs[-1]:.2f} s wall, {time.process_time() - c0 + child:.2f} s "
            f"CPU incl. the solver process (load {os.getloadavg()[0]:.1f})",
            flush=True,
        )
    rel = abs(result.objective - base_obj) / abs(base_obj)
    print(
        f"beltroad (HiGHS via scipy.optimize.milp, with reasons + shadow price): "
        f"best {min(ours):.2f} s, median {np.median(ours):.2f} s; "
        f"objective {result.objective:,.0f}; "
        f"{len(result.chosen):,} chosen; binding: "
        + ", ".join(c["constraint"] for c in result.constraints if c["binding"])
    )
    print(
        f"baseline ({label}): best {min(theirs):.2f} s, median {np.median(theirs):.2f} s; "
        f"objective {base_obj:,.0f}; status {status}"
    )
    ratio = min(theirs) / min(ours)
    print(f"objectives agree to {rel:.2e} relative; time ratio baseline/beltroad {ratio:.2f}x")
    if rel > 1e-6:
        raise SystemExit("objectives differ: one side did not reach the optimum")


if __name__ == "__main__":
    main()
