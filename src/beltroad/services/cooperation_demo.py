"""What ``beltroad demo`` shows of issue #17: the green share, the largest benefit-balance gaps and
a flagship set chosen within a budget. Each line says how it was made; a step that cannot run
says why instead."""

from __future__ import annotations

from beltroad.errors import BeltroadError
from beltroad.services.workspace import Workspace

#: the demo's flagship budget, as a share of the candidates' total amount
DEMO_BUDGET_SHARE = 0.02
DEMO_MIN_GREEN_SHARE = 0.2


def cooperation_notes(workspace: Workspace, *, gaps: int = 5, shown: int = 5) -> list[str]:
    from beltroad.services import benefits, green, selection

    notes: list[str] = []
    total = 0.0
    try:
        report = green.classify(workspace)
        total = sum(float(r["amount_usd_constant"]) for r in report.basis.priced)
        port = report.shares()["portfolio"]
        amount = port["green_share_amount"]
        notes.append(
            f"green traffic light: {port['by_count']['green']:,} green, "
            f"{port['by_count']['yellow']:,} yellow, {port['by_count']['red']:,} red, "
            f"{port['by_count']['unrated']:,} unrated; green share "
            f"{100 * (port['green_share_count'] or 0):.1f}% by count, "
            + (f"{100 * amount:.1f}%" if amount is not None else "n/a")
            + f" by amount ({report.basis.as_dict()['measure']}) "
            "(`beltroad green classify` for the evidence)"
        )
    except BeltroadError as exc:
        notes.append(f"green classes: not computed ({exc.message})")
    try:
        b = benefits.benefits_report(workspace)
        top = b.gaps(gaps)
        if top:
            notes.append(
                "largest benefit-balance gaps (host - investor, 0-100): "
                + ", ".join(f"{x.subject} {x.gap:+.1f}" for x in top if x.gap is not None)
            )
        else:
            notes.append(
                "benefit balance: no project or country has enough indicators for an index yet "
                f"({b.note().split(';')[1].strip()}); supply an indicators "
                "file to `beltroad benefits`"
            )
    except BeltroadError as exc:
        notes.append(f"benefit balance: not computed ({exc.message})")
    if total <= 0:
        notes.append("flagship selection: not computed (no project has an amount)")
        return notes
    try:
        budget = round(DEMO_BUDGET_SHARE * total, -6)
        chosen = selection.select(
            workspace,
            selection.SelectionRequest(budget=budget, min_green_share=DEMO_MIN_GREEN_SHARE),
        )
        picked = sorted(chosen.chosen(), key=lambda d: d["rank"])
        notes.append(
            f"flagship set: {len(picked):,} projects within USD {budget:,.0f} "
            f"({DEMO_BUDGET_SHARE:.0%} of the candidates), green share >= "
            f"{DEMO_MIN_GREEN_SHARE:.0%}, {chosen.ranking.method.upper()} ranking; best ranked: "
            + ", ".join(d["identifier"] for d in picked[:shown])
            + " (`beltroad select` for the reasons)"
        )
    except BeltroadError as exc:
        notes.append(f"flagship selection: not computed ({exc.message})")
    return notes


__all__ = ["cooperation_notes"]
