"""Where the chunks of a simulation run: this process, a process pool, or a Dask cluster.

An executor has one method, ``map(fn, items) -> list``, returning results in the order of
``items``. The engines take any object with that method and know nothing of processes or Dask;
``fn`` and the items must pickle for the process pool and Dask (the stress engine's do).

>>> LocalExecutor().map(abs, [-1, 2])
[1, 2]

Dask is an optional extra: it is imported only when a :class:`DaskExecutor` is made, and a missing
install names ``pip install 'beltroad[dask]'``.
"""

from __future__ import annotations

import concurrent.futures
import os
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

from beltroad.errors import DataUnavailable, InvalidInput, MissingDependency

T = TypeVar("T")
R = TypeVar("R")

#: Seconds to wait for a Dask scheduler to answer before giving up.
DEFAULT_CONNECT_TIMEOUT = 10.0
KINDS = ("local", "process", "dask")


class Executor(Protocol):
    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        """Apply ``fn`` to every item; results in item order."""
        ...

    def close(self) -> None: ...

    @property
    def label(self) -> str: ...


class LocalExecutor:
    """Runs every item in this process, one after the other."""

    label = "local"

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        return [fn(item) for item in items]

    def close(self) -> None:
        return None


class ProcessPoolExecutor:
    """Runs items in a pool of worker processes (``workers`` defaults to the CPU count)."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1
        self._pool = concurrent.futures.ProcessPoolExecutor(max_workers=self.workers)

    @property
    def label(self) -> str:
        return f"process pool of {self.workers}"

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        return list(self._pool.map(fn, items))

    def close(self) -> None:
        self._pool.shutdown()


class DaskExecutor:
    """Runs items on a Dask distributed cluster.

    Give ``address`` (``tcp://HOST:PORT``) to connect to a running scheduler, or an existing
    ``client`` (tests pass one of a ``LocalCluster``). An unreachable scheduler raises
    :class:`~beltroad.errors.DataUnavailable` after ``timeout`` seconds.
    """

    def __init__(
        self,
        address: str | None = None,
        *,
        client: Any = None,
        timeout: float = DEFAULT_CONNECT_TIMEOUT,
    ) -> None:
        try:
            from dask.distributed import Client
        except ImportError:
            raise MissingDependency("dask", "dask", "running on a Dask cluster") from None
        self.address = address
        self._owned = client is None
        if client is None:
            if not address:
                raise InvalidInput.at(
                    "a Dask scheduler address is needed (tcp://HOST:PORT)", field="scheduler"
                )
            check_scheduler_url(address)
            try:
                client = Client(  # type: ignore[no-untyped-call]
                    address, timeout=timeout, set_as_default=False
                )
            except (OSError, TimeoutError) as exc:
                raise DataUnavailable(
                    f"the Dask scheduler at {address} did not answer within {timeout:g} s "
                    f"({type(exc).__name__})",
                    hint="start one with `dask scheduler` (and `dask worker ADDRESS`), check "
                    "the host and port, or drop the scheduler address to run locally",
                ) from None
        self.client = client

    @property
    def label(self) -> str:
        return f"dask {self.client.scheduler.address}"

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        # pure=False: the chunk index is the whole input, and Dask must not merge equal keys
        # from two runs with different plans.
        futures = self.client.map(fn, list(items), pure=False)
        results: list[R] = self.client.gather(futures)
        return results

    def close(self) -> None:
        if self._owned:
            self.client.close()


def check_scheduler_url(address: str) -> None:
    """Refuse what cannot be a scheduler address, naming the expected form."""
    scheme, sep, rest = address.partition("://")
    if sep and scheme == "inproc":  # a scheduler in this process (tests, notebooks)
        return
    host, colon, port = rest.rpartition(":")
    if not sep or scheme not in ("tcp", "tls", "inproc") or not colon or not host:
        raise InvalidInput.at(
            "expected a Dask scheduler address like tcp://HOST:PORT",
            field="scheduler",
            value=address,
        )
    if not port.isdigit():
        raise InvalidInput.at(
            "the port must be a number (tcp://HOST:PORT)", field="scheduler", value=address
        )


def make_executor(
    kind: str | None = None,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    timeout: float = DEFAULT_CONNECT_TIMEOUT,
) -> Executor:
    """The executor for ``kind`` (local, process or dask); a scheduler address implies dask."""
    chosen = kind or ("dask" if scheduler else "local")
    if chosen not in KINDS:
        raise InvalidInput.at(
            f"unknown executor (expected one of {', '.join(KINDS)})",
            field="executor",
            value=kind,
        )
    if chosen == "dask":
        return DaskExecutor(scheduler, timeout=timeout)
    if scheduler:
        raise InvalidInput.at(
            "a scheduler address runs on Dask; drop it or choose the dask executor",
            field="executor",
            value=kind,
        )
    if chosen == "process":
        return ProcessPoolExecutor(workers)
    return LocalExecutor()
