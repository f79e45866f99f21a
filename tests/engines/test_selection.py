"""Selection MILP: the worked knapsack of standards §5.5, constraints, reasons and conflicts."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from beltroad.engines.selection import Infeasible, SelectionModel, solve

VALUES = [360, 83, 59, 130, 431, 67, 230, 52, 93, 125]
WEIGHTS = [7, 0, 30, 22, 80, 94, 11, 81, 70, 64]


def test_the_standards_knapsack_is_solved_to_its_known_optimum() -> None:
    result = solve(SelectionModel(costs=WEIGHTS, values=VALUES, budget=200))
    assert result.objective == 1359
    x = [int(i in result.chosen) for i in range(10)]
    assert x == [1, 1, 0, 1, 1, 0, 1, 0, 0, 1]
    assert result.status == "optimal"
    # LP relaxation: the fractional item is the one with v/w = 125/64 (greedy by ratio).
    assert result.budget_shadow_price == pytest.approx(125 / 64)


def test_every_left_out_candidate_names_the_constraint_it_would_break() -> None:
    result = solve(SelectionModel(costs=WEIGHTS, values=VALUES, budget=200))
    for d in result.decisions:
        if not d.selected:
            assert d.constraint == "budget <= 200"
            assert "budget" in d.reason


def _brute_force(model: SelectionModel) -> float:
    best = -1.0
    m = len(model.costs)
    for bits in itertools.product([0, 1], repeat=m):
        x = np.array(bits, bool)
        c = np.asarray(model.costs, float)
        if c @ x > model.budget:
            continue
        if any(x[i] == 0 for i in model.must_include) or any(x[i] for i in model.must_exclude):
            continue
        if model.countries is not None:
            ok = True
            for iso3, cap in model.country_caps.items():
                share = np.array([model.countries[i].get(iso3, 0) for i in range(m)])
                ok &= bool((c * share) @ x <= cap + 1e-9)
            if not ok:
                continue
        if model.min_green_share is not None and model.green is not None:
            g = np.asarray(model.green, float)
            if (c * (g - model.min_green_share)) @ x < -1e-9:
                continue
        if model.max_risk is not None and model.risk is not None:
            r = np.asarray(model.risk, float)
            if (c * (r - model.max_risk)) @ x > 1e-9:
                continue
        best = max(best, float(np.asarray(model.values, float) @ x))
    return best


@pytest.mark.parametrize("seed", range(8))
def test_all_five_constraints_match_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    m = 11
    countries = [{"AAA": 1.0} if i % 3 else {"BBB": 0.6, "CCC": 0.4} for i in range(m)]
    model = SelectionModel(
        costs=rng.integers(5, 50, m).tolist(),
        values=rng.uniform(0, 1, m).tolist(),
        budget=150,
        green=(rng.uniform(size=m) < 0.4).tolist(),
        risk=rng.uniform(10, 80, m).tolist(),
        countries=countries,
        country_caps={"AAA": 100, "BBB": 40},
        min_green_share=0.2,
        max_risk=55,
        must_exclude=frozenset({4}),
    )
    expected = _brute_force(model)
    if expected < 0:
        with pytest.raises(Infeasible):
            solve(model)
        return
    assert solve(model).objective == pytest.approx(expected)


def test_an_infeasible_model_names_the_conflicting_constraints() -> None:
    model = SelectionModel(
        costs=[10, 10, 10],
        values=[1, 1, 1],
        budget=15,
        green=[False, False, True],
        min_green_share=0.9,
        risk=[10, 10, 90],
        max_risk=50,
        must_include=frozenset({0}),
    )
    with pytest.raises(Infeasible) as info:
        solve(model)
    conflict = info.value.conflict
    # Project 0 (not green) is forced in, so a 90% green share cannot hold whatever else is
    # chosen; budget and risk are not part of that irreducible conflict.
    assert conflict == ("green share >= 90%", "must-include 0")
    assert "conflict" in str(info.value)


def test_policy_exclusion_and_must_include_are_explained() -> None:
    result = solve(
        SelectionModel(
            costs=[1, 1, 1],
            values=[1, 5, 1],
            budget=10,
            must_include=frozenset({0}),
            policy_excluded={1: "new coal power after 2021-09-21"},
        )
    )
    by = {d.index: d for d in result.decisions}
    assert by[0].selected
    assert by[0].reason == "must-include"
    assert not by[1].selected
    assert "coal" in by[1].reason
    assert by[2].selected


def test_a_cap_that_binds_is_reported_binding() -> None:
    result = solve(
        SelectionModel(
            costs=[10, 10, 10],
            values=[3, 2, 1],
            budget=100,
            countries=[{"PAK": 1.0}, {"PAK": 1.0}, {"KEN": 1.0}],
            country_caps={"PAK": 10},
        )
    )
    assert result.chosen == (0, 2)
    binding = {c["constraint"]: c["binding"] for c in result.constraints}
    assert binding["PAK cap <= 10"] is True
    assert binding["budget <= 100"] is False
    assert result.decisions[1].constraint == "PAK cap <= 10"
