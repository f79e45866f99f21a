"""Integrity red flags: each kind with its explanation; rapidfuzz sanctions matching."""

from __future__ import annotations

import datetime as dt

import pytest

from beltroad.engines import integrity as eng
from beltroad.services.config_files import load


@pytest.fixture(scope="module")
def config() -> eng.IntegrityConfig:
    data, source = load("integrity", None, field="integrity_config")
    return eng.parse_config(data, source=source)


def kinds(flags: list[eng.Flag]) -> list[str]:
    return sorted(f.kind for f in flags)


def test_single_bidder_and_cost_overrun(config: eng.IntegrityConfig) -> None:
    p = eng.IntegrityProject(
        1,
        "P1",
        bidders=1,
        cost=(100.0, 125.0, "USD", "project record"),
        procurement={"tender_id": "T"},
    )
    flags = eng.detect([p], config)
    assert kinds(flags) == ["cost_overrun", "single_bidder"]
    overrun = next(f for f in flags if f.kind == "cost_overrun")
    assert overrun.explanation["overrun"] == pytest.approx(0.25)
    assert overrun.explanation["tag"].startswith("[N]")
    assert not eng.detect(
        [eng.IntegrityProject(2, "P2", bidders=3, cost=(100.0, 119.0, "USD", "x"))], config
    )


def test_missing_procurement_only_above_the_size(config: eng.IntegrityConfig) -> None:
    big = eng.IntegrityProject(1, "BIG", amount_usd=50e6)
    small = eng.IntegrityProject(2, "SMALL", amount_usd=1e6)
    known = eng.IntegrityProject(3, "KNOWN", amount_usd=50e6, procurement={"contractor": "X"})
    assert [f.subject for f in eng.detect([big, small, known], config)] == ["BIG"]


def test_repeated_contracts_just_under_the_threshold(config: eng.IntegrityConfig) -> None:
    day = dt.date(2020, 1, 1)
    split = [eng.Contract(day + dt.timedelta(days=40 * i), 4.5e6, "Acme") for i in range(3)]
    spread = [eng.Contract(day + dt.timedelta(days=300 * i), 4.5e6, "Beta") for i in range(3)]
    small = [eng.Contract(day + dt.timedelta(days=i), 1e6, "Gamma") for i in range(5)]
    flags = eng.detect([eng.IntegrityProject(1, "P", contracts=(*split, *spread, *small))], config)
    assert [f.explanation["supplier"] for f in flags] == ["Acme"]
    assert len(flags[0].explanation["contracts"]) == 3


def test_sanctions_matching_shows_score_and_matched_name(config: eng.IntegrityConfig) -> None:
    entries = [
        eng.SanctionEntry(
            "China Jiangxi International Economic and Technical Cooperation Co., Ltd.", "WB", 2
        ),
        eng.SanctionEntry("Unrelated Trading LLC", "WB", 3),
    ]
    p = eng.IntegrityProject(
        1,
        "P",
        counterparties=(
            ("implementing", "CHINA JIANGXI INTERNATIONAL ECONOMIC & TECHNICAL COOPERATION CO LTD"),
            ("funding", "Export-Import Bank of China"),
        ),
    )
    flags = eng.detect([p], config, entries)
    assert len(flags) == 1
    e = flags[0].explanation
    assert e["matched_name"].startswith("China Jiangxi")
    assert e["score"] >= 90
    assert e["list"] == "WB"
    assert e["list_line"] == 2
    assert "score" in flags[0].message


def test_names_are_normalised_before_matching(config: eng.IntegrityConfig) -> None:
    assert eng.normalise_name("Sinohydro Corporation Limited", config.drop_words) == "sinohydro"
