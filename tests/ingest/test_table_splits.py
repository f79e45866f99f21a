"""The ``table`` importer's split lists, and where a CSV quote left open began."""

from __future__ import annotations

import pytest

from beltroad.ingest.base import ValueProblem, number
from beltroad.ingest.limits import open_quote_line
from beltroad.ingest.table_splits import quality_kinds, recipients, sectors
from beltroad.records import CountrySplit, SectorSplit
from beltroad.spreadsheet import guard_cell, unguard


def test_recipients_with_shares_in_the_value_or_beside_it() -> None:
    assert recipients("PAK (60%); IND (40%)") == (
        CountrySplit("PAK", 60.0),
        CountrySplit("IND", 40.0),
    )
    assert recipients("PAK; IND", shares="Pakistan (33.3333333333%); India (66.6666666667%)") == (
        CountrySplit("PAK", 33.3333333333),
        CountrySplit("IND", 66.6666666667),
    )
    assert recipients("Kenya") == (CountrySplit("KEN", 100.0),)
    assert recipients("") == ()


@pytest.mark.parametrize(
    ("value", "shares", "reason"),
    [
        ("PAK; IND", None, "without a share each"),
        ("PAK (60%); IND (30%)", None, "add up to 90%"),
        ("PAK; IND", "Pakistan (100%)", "2 recipient countries but 1 shares"),
        ("Atlantis (100%)", None, "Atlantis"),
    ],
)
def test_recipient_lists_that_would_invent_a_split_are_refused(
    value: str, shares: str | None, reason: str
) -> None:
    with pytest.raises(ValueProblem, match=reason):
        recipients(value, shares=shares)


def test_sectors_take_codes_and_shares() -> None:
    assert sectors("21020; 210", shares="Road (70%); Transport (30%)") == (
        SectorSplit("21020", "1", 70.0),
        SectorSplit("210", "2", 30.0),
    )
    with pytest.raises(ValueProblem, match="'99999' is not an OECD DAC sector code"):
        sectors("99999")


def test_quality_kinds() -> None:
    assert quality_kinds("ok") == set()
    assert quality_kinds("currency;date_order") == {"currency", "date_order"}
    with pytest.raises(ValueProblem, match="not a quality value"):
        quality_kinds("drop table")


def test_unguard_reverses_the_export_guard_only() -> None:
    for value in ("=1+2", "-dash title", "@user", "plain", "'quoted", "-5000"):
        assert unguard(guard_cell(value)) == value


@pytest.mark.parametrize("value", ["NaN", "nan", " inf", "-Infinity", float("nan")])
def test_not_finite_numbers_are_problems_not_blanks(value: object) -> None:
    with pytest.raises(ValueProblem, match="not a finite number"):
        number(value)


def test_open_quote_line_skips_doubled_quotes() -> None:
    text = 'a,b\n1,"x ""quoted"" y"\n2,"open\n3,more\n'
    assert open_quote_line(text, 3) == 3
    assert open_quote_line('a,b\n1,"two\nlines"\n2,"open ""here""\n', 2) == 4
