"""The reported statistics the headline compares against."""

from __future__ import annotations

import datetime

import pytest

from beltroad.reference.reported import REPORTED_FACTS, reported_fact

SOURCE = "Xinhua, 3 Dec 2024, fourth symposium on Belt and Road construction work"


def test_the_five_seed_facts() -> None:
    assert [fact.key for fact in REPORTED_FACTS] == [
        "partner_countries",
        "partner_organizations",
        "overseas_enterprises",
        "investment_stock_usd",
        "zone_local_jobs",
    ]


def test_every_fact_cites_the_symposium() -> None:
    for fact in REPORTED_FACTS:
        assert fact.source == SOURCE
        assert fact.source_date == datetime.date(2024, 12, 3)
        assert fact.as_of <= fact.source_date


def test_values_and_qualifiers() -> None:
    assert reported_fact("partner_countries").value == 150
    assert reported_fact("partner_countries").qualifier == "over"
    stock = reported_fact("investment_stock_usd")
    assert (stock.value, stock.unit, stock.qualifier) == (330e9, "USD", "over")
    assert stock.as_of == datetime.date(2023, 12, 31)
    assert reported_fact("zone_local_jobs").value == 530_000


def test_unknown_key_lists_the_valid_keys() -> None:
    with pytest.raises(KeyError, match="zone_local_jobs"):
        reported_fact("gdp")
