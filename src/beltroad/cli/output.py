"""Render results as a table, JSON or CSV on stdout. Progress and logs go to stderr.

Every ``--format csv`` output goes through :func:`to_csv`, whose text cells pass the shared
spreadsheet guard (:mod:`beltroad.spreadsheet`): a title such as ``=HYPERLINK(...)`` prints as
``'=HYPERLINK(...)`` and cannot run when the output is opened in a spreadsheet.
Tables are for reading at 80 columns; JSON and CSV keep every value whole. So, in tables only:
money is compact with its unit in the header (``amount (USD)``: ``83.3 bn``; in a
``measure``/``value`` table the cell says ``USD 83.3 bn``), years have no thousands separator,
country codes get their name beside them (``PAK Pakistan``), corridor ids their name, and numbers
never wrap across lines.
"""

import csv
import dataclasses
import io
import json
import re
import sys
from collections.abc import Mapping, Sequence
from enum import StrEnum
from functools import cache
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from beltroad.errors import InvalidInput
from beltroad.spreadsheet import guard_cell, guard_row


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


#: The ``--format`` option every command that prints a result takes (declared once).
FormatOption = Annotated[
    Format, typer.Option("--format", "-f", help="Output format: table, json or csv.")
]


def stderr_console() -> Console:
    return Console(stderr=True)


def emit(
    payload: Mapping[str, Any] | Sequence[Any],
    rows: Sequence[Mapping[str, Any]],
    fmt: Format,
    *,
    title: str | None = None,
    note: str | None = None,
    note_style: str | None = "bold yellow",
) -> None:
    """JSON prints ``payload`` whole; table and CSV print ``rows``. ``note`` goes under a table."""
    if fmt is Format.json:
        sys.stdout.write(json.dumps(payload, indent=2, default=str, ensure_ascii=False) + "\n")
    elif fmt is Format.csv:
        sys.stdout.write(to_csv(rows))
    else:
        console = Console()
        console.print(to_table(rows, title=title))
        if note:
            console.print(note, style=note_style, highlight=False)


def to_csv(rows: Sequence[Mapping[str, Any]]) -> str:
    buffer = io.StringIO()
    if rows:
        header = list(rows[0])
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(guard_row(header))
        for row in rows:
            extra = [name for name in row if name not in header]
            if extra:  # as csv.DictWriter did: a row may not add columns the header lacks
                raise ValueError(f"dict contains fields not in fieldnames: {extra!r}")
            writer.writerow([guard_cell(row.get(name)) for name in header])
    return buffer.getvalue()


def to_table(rows: Sequence[Mapping[str, Any]], *, title: str | None = None) -> Table:
    table = Table(title=title)
    if not rows:
        table.add_column("(no rows)")
        return table
    names = list(rows[0])
    kinds = {name: _kind(name, [row.get(name) for row in rows]) for name in names}
    labelled = _label_column(names)
    for name in names:
        kind = kinds[name]
        numeric = kind in ("money", "number", "year")
        table.add_column(
            _header(name, kind),
            justify="right" if numeric else "left",
            no_wrap=numeric,  # a number folded over two lines reads as two numbers
        )
    for row in rows:
        label = str(row.get(labelled, "")) if labelled else ""
        table.add_row(*(_cell(row.get(name), kinds[name], label) for name in names))
    return table


_YEAR = re.compile(r"(^|_)year$|^year(_|$)")
_MONEY = re.compile(r"amount|usd|exposure|stock|loss|commitment|disburse|^el$|^var|^es")
_COUNTRY = re.compile(r"^(country|iso3|recipient|host|host_country|country_iso3)$")
_CORRIDOR = re.compile(r"^corridor(_id)?$")


def _kind(name: str, values: list[Any]) -> str:
    """How a column reads: year, money, number, country, corridor or text (from its name and
    values; any value that does not fit keeps the column as it is)."""
    present = [v for v in values if v is not None and v != ""]
    figures = [v for v in present if isinstance(v, int | float) and not isinstance(v, bool)]
    texts = [v for v in present if isinstance(v, str)]
    lowered = name.lower()
    # A breakdown's TOTAL row puts words in number columns: judge the column by its numbers.
    if figures and _YEAR.search(lowered) and all(float(v).is_integer() for v in figures):
        return "year"
    if figures and len(figures) == len(present):
        return "money" if _MONEY.search(lowered) else "number"
    if texts and _COUNTRY.match(lowered) and any(re.fullmatch(r"[A-Z]{3}", v) for v in texts):
        return "country"
    if texts and _CORRIDOR.match(lowered):
        return "corridor"
    return "text"


