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

Qualifier = Literal["over", "about", "exact", "under"]

SYMPOSIUM_SOURCE = "Xinhua, 3 Dec 2024, fourth symposium on Belt and Road construction work"
SYMPOSIUM_DATE = datetime.date(2024, 12, 3)
END_2023 = datetime.date(2023, 12, 31)


@dataclass(frozen=True)
class ReportedFact:
    """A figure as reported: ``qualifier`` says whether ``value`` is a floor, rounded or exact.

    ``as_of`` is the date the figure describes; ``source_date`` the date it was published;
    ``scope`` what it covers where that differs between sources (all overseas zones, or only
    those in Belt and Road partner countries).
    """

    key: str
    label: str
    value: float
    qualifier: Qualifier
    unit: str
    as_of: datetime.date
    source: str
    source_date: datetime.date
    scope: str | None = None
    url: str | None = None


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

MOFCOM_2017 = (
    "MOFCOM, press conference Q&A on overseas economic and trade cooperation zones, 13 Apr 2017"
)
MOFCOM_2017_URL = (
    "http://english.mofcom.gov.cn/article/pressconferencehomepage/beltandroad/201706/"
    "20170602592768.shtml"
)
CHINA_DAILY_2019 = (
    "China Daily, 22 Apr 2019, 'Overseas trade zones serve as model to boost economy', "
    "citing the Ministry of Commerce"
)
CHINA_DAILY_2019_URL = "http://www.chinadaily.com.cn/cndy/2019-04/22/content_37460756.htm"
MOFCOM_2022 = (
    "MOFCOM regular press conference, 20 Jan 2022 (spokesperson Shu Jueting), on outward "
    "investment and cooperation in 2021"
)
XINHUA_2023 = (
    "Xinhua, 24 Aug 2023, 'Belt and Road cooperation has made massive advances: official' "
    "(signed article by Zheng Shanjie, NDRC)"
)
XINHUA_2023_URL = "http://en.people.cn/n3/2023/0825/c90000-20063173.html"
YUAN_ZHANG_2023 = (
    "Yuan Guoli and Zhang Dan, '境外经贸合作区建设对中国对外直接投资的影响', 金融经济 2023 no. 11 "
    "(published 2 Jan 2024 online), citing official statistics; a secondary source"
)
TEN_YEARS = "documents signed in the initiative's first ten years, to August 2023"
ALL_ZONES = "overseas economic and trade cooperation zones in MOFCOM's statistics, all countries"
BRI_ZONES = "overseas economic and trade cooperation zones in Belt and Road partner countries"

