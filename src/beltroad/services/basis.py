"""Which projects a #17 figure counts, and which amounts it may add (one price basis only).

The aggregation rule of docs/product.md: umbrella records never count beside their children, and
records AidData does not recommend for aggregates are left out. Amounts are added only in
constant USD of ONE base year; a project on another basis is left out of amounts and counted in
the note, never converted silently. A record set aside as another dataset's project (the
registry's overlap links, `beltroad data overlaps`) never counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from beltroad.errors import DataUnavailable


@dataclass(frozen=True)
class Basis:
    base_year: int | None
    counted: list[dict[str, Any]]  # the aggregation rule's projects
    priced: list[dict[str, Any]]  # of those, the ones with an amount on the base year
    left_out: dict[str, int] = field(default_factory=dict)
    other_years: dict[int, int] = field(default_factory=dict)

    def amount(self, row: dict[str, Any]) -> float | None:
        if (
            row.get("amount_base_year") == self.base_year
            and row.get("amount_usd_constant") is not None
        ):
            return float(row["amount_usd_constant"])
        return None

    def as_dict(self) -> dict[str, Any]:
        return {
            "measure": f"constant USD of {self.base_year}" if self.base_year else None,
            "base_year": self.base_year,
            "projects_counted": len(self.counted),
            "projects_with_amount": len(self.priced),
            "left_out": dict(self.left_out),
            "other_base_years": {str(k): v for k, v in sorted(self.other_years.items())},
        }

    def note(self) -> str:
        parts = [
            f"{len(self.counted):,} projects counted; amounts in constant USD of {self.base_year} "
            f"({len(self.priced):,} projects have one)"
        ]
        for reason, n in self.left_out.items():
            parts.append(f"{n:,} left out: {reason}")
        if self.other_years:
            listed = ", ".join(f"{y}: {n:,}" for y, n in sorted(self.other_years.items()))
            parts.append(f"not added, amounts on other base years ({listed})")
        return "; ".join(parts)


def choose(rows: Sequence[dict[str, Any]], base_year: int | None = None) -> Basis:
    """Apply the aggregation rule, and pick the base year (default: the most common one)."""
    left: Counter[str] = Counter()
    counted: list[dict[str, Any]] = []
    for row in rows:
        if row.get("set_aside"):  # `beltroad data overlaps` lists the links and precedence
            left["the same project in a dataset of higher precedence (counted once)"] += 1
        elif row.get("is_umbrella"):
            left["umbrella record (its children count instead)"] += 1
        elif row.get("recommended_for_aggregates") is False:
            left["not recommended for aggregates by its dataset (AidData rule)"] += 1
        else:
            counted.append(row)
    years = Counter(
        int(r["amount_base_year"])
        for r in counted
        if r.get("amount_base_year") is not None and r.get("amount_usd_constant") is not None
    )
    if base_year is None:
        base_year = years.most_common(1)[0][0] if years else None
    priced = [
        r
        for r in counted
        if r.get("amount_base_year") == base_year and r.get("amount_usd_constant") is not None
    ]
    no_amount = sum(1 for r in counted if r.get("amount_usd_constant") is None)
    if no_amount:
        left["no constant-USD amount (counted, not added)"] = no_amount
    others = {y: n for y, n in years.items() if y != base_year}
    return Basis(base_year, counted, priced, dict(left), others)


def require_rows(rows: Sequence[dict[str, Any]]) -> None:
    if not rows:
        raise DataUnavailable(
            "the registry holds no projects",
            hint="import a dataset first (`beltroad import gcdf3 PATH`) or run `beltroad demo`",
        )


__all__ = ["Basis", "choose", "require_rows"]
