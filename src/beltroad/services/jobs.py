"""Stress runs as stored background jobs (issue #18 part 1): submit, run, follow, compare.

A job stores its inputs (the scenario, its edits, the number of scenarios, the seed, the rule),
the data vintage it ran on, its progress and its result, so that a page reload sees where it is
and any result can be reproduced. Jobs run in a worker pool of the web process
(:class:`JobPool`, threads: the Monte Carlo chunks themselves run on the executor the inputs
name, local, process or Dask with a scheduler), or inline when no pool is given (the CLI).
Errors name fields: ``scenario``, ``edits``, ``scenarios``, ``seed``, ``job``.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from beltroad.errors import BeltroadError, InvalidInput, NotFound
from beltroad.executors import Executor, make_executor
from beltroad.services.workspace import Workspace, open_workspace
from beltroad.settings import Settings

KIND_STRESS = "stress"
BREAKDOWNS = ("country", "sector", "corridor", "financier")
PROGRESS_STEPS = 20
"""[N] Progress is written about this many times per run (each write is one small UPDATE)."""

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class StressJobInputs:
    """What to run: a shipped scenario's name (or a file), edits merged over it (the scenario
    TOML's layout: ``factor_shocks``, ``pd_multipliers``, ``closures``... a list replaces the
    file's), the number of scenarios, the seed, the rule and where the chunks run."""

    scenario: str
    edits: Mapping[str, Any] = field(default_factory=dict)
    scenarios: int = 100_000
    seed: int | None = None
    rule: str = "aiddata"
    executor: str | None = None
    workers: int | None = None
    scheduler: str | None = None

    def as_dict(self, seed: int) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "edits": dict(self.edits),
            "scenarios": self.scenarios,
            "seed": seed,
            "rule": self.rule,
            "executor": self.executor,
            "workers": self.workers,
            "scheduler": self.scheduler,
        }


class ReportingExecutor:
    """An executor that runs ``map`` in slices and reports how many items are done."""

    def __init__(self, inner: Executor, report: Callable[[int, int], None]) -> None:
        self.inner = inner
        self.report = report
        self.label = str(getattr(inner, "label", type(inner).__name__))

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        total = len(items)
        step = max(1, math.ceil(total / PROGRESS_STEPS))
        out: list[R] = []
        for start in range(0, total, step):
            out.extend(self.inner.map(fn, items[start : start + step]))
            self.report(len(out), total)
        return out

    def close(self) -> None:
        self.inner.close()


def _definition(inputs: StressJobInputs) -> tuple[Path, dict[str, Any]]:
    from beltroad.engines.risk_config import merge
    from beltroad.services.stress import resolve_scenario, scenario_data

    try:
        path = resolve_scenario(Path(inputs.scenario))
    except NotFound as exc:
        raise InvalidInput.at(exc.message, field="scenario", value=inputs.scenario) from None
    if not isinstance(inputs.edits, Mapping):
        raise InvalidInput.at("expected a table of scenario keys", field="edits")
    return path, merge(scenario_data(path), inputs.edits)


def check_inputs(workspace: Workspace, inputs: StressJobInputs) -> tuple[Path, dict[str, Any], int]:
    """The scenario file, the edited definition (checked: a bad key is refused naming it) and
    the seed, before anything is queued."""
    from beltroad.services.stress import MAX_SCENARIOS, MAX_SEED, scenario_from
    from beltroad.storage.exposures import country_regions

    if not 1 <= inputs.scenarios <= MAX_SCENARIOS:
        raise InvalidInput.at(f"expected a number of scenarios in [1, {MAX_SCENARIOS:,}]",
                              field="scenarios", value=inputs.scenarios)  # fmt: skip
    seed = workspace.settings.seed if inputs.seed is None else inputs.seed
    if not 0 <= seed <= MAX_SEED:
        raise InvalidInput.at(f"expected a seed in [0, {MAX_SEED}]", field="seed", value=seed)
    path, definition = _definition(inputs)
    with workspace.reading() as connection:
        regions = {r for r in country_regions(connection).values() if r is not None}
    scenario_from(definition, regions=regions, file=f"{path} (edited)" if inputs.edits else None)
    return path, definition, seed


