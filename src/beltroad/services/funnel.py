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
    milestone_slippage,
)
from beltroad.errors import InvalidInput
from beltroad.services import money
from beltroad.services.headline import default_as_of
from beltroad.services.overlaps import precedence_label
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
    as_of_note: str = ""
    set_aside: dict[str, Any] | None = None  # duplicates left out (issue #11)
    money: dict[str, Any] | None = None
    milestones: dict[str, Any] | None = None  # plan against actual of milestones (issue #15)

    def as_dict(self) -> dict[str, Any]:
        basis = (self.money or {}).get("basis", {}).get("label", "constant USD")
        return self.funnel.as_dict() | {
            "as_of_note": self.as_of_note,
            "rule": RULES[self.rule],
            "measure": f"amount in {basis}",
            "money": self.money,
            "synthetic": self.synthetic,
            "label": SYNTHETIC_LABEL if self.synthetic else None,
            "set_aside": self.set_aside,
            "milestone_slippage": self.milestones,
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
        parts = (
            [self.as_of_note, f"rule {RULES[self.rule]}"]
            if self.as_of_note
            else [f"rule {RULES[self.rule]}"]
        )
        if self.set_aside is not None:
            parts.append(
                f"{self.set_aside['records']:,} duplicate records set aside "
                f"(precedence {self.set_aside['precedence']})"
            )
        for name in ("start", "end"):
            d = slip[name]
            parts.append(
                f"{name} slippage median {d['median']} days over {d['projects']} projects"
                if d["projects"]
                else f"no planned and actual {name} dates to measure slippage"
            )
        if self.milestones is not None:
            m = self.milestones
            parts.append(
                f"milestone slippage median {m['median']} days over {m['milestones']} "
                f"milestones of {m['projects']} projects (planned against actual)"
                if m["milestones"]
                else "no milestones with planned and actual dates to measure their slippage"
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
    suspended), with counts, amounts, conversion, slippage and projects stalled as of a date.

    ``as_of`` left out is the newest event date of the counted projects (actual start or end,
    a transaction, a milestone), not today; ``as_of_note`` says which.
    """
    if rule not in RULES:
        raise InvalidInput.at(
            f"unknown rule (expected one of {', '.join(RULES)})", field="rule", value=rule
        )
    if stalled_months < 1:
        raise InvalidInput.at(
            "must be a whole number of months, 1 or more",
            field="stalled_months",
            value=stalled_months,
        )
    if worst < 0:
        raise InvalidInput.at("must be 0 or more", field="worst", value=worst)
    if base_year is not None:
        money.check_base_year(base_year)
    # One transaction for the snapshot's generation check and the labels, so a project listed is
    # never one deleted or renamed since the snapshot's state.
    with workspace.reading() as connection, consistent(connection):
        snapshot = portfolio_snapshot(workspace, connection)
        values, notes = _converted(connection, snapshot, rule, base_year, deflator)
        columns = funnel_columns(snapshot, rule=rule, amounts=values)
        day, as_of_note = default_as_of(
            as_of,
            _newest_event(columns),
            today=today or dt.date.today(),
            what="project starts, ends, transactions and milestones",
        )
        result = funnel_of(
            columns,
            lambda keys: queries.project_labels(connection, keys.tolist()),
            as_of=day,
            stalled_months=stalled_months,
            worst=worst,
        )
        milestones = _milestones(connection, columns, day)
    ruled = np.asarray(snapshot.keep_aiddata) if rule == "aiddata" else True
    aside = int((~np.asarray(snapshot.counted) & ruled).sum())
    return FunnelResult(
        result,
        rule,
        bool(np.asarray(snapshot.synthetic).any()),
        as_of_note,
        set_aside={
            "records": aside,
            "reason": "the same project counts from a dataset of higher precedence",
            "precedence": precedence_label(workspace.settings),
        },
        money=None if notes is None else notes.as_dict(),
        milestones=milestones,
    )


def _milestones(connection: Any, columns: FunnelColumns, as_of: dt.date) -> dict[str, Any]:
    """Milestone slippage of the counted projects, as of the funnel's date."""
    project, planned, actual = queries.milestone_dates(connection)
    return milestone_slippage(
        np.asarray(project, dtype=np.int64),
        np.asarray(planned, dtype="datetime64[D]"),
        np.asarray(actual, dtype="datetime64[D]"),
        np.asarray(columns.key, dtype=np.int64),
        as_of=as_of,
    )


def _newest_event(columns: FunnelColumns) -> dt.date | None:
    """The newest thing that happened to a counted project; planned dates are not events."""
    events = np.asarray(columns.last_event)
    known = events[~np.isnat(events)]
    return known.max().astype(dt.date) if known.size else None


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
    counted = np.asarray(snapshot.counted)  # duplicates set aside never count (issue #11)
    if rule == "aiddata":
        counted = counted & np.asarray(snapshot.keep_aiddata)
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
    # A record set aside as the same project as another dataset's never counts (issue #11).
    keep: npt.NDArray[np.bool_] = np.asarray(snapshot.counted)
    if rule == "aiddata":
        keep = keep & np.asarray(snapshot.keep_aiddata)

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
