"""Integrity red flags ("clean"): single bidder, cost overrun, missing procurement information,
repeated contract splitting under a threshold, and debarment/sanctions matches (rapidfuzz).

Pure: a parsed ``integrity.toml`` and :class:`IntegrityProject` records in, :class:`Flag` records
out. Every flag carries its explanation: the values it read, the threshold it compared them with
and the parameter's tag. ``key`` identifies a flag across runs so that a dismissal survives.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process

from beltroad.engines.params import Section

KINDS = ("single_bidder", "cost_overrun", "missing_procurement", "contract_splitting", "sanctions")


@dataclass(frozen=True)
class IntegrityConfig:
    version: str
    source: str
    max_bidders: int
    overrun: float
    procurement_min_usd: float
    procurement_fields: tuple[str, ...]
    split_threshold: float
    split_near: float
    split_min: int
    split_window: int
    min_score: float
    drop_words: frozenset[str]
    tags: Mapping[str, str]


def parse_config(data: Mapping[str, Any], *, source: str) -> IntegrityConfig:
    top = Section(data, "", source)
    top.unknown(
        {
            "version",
            "single_bidder",
            "cost_overrun",
            "missing_procurement",
            "splitting",
            "sanctions",
        }
    )
    sb, co = top.section("single_bidder"), top.section("cost_overrun")
    mp, sp, sa = (
        top.section("missing_procurement"),
        top.section("splitting"),
        top.section("sanctions"),
    )
    return IntegrityConfig(
        version=top.get("version", str),
        source=source,
        max_bidders=int(sb.number("max_bidders", low=1)),
        overrun=co.number("threshold", low=0),
        procurement_min_usd=mp.number("min_amount_usd", low=0),
        procurement_fields=tuple(str(f) for f in mp.get("fields", list)),
        split_threshold=sp.number("threshold_usd", low=0),
        split_near=sp.number("near_fraction", low=0, high=1),
        split_min=int(sp.number("min_contracts", low=2)),
        split_window=int(sp.number("window_days", low=1)),
        min_score=sa.number("min_score", low=0, high=100),
        drop_words=frozenset(str(w).lower() for w in sa.get("drop_words", list)),
        tags={
            "single_bidder": sb.tag("max_bidders"),
            "cost_overrun": co.tag("threshold"),
            "missing_procurement": mp.tag("min_amount_usd"),
            "contract_splitting": sp.tag("threshold_usd"),
            "sanctions": sa.tag("min_score"),
        },
    )


@dataclass(frozen=True)
class Contract:
    date: dt.date | None
    value_usd: float
    supplier: str


@dataclass(frozen=True)
class IntegrityProject:
    project_id: int
    identifier: str
    amount_usd: float | None = None
    bidders: int | None = None
    #: (planned or committed, actual or disbursed, currency, where the two figures came from)
    cost: tuple[float, float, str, str] | None = None
    procurement: Mapping[str, Any] = field(default_factory=dict)
    counterparties: tuple[tuple[str, str], ...] = ()  # (role, name)
    contracts: tuple[Contract, ...] = ()


@dataclass(frozen=True)
class SanctionEntry:
    name: str
    list_name: str
    line: int
    program: str | None = None
    country: str | None = None


@dataclass(frozen=True)
class Flag:
    key: str
    kind: str
    project_id: int | None
    subject: str
    severity: str
    message: str
    explanation: Mapping[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "kind": self.kind,
            "project_id": self.project_id,
            "subject": self.subject,
            "severity": self.severity,
            "message": self.message,
            "explanation": dict(self.explanation),
        }


def normalise_name(name: str, drop: frozenset[str]) -> str:
    """Lower case, punctuation to spaces, legal-form words dropped: 'China XYZ Co., Ltd.' ->
    'china xyz'."""
    words = re.sub(r"[^\w]+", " ", name.lower()).split()
    kept = [w for w in words if w not in drop]
    return " ".join(kept or words)


def _project_flags(p: IntegrityProject, c: IntegrityConfig) -> list[Flag]:
    out: list[Flag] = []
    if p.bidders is not None and p.bidders <= c.max_bidders:
        out.append(
            Flag(
                f"single_bidder:{p.identifier}",
                "single_bidder",
                p.project_id,
                p.identifier,
                "warning",
                f"{p.bidders} bid(s) received (flagged at {c.max_bidders} or fewer)",
                {
                    "bidders": p.bidders,
                    "max_bidders": c.max_bidders,
                    "tag": c.tags["single_bidder"],
                },
            )
        )
    if p.cost is not None:
        planned, actual, currency, basis = p.cost
        if planned > 0 and actual / planned - 1 > c.overrun:
            ratio = actual / planned - 1
            out.append(
                Flag(
                    f"cost_overrun:{p.identifier}",
                    "cost_overrun",
                    p.project_id,
                    p.identifier,
                    "warning",
                    f"cost {ratio:.0%} over plan ({actual:,.0f} vs {planned:,.0f} {currency}; "
                    f"threshold {c.overrun:.0%})",
                    {
                        "planned": planned,
                        "actual": actual,
                        "currency": currency,
                        "overrun": ratio,
                        "threshold": c.overrun,
                        "basis": basis,
                        "tag": c.tags["cost_overrun"],
                    },
                )
            )
    if (
        p.amount_usd is not None
        and p.amount_usd >= c.procurement_min_usd
        and not any(p.procurement.get(f) not in (None, "") for f in c.procurement_fields)
    ):
        out.append(
            Flag(
                f"missing_procurement:{p.identifier}",
                "missing_procurement",
                p.project_id,
                p.identifier,
                "info",
                f"no procurement information on a project of USD {p.amount_usd:,.0f}",
                {
                    "amount_usd": p.amount_usd,
                    "min_amount_usd": c.procurement_min_usd,
                    "fields_checked": list(c.procurement_fields),
                    "tag": c.tags["missing_procurement"],
                },
            )
        )
    out.extend(_splitting(p, c))
    return out


def _splitting(p: IntegrityProject, c: IntegrityConfig) -> list[Flag]:
    low = c.split_near * c.split_threshold
    by_supplier: dict[str, list[Contract]] = defaultdict(list)
    for k in p.contracts:
        if k.date is not None and low <= k.value_usd < c.split_threshold:
            by_supplier[k.supplier].append(k)
    out = []
    for supplier, items in sorted(by_supplier.items()):
        items.sort(key=lambda k: k.date or dt.date.min)
        best: list[Contract] = []
        start = 0
        for end in range(len(items)):
            first, last = items[start].date, items[end].date
            assert first is not None
            assert last is not None
            while (last - first).days > c.split_window:
                start += 1
                first = items[start].date
                assert first is not None
            if end - start + 1 > len(best):
                best = items[start : end + 1]
        if len(best) >= c.split_min:
            out.append(
                Flag(
                    f"contract_splitting:{p.identifier}:{supplier}",
                    "contract_splitting",
                    p.project_id,
                    p.identifier,
                    "warning",
                    f"{len(best)} contracts to {supplier} within {c.split_window} days, each "
                    f"just under the USD {c.split_threshold:,.0f} threshold",
                    {
                        "supplier": supplier,
                        "contracts": [
                            {
                                "date": k.date.isoformat() if k.date else None,
                                "value_usd": k.value_usd,
                            }
                            for k in best
                        ],
                        "threshold_usd": c.split_threshold,
                        "near_fraction": c.split_near,
                        "window_days": c.split_window,
                        "tag": c.tags["contract_splitting"],
                    },
                )
            )
    return out


def sanction_flags(
    projects: Sequence[IntegrityProject], entries: Sequence[SanctionEntry], c: IntegrityConfig
) -> list[Flag]:
    """Counterparties matched against the list: score and matched name shown."""
    if not entries:
        return []
    choices = [normalise_name(e.name, c.drop_words) for e in entries]
    cache: dict[str, list[tuple[str, float, int]]] = {}
    out = []
    for p in projects:
        for role, name in p.counterparties:
            key = normalise_name(name, c.drop_words)
            if key not in cache:
                cache[key] = process.extract(
                    key, choices, scorer=fuzz.token_sort_ratio, score_cutoff=c.min_score, limit=3
                )
            for _, score, i in cache[key]:
                e = entries[i]
                out.append(
                    Flag(
                        f"sanctions:{p.identifier}:{name}:{e.list_name}:{e.name}",
                        "sanctions",
                        p.project_id,
                        p.identifier,
                        "critical" if score >= 99.5 else "warning",
                        f"{role} {name!r} matches {e.name!r} on {e.list_name} (score {score:.1f})",
                        {
                            "counterparty": name,
                            "role": role,
                            "matched_name": e.name,
                            "list": e.list_name,
                            "program": e.program,
                            "country": e.country,
                            "list_line": e.line,
                            "score": round(float(score), 1),
                            "scorer": "rapidfuzz token_sort_ratio on normalised names",
                            "min_score": c.min_score,
                            "tag": c.tags["sanctions"],
                        },
                    )
                )
    return out


def detect(
    projects: Iterable[IntegrityProject],
    config: IntegrityConfig,
    sanctions: Sequence[SanctionEntry] = (),
) -> list[Flag]:
    items = list(projects)
    flags = [f for p in items for f in _project_flags(p, config)]
    return flags + sanction_flags(items, sanctions, config)


__all__ = [
    "KINDS",
    "Contract",
    "Flag",
    "IntegrityConfig",
    "IntegrityProject",
    "SanctionEntry",
    "detect",
    "normalise_name",
    "parse_config",
    "sanction_flags",
]
