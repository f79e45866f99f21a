"""Tables read at 80 columns: names beside codes, units in headers, compact money, plain years."""

from __future__ import annotations

import io

from rich.console import Console

from beltroad.cli.output import compact_money, to_csv, to_table


def render(rows: list[dict[str, object]]) -> str:
    console = Console(file=io.StringIO(), width=80, color_system=None)
    console.print(to_table(rows))
    return console.file.getvalue()  # type: ignore[attr-defined]


def test_a_breakdown_reads_at_80_columns() -> None:
    rows: list[dict[str, object]] = [
        {"country": "PAK", "year": 2015, "projects": 12, "amount": 83_312_000_000.0},
        {"country": "CPV", "year": 2019, "projects": 1, "amount": 1_250_000.0},
        {"country": "TOTAL", "year": "TOTAL", "projects": 13, "amount": 83_313_250_000.0},
    ]
    text = render(rows)
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "PAK Pakistan" in text
    assert "amount (USD)" in text
    assert "83.3 bn" in text
    assert "1.25 m" in text
    assert "2015" in text
    assert "2,015" not in text
    # CSV keeps every value whole.
    assert "83312000000.0" in to_csv(rows)


def test_a_measure_table_puts_the_unit_in_the_cell() -> None:
    text = render(
        [
            {"measure": "projects", "value": 961},
            {"measure": "commitments_usd_constant_2021", "value": 554_709_410_643.23},
            {"measure": "base_year", "value": 2021},
        ]
    )
    assert "USD 554.7 bn" in text
    assert "2021" in text
    assert "2,021" not in text


def test_compact_money() -> None:
    assert compact_money(83_312_000_000) == "83.3 bn"
    assert compact_money(4.2e12) == "4.20 tn"
    assert compact_money(-2_500_000) == "-2.50 m"
    assert compact_money(12) == "12"
