"""The stress engine: Vasicek closed form, invariants (Hypothesis), determinism, breakdowns."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

from beltroad.engines.scenario import (
    Closure,
    CurrencyShock,
    FactorShock,
    PdFloor,
    PdMultiplier,
    Sanction,
    Scenario,
    Target,
)
from beltroad.engines.stress import Exposure, StressParameters, run_stress
from beltroad.engines.stress_sampling import binomial_inverse

BASE = Scenario(name="base")
ONE_FACTOR = StressParameters(correlation=0.12, loadings=(1.0, 0.0, 0.0), chunk_size=1024)


def homogeneous(n: int, pd: float, *, ead: float = 100.0, lgd: float = 1.0) -> list[Exposure]:
    return [Exposure(i, "PAK", "South Asia", "210", "loan", ead, lgd, pd) for i in range(n)]


def vasicek_cdf(x: float, pd: float, rho: float) -> float:
    """P(default rate ≤ x) of the large homogeneous portfolio (Vasicek)."""
    return float(norm.cdf((math.sqrt(1 - rho) * norm.ppf(x) - norm.ppf(pd)) / math.sqrt(rho)))


def test_standards_oracle_el_and_the_999_default_rate() -> None:
    """standards.md §4.5: PD 2%, ρ 0.12, LGD 45%, EAD 100 -> EL 0.90; PD^99.9% = 0.14728."""
    result = run_stress(homogeneous(1, 0.02, lgd=0.45), ONE_FACTOR, BASE, scenarios=1000, seed=1)
    assert result.expected_loss_analytic == pytest.approx(0.90)
    closed = norm.cdf((norm.ppf(0.02) + math.sqrt(0.12) * norm.ppf(0.999)) / math.sqrt(0.88))
    assert closed == pytest.approx(0.14728, abs=1e-5)


@pytest.mark.parametrize("level", ["99", "99.9"])
def test_loss_quantiles_match_vasicek_within_monte_carlo_error(level: str) -> None:
    n, pd, rho, scenarios = 100_000, 0.02, 0.12, 20_000
    # One group of 100,000 obligors: one binomial draw per scenario.
    result = run_stress(homogeneous(n, pd), ONE_FACTOR, BASE, scenarios=scenarios, seed=11)
    alpha = {"99": 0.99, "99.9": 0.999}[level]
    rate = result.var[level] / (n * 100.0)
    # The empirical alpha-quantile's CDF level is alpha ± a few standard errors of the factor's
    # sampling, widened by the binomial noise of a finite portfolio (3 sd of the default rate).
    se = 4 * math.sqrt(alpha * (1 - alpha) / scenarios)
    noise = 3 * math.sqrt(rate * (1 - rate) / n)
    lowest, highest = vasicek_cdf(rate - noise, pd, rho), vasicek_cdf(rate + noise, pd, rho)
    assert lowest - se <= alpha <= highest + se
    closed = norm.cdf((norm.ppf(pd) + math.sqrt(rho) * norm.ppf(alpha)) / math.sqrt(1 - rho))
    assert rate == pytest.approx(closed, rel=0.08)
    assert result.expected_loss == pytest.approx(n * 100 * pd, rel=0.03)
    assert result.groups == 1


@settings(max_examples=25, deadline=None)
@given(
    pd=st.floats(0.001, 0.2),
    n=st.integers(20, 400),
    rhos=st.tuples(st.floats(0.0, 0.85), st.floats(0.0, 0.85)).map(sorted),
    seed=st.integers(0, 2**31 - 1),
)
def test_more_correlation_never_lowers_the_999_var(
    pd: float, n: int, rhos: list[float], seed: int
) -> None:
    low, high = (
        run_stress(
            homogeneous(n, pd),
            # Inversion everywhere: both runs use the same uniforms (common random numbers),
            # and inversion is monotone, so the property holds draw by draw.
            StressParameters(correlation=rho, loadings=(1.0, 0.0, 0.0), gap_mean=0),
            BASE,
            scenarios=3000,
            seed=seed,
        )
        for rho in rhos
    )
    assert high.var["99.9"] >= low.var["99.9"]


@settings(max_examples=20, deadline=None)
@given(n=st.integers(1, 50), pd=st.floats(0.0, 1.0), seed=st.integers(0, 1000))
def test_zero_exposure_gives_zero_loss(n: int, pd: float, seed: int) -> None:
    scenario = Scenario(name="all", sanctions=(Sanction(("PAK",), 0.5),))
    result = run_stress(homogeneous(n, pd, ead=0.0), ONE_FACTOR, scenario, scenarios=200, seed=seed)
    assert result.expected_loss == 0.0
    assert result.var == {"95": 0.0, "99": 0.0, "99.9": 0.0}
    assert result.es == {"95": 0.0, "99": 0.0, "99.9": 0.0}
    assert result.groups == 0


def mixed_portfolio() -> list[Exposure]:
    rng = np.random.default_rng(3)
    countries = [("PAK", "South Asia"), ("EGY", "Middle East & North Africa"), ("KEN", "Africa")]
    found = []
    for i in range(60):
        country, region = countries[i % 3]
        found.append(
            Exposure(
                project_id=i,
                country=country,
                region=region,
                sector=("210", "231")[i % 2],
                instrument=("loan", "grant")[i % 5 == 0],
                ead=float(rng.lognormal(3, 1)),
                lgd=0.45,
                pd=(0.01, 0.05, 0.1)[i % 3],
                passages=frozenset({"suez"}) if i % 4 == 0 else frozenset(),
                local_currency=i % 7 == 0,
            )
        )
    return found


shocks = st.builds(
    Scenario,
    name=st.just("shocked"),
    factor_shocks=st.lists(
        st.one_of(
            st.builds(FactorShock, st.floats(0, 4), region=st.sampled_from(["South Asia"])),
            st.builds(FactorShock, st.floats(0, 4), country=st.sampled_from(["EGY", "KEN"])),
        ),
        max_size=2,
    ).map(tuple),
    pd_multipliers=st.lists(
        st.builds(PdMultiplier, st.just(Target(countries=("PAK",))), st.floats(1, 5)), max_size=1
    ).map(tuple),
    pd_floors=st.lists(
        st.builds(PdFloor, st.just(Target(sectors=("231",))), st.floats(0, 1)), max_size=1
    ).map(tuple),
    sanctions=st.lists(st.builds(Sanction, st.just(("KEN",)), st.floats(0, 1)), max_size=1).map(
        tuple
    ),
    currency_shocks=st.lists(
        st.builds(CurrencyShock, st.just(("EGY",)), st.floats(0, 0.9)), max_size=1
    ).map(tuple),
    closures=st.lists(st.builds(Closure, st.just(("suez",)), st.floats(1, 3)), max_size=1).map(
        tuple
    ),
)


@settings(max_examples=25, deadline=None)
@given(scenario=shocks, seed=st.integers(0, 2**31 - 1))
def test_shocks_only_raise_the_expected_loss(scenario: Scenario, seed: int) -> None:
    params = StressParameters(correlation=0.2, chunk_size=256, gap_mean=0)
    base = run_stress(mixed_portfolio(), params, BASE, scenarios=500, seed=seed)
    shocked = run_stress(mixed_portfolio(), params, scenario, scenarios=500, seed=seed)
    # The same seed draws the same factors and uniforms, and every shock raises each
    # scenario's loss (inversion is monotone), so the simulated EL rises too, not only the true one.
    assert shocked.expected_loss >= base.expected_loss * (1 - 1e-12)
    assert shocked.expected_loss_analytic >= base.expected_loss_analytic * (1 - 1e-12)
    for label in ("95", "99", "99.9"):
        assert shocked.var[label] >= base.var[label] * (1 - 1e-12)


STRESSED = Scenario(
    name="s", sanctions=(Sanction(("KEN",), 0.3),), factor_shocks=(FactorShock(2.0, country="EGY"),)
)


@pytest.mark.parametrize("scenario", [BASE, STRESSED])
def test_gaps_and_inversion_draw_the_same_distribution(scenario: Scenario) -> None:
    """The default sampler (geometric gaps in light cells) against inversion in every group."""
    exposures = mixed_portfolio() * 5  # 300 exposures, groups of up to 5x the size
    gaps = run_stress(exposures, StressParameters(correlation=0.2), scenario,
                      scenarios=40_000, seed=1)  # fmt: skip
    inversion = run_stress(exposures, StressParameters(correlation=0.2, gap_mean=0), scenario,
                           scenarios=40_000, seed=2)  # fmt: skip
    assert gaps.expected_loss == pytest.approx(gaps.expected_loss_analytic, rel=0.02)
    assert inversion.expected_loss == pytest.approx(gaps.expected_loss_analytic, rel=0.02)
    for label in ("95", "99"):
        assert gaps.var[label] == pytest.approx(inversion.var[label], rel=0.05)
        assert gaps.es[label] == pytest.approx(inversion.es[label], rel=0.05)
    assert gaps.expected_defaults == pytest.approx(inversion.expected_defaults, rel=0.02)


def test_the_same_seed_gives_the_same_result_and_another_seed_another() -> None:
    params = StressParameters(correlation=0.2, chunk_size=128)
    one = run_stress(mixed_portfolio(), params, BASE, scenarios=1000, seed=5).as_dict()
    two = run_stress(mixed_portfolio(), params, BASE, scenarios=1000, seed=5).as_dict()
    other = run_stress(mixed_portfolio(), params, BASE, scenarios=1000, seed=6).as_dict()
    for payload in (one, two, other):
        payload.pop("elapsed_s")
    assert one == two
    assert one["var"] != other["var"]


def test_breakdowns_add_up_to_the_portfolio_even_when_chunks_are_replayed() -> None:
    params = StressParameters(correlation=0.3, chunk_size=100)
    scenario = Scenario(name="s", sanctions=(Sanction(("KEN",), 0.3),))
    # Low PDs: most scenarios lose nothing, so VaR 95% ties with many scenarios and the kept
    # tail rows of the chunks do not reach it: those chunks are simulated again.
    exposures = [
        Exposure(i, "PAK", "South Asia", "210", "loan", 10.0 + i, 0.5, 0.002, financiers=("A", "B"))
        for i in range(30)
    ]
    result = run_stress(exposures, params, scenario, scenarios=1000, seed=3)
    assert result.var["95"] == 0.0
    assert result.replayed_chunks > 0
    for family in ("country", "sector", "corridor", "financier"):
        rows = result.breakdowns[family]
        assert sum(r["expected_loss"] for r in rows) == pytest.approx(result.expected_loss)
        for label in ("95", "99", "99.9"):
            assert sum(r["es"][label] for r in rows) == pytest.approx(result.es[label])
    financiers = {r["financier"]: r for r in result.breakdowns["financier"]}
    assert financiers["A"]["expected_loss"] == pytest.approx(financiers["B"]["expected_loss"])


SUEZ = frozenset({"suez"})


def test_sanctions_closures_and_conflict_delay_active_projects() -> None:
    exposures = [
        Exposure(1, "PAK", "South Asia", "210", "loan", 10.0, 0.45, 0.02, passages=SUEZ),
        Exposure(2, "KEN", "Africa", "210", "loan", 10.0, 0.45, 0.02),
        Exposure(3, "KEN", "Africa", "210", "loan", 10.0, 0.45, 0.02, active=False),
        Exposure(4, "EGY", "MENA", "210", "loan", 10.0, 0.45, 0.02),
    ]  # fmt: skip
    scenario = Scenario(
        name="s",
        closures=(Closure(("suez",), 2.0),),
        sanctions=(Sanction(("KEN",), 1.0),),
        factor_shocks=(FactorShock(2.0, region="MENA"),),
    )
    result = run_stress(exposures, ONE_FACTOR, scenario, scenarios=100, seed=1)
    assert result.delayed_by == {"closure": 1, "conflict": 1, "sanctions": 1}
    assert result.delayed_projects == 3
    assert result.deterministic_loss == pytest.approx(20.0)  # both Kenyan exposures, whole
    assert min(result.var.values()) >= 20.0


def test_local_jobs_at_risk_follow_the_share_of_exposure_lost() -> None:
    exposures = homogeneous(10, 0.1)
    scenario = Scenario(name="s", sanctions=(Sanction(("PAK",), 1.0),))
    result = run_stress(
        exposures, ONE_FACTOR, scenario, scenarios=100, seed=1, jobs_by_country={"PAK": 500}
    )
    assert result.jobs["expected_at_risk"] == pytest.approx(500.0)
    assert result.jobs["local_jobs"] == 500.0


def test_grouping_by_mean_ead_keeps_el_and_changes_the_tail_little() -> None:
    """The count-weighted mean EAD of a group against one group per exposure (exact).

    Measured (40,000 scenarios, 400 EADs log-normal with σ = 1, i.e. a factor of ~13 between the
    10th and 90th percentile, two uncoupled runs): EL equal; without size buckets the grouped
    ES 95% / 99% is 4.6-5.2% / 2.9-5.7% lower; with the default 2 buckets per decade 1.4-1.6% /
    0.4-2.2% (of which ~1-2% is the Monte Carlo noise between the runs).
    """
    rng = np.random.default_rng(8)
    exposures = [
        Exposure(i, ("PAK", "KEN")[i % 2], "R", "210", "loan", float(ead), 0.45, 0.03)
        for i, ead in enumerate(rng.lognormal(10, 1.0, 400))
    ]
    exact_params = StressParameters(correlation=0.2, size_buckets_per_decade=10_000)
    exact = run_stress(exposures, exact_params, BASE, scenarios=40_000, seed=14)
    assert exact.groups == 400
    errors = {}
    for buckets in (0, 2):
        params = StressParameters(correlation=0.2, size_buckets_per_decade=buckets)
        grouped = run_stress(exposures, params, BASE, scenarios=40_000, seed=4)
        assert grouped.expected_loss_analytic == pytest.approx(exact.expected_loss_analytic)
        assert grouped.expected_loss == pytest.approx(exact.expected_loss, rel=0.03)
        errors[buckets] = grouped.es["95"] / exact.es["95"] - 1
    assert abs(errors[2]) < 0.04, f"ES 95% with size buckets is off by {errors[2]:.1%}"
    assert abs(errors[0]) < 0.08, f"ES 95% without buckets is off by {errors[0]:.1%}"
    assert abs(errors[2]) < abs(errors[0])


def test_binomial_inverse_is_the_smallest_k_whose_cdf_reaches_u() -> None:
    from scipy.stats import binom

    rng = np.random.default_rng(1)
    n = rng.integers(1, 300, 5000).astype(float)
    p = rng.uniform(0, 1, 5000)
    zero = (1 - p) ** n
    u = zero + (1 - zero) * rng.uniform(0.0, 1.0, 5000)
    u = np.maximum(u, np.nextafter(zero, 1))
    expected = binom.ppf(u, n, p)
    got = binomial_inverse(u, n, p)
    close = np.abs(binom.cdf(expected, n, p) - u) > 1e-9  # skip draws at a rounding edge
    assert np.array_equal(got[close], expected[close])
