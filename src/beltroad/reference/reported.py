"""Officially reported Belt and Road statistics, seeded as benchmarks for the headline figures.

``beltroad headline`` compares what the registry adds up to with these numbers and shows the gap.
They are claims as reported, not standards: each keeps its qualifier ("over 150") and its source.

>>> REPORTED_FACTS[0].key, REPORTED_FACTS[0].qualifier, REPORTED_FACTS[0].value
('partner_countries', 'over', 150.0)
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Literal

Qualifier = Literal["over", "about", "exact"]

SYMPOSIUM_SOURCE = "Xinhua, 3 Dec 2024, fourth symposium on Belt and Road construction work"
SYMPOSIUM_DATE = datetime.date(2024, 12, 3)
END_2023 = datetime.date(2023, 12, 31)


@dataclass(frozen=True)
class ReportedFact:
    """A figure as reported: ``qualifier`` says whether ``value`` is a floor, rounded or exact.

    ``as_of`` is the date the figure describes; ``source_date`` the date it was published.
    """

    key: str
    label: str
    value: float
    qualifier: Qualifier
    unit: str
    as_of: datetime.date
    source: str
    source_date: datetime.date


REPORTED_FACTS: tuple[ReportedFact, ...] = (
    ReportedFact(
        key="partner_countries",
        label="Countries with Belt and Road cooperation documents",
        value=150.0,
        qualifier="over",
        unit="countries",
        as_of=SYMPOSIUM_DATE,
        source=SYMPOSIUM_SOURCE,
        source_date=SYMPOSIUM_DATE,
    ),
    ReportedFact(
        key="partner_organizations",
        label="International organisations with Belt and Road cooperation documents",
        value=30.0,
        qualifier="over",
        unit="organisations",
        as_of=SYMPOSIUM_DATE,
        source=SYMPOSIUM_SOURCE,
        source_date=SYMPOSIUM_DATE,
    ),
    ReportedFact(
        key="overseas_enterprises",
        label="Overseas enterprises",
        value=17_000.0,
        qualifier="about",
        unit="enterprises",
        as_of=END_2023,
        source=SYMPOSIUM_SOURCE,
        source_date=SYMPOSIUM_DATE,
    ),
    ReportedFact(
        key="investment_stock_usd",
        label="Direct investment stock",
        value=330e9,
        qualifier="over",
        unit="USD",
        as_of=END_2023,
        source=SYMPOSIUM_SOURCE,
        source_date=SYMPOSIUM_DATE,
    ),
    ReportedFact(
        key="zone_local_jobs",
        label="Local jobs from overseas economic and trade cooperation zones",
        value=530_000.0,
        qualifier="about",
        unit="jobs",
        as_of=END_2023,
        source=SYMPOSIUM_SOURCE,
        source_date=SYMPOSIUM_DATE,
    ),
)
"""The seed figures, in the order the headline shows them."""


def reported_fact(key: str) -> ReportedFact:
    """Return the reported fact with this key; ``KeyError`` lists the valid keys."""
    for fact in REPORTED_FACTS:
        if fact.key == key:
            return fact
    valid = ", ".join(fact.key for fact in REPORTED_FACTS)
    raise KeyError(f"unknown reported fact {key!r} (expected one of {valid})")
