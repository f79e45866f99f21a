"""Blueprint to reality: the funnel of the registry's projects, for ``beltroad funnel``.

It runs on the analytics snapshot (:func:`beltroad.services.portfolio.portfolio_snapshot`), which
holds every per-project fact the funnel needs; only the identifiers and titles of the listed
projects are read from the database, in the transaction the snapshot was checked in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from beltroad.analytics.snapshot import NO_DAY, Coded, Snapshot
from beltroad.engines.funnel import (
    LADDER,
    NO_STAGE,
    OFF_LADDER,
    STAGES,
    Days,
    Funnel,
    FunnelColumns,
    funnel_of,
)
from beltroad.errors import InvalidInput
from beltroad.services import money
from beltroad.services.headline import parse_as_of
from beltroad.services.portfolio import portfolio_snapshot
from beltroad.services.summary import SYNTHETIC_LABEL
from beltroad.services.workspace import Workspace
from beltroad.storage import funnel as queries
from beltroad.storage.facts import consistent

RULES = {
    "aiddata": "aiddata: records recommended for aggregates, umbrella records excluded",
    "all": "all: every record",
}


@dataclass(frozen=True)
class FunnelResult:
    funnel: Funnel
    rule: str
    synthetic: bool
    money: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        basis = (self.money or {}).get("basis", {}).get("label", "constant USD")
        return self.funnel.as_dict() | {
            "rule": RULES[self.rule],
            "measure": f"amount in {basis}",
            "money": self.money,
            "synthetic": self.synthetic,
            "label": SYNTHETIC_LABEL if self.synthetic else None,
        }

    def rows(self) -> list[dict[str, Any]]:
        """One row per stage, ladder first, then cancelled and suspended."""
        rows = [
            {
                "stage": s["stage"],
                "projects": s["projects"],
                "amount": s["amount"],
                "reached": s["reached"],
                "conversion": s["conversion_from_previous"],
            }
            for s in self.funnel.stages
        ]
        rows += [
            {
                "stage": s["stage"],
                "projects": s["projects"],
                "amount": s["amount"],
                "reached": None,
                "conversion": None,
            }
            for s in self.funnel.off_ladder
        ]
        return rows

    def note(self) -> str:
        slip, stalled = self.funnel.slippage, self.funnel.stalled
        parts = [f"rule {RULES[self.rule]}"]
        for name in ("start", "end"):
            d = slip[name]
            parts.append(
                f"{name} slippage median {d['median']} days over {d['projects']} projects"
                if d["projects"]
                else f"no planned and actual {name} dates to measure slippage"
            )
        parts.append(
            f"{stalled['projects']} of {stalled['open_projects']} open projects stalled "
            f"(no progress since {stalled['cutoff']}, {stalled['months']} months; "
            f"{stalled['no_event_recorded']} with no progress event recorded)"
        )
        if self.money:
            parts.extend(self.money["notes"])
        if self.synthetic:
            parts.append(SYNTHETIC_LABEL)
        return "; ".join(parts)


def funnel(
    workspace: Workspace,
    *,
    as_of: str | dt.date | None = None,
    stalled_months: int = 12,
    worst: int = 10,
    rule: str = "aiddata",
    today: dt.date | None = None,
    base_year: int | None = None,
    deflator: str | None = None,
) -> FunnelResult:
    """Stages MoU → pipeline → commitment → implementation → completion (plus cancelled and
    suspended), with counts, amounts, conversion, slippage and projects stalled as of a date."""
    if rule not in RULES:
        raise InvalidInput(f"unknown rule {rule!r} (expected one of {', '.join(RULES)})")
    if stalled_months < 1:
        raise InvalidInput(
            f"--stalled-months {stalled_months} must be a whole number of months, 1 or more"
        )
    if worst < 0:
        raise InvalidInput(f"--worst {worst} must be 0 or more")
    day = parse_as_of(as_of, today=today or dt.date.today())
    if base_year is not None:
        money.check_base_year(base_year)
    # One transaction for the snapshot's generation check and the labels, so a project listed is
    # never one deleted or renamed since the snapshot's state.
    with workspace.reading() as connection, consistent(connection):
        snapshot = portfolio_snapshot(workspace, connection)
        values, notes = _converted(connection, snapshot, rule, base_year, deflator)
        result = funnel_of(
            funnel_columns(snapshot, rule=rule, amounts=values),
            lambda keys: queries.project_labels(connection, keys.tolist()),
            as_of=day,
            stalled_months=stalled_months,
            worst=worst,
        )
    return FunnelResult(
        result,
        rule,
        bool(np.asarray(snapshot.synthetic).any()),
        None if notes is None else notes.as_dict(),
    )


def _converted(
    connection: Any, snapshot: Snapshot, rule: str, base_year: int | None, deflator: str | None
) -> tuple[npt.NDArray[np.float64] | None, money.MoneyNotes | None]:
    """Commitments on the target basis; amounts left on another basis (no deflator) count
    nothing in the funnel's sums, and the notes say how many were set aside."""
    target = base_year if base_year is not None else money.default_base_year(snapshot)
    if target is None:
        return None, None
    data = money.load_conversion_data(connection)
    conversion = money.conversion_for(data, target, deflator)
    amounts = money.amounts_for(snapshot, "commitment", conversion)
    counted = (
        np.asarray(snapshot.keep_aiddata) if rule == "aiddata" else np.ones(len(snapshot), bool)
    )
    notes = money.describe(
        amounts, conversion, data, counted=counted, default=base_year is None, aiddata_constant=True
    )
    values = np.asarray(amounts.values, dtype=np.float64).copy()
    if notes.bases_reported_separately:
        on_target = np.asarray(amounts.basis.codes) == amounts.basis.code_of(amounts.target.label)
        aside = int(np.sum(counted & ~on_target & ~np.isnan(values)))
        values[~on_target] = np.nan
        notes.notes.append(
            f"{aside} projects on other bases ({', '.join(notes.bases_reported_separately)}) "
            "add nothing to the funnel's amounts"
        )
    return values, notes


