"""The risk register over a real-data workspace: audit trail, overrides, refresh, bad input."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy import func, select, update

from beltroad.cli.main import main
from beltroad.errors import InvalidInput, NotFound
from beltroad.records import CountrySplit, Money, ProjectRecord, Provenance, SectorSplit
from beltroad.services import risk_register as register
from beltroad.services.risk_refresh import refresh
from beltroad.services.workspace import Workspace
from beltroad.settings import Settings
from beltroad.storage import models
from beltroad.storage.writes import write_projects
from tests.services.risk_data import load_real_indicators

TODAY = dt.date(2026, 6, 30)


def project(ident: str, iso3: str, amount: float, **more: Any) -> ProjectRecord:
    return ProjectRecord(
        identifier=ident,
        title=f"Project {ident}",
        provenance=Provenance(dataset="test", source_record_id=ident),
        amount=Money(usd_constant=amount, base_year=2021),
        countries=(CountrySplit(iso3, 100.0),),
        **more,
    )


@pytest.fixture
def portfolio(workspace: Workspace) -> Workspace:
    load_real_indicators(workspace, ("PAK", "KEN", "UKR", "NOR"))
    with workspace.writing() as connection:
        write_projects(
            connection,
            [
                project(
                    "RAIL-PAK",
                    "PAK",
                    2.0e9,
                    status=2,
                    finance_type=421,
                    sectors=(SectorSplit("21020", "1", 100.0),),
                ),
                project("PORT-KEN", "KEN", 4.0e8, status=2),
                project("SMALL-KEN", "KEN", 1.0e6, status=2),  # below project_min_usd
                project("DONE-UKR", "UKR", 9.0e8, status=4),  # completed: no exposure
            ],
        )
    return workspace


def counts(workspace: Workspace) -> tuple[int, int]:
    with workspace.reading() as connection:
        entries = connection.scalar(select(func.count()).select_from(models.RiskEntry))
        audit = connection.scalar(select(func.count()).select_from(models.AuditEvent))
    return int(entries or 0), int(audit or 0)


def test_manual_entry_review_override_and_escalation_keep_an_audit_trail(
    portfolio: Workspace,
) -> None:
    entry = register.add_entry(
        portfolio,
        subject="project:RAIL-PAK",
        category="Security",
        title="Attack on expatriate staff",
        likelihood=4,
        impact=5,
        owner="Pakistan office",
        actor="alice",
        today=TODAY,
    )
    assert entry["inherent"] == 20
    assert entry["review_on"] == "2026-09-28"  # today + review_interval_days (90)
    assert entry["escalation"] == ["residual score 20 is over the threshold 15"]
    reviewed = register.review(
        portfolio,
        entry["id"],
        mitigation="Armed escort, compound hardening",
        residual_likelihood=2,
        residual_impact=5,
        note="site visit",
        actor="bob",
        today=TODAY,
    )
    assert reviewed["residual"] == 10
    assert reviewed["escalation"] == []
    later = TODAY + dt.timedelta(days=200)  # the next review is now overdue
    escalated = register.escalate(portfolio, actor="carol", today=later)
    assert [e["id"] for e in escalated.entries] == [entry["id"]]
    assert escalated.entries[0]["status"] == "escalated"
    assert "review overdue" in escalated.entries[0]["escalation"][0]
    trail = register.history(portfolio, entry["id"])
    assert [(t["action"], t["actor"]) for t in trail] == [
        ("create", "alice"),
        ("review", "bob"),
        ("escalate", "carol"),
    ]
    assert trail[1]["before"]["mitigation"] is None
    assert trail[1]["after"]["note"] == "site visit"
    with pytest.raises(NotFound):
        register.history(portfolio, 99999)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"likelihood": 0}, "likelihood"),
        ({"impact": 6}, "impact"),
        ({"category": "weather"}, "category"),
        ({"subject": "country:XXX"}, "subject"),
        ({"subject": "planet:MARS"}, "subject"),
        ({"subject": "project:NOPE"}, "subject"),
        ({"review_on": "31/12/2026"}, "review_on"),
        ({"status": "forgotten"}, "status"),
        ({"residual_likelihood": 2}, "residual_impact"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(
    portfolio: Workspace, change: dict[str, Any], field: str
) -> None:
    before = counts(portfolio)
    args: dict[str, Any] = {
        "subject": "country:PAK",
        "category": "security",
        "title": "x",
        "likelihood": 3,
        "impact": 3,
    } | change
    with pytest.raises(InvalidInput) as caught:
        register.add_entry(portfolio, **args)
    assert caught.value.problems[0].field == field
    assert counts(portfolio) == before


def test_refresh_creates_explained_auto_entries_and_keeps_overrides(portfolio: Workspace) -> None:
    first = refresh(portfolio, actor="robot", today=TODAY)
    assert first.year == 2023
    assert first.countries == 2  # PAK and KEN hold active projects; UKR's is completed
    assert first.projects == 2  # SMALL-KEN is below project_min_usd
    view = register.list_entries(portfolio, today=TODAY)
    keys = {(e["subject"], e["category"]) for e in view.entries}
    assert ("project:RAIL-PAK", "sovereign_debt") in keys  # FinanceType 421: a loan
    assert ("project:RAIL-PAK", "construction") in keys  # status 2, transport 210
    assert ("project:PORT-KEN", "construction") not in keys  # no built sector recorded
    assert not any(e["subject"].startswith("country:UKR") for e in view.entries)
    for e in view.entries:
        assert e["auto"]
        assert e["why"].startswith(("likelihood", "debt-creating", "under implementation", "host"))
        assert "likelihood" in e["why"]
        assert "impact" in e["why"]
    again = refresh(portfolio, actor="robot", today=TODAY)
    assert (again.created, again.rescored, again.unchanged) == (0, 0, first.created)

    debt = next(
        e
        for e in view.entries
        if e["subject"] == "project:RAIL-PAK" and e["category"] == "sovereign_debt"
    )
    register.review(portfolio, debt["id"], likelihood=1, actor="analyst", today=TODAY)
    third = refresh(portfolio, actor="robot", today=TODAY)
    assert third.kept_overrides == 1
    [kept] = [
        e for e in register.list_entries(portfolio, today=TODAY).entries if e["id"] == debt["id"]
    ]
    assert kept["likelihood"] == 1
    assert kept["overridden"]
    assert kept["why"].startswith("overridden by a reviewer")

    with portfolio.writing() as connection:  # the Kenyan port is finished
        connection.execute(
            update(models.Project).where(models.Project.identifier == "PORT-KEN").values(status=4)
        )
    fourth = refresh(portfolio, actor="robot", today=TODAY)
    assert fourth.closed >= 1
    closed = register.list_entries(portfolio, subject="project:PORT-KEN", today=TODAY).entries
    assert closed
    assert {e["status"] for e in closed} == {"closed"}
    assert register.history(portfolio, closed[0]["id"])[-1]["action"] == "close"


def test_cli_register_round_trip(
    portfolio: Workspace, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["--db", settings.database_url, "--data-dir", str(settings.data_dir)]
    assert main([*base, "risk", "register", "refresh", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["created"] > 0
    code = main(
        [
            *base,
            "risk",
            "register",
            "add",
            "--subject",
            "country:KEN",
            "--category",
            "currency",
            "--title",
            "KES depreciation",
            "--likelihood",
            "3",
            "--impact",
            "4",
            "--format",
            "json",
        ]
    )
    assert code == 0
    added = json.loads(capsys.readouterr().out)
    assert added["inherent"] == 12
    assert main([*base, "risk", "register", "list", "--subject", "country:KEN", "-f", "csv"]) == 0
    out = capsys.readouterr().out
    assert "KES depreciation" in out
    assert (
        main(
            [
                *base,
                "risk",
                "register",
                "add",
                "--subject",
                "country:KEN",
                "--category",
                "currency",
                "--title",
                "x",
                "--likelihood",
                "9",
                "--impact",
                "1",
            ]
        )
        == 2
    )
    assert "--likelihood" in capsys.readouterr().err
    assert (
        main([*base, "risk", "register", "review", str(added["id"]), "--impact", "2", "-f", "json"])
        == 0
    )
    assert json.loads(capsys.readouterr().out)["inherent"] == 6
    assert main([*base, "risk", "register", "history", str(added["id"]), "-f", "json"]) == 0
    assert [t["action"] for t in json.loads(capsys.readouterr().out)] == ["create", "review"]
    assert main([*base, "risk", "register", "escalate", "-f", "json"]) == 0
    assert "entries" in json.loads(capsys.readouterr().out)


def test_demo_step_prints_the_top_risks_or_why_not(portfolio: Workspace, tmp_path: Any) -> None:
    from beltroad.services.demo import _top_risk_notes

    lines = _top_risk_notes(portfolio)
    assert lines[0].startswith("risk register:")
    assert "top 5 risks" in lines[0]
    assert len(lines) == 6
    assert all("likelihood" in line for line in lines[1:])  # each says why
    from beltroad.services.setup import initialise
    from beltroad.services.workspace import open_workspace
    from beltroad.settings import load_settings

    empty_settings = load_settings(data_dir=tmp_path / "empty")
    initialise(empty_settings)
    empty = open_workspace(empty_settings)
    try:
        assert _top_risk_notes(empty) == [
            "top risks: not computed (no country indicators in the database: the country risk "
            "score needs WGI, GPR, ND-GAIN or IMF debt data)"
        ]
    finally:
        empty.close()
