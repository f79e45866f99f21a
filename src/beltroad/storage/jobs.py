"""The ``jobs`` table: submit, start, report progress, finish or fail, read (issue #18)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, select

from beltroad.storage import models
from beltroad.storage.models import table


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def create_job(
    connection: Connection,
    *,
    kind: str,
    inputs: dict[str, Any],
    seed: int,
    data_vintage: list[dict[str, Any]],
    owner: str,
) -> int:
    jobs = table(models.Job)
    job_id: int = connection.execute(
        jobs.insert()
        .values(
            kind=kind,
            inputs=inputs,
            seed=seed,
            data_vintage=data_vintage,
            status="queued",
            progress=0.0,
            owner=owner,
            submitted_at=_now(),
        )
        .returning(jobs.c.id)
    ).scalar_one()
    return job_id


def update_job(connection: Connection, job_id: int, **values: Any) -> None:
    """Set ``values`` (status, progress, result, error, started_at, finished_at) on a job."""
    jobs = table(models.Job)
    connection.execute(jobs.update().where(jobs.c.id == job_id).values(**values))


def mark_started(connection: Connection, job_id: int) -> None:
    update_job(connection, job_id, status="running", started_at=_now(), progress=0.0)


def mark_finished(
    connection: Connection, job_id: int, *, result: dict[str, Any] | None, error: str | None
) -> None:
    """``done`` with its result (progress 1), or ``failed`` with its error (progress kept)."""
    if error is None:
        update_job(connection, job_id, status="done", progress=1.0, result=result,
                   finished_at=_now())  # fmt: skip
    else:
        update_job(connection, job_id, status="failed", error=error, finished_at=_now())


def _row(r: Any, *, with_result: bool) -> dict[str, Any]:
    out = {
        "id": r.id,
        "kind": r.kind,
        "inputs": r.inputs,
        "seed": r.seed,
        "data_vintage": r.data_vintage,
        "status": r.status,
        "progress": float(r.progress),
        "error": r.error,
        "owner": r.owner,
        "submitted_at": r.submitted_at.isoformat() if r.submitted_at else None,
        "started_at": r.started_at.isoformat() if r.started_at else None,
        "finished_at": r.finished_at.isoformat() if r.finished_at else None,
    }
    if with_result:
        out["result"] = r.result
    return out


def get_job(connection: Connection, job_id: int) -> dict[str, Any] | None:
    jobs = table(models.Job)
    r = connection.execute(select(jobs).where(jobs.c.id == job_id)).one_or_none()
    return None if r is None else _row(r, with_result=True)


def list_jobs(
    connection: Connection, *, kind: str | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    """The newest jobs first, without their results (a list page must stay light)."""
    jobs = table(models.Job)
    cols = [c for c in jobs.c if c.name != "result"]
    query = select(*cols).order_by(jobs.c.id.desc()).limit(limit)
    if kind is not None:
        query = query.where(jobs.c.kind == kind)
    return [_row(r, with_result=False) for r in connection.execute(query)]


def corridor_names(connection: Connection) -> dict[str, str]:
    c = table(models.Corridor)
    return {r.id: r.name_en for r in connection.execute(select(c.c.id, c.c.name_en))}
