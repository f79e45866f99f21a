"""``beltroad select``: flagship selection, an MCDA ranking plus a budget-constrained choice.

>>> result = select(workspace, SelectionRequest(budget=5e9, min_green_share=0.2))  # doctest: +SKIP
>>> [d["identifier"] for d in result.decisions if d["selected"]][:3]  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import os
import sys
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from beltroad.engines import flagship, mcda
from beltroad.engines import selection as milp
from beltroad.engines.green import POLICY_EXCLUDED
from beltroad.errors import DataNotImported, DataUnavailable, InvalidInput
from beltroad.services import basis as basis_rules
from beltroad.services import benefits as benefit_service
from beltroad.services.config_files import load
from beltroad.services.workspace import Workspace
from beltroad.storage import green as queries


def load_config(path: Path | str | None = None) -> flagship.SelectionConfig:
    data, source = load("selection", path, field="selection_config")
    return flagship.parse_config(data, source=source)


@dataclass(frozen=True)
class AhpInput:
    criteria: tuple[str, ...]
    matrix: tuple[tuple[float, ...], ...]
    source: str


def read_ahp(path: Path | str) -> AhpInput:
    """A TOML file: ``criteria = ["green", "risk", ...]`` and ``matrix = [[1, 3, ...], ...]``."""
    file = Path(path)
    if not file.is_file():
        raise InvalidInput.at("file not found (expected a TOML file)", file=str(file), field="ahp")
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput.at(f"not valid TOML ({exc})", file=str(file)) from None
    criteria = data.get("criteria")
    matrix = data.get("matrix")
    if not isinstance(criteria, list) or not isinstance(matrix, list):
        raise InvalidInput.at(
            "expected `criteria = [...]` and `matrix = [[...], ...]`", file=str(file), field="ahp"
        )
    for c in criteria:
        if c not in flagship.CRITERIA:
            raise InvalidInput.at(
                f"unknown criterion (expected one of {', '.join(flagship.CRITERIA)})",
                file=str(file),
                field="criteria",
                value=c,
            )
    if len(matrix) != len(criteria) or any(
        not isinstance(r, list) or len(r) != len(criteria) for r in matrix
    ):
        raise InvalidInput.at(
            f"the matrix must be {len(criteria)} x {len(criteria)} (one row per criterion)",
            file=str(file),
            field="matrix",
        )
    return AhpInput(
        tuple(str(c) for c in criteria),
        tuple(tuple(float(v) for v in row) for row in matrix),
        str(file),
    )


@dataclass(frozen=True)
class SelectionRequest:
    budget: float
    method: str = "topsis"
    objective: str = "score_x_amount"  # or "score"
    weights: Mapping[str, float] | None = None
    ahp: AhpInput | None = None
    force: bool = False
    country_caps: Mapping[str, float] = field(default_factory=dict)
    min_green_share: float | None = None
    max_risk: float | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    dataset: str | None = None
    base_year: int | None = None
    time_limit_s: float | None = 60.0
    #: None: the MILP weighs every candidate. A number k: only a shortlist, the candidates of
    #: highest objective per dollar whose amounts add up to k budgets, the same among green
    #: ones (for the green share) and per country under a cap, plus the must-includes. A large
    #: portfolio's budget-constrained optimum lies among them (the LP relaxation's picks are
    #: the densest ones); the notes say how many were weighed.
    shortlist_budgets: float | None = None


@dataclass(frozen=True)
class SelectionReport:
    request: SelectionRequest
    config: flagship.SelectionConfig
    ranking: flagship.Ranking
    result: milp.SelectionResult
    decisions: list[dict[str, Any]]
    weights_note: list[str]
    ahp: mcda.AhpResult | None
    basis: basis_rules.Basis
    vintages: dict[str, str]

    def chosen(self) -> list[dict[str, Any]]:
        return [d for d in self.decisions if d["selected"]]

    def as_dict(self) -> dict[str, Any]:
        chosen = self.chosen()
        return {
            "method": self.ranking.method,
            "objective": self.request.objective,
            "budget": self.request.budget,
            "status": self.result.status,
            "mip_gap": self.result.mip_gap,
            "time_limit_s": self.request.time_limit_s,
            "objective_value": self.result.objective,
            "selected": len(chosen),
            "selected_amount": sum(d["amount"] for d in chosen),
            "budget_shadow_price": self.result.budget_shadow_price,
            "constraints": list(self.result.constraints),
            "criteria": [c.as_dict() for c in self.ranking.criteria],
            "notes": self.notes(),
            "ahp": self.ahp.as_dict() if self.ahp else None,
            "basis": self.basis.as_dict(),
            "data_vintage": self.vintages,
            "config": {"version": self.config.version, "source": self.config.source},
            "projects": self.decisions,
        }

    def notes(self) -> list[str]:
        return [*self.weights_note, *self.ranking.notes, self.basis.note()]

    def rows(self, limit: int | None = None) -> list[dict[str, Any]]:
        ordered = sorted(self.decisions, key=lambda d: (not d["selected"], d["rank"]))
        return [
            {
                "rank": d["rank"],
                "identifier": d["identifier"],
                "in": "yes" if d["selected"] else "no",
                "amount": d["amount"],
                "score": round(d["score"], 4),
                "countries": d["countries"],
                "green": d["green_class"] or "",
                "why": d["reason"],
            }
            for d in ordered[:limit]
        ]

    def constraint_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "constraint": c["constraint"],
                "activity": c["activity"],
                "achieved": "" if c["achieved"] is None else round(c["achieved"], 4),
                "slack": c["slack"],
                "binding": "yes" if c["binding"] else "no",
            }
            for c in self.result.constraints
        ]


def _weights(
    request: SelectionRequest, config: flagship.SelectionConfig
) -> tuple[dict[str, float], list[str], mcda.AhpResult | None]:
    notes: list[str] = []
    if request.ahp is not None:
        result = mcda.ahp(request.ahp.matrix)
        if not result.consistent and not request.force:
            raise InvalidInput.at(
                f"the AHP matrix is inconsistent: CR = {result.cr:.3f} > {mcda.CR_LIMIT} "
                f"(lambda_max {result.lambda_max:.4f}, RI {result.ri} from {result.ri_table})",
                file=request.ahp.source,
                field="matrix",
                hint="revise the judgements, or force their use",
            )
        if not result.consistent:
            notes.append(f"AHP CR = {result.cr:.3f} > {mcda.CR_LIMIT}: used because forced")
        notes.append(
            f"weights from AHP (eigenvector; CR {result.cr:.4f}, RI table {result.ri_table})"
        )
        return dict(zip(request.ahp.criteria, result.weights, strict=True)), notes, result
    if request.weights is not None:
        for key in request.weights:
            if key not in flagship.CRITERIA:
                raise InvalidInput.at(
                    f"unknown criterion (expected one of {', '.join(flagship.CRITERIA)})",
                    field="weights",
                    value=key,
                )
        return dict(request.weights), notes, None
    notes.append(f"default weights of {config.source} ([N] platform assumptions)")
    return dict(config.weights), notes, None


def _country_risk(workspace: Workspace) -> tuple[dict[str, float], str | None]:
    from beltroad.services.risk import assess

    try:
        report = assess(workspace)
    except DataUnavailable:
        return {}, None
    return {s.iso3: s.score for s in report.scored}, f"country risk as of {report.year}"


def _project_risk(
    countries: Sequence[tuple[str, float]], scores: Mapping[str, float]
) -> float | None:
    known = [(scores[i], p) for i, p in countries if i in scores]
    total = sum(p for _, p in known)
    return sum(s * p for s, p in known) / total if total else None


def select(
    workspace: Workspace,
    request: SelectionRequest,
    *,
    config: flagship.SelectionConfig | None = None,
) -> SelectionReport:
    """Rank the candidates and choose the set that maximises the objective under the limits."""
    config = config or load_config()
    if request.budget <= 0:
        raise InvalidInput.at(
            "the budget must be positive (USD)", field="budget", value=request.budget
        )
    if request.objective not in ("score_x_amount", "score"):
        raise InvalidInput.at(
            "expected score_x_amount or score", field="objective", value=request.objective
        )
    if request.method not in flagship.METHODS:
        raise InvalidInput.at(
            f"expected one of {', '.join(flagship.METHODS)}", field="method", value=request.method
        )
    if request.min_green_share is not None and not 0 <= request.min_green_share <= 1:
        raise InvalidInput.at(
            "expected a share in 0..1", field="min_green_share", value=request.min_green_share
        )
    weights, notes, ahp_result = _weights(request, config)
    with workspace.reading() as connection:
        rows = queries.project_rows(connection, dataset=request.dataset, with_text=False)
        green = queries.policy_flags(connection)  # the flags only: evidence is not needed
    basis_rules.require_rows(rows)
    basis = basis_rules.choose(rows, request.base_year)
    candidates = [r for r in basis.priced if r["amount_usd_constant"] > 0]
    if not candidates:
        raise DataNotImported(
            f"no project has a positive amount in constant USD of {basis.base_year}",
            hint="import a dataset with amounts, or choose another base year",
        )
    index = {r["identifier"]: i for i, r in enumerate(candidates)}
    for name, ids in (("include", request.include), ("exclude", request.exclude)):
        for identifier in ids:
            if identifier not in index:
                raise InvalidInput.at(
                    "not a candidate (unknown identifier, or no amount on the base year)",
                    field=name,
                    value=identifier,
                )
    risk_scores, risk_vintage = _country_risk(workspace)
    balances = benefit_service.project_balance_index(workspace, candidates)
    values: list[dict[str, float | None]] = []
    for r in candidates:
        extras = r["extras"]
        cls = r.get("green_class")
        groups = {code[:3] for _, code in r["sectors"]}
        amount = float(r["amount_usd_constant"])
        values.append(
            {
                "scale": amount,
                "connectivity": _number(extras.get("connectivity_value")),
                "green": config.green_scores.get(cls) if cls else None,
                "risk": _project_risk(r["countries"], risk_scores),
                "benefit_balance": balances.get(r["id"]),
                "local_jobs": _number(extras.get("local_jobs")),
                "small_beautiful": 1.0
                if amount <= config.small_max_amount and groups & config.small_sectors
                else 0.0,
            }
        )
    try:
        ranking = flagship.rank(values, weights, method=request.method)
    except ValueError as exc:
        raise InvalidInput.at(str(exc), field="weights") from None
    risk_col = next((c for c in ranking.criteria if c.key == "risk"), None)
    risk_fill = risk_col.fill if risk_col is not None else None
    risk = [v["risk"] if v["risk"] is not None else risk_fill for v in values]
    if request.max_risk is not None and any(x is None for x in risk):
        raise DataNotImported(
            "a maximum portfolio risk needs country risk scores, and none are loaded",
            hint="import WGI/GPR/ND-GAIN/IMF data (see `beltroad risk country`)",
        )
    scores = ranking.scores
    if request.method == "promethee":  # net flows lie in -1..1; the objective needs >= 0
        scores = tuple((s + 1) / 2 for s in scores)
    amounts = [float(r["amount_usd_constant"]) for r in candidates]
    objective = (
        [s * a for s, a in zip(scores, amounts, strict=True)]
        if request.objective == "score_x_amount"
        else list(scores)
    )
    policy = {
        i: "new coal power after the 2021-09-21 pledge (POLICY_EXCLUDED, standards §2.3)"
        for i, r in enumerate(candidates)
        if green.get(r["id"]) == POLICY_EXCLUDED
    }
    caps = {k.upper(): float(v) for k, v in request.country_caps.items()}
    is_green = [r.get("green_class") == "green" for r in candidates]
    shares = [{i: p / 100.0 for i, p in r["countries"]} for r in candidates]
    include = frozenset(index[i] for i in request.include)
    weighed = list(range(len(candidates)))
    if request.shortlist_budgets is not None:
        weighed = shortlist(
            objective, amounts, is_green, shares, caps, request.budget,
            budgets=request.shortlist_budgets, keep=include, skip=frozenset(policy),
        )  # fmt: skip
        notes.append(
            f"the solver weighed a shortlist of {len(weighed)} of {len(candidates)} candidates: "
            f"the highest objective per dollar, adding up to {request.shortlist_budgets:g} "
            "budgets (and as many among green ones, and per capped country)"
        )
    local = {g: k for k, g in enumerate(weighed)}
    risk_values = [float(x) if x is not None else 0.0 for x in risk]
    model = milp.SelectionModel(
        costs=[amounts[g] for g in weighed],
        values=[objective[g] for g in weighed],
        budget=request.budget,
        green=[is_green[g] for g in weighed],
        risk=[risk_values[g] for g in weighed],
        countries=[shares[g] for g in weighed],
        country_caps=caps,
        min_green_share=request.min_green_share,
        max_risk=request.max_risk,
        must_include=frozenset(local[g] for g in include),
        must_exclude=frozenset(local[index[i]] for i in request.exclude if index[i] in local),
        policy_excluded={local[g]: why for g, why in policy.items() if g in local},
        time_limit_s=request.time_limit_s,
    )
    with _solver_output_to_stderr():
        result = _widen(milp.solve(model), weighed, len(candidates), policy, request, index)
    decisions = []
    for d in result.decisions:
        r = candidates[d.index]
        decisions.append(
            {
                "identifier": r["identifier"],
                "title": r["title"],
                "selected": d.selected,
                "rank": ranking.ranks[d.index],
                "score": ranking.scores[d.index],
                "amount": amounts[d.index],
                "countries": ", ".join(f"{i} {p:g}%" for i, p in r["countries"]),
                "green_class": r.get("green_class"),
                "risk": risk[d.index],
                "reason": d.reason,
                "binding_constraint": d.constraint,
                "inputs": dict(
                    zip([c.key for c in ranking.used()], ranking.matrix[d.index], strict=True)
                ),
            }
        )
    vintages = {"amounts": f"constant USD of {basis.base_year}"}
    if risk_vintage:
        vintages["risk"] = risk_vintage
    if not green:
        notes.append("no green classes stored: run `beltroad green classify` first")
    return SelectionReport(
        request, config, ranking, result, decisions, notes, ahp_result, basis, vintages
    )


def shortlist(
    values: Sequence[float],
    costs: Sequence[float],
    green: Sequence[bool],
    countries: Sequence[Mapping[str, float]],
    caps: Mapping[str, float],
    budget: float,
    *,
    budgets: float,
    keep: frozenset[int] = frozenset(),
    skip: frozenset[int] = frozenset(),
) -> list[int]:
    """The candidates the MILP weighs: by value per dollar, densest first, as many as add up to
    ``budgets`` times the budget; the same among green candidates and among each capped
    country's (so that the green share and the caps can be met from the shortlist); plus
    ``keep``. ``skip`` (policy-excluded) never enter. Sorted by candidate index."""
    import numpy as np

    if budgets <= 0:
        raise InvalidInput.at(
            "expected a positive number", field="shortlist_budgets", value=budgets
        )
    cost = np.asarray(costs, dtype=float)
    density = np.asarray(values, dtype=float) / np.where(cost > 0, cost, np.inf)
    order = np.argsort(-density, kind="stable")
    allowed = np.ones(cost.size, dtype=bool)
    allowed[list(skip)] = False
    chosen = set(keep)
    groups = [allowed, allowed & np.asarray(green, dtype=bool)]
    for iso3 in caps:
        groups.append(allowed & np.array([iso3 in c for c in countries], dtype=bool))
    for members in groups:
        ranked = order[members[order]]
        spent = np.cumsum(cost[ranked])
        last = int(np.searchsorted(spent, budgets * budget)) + 1  # the one that crosses it too
        chosen.update(int(i) for i in ranked[:last])
    return sorted(chosen)


def _widen(
    result: milp.SelectionResult,
    weighed: Sequence[int],
    total: int,
    policy: Mapping[int, str],
    request: SelectionRequest,
    index: Mapping[str, int],
) -> milp.SelectionResult:
    """The shortlist's result in the numbering of all candidates, with a decision for each one
    left off the shortlist (the reason says why it was not weighed)."""
    if len(weighed) == total:
        return result
    import dataclasses

    decisions: list[milp.Decision | None] = [None] * total
    for d in result.decisions:
        decisions[weighed[d.index]] = dataclasses.replace(d, index=weighed[d.index])
    excluded = {index[i] for i in request.exclude}
    for g in range(total):
        if decisions[g] is not None:
            continue
        if g in policy:
            decisions[g] = milp.Decision(g, False, f"policy: {policy[g]}", "policy")
        elif g in excluded:
            decisions[g] = milp.Decision(g, False, "must-exclude", "must-exclude")
        else:
            decisions[g] = milp.Decision(
                g, False, "not shortlisted: lower objective per dollar than the shortlist", None
            )
    return dataclasses.replace(
        result,
        decisions=tuple(d for d in decisions if d is not None),
        chosen=tuple(weighed[i] for i in result.chosen),
    )


@contextlib.contextmanager
def _solver_output_to_stderr() -> Iterator[None]:
    """HiGHS (inside SciPy) can print progress lines from C++ straight to file descriptor 1;
    results go to stdout and logs to stderr (docs/product.md), so fd 1 points at stderr while the
    solver runs."""
    try:
        out, err = sys.__stdout__.fileno(), sys.__stderr__.fileno()  # type: ignore[union-attr]
        saved = os.dup(out)
    except (AttributeError, OSError, ValueError):  # no real descriptors (embedded, captured)
        yield
        return
    sys.stdout.flush()
    os.dup2(err, out)
    try:
        yield
    finally:
        with contextlib.suppress(OSError, ValueError):
            sys.stdout.flush()
        os.dup2(saved, out)
        os.close(saved)


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


__all__ = [
    "AhpInput",
    "SelectionReport",
    "SelectionRequest",
    "load_config",
    "read_ahp",
    "select",
    "shortlist",
]
