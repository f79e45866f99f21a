"""Multi-criteria decision analysis: weights, AHP, TOPSIS and PROMETHEE II (standards.md §5).

Pure numpy over a decision matrix ``X`` (m alternatives x n criteria), weights ``w`` and criterion
types ``t`` (+1 benefit, -1 cost). Each method follows the textbook formulas of standards.md §5 and
is cross-checked against ``pymcdm`` 1.4.0 in the tests:

* TOPSIS: **vector** normalisation ``r = x / sqrt(sum x^2)`` (Hwang & Yoon 1981). pymcdm's default
  is min-max; the textbook method is ``TOPSIS(vector_normalization)`` there.
* AHP: principal right eigenvector; ``CR = CI / RI(n)`` with a *named* random-index table.
* PROMETHEE II: net outranking flow with the generalised criteria 1-6.

>>> closeness = topsis([[250, 16], [200, 16], [300, 32]], [0.5, 0.5], [-1, 1]).closeness
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from beltroad.errors import EngineError, InvalidInput

Floats = npt.NDArray[np.float64]

#: Random index RI(n) of AHP consistency. Tummala & Ling (1998) is the table ``pymcdm`` uses
#: [V standards §5.1]; Saaty (1980) is [M]. RI(1) = RI(2) = 0.
RANDOM_INDEX: Mapping[str, Mapping[int, float]] = {
    "tummala-ling-1998": {
        1: 0.0,
        2: 0.0,
        3: 0.5799,
        4: 0.8921,
        5: 1.1159,
        6: 1.2358,
        7: 1.3322,
        8: 1.3952,
        9: 1.4537,
        10: 1.4882,
    },
    "saaty-1980": {
        1: 0.0,
        2: 0.0,
        3: 0.58,
        4: 0.90,
        5: 1.12,
        6: 1.24,
        7: 1.32,
        8: 1.41,
        9: 1.45,
        10: 1.49,
    },
}
#: Saaty's acceptable consistency ratio [M standards §5.1].
CR_LIMIT = 0.10
PREFERENCE_FUNCTIONS = ("usual", "ushape", "vshape", "level", "vshape_2", "gaussian")


@dataclass(frozen=True)
class Weights:
    """Criterion weights summing to 1; ``note`` says if and how the given ones were rescaled."""

    names: tuple[str, ...]
    values: tuple[float, ...]
    given_sum: float
    note: str | None

    def as_dict(self) -> dict[str, float]:
        return dict(zip(self.names, self.values, strict=True))


def normalise_weights(weights: Mapping[str, float]) -> Weights:
    """Weights rescaled to sum to 1, saying so when they did not (issue #17: "normalise, and
    say so"). Negative weights, or all zero, are refused naming the field."""
    names = tuple(weights)
    values = [float(weights[n]) for n in names]
    for name, value in zip(names, values, strict=True):
        if not np.isfinite(value) or value < 0:
            raise InvalidInput.at(
                "a weight must be a non-negative number", field=f"weights.{name}", value=value
            )
    total = sum(values)
    if total <= 0:
        raise InvalidInput.at("the weights sum to 0 (expected a positive sum)", field="weights")
    note = None
    if abs(total - 1.0) > 1e-9:
        note = f"weights summed to {total:.6g}, not 1: each was divided by {total:.6g}"
    return Weights(names, tuple(v / total for v in values), total, note)


@dataclass(frozen=True)
class AhpResult:
    """AHP priorities with their consistency (eigenvector method)."""

    weights: tuple[float, ...]
    lambda_max: float
    ci: float
    cr: float
    ri: float
    ri_table: str
    method: str = "principal right eigenvector"

    @property
    def consistent(self) -> bool:
        return self.cr <= CR_LIMIT

    def as_dict(self) -> dict[str, Any]:
        return {
            "weights": list(self.weights),
            "lambda_max": self.lambda_max,
            "ci": self.ci,
            "cr": self.cr,
            "ri": self.ri,
            "ri_table": self.ri_table,
            "cr_limit": CR_LIMIT,
            "consistent": self.consistent,
            "method": self.method,
        }


def ahp(matrix: Sequence[Sequence[float]], *, ri_table: str = "tummala-ling-1998") -> AhpResult:
    """AHP priority vector, lambda_max, CI and CR of a reciprocal pairwise-comparison matrix.

    >>> r = ahp([[1, 3, 5], [1/3, 1, 3], [1/5, 1/3, 1]])
    >>> [round(w, 4) for w in r.weights], round(r.cr, 4)
    ([0.637, 0.2583, 0.1047], 0.0332)
    """
    try:
        a = np.asarray(matrix, dtype=float)
    except (TypeError, ValueError):  # ragged rows, or entries that are not numbers
        raise InvalidInput.at(
            "the AHP matrix must be square, of numbers", field="ahp", value=matrix
        ) from None
    n = a.shape[0] if a.ndim else 0
    if a.ndim != 2 or a.shape != (n, n) or n < 1:
        raise InvalidInput.at("the AHP matrix must be square", field="ahp", value=a.shape)
    if ri_table not in RANDOM_INDEX:
        raise InvalidInput.at(
            f"unknown random-index table (expected one of {', '.join(RANDOM_INDEX)})",
            field="ri_table",
            value=ri_table,
        )
    if n > max(RANDOM_INDEX[ri_table]):
        raise InvalidInput.at(
            f"AHP supports at most {max(RANDOM_INDEX[ri_table])} criteria", field="ahp", value=n
        )
    if not np.all(np.isfinite(a)) or np.any(a <= 0):
        raise InvalidInput.at("AHP judgements must be positive numbers", field="ahp")
    for i in range(n):
        if abs(a[i, i] - 1) > 1e-9:
            raise InvalidInput.at("the diagonal must be 1", field=f"ahp[{i}][{i}]", value=a[i, i])
        for j in range(i + 1, n):
            if abs(a[i, j] * a[j, i] - 1) > 1e-3:
                raise InvalidInput.at(
                    f"not reciprocal: a[{i}][{j}] x a[{j}][{i}] must be 1",
                    field=f"ahp[{j}][{i}]",
                    value=a[j, i],
                )
    eigenvalues, vectors = np.linalg.eig(a)
    k = int(np.argmax(eigenvalues.real))
    lambda_max = float(eigenvalues[k].real)
    w = np.abs(vectors[:, k].real)
    w = w / w.sum()
    ri = RANDOM_INDEX[ri_table][n]
    ci = (lambda_max - n) / (n - 1) if n > 1 else 0.0
    cr = ci / ri if ri > 0 else 0.0
    return AhpResult(tuple(float(x) for x in w), lambda_max, ci, cr, ri, ri_table)


def _matrix(
    matrix: Sequence[Sequence[float]] | Floats, weights: Sequence[float], types: Sequence[int]
) -> tuple[Floats, Floats, Floats]:
    x = np.asarray(matrix, dtype=float)
    w = np.asarray(weights, dtype=float)
    t = np.asarray(types, dtype=float)
    if x.ndim != 2 or x.shape[1] != w.size or w.size != t.size:
        raise EngineError(f"decision matrix {x.shape} does not match {w.size} weights/types")
    if not np.all(np.isfinite(x)):
        raise EngineError("the decision matrix has missing values; impute or drop them first")
    if not np.all(np.isin(t, (-1.0, 1.0))):
        raise EngineError("criterion types must be +1 (benefit) or -1 (cost)")
    return x, w, t


@dataclass(frozen=True)
class TopsisResult:
    closeness: Floats
    distance_ideal: Floats
    distance_anti_ideal: Floats
    ideal: Floats
    anti_ideal: Floats


def topsis(
    matrix: Sequence[Sequence[float]] | Floats, weights: Sequence[float], types: Sequence[int]
) -> TopsisResult:
    """TOPSIS with vector normalisation (standards §5.2); closeness in [0, 1], higher is better.

    A criterion whose column is all zero carries no information and normalises to 0.
    """
    x, w, t = _matrix(matrix, weights, types)
    norms = np.sqrt((x**2).sum(axis=0))
    r = np.divide(x, norms, out=np.zeros_like(x), where=norms > 0)
    v = r * w
    ideal = np.where(t > 0, v.max(axis=0), v.min(axis=0))
    anti = np.where(t > 0, v.min(axis=0), v.max(axis=0))
    s_plus = np.sqrt(((v - ideal) ** 2).sum(axis=1))
    s_minus = np.sqrt(((v - anti) ** 2).sum(axis=1))
    total = s_plus + s_minus
    # Every alternative equal on every criterion: all are equally close (0.5), not undefined.
    c = np.divide(s_minus, total, out=np.full_like(total, 0.5), where=total > 0)
    return TopsisResult(c, s_plus, s_minus, ideal, anti)


def preference(
    d: Floats, function: str, *, q: float = 0.0, p: float = 0.0, s: float = 0.0
) -> Floats:
    """PROMETHEE generalised criterion ``P(d)`` (types 1-6, standards §5.3)."""
    if function == "usual":
        return (d > 0).astype(float)
    if function == "ushape":
        return (d > q).astype(float)
    if function == "vshape":
        if p <= 0:
            raise InvalidInput.at("vshape needs p > 0", field="p", value=p)
        return np.clip(d / p, 0.0, 1.0)
    if function == "level":
        return np.where(d > p, 1.0, np.where(d > q, 0.5, 0.0))
    if function == "vshape_2":
        if p <= q:
            raise InvalidInput.at("vshape_2 needs p > q", field="p", value=p)
        return np.clip((d - q) / (p - q), 0.0, 1.0)
    if function == "gaussian":
        if s <= 0:
            raise InvalidInput.at("gaussian needs s > 0", field="s", value=s)
        return np.where(d > 0, 1.0 - np.exp(-(d**2) / (2 * s**2)), 0.0)
    raise InvalidInput.at(
        f"unknown preference function (expected one of {', '.join(PREFERENCE_FUNCTIONS)})",
        field="preference_function",
        value=function,
    )


@dataclass(frozen=True)
class PrometheeResult:
    positive: Floats
    negative: Floats

    @property
    def net(self) -> Floats:
        return self.positive - self.negative


def _usual_flows(col: Floats) -> tuple[Floats, Floats]:
    """Counts of strictly worse and strictly better alternatives, by sorting: O(m log m)."""
    ordered = np.sort(col)
    worse = np.searchsorted(ordered, col, side="left").astype(float)
    better = (col.size - np.searchsorted(ordered, col, side="right")).astype(float)
    return worse, better


def promethee_ii(
    matrix: Sequence[Sequence[float]] | Floats,
    weights: Sequence[float],
    types: Sequence[int],
    *,
    function: str = "usual",
    q: Sequence[float] | None = None,
    p: Sequence[float] | None = None,
    s: Sequence[float] | None = None,
    chunk: int = 512,
) -> PrometheeResult:
    """PROMETHEE II flows ``phi+``, ``phi-`` (net = ``phi+ - phi-``), standards §5.3.

    The usual criterion is computed by sorting (exact, O(m log m) per criterion), so large
    candidate sets rank quickly; the other functions compare pairs in chunks of ``chunk`` rows.

    >>> promethee_ii([[4, 3, 2], [3, 2, 4], [5, 1, 3]], [0.5, 0.3, 0.2], [1, 1, 1]).net.round(4)
    array([ 0.1, -0.3,  0.2])
    """
    x, w, t = _matrix(matrix, weights, types)
    m, n = x.shape
    if m < 2:
        return PrometheeResult(np.zeros(m), np.zeros(m))
    y = x * t  # d_j(a, b) = t_j (x_aj - x_bj) = y_aj - y_bj
    plus = np.zeros(m)
    minus = np.zeros(m)
    qs = np.zeros(n) if q is None else np.asarray(q, dtype=float)
    ps = np.zeros(n) if p is None else np.asarray(p, dtype=float)
    ss = np.zeros(n) if s is None else np.asarray(s, dtype=float)
    for j in range(n):
        col = y[:, j]
        if function == "usual":
            worse, better = _usual_flows(col)
            plus += w[j] * worse
            minus += w[j] * better
            continue
        for start in range(0, m, chunk):
            block = col[start : start + chunk, None] - col[None, :]
            pref = preference(block, function, q=float(qs[j]), p=float(ps[j]), s=float(ss[j]))
            plus[start : start + chunk] += w[j] * pref.sum(axis=1)
            against = preference(-block, function, q=float(qs[j]), p=float(ps[j]), s=float(ss[j]))
            minus[start : start + chunk] += w[j] * against.sum(axis=1)
    return PrometheeResult(plus / (m - 1), minus / (m - 1))


def ranks(scores: Floats) -> npt.NDArray[np.int64]:
    """Rank 1 = best (highest score); ties share the better rank ("competition" ranking)."""
    order = np.argsort(-scores, kind="stable")
    result = np.empty(scores.size, dtype=np.int64)
    result[order] = np.arange(1, scores.size + 1)
    sorted_scores = scores[order]
    for i in range(1, scores.size):
        if sorted_scores[i] == sorted_scores[i - 1]:
            result[order[i]] = result[order[i - 1]]
    return result


__all__ = [
    "CR_LIMIT",
    "PREFERENCE_FUNCTIONS",
    "RANDOM_INDEX",
    "AhpResult",
    "PrometheeResult",
    "TopsisResult",
    "Weights",
    "ahp",
    "normalise_weights",
    "preference",
    "promethee_ii",
    "ranks",
    "topsis",
]
