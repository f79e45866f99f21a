"""Flagship ranking: the issue #17 criteria as a decision matrix, ranked by TOPSIS or PROMETHEE II.

Pure. Candidates carry one value per criterion, or ``None`` when the data are missing. The matrix
is built honestly and says what it did: a criterion no candidate has data for is dropped (its
weight spread over the rest, by normalisation); a missing value is filled with the criterion's
worst value among the candidates, so that missing data never help a project; both are counted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from beltroad.engines import mcda
from beltroad.engines.params import Section

#: criterion -> (label, type: +1 benefit / -1 cost, unit)
CRITERIA: Mapping[str, tuple[str, int, str]] = {
    "scale": ("scale (amount)", 1, "constant USD"),
    "connectivity": ("connectivity value (#6)", 1, "index"),
    "green": ("green class (ordinal)", 1, "green=3 yellow=2 red=1"),
    "risk": ("country risk (#5)", -1, "score 0-100, higher = riskier"),
    "benefit_balance": ("benefit balance index", 1, "0-100"),
    "local_jobs": ("local jobs", 1, "people"),
    "small_beautiful": ("small and beautiful livelihood flag", 1, "0/1"),
}
METHODS = ("topsis", "promethee")


@dataclass(frozen=True)
class SelectionConfig:
    version: str
    source: str
    weights: Mapping[str, float]
    weight_tags: Mapping[str, str]
    small_max_amount: float
    small_sectors: frozenset[str]
    green_scores: Mapping[str, float]


def parse_config(data: Mapping[str, Any], *, source: str) -> SelectionConfig:
    top = Section(data, "", source)
    top.unknown({"version", "missing", "weights", "small_beautiful", "green_scores"})
    top.choice("missing", ("worst",))
    w = top.section("weights")
    w.unknown(set(CRITERIA))
    weights = {k: w.number(k, low=0) for k in CRITERIA if k in w.data}
    small = top.section("small_beautiful")
    g = top.section("green_scores")
    return SelectionConfig(
        version=top.get("version", str),
        source=source,
        weights=weights,
        weight_tags={k: w.tag(k) for k in weights},
        small_max_amount=small.number("max_amount_usd", low=0),
        small_sectors=frozenset(str(s) for s in small.get("sectors", list)),
        green_scores={c: g.number(c) for c in ("green", "yellow", "red")},
    )


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    type: int
    weight: float  # after dropping and normalising
    given_weight: float
    missing: int  # candidates whose value was filled with the worst
    fill: float | None
    dropped: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__) | {"unit": CRITERIA[self.key][2]}


@dataclass(frozen=True)
class Ranking:
    method: str
    scores: tuple[float, ...]
    ranks: tuple[int, ...]
    criteria: tuple[Criterion, ...]
    matrix: tuple[tuple[float, ...], ...]  # the filled matrix, used criteria only
    notes: tuple[str, ...]

    def used(self) -> list[Criterion]:
        return [c for c in self.criteria if c.dropped is None]


def rank(
    values: Sequence[Mapping[str, float | None]],
    weights: Mapping[str, float],
    *,
    method: str = "topsis",
) -> Ranking:
    """Rank ``values`` (one mapping per candidate) on the criteria named in ``weights``."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}")
    notes: list[str] = []
    given = mcda.normalise_weights(weights)
    if given.note:
        notes.append(given.note)
    criteria: list[Criterion] = []
    columns: list[np.ndarray[Any, np.dtype[np.float64]]] = []
    kept: dict[str, float] = {}
    for key in given.names:
        label, kind, _ = CRITERIA[key]
        raw = [v.get(key) for v in values]
        present = [float(x) for x in raw if x is not None]
        weight = given.as_dict()[key]
        if weight == 0:
            criteria.append(Criterion(key, label, kind, 0.0, 0.0, 0, None, "weight 0"))
            continue
        if not present:
            criteria.append(
                Criterion(key, label, kind, 0.0, weight, len(raw), None, "no candidate has data")
            )
            notes.append(f"criterion {key} dropped: no candidate has data; its weight is spread")
            continue
        worst = min(present) if kind > 0 else max(present)
        columns.append(np.array([worst if x is None else float(x) for x in raw]))
        kept[key] = weight
        criteria.append(
            Criterion(key, label, kind, weight, weight, sum(x is None for x in raw), worst)
        )
    if not kept:
        raise ValueError("no criterion has data; nothing to rank on")
    final = mcda.normalise_weights(kept)
    criteria = [
        Criterion(
            c.key,
            c.label,
            c.type,
            final.as_dict().get(c.key, 0.0),
            c.given_weight,
            c.missing,
            c.fill,
            c.dropped,
        )
        for c in criteria
    ]
    x = np.column_stack(columns) if columns else np.zeros((len(values), 0))
    types = [CRITERIA[k][1] for k in kept]
    w = list(final.values)
    if method == "topsis":
        scores = mcda.topsis(x, w, types).closeness
    else:
        scores = mcda.promethee_ii(x, w, types).net
    for c in criteria:
        if c.dropped is None and c.missing:
            notes.append(
                f"criterion {c.key}: {c.missing} candidate(s) without data got its worst value "
                f"({c.fill:g})"
            )
    return Ranking(
        method=method,
        scores=tuple(float(s) for s in scores),
        ranks=tuple(int(r) for r in mcda.ranks(scores)),
        criteria=tuple(criteria),
        matrix=tuple(tuple(float(v) for v in row) for row in x),
        notes=tuple(notes),
    )


__all__ = ["CRITERIA", "METHODS", "Criterion", "Ranking", "SelectionConfig", "parse_config", "rank"]
