"""The funnel over stored projects, milestones and transactions, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import insert, select

from beltroad.cli.main import main
from beltroad.errors import InvalidInput
from beltroad.records import Money, ProjectRecord, Provenance, TransactionRecord
from beltroad.services.funnel import funnel
from beltroad.services.imports import import_file
from beltroad.services.workspace import Workspace
from beltroad.settings import Settings
from beltroad.storage import models
from beltroad.storage.writes import write_projects
from tests.conftest import shared_file

D = dt.date
TODAY = D(2025, 6, 30)


def project(ident: str, *, recommended: bool | None = True, **more: object) -> ProjectRecord:
    return ProjectRecord(
        identifier=ident,
        title=ident,
        provenance=Provenance(
            dataset="test", source_record_id=ident, recommended_for_aggregates=recommended
        ),
        amount=Money(usd_constant=100.0, base_year=2021),
        **more,  # type: ignore[arg-type]
    )


@pytest.fixture
def portfolio(workspace: Workspace) -> Workspace:
    commitment = TransactionRecord(2, D(2019, 1, 1), Money(usd_constant=100.0))
    with workspace.writing() as connection:
        write_projects(
            connection,
            [
                project("mou", stage="mou"),
                project("pledge", status=1),
                project("committed", status=1, transactions=(commitment,)),
                project(
                    "slow",
                    status=2,
                    planned_start=D(2019, 1, 1),
                    actual_start=D(2019, 7, 1),
                    planned_end=D(2021, 1, 1),
                ),
                project(
                    "done",
                    status=4,
                    planned_start=D(2018, 1, 1),
                    actual_start=D(2018, 1, 1),
                    planned_end=D(2020, 1, 1),
                    actual_end=D(2020, 3, 1),
                ),
                project("dropped", status=5),
                project("not-recommended", status=2, recommended=False),
            ],
        )
        slow_id = connection.execute(
            select(models.Project.id).where(models.Project.identifier == "slow")
        ).scalar_one()
        connection.execute(
            insert(models.Milestone).values(
                project_id=slow_id, name="foundations", actual_on=D(2023, 2, 1), status="done"
            )
        )
    return workspace


def test_stages_conversion_slippage_and_stalls(portfolio: Workspace) -> None:
    result = funnel(portfolio, as_of="2025-01-31", stalled_months=12, today=TODAY)
    stages = {s["stage"]: s for s in result.funnel.stages}
    assert {k: v["projects"] for k, v in stages.items()} == {
        "mou": 1,
        "pipeline": 1,
        "commitment": 1,
        "implementation": 1,
        "completion": 1,
    }
    assert stages["commitment"]["reached"] == 3
    assert stages["commitment"]["conversion_from_previous"] == 0.75
    assert result.funnel.off_ladder[0]["projects"] == 1
    assert result.funnel.total["projects"] == 6  # the not-recommended one is left out
    slip = result.funnel.slippage
    assert slip["start"]["max"] == 181
    assert slip["end"]["worst"][0]["identifier"] == "done"
    stalled = result.funnel.stalled
    # "slow" last progressed at its milestone (2023-02-01); "committed" at its 2019 commitment
    assert [p["identifier"] for p in stalled["longest"]] == ["committed", "slow"]
    assert (
        funnel(portfolio, as_of="2025-01-31", stalled_months=36, today=TODAY).funnel.stalled[
            "projects"
        ]
        == 1
    )
    assert funnel(portfolio, rule="all", today=TODAY).funnel.total["projects"] == 7


def test_plan_against_actual_of_milestones_feeds_the_slippage(portfolio: Workspace) -> None:
    with portfolio.writing() as connection:
        ids = dict(connection.execute(select(models.Project.identifier, models.Project.id)).all())
        rows = [
            ("slow", D(2020, 1, 1), D(2020, 1, 11)),  # 10 days late
            ("slow", D(2020, 6, 1), D(2020, 5, 30)),  # 2 days early
            ("done", D(2019, 1, 1), D(2019, 1, 31)),  # 30 days late
            ("done", D(2019, 1, 1), None),  # no actual date: not measured
            ("done", D(2024, 1, 1), D(2025, 3, 1)),  # reached after the as-of date
            ("not-recommended", D(2020, 1, 1), D(2021, 1, 1)),  # not counted by the rule
        ]
        connection.execute(
            insert(models.Milestone),
            [
                {"project_id": ids[p], "name": "m", "planned_on": pl, "actual_on": ac}
                for p, pl, ac in rows
            ],
        )
    result = funnel(portfolio, as_of="2025-01-31", today=TODAY)
    slip = result.as_dict()["milestone_slippage"]
    assert (slip["milestones"], slip["projects"], slip["median"]) == (3, 2, 10)
    assert (slip["late"], slip["early"], slip["max"]) == (2, 1, 30)
    assert "milestone slippage median 10 days over 3 milestones of 2 projects" in result.note()
    everything = funnel(portfolio, as_of="2025-06-30", rule="all", today=TODAY)
    assert everything.as_dict()["milestone_slippage"]["milestones"] == 5


def test_bad_options_are_rejected(workspace: Workspace) -> None:
    with pytest.raises(InvalidInput, match="expected one of"):
        funnel(workspace, rule="some")
    with pytest.raises(InvalidInput, match="1 or more"):
        funnel(workspace, stalled_months=0)
    with pytest.raises(InvalidInput, match="YYYY-MM-DD"):
        funnel(workspace, as_of="soon")


def test_an_empty_registry_is_a_result(workspace: Workspace) -> None:
    result = funnel(workspace, today=TODAY)
    assert result.funnel.total == {"projects": 0, "amount": 0.0}
    assert result.funnel.stages[1]["conversion_from_previous"] is None
    assert result.as_dict()["milestone_slippage"]["milestones"] == 0
    assert "no milestones with planned and actual dates" in result.note()


def test_real_gcdf3_statuses_fill_the_funnel(workspace: Workspace) -> None:
    import_file(workspace, "gcdf3", shared_file("aiddata-gcdf3/df_filtered_gcdf3_ge10m.csv"))
    result = funnel(workspace, today=TODAY)
    stages = {s["stage"]: s["projects"] for s in result.funnel.stages}
    assert stages["completion"] > stages["implementation"] > stages["commitment"] > 0
    assert result.funnel.total["projects"] == sum(stages.values()) + sum(
        s["projects"] for s in result.funnel.off_ladder
    )


def test_cli_json(
    portfolio: Workspace, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    db = settings.database_url
    code = main(["--db", db, "funnel", "--stalled-months", "6", "--worst", "1", "-f", "json"])
    out, _ = capsys.readouterr()
    assert code == 0
    payload = json.loads(out)
    assert {"stages", "off_ladder", "total", "slippage", "stalled", "rule"} <= set(payload)
    assert payload["stalled"]["months"] == 6
    assert len(payload["stalled"]["longest"]) == 1
    assert main(["--db", db, "funnel", "-f", "csv"]) == 0
    assert capsys.readouterr()[0].startswith("stage,projects,amount,reached,conversion")
    assert main(["--db", db, "funnel", "--rule", "none"]) == 2


def test_a_synthetic_project_labels_the_result(workspace: Workspace) -> None:
    real = project("real", status=2)
    with workspace.writing() as connection:
        write_projects(connection, [real])
    assert funnel(workspace, today=TODAY).as_dict()["synthetic"] is False
    fake = ProjectRecord(
        identifier="fake",
        title="fake",
        provenance=Provenance(dataset="synthetic", source_record_id="fake", is_synthetic=True),
    )
    with workspace.writing() as connection:
        write_projects(connection, [fake])
    result = funnel(workspace, today=TODAY)
    assert result.as_dict()["synthetic"] is True
    assert result.as_dict()["label"]


def test_as_of_defaults_to_the_newest_event_in_the_data(portfolio: Workspace) -> None:
    # The newest thing that happened is the "slow" project's milestone of 2023-02-01; planned
    # dates are not events, and the clock (TODAY) is not in the data.
    result = funnel(portfolio, today=TODAY)
    assert result.funnel.stalled["cutoff"] == "2022-02-01"
    assert result.as_of_note.startswith("as of 2023-02-01, the newest date in the data")
    assert result.note().startswith(result.as_of_note)
    asked = funnel(portfolio, as_of=TODAY, today=TODAY)
    assert asked.as_of_note == "as of 2025-06-30, as asked"
    assert asked.funnel.stalled["cutoff"] == "2024-06-30"


def test_an_empty_registry_is_judged_as_of_today_and_says_so(workspace: Workspace) -> None:
    result = funnel(workspace, today=TODAY)
    assert result.as_of_note == "as of today (2025-06-30): no dated " + (
        "project starts, ends, transactions and milestones in the registry"
    )
