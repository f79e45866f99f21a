"""Progress reporting, injected and silent by default.

Long jobs (imports, synthetic generation, simulations) take ``progress: Progress = NULL_PROGRESS``.
The CLI passes a rich bar on stderr, the web a job record, tests a :class:`RecordingProgress`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


class Progress(Protocol):
    def start(self, task: str, total: float | None = None) -> None:
        """Begin a named task; ``total`` is None when the size is unknown."""

    def advance(self, amount: float = 1) -> None:
        """Record ``amount`` more units of work done on the current task."""

    def finish(self) -> None:
        """End the current task."""


class NullProgress:
    """Reports nothing."""

    def start(self, task: str, total: float | None = None) -> None:
        return None

    def advance(self, amount: float = 1) -> None:
        return None

    def finish(self) -> None:
        return None


NULL_PROGRESS: Progress = NullProgress()


@dataclass
class RecordingProgress:
    """Keeps every call, for tests: ``events`` holds ("start", task, total) and friends."""

    events: list[tuple[str, object, object]] = field(default_factory=list)
    done: float = 0.0

    def start(self, task: str, total: float | None = None) -> None:
        self.events.append(("start", task, total))
        self.done = 0.0

    def advance(self, amount: float = 1) -> None:
        self.done += amount
        self.events.append(("advance", amount, self.done))

    def finish(self) -> None:
        self.events.append(("finish", None, self.done))

    @property
    def tasks(self) -> list[str]:
        return [str(task) for kind, task, _ in self.events if kind == "start"]
