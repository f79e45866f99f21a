"""The closest matches to a name that did not resolve, so an error can say what was meant.

Pure: a query and the candidates in, the best few out (``rapidfuzz``'s WRatio, which copes with
word order and partial names). Never used to guess: a row that does not resolve is rejected,
and these only go into the message.

>>> closest("Pakistn", {"PAK": "Pakistan", "PSE": "Palestine", "KEN": "Kenya"})
['Pakistan (PAK)']
"""

from __future__ import annotations

from collections.abc import Mapping

from rapidfuzz import fuzz, process, utils

CUTOFF = 70.0
"""Scores below this (of 100) are not worth suggesting."""


def closest(
    query: str, candidates: Mapping[str, str], *, limit: int = 3, cutoff: float = CUTOFF
) -> list[str]:
    """The labels of the best ``candidates`` (key -> label) for ``query``, as "label (key)"
    where the key adds something, best first."""
    if not query.strip() or not candidates:
        return []
    keys = list(candidates)
    labels = [candidates[k] for k in keys]
    found = process.extract(
        query,
        labels,
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        limit=limit * 3,
        score_cutoff=cutoff,
    )
    out: list[str] = []
    for _label, _score, index in found:
        key, label = keys[index], labels[index]
        shown = label if key.casefold() == label.casefold() else f"{label} ({key})"
        if shown not in out:
            out.append(shown)
        if len(out) == limit:
            break
    return out


def suggestion(matches: list[str]) -> str:
    """' (closest: A, B)' or ' (nothing close)' for an error message."""
    return f" (closest: {', '.join(matches)})" if matches else " (nothing close)"
