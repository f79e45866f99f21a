"""The array breakdown agrees with a plain pandas reading of the aggregation rule."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from beltroad.analytics.breakdown import (
    DIMENSIONS,
    MEASURES,
    BreakdownQuery,
    breakdown,
)
from beltroad.analytics.snapshot import build
from beltroad.storage.facts import NO_DAY, FactRows
from beltroad.storage.generation import Generation

REGIONS = {"AAA": "Asia", "BBB": "Asia", "CCC": None}
INCOMES = {"AAA": "LIC", "BBB": None, "CCC": "UMC"}
FLOWS = ["ODA-like", "OOF-like", None]
SECTORS = [("1", "21020"), ("1", "21030"), ("2", "210"), ("1", "23010"), ("2", "230"), ("3", "x")]


@st.composite
def portfolios(draw: st.DrawFn) -> FactRows:
    n = draw(st.integers(0, 12))
    ids = sorted(draw(st.sets(st.integers(1, 500), min_size=n, max_size=n)))
    pct = st.one_of(st.none(), st.sampled_from([10.0, 25.0, 50.0, 60.0, 100.0]))
    projects: dict[str, list[Any]] = {
        k: []
        for k in (
            "id",
            "recommended_for_aggregates",
            "is_umbrella",
            "commitment_year",
            "flow_class",
            "status",
            "corridor_id",
            "dataset",
            "amount_usd_constant",
            "amount_usd_nominal",
            "amount_base_year",
            "is_synthetic",
            "stage",
            "planned_start",
            "actual_start",
            "planned_end",
            "actual_end",
        )
    }
    countries: dict[str, list[Any]] = {
        k: [] for k in ("project_id", "iso3", "region", "income", "percentage")
    }
    sectors: dict[str, list[Any]] = {
        k: [] for k in ("project_id", "vocabulary", "code", "percentage")
    }
    financiers: dict[str, list[Any]] = {"project_id": [], "name": []}
    disbursements: dict[str, list[Any]] = {"project_id": [], "amount": [], "base_year": []}
    for pid in ids:
        amount = draw(st.one_of(st.none(), st.floats(0, 1e6, allow_nan=False)))
        for key, value in (
            ("id", pid),
            ("recommended_for_aggregates", draw(st.sampled_from([None, True, False]))),
            ("is_umbrella", draw(st.booleans())),
            ("commitment_year", draw(st.sampled_from([None, 2015, 2016]))),
            ("flow_class", draw(st.sampled_from(FLOWS))),
            ("status", draw(st.sampled_from([None, 2, 3]))),
            ("corridor_id", draw(st.sampled_from([None, "CPEC"]))),
            ("dataset", "test"),
            ("amount_usd_constant", amount),
            ("amount_usd_nominal", None if amount is None else amount * 0.9),
            ("amount_base_year", draw(st.sampled_from([2017, 2021]))),
            ("is_synthetic", draw(st.booleans())),
            # The funnel's facts, which breakdowns never read.
            ("stage", None),
            ("planned_start", NO_DAY),
            ("actual_start", NO_DAY),
            ("planned_end", NO_DAY),
            ("actual_end", NO_DAY),
        ):
            projects[key].append(value)
        for iso3 in draw(st.lists(st.sampled_from(list(REGIONS)), max_size=2, unique=True)):
            for key, value in (
                ("project_id", pid),
                ("iso3", iso3),
                ("region", REGIONS[iso3]),
                ("income", INCOMES[iso3]),
                ("percentage", draw(pct)),
            ):
                countries[key].append(value)
        for vocab, code in draw(st.lists(st.sampled_from(SECTORS), max_size=3, unique=True)):
            for key, value in (
                ("project_id", pid),
                ("vocabulary", vocab),
                ("code", code),
                ("percentage", draw(pct)),
            ):
                sectors[key].append(value)
        for name in draw(st.lists(st.sampled_from(["Bank", "Fund"]), max_size=2, unique=True)):
            financiers["project_id"].append(pid)
            financiers["name"].append(name)
        if draw(st.booleans()):
            disbursements["project_id"].append(pid)
            disbursements["amount"].append(draw(st.floats(0, 1e5, allow_nan=False)))
            disbursements["base_year"].append(2021)
    # The fact query only reads vocabularies 1 and 2.
    keep = [i for i, v in enumerate(sectors["vocabulary"]) if v in ("1", "2")]
    sectors = {k: [v[i] for i in keep] for k, v in sectors.items()}

    def cols(d: dict[str, list[Any]]) -> dict[str, tuple[Any, ...]]:
        return {k: tuple(v) for k, v in d.items()}

    return FactRows(
        generation=Generation("test", 0),
        projects=cols(projects),
        disbursements=cols(disbursements),
        countries=cols(countries),
        sectors=cols(sectors),
        financiers=cols(financiers),
        transactions={"project_id": (), "last": (), "committed": ()},
        milestones={"project_id": (), "last": ()},
    )


def _share(pct: Any) -> float:
    return 1.0 if pct is None or (isinstance(pct, float) and math.isnan(pct)) else pct / 100.0


def oracle(rows: FactRows, query: BreakdownQuery) -> tuple[dict[tuple[Any, ...], Any], Any]:
    """The rule read literally with pandas merges: left joins, shares multiplied, nunique ids."""
    p = pd.DataFrame(rows.projects)
    if p.empty:
        return {}, 0
    p["amount"] = {
        "commitment": p["amount_usd_constant"],
        "commitment-nominal": p["amount_usd_nominal"],
        "projects": pd.Series([None] * len(p), dtype=float),
    }.get(query.measure)
    if query.measure == "disbursement":
        d = pd.DataFrame(rows.disbursements, columns=["project_id", "amount", "base_year"])
        p = p.drop(columns=["amount"]).merge(
            d[["project_id", "amount"]].rename(columns={"project_id": "id"}), "left", "id"
        )
    if query.rule == "aiddata":
        keep = p["recommended_for_aggregates"].map(lambda v: v is None or bool(v))
        p = p[keep & ~p["is_umbrella"].astype(bool)]
    frame = p.rename(
        columns={"commitment_year": "year", "flow_class": "flow-class", "corridor_id": "corridor"}
    ).assign(share=1.0)
    dims = {*query.by, *(d for d, _ in query.filters)}
    sources = {DIMENSIONS[d] for d in dims} - {None}
    if "country" in sources:
        c = pd.DataFrame(
            rows.countries, columns=["project_id", "iso3", "region", "income", "percentage"]
        )
        c = c.assign(cshare=c["percentage"].map(_share), country=c["iso3"])
        frame = frame.merge(c, "left", left_on="id", right_on="project_id")
        frame["share"] *= frame["cshare"].fillna(1.0)
        frame = frame.drop(columns=["project_id"])
    if "sector" in sources:
        s = pd.DataFrame(rows.sectors, columns=["project_id", "vocabulary", "code", "percentage"])
        s = s.assign(
            sshare=s["percentage"].map(_share),
            sector=[
                c[:3] if v == "1" else c for v, c in zip(s["vocabulary"], s["code"], strict=True)
            ],
            sector5=[
                c if v == "1" else None for v, c in zip(s["vocabulary"], s["code"], strict=True)
            ],
        )
        frame = frame.merge(s, "left", left_on="id", right_on="project_id")
        frame["share"] *= frame["sshare"].fillna(1.0)
        frame = frame.drop(columns=["project_id"])
    if "financier" in sources:
        f = pd.DataFrame(rows.financiers, columns=["project_id", "name"])
        f["fshare"] = 1.0 / f.groupby("project_id")["name"].transform("count")
        frame = frame.merge(
            f.rename(columns={"name": "financier"}), "left", left_on="id", right_on="project_id"
        )
        frame["share"] *= frame["fshare"].fillna(1.0)
    for dim, value in query.filters:
        column = frame[dim].astype(object)
        frame = frame[column.isna() if value is None else column == value]
    result: dict[tuple[Any, ...], Any] = {}
    frame = frame.assign(weighted=frame["amount"] * frame["share"])
    for key, group in frame.groupby(list(query.by), dropna=False):
        key = tuple(None if isinstance(k, float) and math.isnan(k) else k for k in key)
        projects = group["share"].sum() if query.split_counts else group["id"].nunique()
        amount = group["weighted"].sum(min_count=1)
        amount = None if pd.isna(amount) else float(amount)
        if query.measure == "projects":
            amount = projects
        result[key] = (projects, amount)
    total = frame["share"].sum() if query.split_counts else frame["id"].nunique()
    return result, total


def queries() -> st.SearchStrategy[BreakdownQuery]:
    dims = list(DIMENSIONS)
    values = [None, "AAA", "BBB", "Asia", "LIC", "210", "21020", "Bank", 2015, "OOF-like", 3]
    return st.builds(
        BreakdownQuery,
        by=st.lists(st.sampled_from(dims), min_size=1, max_size=2, unique=True).map(tuple),
        measure=st.sampled_from(MEASURES),
        rule=st.sampled_from(["aiddata", "all"]),
        filters=st.lists(st.tuples(st.sampled_from(dims), st.sampled_from(values)), max_size=1).map(
            tuple
        ),
        split_counts=st.booleans(),
    )


@settings(max_examples=300, deadline=None)
@given(portfolios(), queries())
def test_breakdown_agrees_with_the_rule_read_in_pandas(
    rows: FactRows, query: BreakdownQuery
) -> None:
    ours = breakdown(build(rows), query)
    expected, total_projects = oracle(rows, query)
    got = {tuple(r[d] for d in query.by): (r["projects"], r["amount"]) for r in ours.rows}
    assert set(got) == set(expected)
    for key, (projects, amount) in expected.items():
        assert got[key][0] == pytest.approx(projects)
        if amount is None:
            assert got[key][1] is None
        else:
            assert got[key][1] == pytest.approx(amount, rel=1e-9, abs=1e-6)
    assert ours.projects == pytest.approx(total_projects)


def test_an_empty_registry_gives_empty_rows() -> None:
    empty = FactRows(
        Generation("x", 0),
        {
            k: ()
            for k in (
                "id",
                "recommended_for_aggregates",
                "is_umbrella",
                "commitment_year",
                "flow_class",
                "status",
                "corridor_id",
                "dataset",
                "amount_usd_constant",
                "amount_usd_nominal",
                "amount_base_year",
                "is_synthetic",
                "stage",
                "planned_start",
                "actual_start",
                "planned_end",
                "actual_end",
            )
        },
        {"project_id": (), "amount": (), "base_year": ()},
        {"project_id": (), "iso3": (), "region": (), "income": (), "percentage": ()},
        {"project_id": (), "vocabulary": (), "code": (), "percentage": ()},
        {"project_id": (), "name": ()},
        {"project_id": (), "last": (), "committed": ()},
        {"project_id": (), "last": ()},
    )
    result = breakdown(build(empty), BreakdownQuery(by=("country", "sector")))
    assert result.rows == []
    assert result.projects == 0
    assert result.amount is None
