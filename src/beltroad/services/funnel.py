"""Blueprint to reality: the funnel of the registry's projects, for ``beltroad funnel``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from beltroad.engines.funnel import LADDER, OFF_LADDER, STAGES, Funnel, FunnelColumns, funnel_of
from beltroad.errors import InvalidInput
from beltroad.services.headline import parse_as_of
from beltroad.services.summary import SYNTHETIC_LABEL
from beltroad.services.workspace import Workspace
from beltroad.storage import funnel as queries

RULES = {
    "aiddata": "aiddata: records recommended for aggregates, umbrella records excluded",
    "all": "all: every record",
}


@dataclass(frozen=True)
class FunnelResult:
    funnel: Funnel
    rule: str
    synthetic: bool

    def as_dict(self) -> dict[str, Any]:
        return self.funnel.as_dict() | {
            "rule": RULES[self.rule],
            "measure": "amount in constant USD",
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
    with workspace.reading() as connection, queries.snapshot(connection):
        columns = FunnelColumns(**queries.funnel_columns(connection, stages=STAGES, rule=rule))
        result = funnel_of(
            columns,
            lambda keys: queries.project_labels(connection, keys.tolist()),
            as_of=day,
            stalled_months=stalled_months,
            worst=worst,
        )
        synthetic = queries.any_synthetic(connection)
    return FunnelResult(result, rule, synthetic)


__all__ = ["LADDER", "OFF_LADDER", "FunnelResult", "funnel"]