def funnel_columns(
    snapshot: Snapshot,
    *,
    rule: str = "aiddata",
    amounts: npt.NDArray[np.float64] | None = None,
) -> FunnelColumns:
    """The funnel's columns of the projects counted under ``rule``, in id order (the order that
    makes amount totals the same floats on every run and back end), keyed by project id.
    ``amounts`` (one per project row, converted to one basis) replaces the published constant
    amounts."""
    keep: npt.NDArray[np.bool_] | slice = (
        np.asarray(snapshot.keep_aiddata) if rule == "aiddata" else slice(None)
    )

    def days(values: npt.NDArray[np.int32]) -> Days:
        chosen = np.asarray(values)[keep]
        wide = chosen.astype(np.int64)
        wide[chosen == NO_DAY] = np.iinfo(np.int64).min  # NaT
        return wide.view("datetime64[D]")

    stage, status = snapshot.project_columns["stage"], snapshot.project_columns["status"]
    stages = [STAGES.index(v) if v in STAGES else NO_STAGE for v in stage.values]
    amount = np.asarray(snapshot.amount_constant if amounts is None else amounts)[keep]
    return FunnelColumns(
        key=np.asarray(snapshot.project_ids)[keep],
        stage=_decoded(stage, stages, NO_STAGE)[keep],
        status=_decoded(status, [int(v) for v in status.values], 0)[keep],
        planned_start=days(snapshot.planned_start),
        actual_start=days(snapshot.actual_start),
        planned_end=days(snapshot.planned_end),
        actual_end=days(snapshot.actual_end),
        amount=np.where(np.isnan(amount), 0.0, amount),  # unknown adds nothing to a total
        has_commitment=np.asarray(snapshot.has_commitment)[keep],
        last_event=days(snapshot.last_event),
    )


def _decoded(column: Coded, numbers: list[int], unknown: int) -> npt.NDArray[np.int8]:
    """A dictionary-encoded column as small numbers: ``numbers[code]``, ``unknown`` for null."""
    table = np.array([*numbers, unknown], dtype=np.int8)
    return table[np.asarray(column.codes)]  # the null code -1 picks the last entry, unknown


__all__ = ["LADDER", "OFF_LADDER", "FunnelResult", "funnel", "funnel_columns"]
