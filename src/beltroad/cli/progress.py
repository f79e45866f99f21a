"""A rich progress bar on stderr that satisfies :class:`beltroad.progress.Progress`."""

from types import TracebackType

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from beltroad.cli.output import stderr_console


class RichProgress:
    def __init__(self) -> None:
        self._bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=stderr_console(),
            transient=False,
        )
        self._task: TaskID | None = None

    def __enter__(self) -> "RichProgress":
        self._bar.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._bar.stop()

    def start(self, task: str, total: float | None = None) -> None:
        self._task = self._bar.add_task(task, total=total)

    def advance(self, amount: float = 1) -> None:
        if self._task is not None:
            self._bar.advance(self._task, amount)

    def finish(self) -> None:
        if self._task is not None:
            task = self._bar.tasks[-1]
            self._bar.update(
                self._task,
                total=task.total or task.completed,
                completed=task.total or task.completed,
            )
            self._task = None
