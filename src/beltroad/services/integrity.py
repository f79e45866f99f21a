"""``beltroad integrity scan`` and ``dismiss``: red flags, stored; dismissal needs a reason.

>>> report = scan(workspace, sanctions=read_sanctions("debarred.csv"))  # doctest: +SKIP
>>> dismiss(workspace, 12, reason="re-tendered: three bids", actor="alice")  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from beltroad.engines import integrity as engine
from beltroad.errors import Conflict, InvalidInput, NotFound
from beltroad.services import basis as basis_rules
from beltroad.services.config_files import load
from beltroad.services.csv_input import read_rows
from beltroad.services.workspace import Workspace
from beltroad.storage import green as queries
from beltroad.storage import risk as audit

COMMITMENT, DISBURSEMENT = 2, 3
SANCTION_COLUMNS = ("name", "list")


def load_config(path: Path | str | None = None) -> engine.IntegrityConfig:
    data, source = load("integrity", path, field="integrity_config")
    return engine.parse_config(data, source=source)


def read_sanctions(path: Path | str) -> list[engine.SanctionEntry]:
    """A debarment or sanctions list: columns ``name`` and ``list`` (which list it is), and
    optionally ``program`` and ``country``. Missing columns are named."""
    out = []
    for line, row in read_rows(path, SANCTION_COLUMNS, field="sanctions"):
        if not row.get("name"):
            raise InvalidInput.at(
                "empty name (expected the listed party's name)",
                file=str(path),
                row=line,
                field="name",
            )
        out.append(
            engine.SanctionEntry(
                row["name"],
                row.get("list") or Path(path).name,
                line,
                row.get("program") or None,
                row.get("country") or None,
            )
        )
    return out


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def _cost(
    extras: Mapping[str, Any], txs: Sequence[Mapping[str, Any]]
) -> tuple[float, float, str, str] | None:
    planned, actual = _number(extras.get("planned_cost")), _number(extras.get("actual_cost"))
    if planned is not None and actual is not None:
        return (
            planned,
            actual,
            str(extras.get("cost_currency") or "USD"),
            "project record (planned_cost, actual_cost)",
        )
    by_currency: dict[str, list[float]] = {}
    for t in txs:
        if t["type"] in (COMMITMENT, DISBURSEMENT) and t["value"] is not None and t["currency"]:
            acc = by_currency.setdefault(t["currency"], [0.0, 0.0])
            acc[0 if t["type"] == COMMITMENT else 1] += float(t["value"])
    for currency, (committed, disbursed) in sorted(by_currency.items()):
        if committed > 0 and disbursed > 0:
            return (
                committed,
                disbursed,
                currency,
                "transactions: disbursed vs committed, same currency",
            )
    return None


def _date(value: Any) -> dt.date | None:
    return value if isinstance(value, dt.date) else None


def to_projects(
    rows: Sequence[Mapping[str, Any]],
    basis: basis_rules.Basis,
    parties: Mapping[int, list[tuple[str, str]]],
    txs: Mapping[int, list[dict[str, Any]]],
) -> list[engine.IntegrityProject]:
    out = []
    for r in rows:
        extras = r.get("extras") or {}
        own = txs.get(r["id"], [])
        contracts = tuple(
            engine.Contract(
                _date(t["date"]),
                float(t["usd_nominal"] if t["usd_nominal"] is not None else t["value"]),
                t["receiver"],
            )
            for t in own
            if t["type"] == COMMITMENT
            and t["receiver"]
            and (t["usd_nominal"] is not None or t["currency"] == "USD")
            and t["value"] is not None
        )
        bidders = extras.get("number_of_bidders")
        out.append(
            engine.IntegrityProject(
                project_id=r["id"],
                identifier=r["identifier"],
                amount_usd=basis.amount(dict(r)),
                bidders=int(bidders)
                if isinstance(bidders, int | float) and not isinstance(bidders, bool)
                else None,
                cost=_cost(extras, own),
                procurement=extras,
                counterparties=tuple(parties.get(r["id"], [])),
                contracts=contracts,
            )
        )
    return out


def _key(key: str) -> str:
    """Flag keys fit the column (240): long ones keep a readable head and a hash."""
    if len(key) <= 240:
        return key
    return key[:200] + "#" + hashlib.sha256(key.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class IntegrityReport:
    config: engine.IntegrityConfig
    flags: list[dict[str, Any]]
    counts: dict[str, int]
    sanctions_list: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "config": {"version": self.config.version, "source": self.config.source},
            "sanctions_list": self.sanctions_list,
            "changes": self.counts,
            "flags": self.flags,
        }

    def rows(self, limit: int | None = None) -> list[dict[str, Any]]:
        return [
            {
                "id": f["id"],
                "kind": f["kind"],
                "subject": f["subject"],
                "severity": f["severity"],
                "status": f["status"]
                + (f" ({f['dismissed_reason']})" if f["dismissed_reason"] else ""),
                "explanation": f["message"],
            }
            for f in self.flags[:limit]
        ]

    def summary_rows(self) -> list[dict[str, Any]]:
        kinds: dict[str, dict[str, int]] = {}
        for f in self.flags:
            k = kinds.setdefault(f["kind"], {"open": 0, "dismissed": 0})
            k[f["status"]] += 1
        return [{"kind": k, **v} for k, v in sorted(kinds.items())]


def scan(
    workspace: Workspace,
    *,
    sanctions: Sequence[engine.SanctionEntry] = (),
    sanctions_list: str | None = None,
    config: engine.IntegrityConfig | None = None,
    dataset: str | None = None,
    now: dt.datetime | None = None,
) -> IntegrityReport:
    """Detect the flags, store them (dismissals kept), and return every flag with its status."""
    config = config or load_config()
    with workspace.reading() as connection:
        rows = queries.project_rows(connection, dataset=dataset, with_text=False)
        ids = [r["id"] for r in rows]
        parties = queries.participants(connection, ids)
        txs = queries.transactions(connection, ids)
    basis_rules.require_rows(rows)
    basis = basis_rules.choose(rows)
    found = engine.detect(to_projects(rows, basis, parties, txs), config, sanctions)
    at = now or dt.datetime.now(dt.UTC)
    unique = {_key(f.key): f for f in found}
    with workspace.writing() as connection:
        counts = queries.upsert_flags(
            connection,
            [
                {
                    "key": key,
                    "project_id": f.project_id,
                    "subject": f.subject,
                    "kind": f.kind,
                    "severity": f.severity,
                    "message": f.message,
                    "explanation": dict(f.explanation),
                }
                for key, f in unique.items()
            ],
            at,
            kinds=None if sanctions else [k for k in engine.KINDS if k != "sanctions"],
        )
        stored = queries.flags(connection)
    return IntegrityReport(config, stored, counts, sanctions_list)


def dismiss(
    workspace: Workspace, flag_id: int, *, reason: str, actor: str, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Dismiss a flag with a reason (required); audited."""
    if not reason.strip():
        raise InvalidInput.at(
            "a dismissal needs a reason (expected a sentence saying why)", field="reason"
        )
    at = now or dt.datetime.now(dt.UTC)
    with workspace.writing() as connection:
        flag = queries.flag(connection, flag_id)
        if flag is None:
            raise NotFound(
                f"no integrity flag with id {flag_id}",
                hint="list them with `beltroad integrity scan`",
            )
        if flag["status"] == "dismissed":
            raise Conflict(f"flag {flag_id} was already dismissed: {flag['dismissed_reason']}")
        queries.dismiss_flag(connection, flag_id, reason=reason.strip(), actor=actor, at=at)
        audit.insert_audit(
            connection,
            [
                {
                    "at": at,
                    "actor": actor,
                    "action": "integrity.dismiss",
                    "entity": "integrity_flag",
                    "entity_id": str(flag_id),
                    "before": {"status": "open", "message": flag["message"]},
                    "after": {"status": "dismissed", "reason": reason.strip()},
                }
            ],
        )
    return {"id": flag_id, "status": "dismissed", "reason": reason.strip(), "actor": actor}


__all__ = ["IntegrityReport", "dismiss", "load_config", "read_sanctions", "scan", "to_projects"]
