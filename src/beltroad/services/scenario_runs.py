"""Stress runs for a signed-in user (issue #18 part 1, the scenarios page): the role checks in
front of :mod:`beltroad.services.jobs` and :mod:`beltroad.services.job_compare`.

A stress run adds up the whole portfolio, so its result cannot be cut to a partner's scope:
reading runs needs ``read`` with scope all (a scoped partner or viewer is refused, not shown a
filtered figure that would be wrong), and starting one needs ``approve`` with scope all (admin,
planner), since a run takes the web process's workers for seconds to minutes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from beltroad.errors import InvalidInput
from beltroad.services.jobs import JobPool, StressJobInputs, get_job, list_jobs, submit_stress
from beltroad.services.permissions import Action, Actor, covers_all, require_global
from beltroad.services.workspace import Workspace

RUN_ACTION = Action.approve
READ_ACTION = Action.read
WEB_MAX_SCENARIOS = 1_000_000
"""[N] The page's own cap (the CLI allows 10 million): one web request must not hold the
worker pool for much longer than a minute."""


@dataclass(frozen=True)
class Shipped:
    key: str
    name: str
    description: str
    text: str  # the TOML, shown in the form so it can be edited


def shipped_scenarios() -> list[Shipped]:
    import tomllib

    from beltroad.scenarios import example_files

    out = []
    for item in example_files():
        text = item.read_text(encoding="utf-8")
        head = tomllib.loads(text).get("scenario", {})
        key = item.name.removesuffix(".toml")
        out.append(Shipped(key, str(head.get("name", key)), str(head.get("description", "")), text))
    return out


def closable_passages() -> list[tuple[str, str]]:
    """The sea passages a form may tick closed: (key, English name)."""
    from beltroad.reference.passages import SEAROUTE_KEYS, passage_by_key

    return [(key, passage_by_key(key).name) for key in SEAROUTE_KEYS]


def may_run(actor: Actor) -> bool:
    return covers_all(actor, RUN_ACTION)


def submit(
    workspace: Workspace, actor: Actor, inputs: StressJobInputs, *, pool: JobPool | None
) -> int:
    require_global(actor, RUN_ACTION, what="run a stress test")
    if not 1 <= inputs.scenarios <= WEB_MAX_SCENARIOS:
        raise InvalidInput.at(f"expected a number of scenarios in [1, {WEB_MAX_SCENARIOS:,}]",
                              field="scenarios", value=inputs.scenarios)  # fmt: skip
    return submit_stress(workspace, inputs, owner=actor.login, pool=pool)


def runs(workspace: Workspace, actor: Actor, *, limit: int = 50) -> list[dict[str, Any]]:
    require_global(actor, READ_ACTION, what="see stress runs")
    return list_jobs(workspace, limit=limit)


def run(workspace: Workspace, actor: Actor, job_id: int) -> dict[str, Any]:
    require_global(actor, READ_ACTION, what="see stress runs")
    return get_job(workspace, job_id)


def compare(workspace: Workspace, actor: Actor, run_a: int, run_b: int) -> dict[str, Any]:
    from beltroad.services.job_compare import compare_runs

    require_global(actor, READ_ACTION, what="compare stress runs")
    return compare_runs(workspace, run_a, run_b)


def edits_from(
    toml_text: str, *, closed: list[str], pd_multiplier: float | None
) -> Mapping[str, Any]:
    """The edits a form gives: its TOML text (the scenario file's layout; a list given replaces
    the file's) and, when passages are ticked, one closure of them that replaces the file's
    closures. Bad TOML is refused naming the ``edits`` field and the line."""
    import tomllib

    try:
        edits: dict[str, Any] = tomllib.loads(toml_text) if toml_text.strip() else {}
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput.at(f"not valid TOML ({exc})", field="edits") from None
    if closed:
        edits["closures"] = [{"passages": list(closed), "pd_multiplier": pd_multiplier or 1.5}]
    return edits


__all__ = [
    "WEB_MAX_SCENARIOS",
    "Shipped",
    "closable_passages",
    "compare",
    "edits_from",
    "may_run",
    "run",
    "runs",
    "shipped_scenarios",
    "submit",
]
