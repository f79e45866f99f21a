"""Price bases: deflator factors, dated exchange rates, and sums that never mix bases."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from beltroad.analytics.money import UNCONVERTIBLE, Conversion, project_amounts
from beltroad.analytics.snapshot import NO_DAY, build
from beltroad.engines.money import (
    AnnualRates,
    Basis,
    DailyRates,
    DeflatorSeries,
    to_usd,
)
from beltroad.storage.facts import MONEY_COLUMNS, FactRows
from beltroad.storage.generation import Generation

EPOCH = dt.date(1970, 1, 1)


def day(text: str) -> int:
    return (dt.date.fromisoformat(text) - EPOCH).days


def test_basis_labels_name_currency_and_year() -> None:
    assert Basis(2021).label == "constant 2021 USD"
    assert Basis(None).label == "nominal USD"
    assert Basis(2017).as_dict()["price_basis"] == "constant"


def test_deflator_factors_are_ratios_and_missing_years_are_listed() -> None:
    series = DeflatorSeries("T", {2014: 80.0, 2017: 100.0, 2021: 120.0}, "test", "test")
    factors, missing = series.factors(np.array([2014.0, 2017.0, 2021.0, 2016.0, np.nan]), 2021)
    assert factors[:3].tolist() == pytest.approx([1.5, 1.2, 1.0])
    assert math.isnan(factors[3])
    assert math.isnan(factors[4])
    assert missing == (2016,)  # never interpolated between 2014 and 2017
    # The same year needs no index at all: factor exactly 1, even for a target not in the series.
    same, lacking = series.factors(np.array([2030.0, 2021.0]), 2030)
    assert same[0] == 1.0
    assert math.isnan(same[1])
    assert lacking == (2030,)


def test_a_deflator_refuses_a_non_positive_index() -> None:
    with pytest.raises(ValueError, match="2015"):
        DeflatorSeries("T", {2015: 0.0}, "test", "test")


ECB = DailyRates(
    base="EUR",
    days=np.array([day("2020-01-02"), day("2020-01-03"), day("2020-01-06")], dtype=np.int32),
    per_base={
        "USD": np.array([1.10, 1.12, 1.20]),
        "GBP": np.array([0.85, 0.80, 0.90]),
    },
    source="test ECB",
)


def test_a_weekend_value_date_takes_friday_and_a_stale_or_future_one_none() -> None:
    days = np.array(
        [day("2020-01-03"), day("2020-01-05"), day("2020-01-20"), day("2021-01-01")],
        dtype=np.int32,
    )
    rate = ECB.per_usd("GBP", days)
    assert rate[0] == pytest.approx(0.80 / 1.12)
    assert rate[1] == pytest.approx(0.80 / 1.12)  # Sunday: Friday's rate, two days earlier
    assert math.isnan(rate[2])  # 14 days after the last rate: never a stale rate
    assert math.isnan(rate[3])  # past the last published day
    assert ECB.per_usd("EUR", days[:1])[0] == pytest.approx(1 / 1.12)


def test_to_usd_uses_daily_then_annual_rates_and_counts_the_rest() -> None:
    currencies = ("USD", "GBP", "XDR", None)
    codes = np.array([0, 1, 2, 2, 3, 1], dtype=np.int32)
    days = np.array([day("2020-01-06")] * 5 + [NO_DAY], dtype=np.int32)
    values = np.array([100.0, 90.0, 70.0, 70.0, 5.0, 9.0])
    given_usd = np.array([np.nan, np.nan, np.nan, 50.0, np.nan, np.nan])
    annual = AnnualRates({"XDR": {2020: 0.7}}, source="test IMF")
    out = to_usd(
        currencies, codes, days, values, given_usd, daily=ECB, annual=annual, no_day=NO_DAY
    )
    assert out.usd[0] == 100.0
    assert out.usd[1] == pytest.approx(90.0 / (0.90 / 1.20))
    assert out.usd[2] == pytest.approx(100.0)  # 70 XDR at 0.7 XDR per USD, the year's average
    assert out.usd[3] == 50.0  # the publisher's own USD figure wins
    assert out.how.tolist() == [1, 2, 3, 1, -1, -1]
    assert out.without_rate == {"no currency": 1, "GBP": 1}
    none = to_usd(currencies, codes, days, values, given_usd, daily=ECB, annual=None, no_day=NO_DAY)
    assert math.isnan(none.usd[2])
    assert none.without_rate["XDR"] == 1


# --- conversion over a snapshot ------------------------------------------------------------


def facts(projects: list[dict[str, Any]], money: list[tuple[Any, ...]] = ()) -> FactRows:
    """Fact rows of ``projects`` (id, amount, base year, nominal, year) and transactions."""
    defaults = {
        "recommended_for_aggregates": None,
        "is_umbrella": False,
        "flow_class": None,
        "status": None,
        "corridor_id": None,
        "dataset": "test",
        "amount_usd_nominal": None,
        "is_synthetic": False,
        "stage": None,
        "planned_start": NO_DAY,
        "actual_start": NO_DAY,
        "planned_end": NO_DAY,
        "actual_end": NO_DAY,
    }
    rows = [defaults | p for p in projects]
    names = [*defaults, "id", "amount_usd_constant", "amount_base_year", "commitment_year"]
    columns = {k: tuple(r.get(k) for r in rows) for k in names}
    return FactRows(
        generation=Generation("test", 0),
        projects=columns,
        disbursements={"project_id": (), "amount": (), "base_year": ()},
        countries={k: () for k in ("project_id", "iso3", "region", "income", "percentage")},
        sectors={k: () for k in ("project_id", "vocabulary", "code", "percentage")},
        financiers={"project_id": (), "name": ()},
        transactions={"project_id": (), "last": (), "committed": ()},
        milestones={"project_id": (), "last": ()},
        money=dict(zip(MONEY_COLUMNS, zip(*money, strict=True), strict=True)) if money else {},
    )


BASES = (2014, 2017, 2021)


@settings(max_examples=60, deadline=None)
@given(
    amounts=st.lists(
        st.tuples(st.floats(0, 1e9, allow_nan=False), st.sampled_from(BASES)),
        min_size=1,
        max_size=40,
    ),
    index=st.tuples(*(st.floats(50, 150) for _ in range(4))),
    target=st.sampled_from((*BASES, 2019)),
)
def test_a_mixed_base_total_is_the_sum_of_its_separately_converted_parts(
    amounts: list[tuple[float, int]], index: tuple[float, ...], target: int
) -> None:
    deflator = DeflatorSeries("T", dict(zip((*BASES, 2019), index, strict=True)), "t", "t")
    snapshot = build(
        facts(
            [
                {"id": i + 1, "amount_usd_constant": a, "amount_base_year": y}
                for i, (a, y) in enumerate(amounts)
            ]
        )
    )
    whole = project_amounts(snapshot, "commitment", Conversion(target, deflator))
    parts = 0.0
    for base in BASES:  # each base alone: its own sum times its own factor
        own = sum(a for a, y in amounts if y == base)
        parts += own * deflator.years[target] / deflator.years[base]
    assert float(np.nansum(whole.values)) == pytest.approx(parts, rel=1e-9, abs=1e-3)
    assert set(whole.basis.values) <= {f"constant {target} USD"}


def test_without_a_deflator_each_basis_keeps_its_label_and_amount() -> None:
    snapshot = build(
        facts(
            [
                {"id": 1, "amount_usd_constant": 10.0, "amount_base_year": 2014},
                {"id": 2, "amount_usd_constant": 20.0, "amount_base_year": 2021},
                {"id": 3, "amount_usd_nominal": 5.0, "commitment_year": 2019},
            ]
        )
    )
    out = project_amounts(snapshot, "commitment", Conversion(2021))
    labels = [out.basis.value(int(c)) for c in out.basis.codes]
    assert labels == ["constant 2014 USD", "constant 2021 USD", "nominal USD"]
    assert out.values.tolist() == [10.0, 20.0, 5.0]


def test_a_missing_deflator_year_makes_its_projects_unconvertible() -> None:
    snapshot = build(
        facts(
            [
                {"id": 1, "amount_usd_constant": 10.0, "amount_base_year": 2014},
                {"id": 2, "amount_usd_constant": 20.0, "amount_base_year": 2017},
            ]
        )
    )
    deflator = DeflatorSeries("T", {2017: 100.0, 2021: 110.0}, "t", "t")
    out = project_amounts(snapshot, "commitment", Conversion(2021, deflator))
    assert out.status.tolist() == [UNCONVERTIBLE, 1]
    assert out.missing_years == {2014: 1}
    assert out.values[1] == pytest.approx(22.0)


def test_transactions_convert_at_their_own_dates_and_one_bad_piece_spoils_the_project() -> None:
    snapshot = build(
        facts(
            [{"id": 1, "commitment_year": 2020}, {"id": 2, "commitment_year": 2020}],
            [
                # project_id, type, currency, value, usd, usd_constant, base_year, day
                (1, 2, "GBP", 90.0, None, None, None, day("2020-01-06")),
                (1, 2, "USD", 10.0, None, None, None, day("2020-01-06")),
                (2, 2, "GBP", 90.0, None, None, None, day("2020-01-06")),
                (2, 2, "XDR", 1.0, None, None, None, day("2020-01-06")),
                (2, 3, "USD", 7.0, None, None, None, day("2020-02-01")),
            ],
        )
    )
    out = project_amounts(snapshot, "commitment", Conversion(2020, daily=ECB))
    assert out.values[0] == pytest.approx(90.0 / (0.90 / 1.20) + 10.0)
    assert out.status[1] == UNCONVERTIBLE
    assert math.isnan(out.values[1])
    assert out.without_rate == {"XDR": 1}
    disbursed = project_amounts(snapshot, "disbursement", Conversion(2020, daily=ECB))
    assert disbursed.values[1] == 7.0
    assert math.isnan(disbursed.values[0])
