"""One exception tree for beltroad.

::

    BeltroadError
     ├── InvalidInput      (also ValueError)   bad user input: file rows, flags, URLs
     ├── NotFound          (also LookupError)  a named thing does not exist
     ├── Conflict                              the request clashes with stored state
     │    └── SchemaTooNew                     the database was written by a newer beltroad
     ├── PermissionDenied  (also PermissionError)
     │    ├── Unauthenticated                  no valid login or API token
     │    └── TooManyAttempts                  logins refused for a while after failures
     ├── DataUnavailable                       a dataset, file, server or dir cannot be reached
     ├── MissingDependency (also ImportError)  an optional extra is not installed
     └── EngineError       (also RuntimeError) an engine could not compute a result

Exceptions carry fields, not formatting: the CLI and the web translate them once, at the edge.
Every message says what went wrong, where, what was expected and, where it helps, what to do.
"""

from __future__ import annotations

from dataclasses import dataclass


class BeltroadError(Exception):
    """Root of every error beltroad raises on purpose."""

    #: process exit code used by the CLI (0 ok, 1 error, 2 input rejected)
    exit_code: int = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n  hint: {self.hint}" if self.hint else self.message


@dataclass(frozen=True)
class FieldProblem:
    """Where a value was rejected: file, row or line, field, value and what was expected."""

    reason: str
    file: str | None = None
    row: int | None = None
    field: str | None = None
    value: object = None

    def describe(self) -> str:
        where = ", ".join(
            part
            for part in (
                self.file,
                f"row {self.row:,}" if self.row is not None else None,
                f"field {self.field}" if self.field else None,
            )
            if part
        )
        shown = "" if self.value is None else f"{self.value!r}: "
        return f"{where}: {shown}{self.reason}" if where else f"{shown}{self.reason}"


class InvalidInput(BeltroadError, ValueError):
    """User input was rejected. ``problems`` lists every offending field when there are many."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        problems: tuple[FieldProblem, ...] = (),
    ) -> None:
        super().__init__(message, hint=hint)
        self.problems = problems

    @classmethod
    def at(
        cls,
        reason: str,
        *,
        file: str | None = None,
        row: int | None = None,
        field: str | None = None,
        value: object = None,
        hint: str | None = None,
    ) -> InvalidInput:
        problem = FieldProblem(reason=reason, file=file, row=row, field=field, value=value)
        return cls(problem.describe(), hint=hint, problems=(problem,))


class NotFound(BeltroadError, LookupError):
    """A named record, dataset or command target does not exist."""


class Conflict(BeltroadError):
    """The request clashes with what is stored."""


class SchemaTooNew(Conflict):
    """The database schema was written by a newer beltroad than this one."""


class PermissionDenied(BeltroadError, PermissionError):
    """The user, role or scope does not allow this, or a path is not writable."""


class Unauthenticated(PermissionDenied):
    """No valid credentials: a missing, wrong, expired or revoked token, or a wrong password."""


class TooManyAttempts(PermissionDenied):
    """Too many failed logins: further attempts are refused until ``retry_after``."""

    def __init__(self, message: str, *, hint: str | None = None, retry_after: int = 0) -> None:
        super().__init__(message, hint=hint)
        self.retry_after = retry_after


class DataUnavailable(BeltroadError):
    """A dataset, file, directory or database server cannot be reached."""


class DataNotImported(DataUnavailable):
    """The registry holds none of the data a figure needs (e.g. no IMF debt data imported).

    Unlike a server that cannot be reached, this says nothing about the deployment, so the web
    shows it as it is (409: the registry's state, not the request, is what has to change).
    """


class MissingDependency(BeltroadError, ImportError):
    """An optional extra is needed; the message names the pip command that installs it."""

    def __init__(self, package: str, extra: str, purpose: str) -> None:
        super().__init__(
            f"{purpose} needs the '{package}' package, which is not installed",
            hint=f"pip install 'beltroad[{extra}]'",
        )
        self.package = package
        self.extra = extra


class EngineError(BeltroadError, RuntimeError):
    """An engine could not compute a result from valid input."""


__all__ = [
    "BeltroadError",
    "Conflict",
    "DataUnavailable",
    "EngineError",
    "FieldProblem",
    "InvalidInput",
    "MissingDependency",
    "NotFound",
    "PermissionDenied",
    "SchemaTooNew",
    "TooManyAttempts",
    "Unauthenticated",
]