def _header(name: str, kind: str) -> str:
    if kind == "money" and "usd" not in name.lower():
        return f"{name} (USD)"
    return str(name)


def _label_column(names: list[str]) -> str | None:
    """The column naming each row of a ``measure``/``value`` style table, if it is one."""
    if len(names) == 2 and names[1] in ("value", "registry"):
        return names[0]
    return None


def compact_money(value: float) -> str:
    """``83.3 bn``: three significant figures or so, for reading, not for sums.

    >>> compact_money(83_312_000_000), compact_money(1_250_000), compact_money(950)
    ('83.3 bn', '1.25 m', '950')
    """
    size = abs(value)
    for unit, word in ((1e12, "tn"), (1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if size >= unit:
            scaled = value / unit
            digits = 1 if abs(scaled) >= 10 else 2
            return f"{scaled:,.{digits}f} {word}"
    return f"{value:,.0f}"


@cache
def _country_name(code: str) -> str:
    from beltroad.reference.countries import resolve_country

    try:
        return f"{code} {resolve_country(code).name_en}"
    except Exception:  # an unknown code is shown as it is
        return code


@cache
def _corridor_name(corridor_id: str) -> str:
    from beltroad.reference.corridors import corridor_by_id

    try:
        return f"{corridor_id} {corridor_by_id(corridor_id).name_en}"
    except Exception:
        return corridor_id


def _numeric(rows: Sequence[Mapping[str, Any]], name: str) -> bool:
    values = [row.get(name) for row in rows]
    return all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


def _cell(value: Any, kind: str = "number", label: str = "") -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if kind == "year" and isinstance(value, int | float):
        return str(int(value))
    if kind == "money" and isinstance(value, int | float):
        return compact_money(float(value))
    if kind == "country" and isinstance(value, str) and re.fullmatch(r"[A-Z]{3}", value):
        return _country_name(value)
    if kind == "corridor":
        return _corridor_name(str(value))
    if isinstance(value, int | float) and label:
        lowered = label.lower()
        if _YEAR.search(lowered) and float(value).is_integer():
            return str(int(value))
        if _MONEY.search(lowered) and not lowered.endswith(("records", "projects")):
            return f"USD {compact_money(float(value))}"
    if isinstance(value, float):
        if value.is_integer() and abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def with_flags(exc: InvalidInput, flags: Mapping[str, str]) -> InvalidInput:
    """``exc`` with each service field it names replaced by the option that sets it.

    Services name fields (``base_year``); a user of the command line knows them as options
    (``--base-year``). The problems keep their reasons, files, rows and values. A problem in a
    file's row names a column of that file, never an option, and is left as it is.
    """
    problems = tuple(
        dataclasses.replace(p, field=flags.get(p.field, p.field))
        if p.field and p.file is None and p.row is None
        else p
        for p in exc.problems
    )
    if not problems:
        return exc
    message = "; ".join(p.describe() for p in problems)
    return InvalidInput(message, hint=exc.hint, problems=problems)


#: Service fields whose option is not simply the field's name with dashes.
FIELD_ALIASES: Mapping[str, str] = {
    "occurred_on": "--date",
    "speed_kn": "--speed",
    "bunker_usd_per_t": "--bunker-usd",
    "config_path": "--config",
}


def option_flags(commands: Sequence[Any]) -> dict[str, str]:
    """Service field -> option, from the click ``commands`` a command line ran (outermost
    first; the innermost command's options win).

    A field maps to the option whose parameter has its name (``base_year`` -> ``--base-year``),
    to ``--`` plus its name with dashes, or to its :data:`FIELD_ALIASES` entry, whichever of
    these the commands have.
    """
    by_name: dict[str, str] = {}
    opts: set[str] = set()
    for command in commands:
        for param in getattr(command, "params", ()):
            long = [o for o in param.opts if o.startswith("--")]
            # typer vendors its own click: tell options from arguments by their type name
            if getattr(param, "param_type_name", "") == "option" and param.name and long:
                by_name[param.name] = long[0]
                opts.update(long)
    flags = {field: flag for field, flag in FIELD_ALIASES.items() if flag in opts}
    flags |= {opt[2:].replace("-", "_"): opt for opt in opts}
    return flags | by_name


def internal_error(exc: BaseException, console: Any) -> int:
    """A real bug: say so, and how to report it."""
    from rich.text import Text

    console.print(Text.assemble(("internal error: ", "bold red"), f"{type(exc).__name__}: {exc}"))
    console.print(Text("  hint: rerun with --debug for the traceback, and report it"))
    return 1
