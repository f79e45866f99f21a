"""Small hand-made portfolios for the issue #17 services (green, integrity, debt, benefits,
selection): a project row with one country and one DAC sector, written directly."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert

from beltroad.services.workspace import Workspace
from beltroad.storage import models
from beltroad.storage.models import table


def add_project(
    workspace: Workspace,
    identifier: str,
    title: str,
    iso3: str,
    amount: float | None,
    *,
    year: int = 2015,
    base_year: int = 2021,
    sector: str | None = None,
    extras: dict[str, Any] | None = None,
    countries: dict[str, float] | None = None,
) -> int:
    with workspace.writing() as c:
        pid = c.execute(
            insert(table(models.Project)).returning(models.Project.id),
            [
                {
                    "identifier": identifier,
                    "title": title,
                    "dataset": "test",
                    "source_record_id": identifier,
                    "commitment_year": year,
                    "amount_usd_constant": amount,
                    "amount_base_year": base_year if amount is not None else None,
                    "extras": extras or {},
                    "is_synthetic": False,
                    "is_umbrella": False,
                    "is_flagship": False,
                }
            ],
        ).scalar_one()
        c.execute(
            insert(table(models.ProjectCountry)),
            [
                {"project_id": pid, "iso3": k, "percentage": v}
                for k, v in (countries or {iso3: 100.0}).items()
            ],
        )
        if sector:
            c.execute(
                insert(table(models.ProjectSector)),
                [{"project_id": pid, "vocabulary": "2", "code": sector, "percentage": 100.0}],
            )
    return int(pid)
