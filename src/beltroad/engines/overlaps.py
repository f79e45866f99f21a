"""Record linkage across datasets: which records describe the same real-world project.

Two ways to know that two records are one project:

* **A shared identifier.** AidData keeps one project number across the versions of its China
  datasets: GCOF 1.0's ``project_id``, GCDF 2.0's ``AidData TUFF Project ID`` and GCDF 3.0's
  ``AidData Record ID`` (also GeoGCDF 3.0's ``AidData.Record.ID``, which the GCDF 3.0 readme joins
  on). [V: measured on the shared files: all 961 records of the GCDF 3.0 >= USD 10 m file are in
  GeoGCDF 3.0 by id; 2,122 GCOF 1.0 ids are GeoGCDF 3.0 ids and 99.5% of those name the same
  recipient; 20 GCOF 1.0 ids are in the GCDF 2.0 military file.] Records of one family sharing
  an id are linked, unless their recipient countries are disjoint: then the pair is listed for
  review instead (an id reused for another project must not merge two projects silently).
* **A similarity score** where no shared identifier exists (datasets of different families, or
  outside any family): candidate pairs sharing a recipient country and a commitment year (within
  one year) are scored on year, amount and title similarity (``rapidfuzz``). Candidates are only
  listed; a reviewer accepts or rejects them. Synthetic records are never matched.

A **precedence rule** decides which record of a linked group counts: the first dataset in the
precedence list wins (by default the newest version of the family first); datasets not listed
follow, by name. The others are *set aside*: kept in the registry, left out of every total.

>>> a = LinkRecord(1, "aiddata-gcof1", "AidData-GCOF1-7", "7", ("KEN",), 2010, 5e6, "Road")
>>> b = LinkRecord(2, "aiddata-gcdf3", "AidData-GCDF3-7", "7", ("KEN",), 2010, 6e6, "Road")
>>> [(s.project_id, s.kept_id) for s in resolve(link([a, b]).links, DEFAULT_PRECEDENCE)]
[(1, 2)]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from rapidfuzz import fuzz, process

Decision = Literal["accept", "reject"]


@dataclass(frozen=True)
class IdFamily:
    """Datasets that share one identifier for the same project, newest version first."""

    name: str
    identifier: str
    datasets: tuple[str, ...]
    source: str


AIDDATA_CHINA = IdFamily(
    name="aiddata-china",
    identifier="AidData project id",
    # Newest version first. GCDF 3.0 before GeoGCDF 3.0: the same release, but the GCDF 3.0
    # table carries the fields the analytics use (flow class, agencies); GeoGCDF 3.0 is its
    # geolocated subset.
    datasets=("aiddata-gcdf3", "aiddata-geogcdf3", "aiddata-gcdf2", "aiddata-gcof1"),
    source=(
        "GCOF 1.0 readme (project_id), GCDF 2.0 layout (AidData TUFF Project ID), GCDF 3.0 "
        "field definitions and ADM files readme (AidData Record ID)"
    ),
)
FAMILIES: tuple[IdFamily, ...] = (AIDDATA_CHINA,)
DEFAULT_PRECEDENCE: tuple[str, ...] = AIDDATA_CHINA.datasets
PRECEDENCE_NAME = "newest version first"

#: [N] Weights of the similarity score (sum 1) and the score a pair needs to be listed. beltroad's
#: own assumptions, overridable (settings ``overlap_threshold``); no published standard exists.
WEIGHTS: Mapping[str, float] = {"title": 0.5, "amount": 0.3, "year": 0.2}
DEFAULT_THRESHOLD = 0.8


@dataclass(frozen=True)
class LinkRecord:
    """What linkage reads of a project."""

    project_id: int
    dataset: str
    identifier: str
    record_id: str | None
    countries: tuple[str, ...]
    year: int | None
    amount: float | None  # USD, any basis: only the ratio of two amounts is used
    title: str
    synthetic: bool = False


@dataclass(frozen=True)
class Link:
    """Two records of one project (``status`` "linked") or a pair to review ("candidate")."""

    a: LinkRecord
    b: LinkRecord
    method: str  # "identifier" or "similarity"
    score: float | None
    status: str  # "linked", "candidate", "rejected"
    reason: str
    components: Mapping[str, float] = field(default_factory=dict)

    @property
    def pair(self) -> tuple[str, str]:
        return pair_key(self.a.identifier, self.b.identifier)


@dataclass(frozen=True)
class SetAside:
    """A record left out of totals because ``kept_id`` counts for the same project."""

    project_id: int
    kept_id: int
    reason: str


@dataclass(frozen=True)
class Linkage:
    links: list[Link]
    compared_pairs: int = 0


def pair_key(first: str, second: str) -> tuple[str, str]:
    """A pair of record identifiers in a fixed order (how reviews are stored)."""
    return (first, second) if first <= second else (second, first)


def family_of(dataset: str, families: Sequence[IdFamily] = FAMILIES) -> IdFamily | None:
    return next((f for f in families if dataset in f.datasets), None)


def _identifier_links(
    records: Sequence[LinkRecord], families: Sequence[IdFamily]
) -> tuple[list[Link], set[int]]:
    groups: dict[tuple[str, str], list[LinkRecord]] = defaultdict(list)
    for record in records:
        family = family_of(record.dataset, families)
        if family is not None and record.record_id is not None and not record.synthetic:
            groups[(family.name, record.record_id)].append(record)
    links: list[Link] = []
    linked: set[int] = set()
    for (family_name, record_id), members in groups.items():
        if len({m.dataset for m in members}) < 2:
            continue
        family = next(f for f in families if f.name == family_name)
        members = sorted(members, key=lambda m: (family.datasets.index(m.dataset), m.project_id))
        head = members[0]
        for other in members[1:]:
            if other.dataset == head.dataset:
                continue  # the same id twice in one dataset is the importer's business
            disjoint = bool(head.countries and other.countries) and not (
                set(head.countries) & set(other.countries)
            )
            if disjoint:
                links.append(
                    Link(
                        other,
                        head,
                        "identifier",
                        None,
                        "candidate",
                        f"same {family.identifier} {record_id} but recipients differ "
                        f"({', '.join(other.countries)} / {', '.join(head.countries)})",
                    )
                )
                continue
            links.append(
                Link(
                    other,
                    head,
                    "identifier",
                    1.0,
                    "linked",
                    f"same {family.identifier} {record_id}",
                )
            )
            linked.update((head.project_id, other.project_id))
    return links, linked


def _amount_score(a: float | None, b: float | None) -> float:
    """1 for equal amounts, 0 at a factor of two or more apart (or when either is unknown)."""
    if a is None or b is None or a <= 0 or b <= 0:
        return 0.0
    ratio = min(a, b) / max(a, b)
    return float(max(0.0, (ratio - 0.5) / 0.5))


def _year_score(a: int | None, b: int | None) -> float:
    if a is None or b is None:
        return 0.0
    return {0: 1.0, 1: 0.5}.get(abs(a - b), 0.0)


def score_pair(a: LinkRecord, b: LinkRecord, title: float | None = None) -> dict[str, float]:
    """The similarity of two records: each component in [0, 1] and their weighted ``total``.

    ``title`` is the title similarity in [0, 1] when already computed.
    """
    t = fuzz.token_set_ratio(a.title, b.title) / 100.0 if title is None else title
    parts = {
        "title": round(t, 4),
        "amount": round(_amount_score(a.amount, b.amount), 4),
        "year": _year_score(a.year, b.year),
    }
    parts["total"] = round(sum(WEIGHTS[k] * parts[k] for k in WEIGHTS), 4)
    return parts


def _similarity_links(
    records: Sequence[LinkRecord],
    families: Sequence[IdFamily],
    threshold: float,
) -> tuple[list[Link], int]:
    """Candidate pairs across datasets with no shared identifier, blocked by country and year."""
    blocks: dict[tuple[str, int], list[LinkRecord]] = defaultdict(list)
    for record in records:
        if record.synthetic or record.year is None:
            continue
        for iso3 in record.countries:
            blocks[(iso3, record.year)].append(record)
    # The title must carry the score over the threshold on its own share of the weights.
    title_floor = max(0.0, (threshold - (1 - WEIGHTS["title"])) / WEIGHTS["title"])
    seen: set[tuple[int, int]] = set()
    links: list[Link] = []
    compared = 0
    for (iso3, year), left in blocks.items():
        # Same year: each pair of schemes once; next year: every pair of distinct schemes.
        for right_year, ordered in ((year, True), (year + 1, False)):
            right = blocks.get((iso3, right_year))
            if not right:
                continue
            for lgroup, rgroup in _cross_family_groups(left, right, families, ordered):
                compared += len(lgroup) * len(rgroup)
                matrix = process.cdist(
                    [r.title for r in lgroup],
                    [r.title for r in rgroup],
                    scorer=fuzz.token_set_ratio,
                    score_cutoff=title_floor * 100,
                    workers=1,
                )
                for i, j in zip(*np.nonzero(matrix), strict=True):
                    a, b = lgroup[int(i)], rgroup[int(j)]
                    key = (min(a.project_id, b.project_id), max(a.project_id, b.project_id))
                    if key in seen:
                        continue  # a pair sharing two countries is met in both blocks
                    parts = score_pair(a, b, title=float(matrix[i, j]) / 100.0)
                    if parts["total"] < threshold:
                        continue
                    seen.add(key)
                    links.append(
                        Link(
                            a,
                            b,
                            "similarity",
                            parts["total"],
                            "candidate",
                            f"no shared identifier; same country {iso3}, similar year, amount "
                            "and title",
                            {k: v for k, v in parts.items() if k != "total"},
                        )
                    )
    return links, compared


def _cross_family_groups(
    left: Sequence[LinkRecord],
    right: Sequence[LinkRecord],
    families: Sequence[IdFamily],
    ordered: bool,
) -> Iterable[tuple[list[LinkRecord], list[LinkRecord]]]:
    """Pairs of record groups whose datasets share no identifier scheme (nor are one dataset)."""

    def scheme(dataset: str) -> str:
        family = family_of(dataset, families)
        return family.name if family else "dataset:" + dataset

    by_left: dict[str, list[LinkRecord]] = defaultdict(list)
    by_right: dict[str, list[LinkRecord]] = defaultdict(list)
    for r in left:
        by_left[scheme(r.dataset)].append(r)
    for r in right:
        by_right[scheme(r.dataset)].append(r)
    for lkey, lgroup in by_left.items():
        for rkey, rgroup in by_right.items():
            if (lkey < rkey) if ordered else (lkey != rkey):
                yield lgroup, rgroup


def link(
    records: Sequence[LinkRecord],
    *,
    families: Sequence[IdFamily] = FAMILIES,
    threshold: float = DEFAULT_THRESHOLD,
    reviews: Mapping[tuple[str, str], Decision] | None = None,
) -> Linkage:
    """Every identifier link and every similarity candidate among ``records``, reviews applied.

    A reviewed pair takes its decision: accepted, it is "linked"; rejected, "rejected" (listed,
    never merged). An accepted pair that is no longer a candidate (the score moved) stays linked.
    """
    reviews = reviews or {}
    id_links, _ = _identifier_links(records, families)
    sim_links, compared = _similarity_links(records, families, threshold)
    links = id_links + sim_links
    present = {link.pair for link in links}
    by_identifier = {r.identifier: r for r in records}
    for pair, verdict in reviews.items():
        if pair in present or verdict != "accept":
            continue
        a, b = by_identifier.get(pair[0]), by_identifier.get(pair[1])
        if a is not None and b is not None:
            links.append(Link(a, b, "review", None, "candidate", "accepted by a reviewer"))
    out: list[Link] = []
    for item in links:
        decision = reviews.get(item.pair)
        if decision == "accept":
            item = Link(
                item.a,
                item.b,
                item.method,
                item.score,
                "linked",
                item.reason + "; accepted by a reviewer",
                item.components,
            )
        elif decision == "reject":
            item = Link(
                item.a,
                item.b,
                item.method,
                item.score,
                "rejected",
                item.reason + "; rejected by a reviewer",
                item.components,
            )
        out.append(item)
    return Linkage(out, compared)


def rank(dataset: str, precedence: Sequence[str]) -> tuple[int, str]:
    """Sort key of a dataset under ``precedence``: listed ones first, in order; then by name."""
    return (precedence.index(dataset), "") if dataset in precedence else (len(precedence), dataset)


def resolve(links: Iterable[Link], precedence: Sequence[str]) -> list[SetAside]:
    """Which records are set aside: in each group of linked records, all but the first by rank.

    Groups are the connected components of the "linked" pairs, so A=B and B=C keep one of three.
    """
    parent: dict[int, int] = {}
    records: dict[int, LinkRecord] = {}
    why: dict[int, str] = {}

    def find(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for item in links:
        if item.status != "linked":
            continue
        records[item.a.project_id] = item.a
        records[item.b.project_id] = item.b
        why.setdefault(item.a.project_id, item.reason)
        why.setdefault(item.b.project_id, item.reason)
        parent[find(item.a.project_id)] = find(item.b.project_id)
    groups: dict[int, list[LinkRecord]] = defaultdict(list)
    for pid, record in records.items():
        groups[find(pid)].append(record)
    out: list[SetAside] = []
    for members in groups.values():
        members.sort(key=lambda r: (rank(r.dataset, precedence), r.project_id))
        kept = members[0]
        for other in members[1:]:
            out.append(
                SetAside(
                    other.project_id,
                    kept.project_id,
                    f"{why[other.project_id]}: {kept.dataset} counts, {other.dataset} set aside",
                )
            )
    out.sort(key=lambda s: s.project_id)
    return out


def describe_precedence(precedence: Sequence[str]) -> str:
    """The rule as every output names it, e.g. ``newest version first: a > b > c``."""
    name = PRECEDENCE_NAME if tuple(precedence) == DEFAULT_PRECEDENCE else "configured"
    return f"{name}: {' > '.join(precedence)}, then other datasets by name"
