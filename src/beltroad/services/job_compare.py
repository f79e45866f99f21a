"""Two stored stress runs side by side (issue #18): what differs in their inputs, their
headline measures with the change, and the breakdown rows (named) that moved most."""

from __future__ import annotations

from typing import Any

from beltroad.errors import InvalidInput
from beltroad.services.jobs import BREAKDOWNS, get_job
from beltroad.services.workspace import Workspace

LEVELS = ("95", "99", "99.9")
MEASURES = ("exposure", "expected_loss", *(f"var_{q}" for q in LEVELS),
            *(f"es_{q}" for q in LEVELS))  # fmt: skip


def _measure(result: dict[str, Any], key: str) -> float | None:
    if key.startswith(("var_", "es_")):
        kind, level = key.split("_", 1)
        value = (result.get(kind) or {}).get(level)
    else:
        value = result.get(key)
    return None if value is None else float(value)


def _delta(a: float | None, b: float | None) -> dict[str, Any]:
    change = None if a is None or b is None else b - a
    pct = None if change is None or not a else 100.0 * change / a
    return {"a": a, "b": b, "change": change, "change_pct": None if pct is None else round(pct, 2)}


def _finished(workspace: Workspace, job_id: int, field: str) -> dict[str, Any]:
    job = get_job(workspace, job_id)
    if job["status"] != "done" or not job.get("result"):
        raise InvalidInput.at(
            f"job {job_id} is {job['status']}, not done: only finished runs compare",
            field=field,
            value=job_id,
        )
    return job


def compare_runs(workspace: Workspace, run_a: int, run_b: int, *, top: int = 10) -> dict[str, Any]:
    """``run_b`` against ``run_a``: inputs that differ, measures, and per breakdown the ``top``
    rows by the size of their change in expected loss (rows of one run only count from 0)."""
    a = _finished(workspace, run_a, "run_a")
    b = _finished(workspace, run_b, "run_b")
    ra, rb = a["result"], b["result"]
    keys = sorted(set(a["inputs"]) | set(b["inputs"]))
    inputs = [{"input": k, "a": a["inputs"].get(k), "b": b["inputs"].get(k)}
              for k in keys if a["inputs"].get(k) != b["inputs"].get(k)]  # fmt: skip
    vintage_same = a["data_vintage"] == b["data_vintage"]
    measures = [{"measure": m, **_delta(_measure(ra, m), _measure(rb, m))} for m in MEASURES]
    breakdowns: dict[str, list[dict[str, Any]]] = {}
    for family in BREAKDOWNS:
        rows_a = {str(r[family]): r for r in ra.get(f"by_{family}", [])}
        rows_b = {str(r[family]): r for r in rb.get(f"by_{family}", [])}
        rows = []
        for code in set(rows_a) | set(rows_b):
            x, y = rows_a.get(code), rows_b.get(code)
            name = (y or x or {}).get("name", code)
            el = _delta(float(x["expected_loss"]) if x else 0.0,
                        float(y["expected_loss"]) if y else 0.0)  # fmt: skip
            rows.append({family: code, "name": name, "expected_loss": el})
        rows.sort(key=lambda r: (-abs(r["expected_loss"]["change"] or 0.0), str(r[family])))
        breakdowns[family] = rows[:top]
    return {
        "run_a": {k: a[k] for k in ("id", "inputs", "seed", "finished_at")},
        "run_b": {k: b[k] for k in ("id", "inputs", "seed", "finished_at")},
        "inputs_differ": inputs,
        "same_data_vintage": vintage_same,
        "measures": measures,
        "breakdowns": breakdowns,
    }


__all__ = ["compare_runs"]
