"""``beltroad benefits``: the benefit-sharing balance per project and per country.

Indicator values come from, in order: a user's CSV (``identifier`` plus indicator columns), the
project's ``extras["benefits"]`` mapping, its loan terms (interest rate -> investor return), and
the host country's LIC-DSF debt benchmark (``beltroad debt``) for the debt burden. Each value
keeps where it came from.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from beltroad.engines import benefits as engine
from beltroad.errors import DataUnavailable, InvalidInput
from beltroad.services import basis as basis_rules
from beltroad.services.config_files import load
from beltroad.services.csv_input import read_rows
from beltroad.services.workspace import Workspace
from beltroad.storage import green as queries

Values = dict[str, tuple[float, str]]


def load_config(path: Path | str | None = None) -> engine.BenefitsConfig:
    data, source = load("benefits", path, field="benefits_config")
    return engine.parse_config(data, source=source)


def read_indicators(path: Path | str, config: engine.BenefitsConfig) -> dict[str, Values]:
    """A CSV with ``identifier`` and any indicator columns; blank cells are missing."""
    out: dict[str, Values] = {}
    keys = config.keys()
    rows = read_rows(path, ("identifier",), field="indicators")
    if rows and not set(rows[0][1]) & set(keys):
        raise InvalidInput.at(
            f"no indicator column (expected one or more of: {', '.join(keys)})",
            file=str(path),
            row=1,
            field="header",
        )
    for line, row in rows:
        values: Values = {}
        for key in keys:
            text = row.get(key, "")
            if not text:
                continue
            try:
                values[key] = (float(text), f"{Path(path).name} line {line}")
            except ValueError:
                raise InvalidInput.at(
                    "not a number (expected a decimal, e.g. 0.65)",
                    file=str(path),
                    row=line,
                    field=key,
                    value=text,
                ) from None
        out[row["identifier"]] = values
    return out


def _debt_burden(workspace: Workspace) -> dict[str, tuple[float, str]]:
    from beltroad.services.debt import debt_report

    try:
        report = debt_report(workspace)
    except DataUnavailable:
        return {}
    out = {}
    for s in report.signals:
        for r in s.ratios:
            if r.ratio == "pv_public_gdp" and r.current_value is not None:
                out[s.iso3] = (
                    r.current_value / r.threshold,
                    f"IMF debt {r.current_value:.1f}% of GDP / {r.threshold:g} ({s.capacity}), "
                    f"{report.year}",
                )
    return out


def project_values(
    workspace: Workspace,
    rows: Sequence[Mapping[str, Any]],
    config: engine.BenefitsConfig,
    supplied: Mapping[str, Values] | None = None,
) -> dict[int, Values]:
    keys = set(config.keys())
    with workspace.reading() as connection:
        terms = queries.loan_terms(connection, [r["id"] for r in rows])
    burden = _debt_burden(workspace)
    out: dict[int, Values] = {}
    for r in rows:
        values: Values = {}
        countries = r.get("countries") or []
        known = [(burden[i], p) for i, p in countries if i in burden]
        if known:
            total = sum(p for _, p in known)
            values["debt_service_burden"] = (
                sum(v * p for (v, _), p in known) / total,
                "; ".join(src for (_, src), _ in known),
            )
        rate = terms.get(r["id"], {}).get("interest_rate_pct")
        if rate is not None:
            values["return_pct"] = (float(rate), "loan terms: interest rate")
        for key, value in ((r.get("extras") or {}).get("benefits") or {}).items():
            if key in keys and isinstance(value, int | float) and not isinstance(value, bool):
                values[key] = (float(value), "project record (extras.benefits)")
        values.update((supplied or {}).get(r["identifier"], {}))
        out[r["id"]] = values
    return out


def project_balance_index(
    workspace: Workspace, rows: Sequence[Mapping[str, Any]]
) -> dict[int, float]:
    """Project id -> balance index, for the projects that have one (selection criterion)."""
    config = load_config()
    values = project_values(workspace, rows, config)
    out = {}
    for r in rows:
        b = engine.balance(r["identifier"], values[r["id"]], config)
        if b.index is not None:
            out[r["id"]] = b.index
    return out


@dataclass(frozen=True)
class BenefitsReport:
    config: engine.BenefitsConfig
    projects: list[engine.Balance]
    countries: list[engine.Balance]
    basis: basis_rules.Basis

    def gaps(self, n: int = 10) -> list[engine.Balance]:
        """The largest imbalances (either side), projects and countries with an index."""
        have = [b for b in self.projects + self.countries if b.gap is not None]
        return sorted(have, key=lambda b: -abs(b.gap or 0.0))[:n]

    def as_dict(self) -> dict[str, Any]:
        return {
            "config": {"version": self.config.version, "source": self.config.source},
            "formula": "index = 100 - |host - investor|; gap = host - investor (0-100 scores)",
            "projects": [b.as_dict() for b in self.projects],
            "countries": [b.as_dict() for b in self.countries],
            "basis": self.basis.as_dict(),
        }

    def rows(self, which: str = "countries", limit: int | None = None) -> list[dict[str, Any]]:
        items = self.countries if which == "countries" else self.projects
        items = sorted(items, key=lambda b: (b.index is None, -(abs(b.gap or 0.0))))[:limit]
        return [
            {
                "subject": b.subject,
                "index": None if b.index is None else round(b.index, 1),
                "gap": None if b.gap is None else round(b.gap, 1),
                "host": None if b.host is None else round(b.host, 1),
                "investor": None if b.investor is None else round(b.investor, 1),
                "coverage h/i": f"{b.host_coverage:.0%}/{b.investor_coverage:.0%}",
                "missing": ", ".join(b.missing),
            }
            for b in items
        ]

    def note(self) -> str:
        with_index = sum(b.index is not None for b in self.projects)
        return (
            f"config {self.config.version}; {with_index:,} of {len(self.projects):,} projects have "
            f"enough indicators for an index (min coverage {self.config.min_coverage:.0%} per "
            "side); missing indicators lower coverage and are never counted as 0. Country values "
            "are amount-weighted means of their projects' indicators."
        )


def benefits_report(
    workspace: Workspace,
    *,
    supplied: Mapping[str, Values] | None = None,
    config: engine.BenefitsConfig | None = None,
    dataset: str | None = None,
    base_year: int | None = None,
) -> BenefitsReport:
    config = config or load_config()
    with workspace.reading() as connection:
        rows = queries.project_rows(connection, dataset=dataset, with_text=False)
    basis_rules.require_rows(rows)
    basis = basis_rules.choose(rows, base_year)
    known = {r["identifier"] for r in rows}
    for identifier in supplied or {}:
        if identifier not in known:
            raise InvalidInput.at(
                "no project has this identifier", field="indicators", value=identifier
            )
    values = project_values(workspace, basis.counted, config, supplied)
    projects = [engine.balance(r["identifier"], values[r["id"]], config) for r in basis.counted]
    # Country values: each indicator's amount-weighted mean over the country's projects that
    # report it (a project without an amount on the base year weighs 1 USD: counted, not priced).
    sums: dict[str, dict[str, list[float]]] = defaultdict(
        lambda: defaultdict(lambda: [0.0, 0.0, 0])
    )
    for r in basis.counted:
        amount = basis.amount(r) or 1.0
        for iso3, pct in r["countries"]:
            w = amount * pct / 100.0
            for key, (value, _) in values[r["id"]].items():
                acc = sums[iso3][key]
                acc[0] += w * value
                acc[1] += w
                acc[2] += 1
    countries = [
        engine.balance(
            iso3,
            {k: (a[0] / a[1], f"mean of {int(a[2])} project(s)") for k, a in found.items() if a[1]},
            config,
        )
        for iso3, found in sorted(sums.items())
    ]
    return BenefitsReport(config, projects, countries, basis)


__all__ = [
    "BenefitsReport",
    "benefits_report",
    "load_config",
    "project_balance_index",
    "project_values",
    "read_indicators",
]
