"""Executors: the same seed gives bit-identical results locally, in processes and on Dask."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from beltroad.engines.scenario import FactorShock, Sanction, Scenario
from beltroad.engines.stress import Exposure, StressParameters, run_stress
from beltroad.errors import DataUnavailable, InvalidInput
from beltroad.executors import (
    DaskExecutor,
    LocalExecutor,
    ProcessPoolExecutor,
    check_scheduler_url,
    make_executor,
)

PARAMS = StressParameters(correlation=0.25, chunk_size=256)
SCENARIO = Scenario(
    name="t",
    factor_shocks=(FactorShock(1.5, region="South Asia"),),
    sanctions=(Sanction(("KEN",), 0.2),),
)
EXPOSURES = [
    Exposure(i, ("PAK", "KEN", "EGY")[i % 3], ("South Asia", "Africa", "MENA")[i % 3],
             ("210", "231")[i % 2], "loan", 10.0 + i, 0.45, 0.03, financiers=("Bank",))
    for i in range(90)
]  # fmt: skip


def result_with(executor: Any) -> dict[str, Any]:
    found = run_stress(EXPOSURES, PARAMS, SCENARIO, scenarios=2000, seed=42, executor=executor)
    payload = found.as_dict()
    payload.pop("elapsed_s")
    return payload


def test_local_and_process_pool_give_identical_results() -> None:
    local = result_with(LocalExecutor())
    assert local == result_with(None)
    pool = ProcessPoolExecutor(workers=2)
    try:
        assert result_with(pool) == local
        assert pool.label == "process pool of 2"
    finally:
        pool.close()


@pytest.fixture(scope="module")
def dask_client() -> Iterator[Any]:
    distributed = pytest.importorskip("dask.distributed")
    with (
        distributed.LocalCluster(
            processes=False, n_workers=1, threads_per_worker=2, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster, set_as_default=False) as client,
    ):
        yield client


def test_dask_gives_the_local_result(dask_client: Any) -> None:
    executor = DaskExecutor(client=dask_client)
    assert result_with(executor) == result_with(LocalExecutor())
    assert executor.label.startswith("dask ")
    executor.close()  # not owned: the client stays open
    assert dask_client.status == "running"


def test_dask_by_address(dask_client: Any) -> None:
    executor = make_executor(scheduler=dask_client.scheduler.address, timeout=5)
    try:
        assert executor.map(abs, [-3, 4]) == [3, 4]
    finally:
        executor.close()


def test_an_unreachable_scheduler_fails_within_the_timeout() -> None:
    pytest.importorskip("dask.distributed")
    started = time.monotonic()
    with pytest.raises(DataUnavailable, match=r"tcp://127\.0\.0\.1:9 did not answer within 1 s"):
        DaskExecutor("tcp://127.0.0.1:9", timeout=1)
    assert time.monotonic() - started < 30  # bounded, not a hang


@pytest.mark.parametrize("url", ["localhost:8786", "http://h:1", "tcp://host", "tcp://h:port"])
def test_a_malformed_scheduler_address_is_refused(url: str) -> None:
    with pytest.raises(InvalidInput, match=r"field scheduler"):
        check_scheduler_url(url)


def test_unknown_executor_and_contradictions_are_refused() -> None:
    with pytest.raises(InvalidInput, match=r"unknown executor.*local, process, dask"):
        make_executor("threads")
    with pytest.raises(InvalidInput, match=r"a scheduler address runs on Dask"):
        make_executor("process", scheduler="tcp://h:1")
    assert isinstance(make_executor(), LocalExecutor)


def test_a_missing_dask_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real = builtins.__import__

    def no_dask(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("dask"):
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_dask)
    from beltroad.errors import MissingDependency

    with pytest.raises(MissingDependency) as caught:
        DaskExecutor("tcp://h:1")
    assert caught.value.hint == "pip install 'beltroad[dask]'"