SERIES_FACTS: tuple[ReportedFact, ...] = (
    ReportedFact(
        "cooperation_zones",
        "Overseas cooperation zones",
        56.0,
        "exact",
        "zones",
        datetime.date(2017, 4, 13),
        MOFCOM_2017,
        datetime.date(2017, 4, 13),
        BRI_ZONES + " (56 of 77 zones in 36 countries; 20 partner countries)",
        MOFCOM_2017_URL,
    ),
    ReportedFact(
        "zone_investment_usd",
        "Investment in overseas cooperation zones",
        18.55e9,
        "exact",
        "USD",
        datetime.date(2017, 4, 13),
        MOFCOM_2017,
        datetime.date(2017, 4, 13),
        BRI_ZONES,
        MOFCOM_2017_URL,
    ),
    ReportedFact(
        "zone_local_jobs",
        "Local jobs from overseas economic and trade cooperation zones",
        177_000.0,
        "exact",
        "jobs",
        datetime.date(2017, 4, 13),
        MOFCOM_2017,
        datetime.date(2017, 4, 13),
        BRI_ZONES,
        MOFCOM_2017_URL,
    ),
    ReportedFact(
        "cooperation_zones",
        "Overseas cooperation zones",
        113.0,
        "exact",
        "zones",
        datetime.date(2018, 11, 30),
        CHINA_DAILY_2019,
        datetime.date(2019, 4, 22),
        ALL_ZONES,
        CHINA_DAILY_2019_URL,
    ),
    ReportedFact(
        "zone_investment_usd",
        "Investment in overseas cooperation zones",
        42.14e9,
        "exact",
        "USD",
        datetime.date(2018, 11, 30),
        CHINA_DAILY_2019,
        datetime.date(2019, 4, 22),
        ALL_ZONES,
        CHINA_DAILY_2019_URL,
    ),
    ReportedFact(
        "zone_local_jobs",
        "Local jobs from overseas economic and trade cooperation zones",
        302_000.0,
        "exact",
        "jobs",
        datetime.date(2018, 11, 30),
        CHINA_DAILY_2019,
        datetime.date(2019, 4, 22),
        ALL_ZONES,
        CHINA_DAILY_2019_URL,
    ),
    ReportedFact(
        "zone_investment_usd",
        "Investment in overseas cooperation zones",
        50.7e9,
        "exact",
        "USD",
        datetime.date(2021, 12, 31),
        MOFCOM_2022,
        datetime.date(2022, 1, 20),
        ALL_ZONES + " (46 countries)",
    ),
    ReportedFact(
        "zone_local_jobs",
        "Local jobs from overseas economic and trade cooperation zones",
        392_000.0,
        "exact",
        "jobs",
        datetime.date(2021, 12, 31),
        MOFCOM_2022,
        datetime.date(2022, 1, 20),
        ALL_ZONES + " (46 countries)",
    ),
    ReportedFact(
        "zone_investment_usd",
        "Investment in overseas cooperation zones",
        57.13e9,
        "exact",
        "USD",
        datetime.date(2022, 12, 31),
        YUAN_ZHANG_2023,
        datetime.date(2024, 1, 2),
        BRI_ZONES,
    ),
    ReportedFact(
        "zone_local_jobs",
        "Local jobs from overseas economic and trade cooperation zones",
        421_000.0,
        "exact",
        "jobs",
        datetime.date(2022, 12, 31),
        XINHUA_2023,
        datetime.date(2023, 8, 24),
        BRI_ZONES,
        XINHUA_2023_URL,
    ),
    ReportedFact(
        "partner_countries",
        "Countries with Belt and Road cooperation documents",
        152.0,
        "exact",
        "countries",
        datetime.date(2023, 8, 24),
        XINHUA_2023,
        datetime.date(2023, 8, 24),
        TEN_YEARS,
        XINHUA_2023_URL,
    ),
    ReportedFact(
        "partner_organizations",
        "International organisations with Belt and Road cooperation documents",
        32.0,
        "exact",
        "organisations",
        datetime.date(2023, 8, 24),
        XINHUA_2023,
        datetime.date(2023, 8, 24),
        TEN_YEARS,
        XINHUA_2023_URL,
    ),
)
"""Earlier official figures, each with its source, for the dated series beside the headline.

Only figures whose source could be read are listed. Scopes differ: some cover every zone in
MOFCOM's statistics, others only zones in Belt and Road partner countries; ``scope`` says which,
so a series is never read as one consistent line. A figure with a scope joins the series beside
the headline, never its reconciliation, which stays with :data:`REPORTED_FACTS`. The 2017
figures describe the date of the statement ("so far"). The USD 57.13 bn is quoted from a
journal article that cites official statistics (its primary release was not found); it is
marked as a secondary source."""

ALL_FACTS: tuple[ReportedFact, ...] = REPORTED_FACTS + SERIES_FACTS
"""Every seeded figure: the headline's benchmarks, then the earlier series."""


def reported_fact(key: str) -> ReportedFact:
    """Return the reported fact with this key; ``KeyError`` lists the valid keys."""
    for fact in REPORTED_FACTS:
        if fact.key == key:
            return fact
    valid = ", ".join(fact.key for fact in REPORTED_FACTS)
    raise KeyError(f"unknown reported fact {key!r} (expected one of {valid})")