def submit_stress(
    workspace: Workspace, inputs: StressJobInputs, *, owner: str, pool: JobPool | None = None
) -> int:
    """Queue a stress run as a job and start it (in ``pool``, or here and now); its id."""
    from beltroad.storage import jobs as store
    from beltroad.storage.exposures import dataset_vintages

    *_, seed = check_inputs(workspace, inputs)
    with workspace.writing() as connection:
        job_id = store.create_job(
            connection,
            kind=KIND_STRESS,
            inputs=inputs.as_dict(seed),
            seed=seed,
            data_vintage=dataset_vintages(connection),
            owner=owner,
        )
    if pool is None:
        run_job(workspace, job_id)
    else:
        pool.submit(job_id)
    return job_id


def _named(result: dict[str, Any], workspace: Workspace) -> dict[str, Any]:
    """Each breakdown row with a ``name`` beside its code: countries, sectors, corridors."""
    from beltroad.reference.iati import DAC3_SECTORS, DAC5_SECTORS
    from beltroad.storage.jobs import corridor_names
    from beltroad.storage.risk import country_names

    with workspace.reading() as connection:
        names = {
            "country": country_names(connection),
            "sector": {**DAC5_SECTORS, **DAC3_SECTORS},
            "corridor": corridor_names(connection),
            "financier": {},
        }
    for family in BREAKDOWNS:
        for row in result.get(f"by_{family}", []):
            code = str(row.get(family))
            row["name"] = names[family].get(code, code)
    return result


def run_job(workspace: Workspace, job_id: int) -> None:
    """Run a queued stress job to its end, persisting progress; a failure is stored, not raised
    (the job's error says what went wrong)."""
    from beltroad.services.stress import _finite, run_stress_test
    from beltroad.storage import jobs as store

    with workspace.reading() as connection:
        job = store.get_job(connection, job_id)
    if job is None:
        raise NotFound(f"no job {job_id}")
    with workspace.writing() as connection:
        store.mark_started(connection, job_id)
    lock = threading.Lock()
    seen = {"phase": 0}

    def report(done: int, total: int) -> None:
        # The first map is the simulation (0-95%), a second one replays tail chunks.
        with lock:
            if done == total:
                seen["phase"] += 1
            share = 0.95 * done / total if seen["phase"] <= 1 else 0.99
            with workspace.writing() as connection:
                store.update_job(connection, job_id, progress=min(share, 0.99))

    inputs = job["inputs"]
    error: str | None = None
    result: dict[str, Any] | None = None
    try:
        edited = StressJobInputs(inputs["scenario"], inputs.get("edits") or {})
        path, definition = _definition(edited)
        runner = ReportingExecutor(
            make_executor(inputs.get("executor"), workers=inputs.get("workers"),
                          scheduler=inputs.get("scheduler")),
            report,
        )  # fmt: skip
        try:
            run = run_stress_test(workspace, path, scenarios=int(inputs["scenarios"]),
                                  seed=int(job["seed"]), executor=runner, rule=inputs["rule"],
                                  store_run=False,
                                  definition=definition if edited.edits else None)  # fmt: skip
        finally:
            runner.close()
        result = _named(_finite(run.as_dict()), workspace)
    except BeltroadError as exc:
        error = exc.message
    except Exception as exc:  # a worker thread has no one to raise to: store it, log it
        log.exception("job %s failed", job_id)
        error = f"internal error: {type(exc).__name__}: {exc}"
    with workspace.writing() as connection:
        store.mark_finished(connection, job_id, result=result, error=error)


class JobPool:
    """The web process's worker pool: each job runs in a thread with a workspace of its own."""

    def __init__(self, settings: Settings, *, max_workers: int = 1) -> None:
        self.settings = settings
        self.threads = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="job")

    def submit(self, job_id: int) -> Future[None]:
        return self.threads.submit(self._run, job_id)

    def _run(self, job_id: int) -> None:
        workspace = open_workspace(self.settings)
        try:
            run_job(workspace, job_id)
        finally:
            workspace.close()

    def close(self, *, wait: bool = True) -> None:
        self.threads.shutdown(wait=wait)


def get_job(workspace: Workspace, job_id: int) -> dict[str, Any]:
    from beltroad.storage import jobs as store

    with workspace.reading() as connection:
        job = store.get_job(connection, job_id)
    if job is None:
        raise NotFound(f"no job {job_id}", hint="`beltroad risk runs list` shows the jobs")
    return job


def list_jobs(workspace: Workspace, *, limit: int = 50) -> list[dict[str, Any]]:
    from beltroad.storage import jobs as store

    with workspace.reading() as connection:
        return store.list_jobs(connection, kind=KIND_STRESS, limit=limit)


__all__ = [
    "JobPool",
    "ReportingExecutor",
    "StressJobInputs",
    "check_inputs",
    "get_job",
    "list_jobs",
    "run_job",
    "submit_stress",
]
