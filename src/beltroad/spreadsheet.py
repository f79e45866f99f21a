"""The one guard that makes a cell safe to open in a spreadsheet (OWASP "CSV injection").

Every CSV and XLSX that beltroad writes passes its text cells through :func:`guard_cell`: the
``export`` command (``export/tabular.py``), every ``--format csv`` output of the CLI
(``cli/output.py``) and any web download. It imports nothing of beltroad's, so every layer can
use it.

A text cell is prefixed with an apostrophe when a spreadsheet could read it as a formula or a
DDE call: it starts (after spaces, which some importers trim) with ``= + - @``, a tab, a carriage
return, a line feed, ``|`` (``=cmd|' /C calc'!A0`` without its ``=`` still runs in some
spreadsheets), or the full-width and small forms of those signs (``＝ ＋ － ＠ ｜`` and
``﹦ ﹢ ﹣ ﹫``), which East Asian input methods type and some spreadsheets normalise to ASCII.

Numbers are left alone: a number is never a formula, so ``-5000`` (a Python number, or text
that is exactly a decimal number such as ``"-1.5e3"``) stays a number that sums. ``"-1+1"`` is
not a number and is guarded.
"""

from __future__ import annotations

import re
from typing import Any

#: First characters that make a spreadsheet treat a cell as a formula or DDE link.
FORMULA_STARTS: frozenset[str] = frozenset(
    "=+-@\t\r\n|"  # ASCII signs, tab, carriage return, line feed, pipe (DDE)
    "\uff1d\uff0b\uff0d\uff20\uff5c"  # full-width ＝ ＋ － ＠ ｜
    "\ufe66\ufe62\ufe63\ufe6b"  # small forms ﹦ ﹢ ﹣ ﹫
)
# Spaces some CSV importers trim before deciding what a cell is (LibreOffice "trim spaces").
_LEADING_SPACES = " \u00a0\u3000"
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")

#: The prefix that makes a spreadsheet show the cell as text.
GUARD = "'"


def guard_cell(value: Any) -> Any:
    """``value`` with an apostrophe in front when a spreadsheet could run it; else unchanged.

    >>> guard_cell("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> guard_cell("-5000"), guard_cell(-5000), guard_cell("Port of Gwadar")
    ('-5000', -5000, 'Port of Gwadar')
    """
    if not isinstance(value, str) or not value:
        return value
    head = value.lstrip(_LEADING_SPACES)
    if head[:1] not in FORMULA_STARTS:
        return value
    if _NUMBER.fullmatch(head.rstrip()):
        return value
    return GUARD + value


def unguard(value: Any) -> Any:
    """``value`` without the apostrophe :func:`guard_cell` put in front, so that a guarded
    export reads back as written; anything else unchanged.

    >>> unguard(guard_cell("=1+2")), unguard("'quoted"), unguard(5)
    ('=1+2', "'quoted", 5)
    """
    if isinstance(value, str) and value.startswith(GUARD) and guard_cell(value[1:]) == value:
        return value[1:]
    return value


def guard_row(values: list[Any]) -> list[Any]:
    """Every cell of a row through :func:`guard_cell`."""
    return [guard_cell(value) for value in values]


__all__ = ["FORMULA_STARTS", "GUARD", "guard_cell", "guard_row", "unguard"]
