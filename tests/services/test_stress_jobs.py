"""Stress runs as stored jobs (issue #18): inputs, seed and data vintage kept, progress
persisted, results with named breakdowns, edits checked before queueing, runs compared."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from beltroad.cli import main
from beltroad.errors import InvalidInput, NotFound
from beltroad.services.job_compare import compare_runs
from beltroad.services.jobs import (
    JobPool,
    ReportingExecutor,
    StressJobInputs,
    get_job,
    list_jobs,
    submit_stress,
)
from beltroad.services.workspace import Workspace
from beltroad.storage import jobs as store
from beltroad.storage.exposures import dataset_vintages
from tests.services.test_stress import portfolio  # noqa: F401  (the fixture)

PAK_SHOCK = {"factor_shocks": [{"country": "PAK", "shock_sd": 3.0}]}


def test_a_job_stores_inputs_vintage_progress_and_a_named_result(
    portfolio: Workspace,  # noqa: F811
) -> None:
    job_id = submit_stress(
        portfolio, StressJobInputs("regional_conflict", scenarios=2_000, seed=5), owner="ana"
    )
    job = get_job(portfolio, job_id)
    assert job["status"] == "done"
    assert job["progress"] == 1.0
    assert job["owner"] == "ana"
    assert job["seed"] == 5
    assert job["inputs"]["scenarios"] == 2_000
    assert job["started_at"] is not None
    assert job["finished_at"] is not None
    with portfolio.reading() as connection:
        assert job["data_vintage"] == dataset_vintages(connection)
    result = job["result"]
    assert result["scenarios"] == 2_000
    assert sum(result["loss_histogram"]["counts"]) == 2_000
    names = {row["country"]: row["name"] for row in result["by_country"]}
    assert names["PAK"] == "Pakistan"
    # Same inputs, same seed, same data: the same result (reproducible).
    again = get_job(portfolio, submit_stress(portfolio, StressJobInputs(
        "regional_conflict", scenarios=2_000, seed=5), owner="ana"))["result"]  # fmt: skip
    assert again["expected_loss"] == result["expected_loss"]
    listed = list_jobs(portfolio)
    assert [j["id"] for j in listed][:2] == [job_id + 1, job_id]
    assert "result" not in listed[0]


def test_edits_are_checked_before_anything_is_queued(portfolio: Workspace) -> None:  # noqa: F811
    bad = {"factor_shocks": [{"country": "XXX", "shock_sd": 1.0}]}
    with pytest.raises(InvalidInput) as caught:
        submit_stress(portfolio, StressJobInputs("regional_conflict", bad), owner="x")
    assert caught.value.problems[0].field == "factor_shocks[0].country"
    with pytest.raises(InvalidInput) as caught:
        submit_stress(portfolio, StressJobInputs("nonesuch"), owner="x")
    assert caught.value.problems[0].field == "scenario"
    with pytest.raises(InvalidInput) as caught:
        submit_stress(portfolio, StressJobInputs("regional_conflict", scenarios=0), owner="x")
    assert caught.value.problems[0].field == "scenarios"
    assert list_jobs(portfolio) == []


def test_compare_two_runs_names_what_differs_and_what_moved(
    portfolio: Workspace,  # noqa: F811
) -> None:
    a = submit_stress(portfolio, StressJobInputs("sanctions_round", scenarios=1_000, seed=1),
                      owner="x")  # fmt: skip
    b = submit_stress(
        portfolio, StressJobInputs("sanctions_round", PAK_SHOCK, scenarios=1_000, seed=1), owner="x"
    )
    diff = compare_runs(portfolio, a, b, top=5)
    assert [d["input"] for d in diff["inputs_differ"]] == ["edits"]
    assert diff["same_data_vintage"] is True
    el = next(m for m in diff["measures"] if m["measure"] == "expected_loss")
    assert el["change"] == pytest.approx(el["b"] - el["a"])
    pak = next(r for r in diff["breakdowns"]["country"] if r["country"] == "PAK")
    assert pak["name"] == "Pakistan"
    with pytest.raises(NotFound):
        compare_runs(portfolio, a, 999)


def test_a_failed_or_unfinished_run_does_not_compare(portfolio: Workspace) -> None:  # noqa: F811
    a = submit_stress(portfolio, StressJobInputs("sanctions_round", scenarios=500), owner="x")
    with portfolio.writing() as connection:
        queued = store.create_job(connection, kind="stress", inputs={}, seed=1, data_vintage=[],
                                  owner="x")  # fmt: skip
    with pytest.raises(InvalidInput) as caught:
        compare_runs(portfolio, a, queued)
    assert caught.value.problems[0].field == "run_b"


def test_the_pool_runs_jobs_in_the_background_and_progress_is_persisted(
    portfolio: Workspace,  # noqa: F811
) -> None:
    pool = JobPool(portfolio.settings)
    try:
        job_id = submit_stress(
            portfolio, StressJobInputs("regional_conflict", scenarios=3_000), owner="web",
            pool=pool,
        )  # fmt: skip
    finally:
        pool.close(wait=True)
    # A new read (a page reload) sees the finished job.
    assert get_job(portfolio, job_id)["status"] == "done"


def test_reporting_executor_reports_each_slice() -> None:
    from beltroad.executors import LocalExecutor

    seen: list[tuple[int, int]] = []
    runner = ReportingExecutor(LocalExecutor(), lambda done, total: seen.append((done, total)))
    assert runner.map(lambda x: x * 2, list(range(45))) == [x * 2 for x in range(45)]
    assert seen[-1] == (45, 45)
    assert len(seen) == 15  # slices of ceil(45 / 20) = 3
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_cli_submit_list_show_compare(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = str(tmp_path / "d")
    assert main(["--data-dir", data, "init"]) == 0
    capsys.readouterr()
    base = ["--data-dir", data, "risk"]
    assert main([*base, "submit", "sanctions_round", "-n", "200", "-f", "json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["status"] == "done"
    edits = json.dumps(PAK_SHOCK)
    assert main([*base, "submit", "sanctions_round", "-n", "200", "--edits", edits]) == 0
    assert main([*base, "runs", "list", "-f", "json"]) == 0
    capsys.readouterr()
    assert main([*base, "runs", "compare", "1", "2", "-f", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["inputs_differ"][0]["input"] == "edits"
    assert main([*base, "submit", "sanctions_round", "--edits", "{not json"]) == 2
    assert "--edits" in capsys.readouterr().err
    assert main([*base, "runs", "show", "99"]) != 0
