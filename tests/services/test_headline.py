"""Headline figures as of a date, with provenance and reconciliation, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import insert

from beltroad.cli.main import main
from beltroad.errors import InvalidInput
from beltroad.services.headline import FIGURES, headline
from beltroad.services.imports import import_file
from beltroad.services.workspace import Workspace
from beltroad.settings import Settings
from beltroad.storage import models
from tests.conftest import shared_file

TODAY = dt.date(2025, 6, 30)
GFDC = "gfdc-bri-countries/23_12_BRI-countries-public.xlsx"


@pytest.fixture
def gfdc(workspace: Workspace) -> Workspace:
    import_file(workspace, "bri-members", shared_file(GFDC))
    return workspace


def partners(workspace: Workspace, day: str) -> int:
    return int(headline(workspace, day, today=TODAY).figures["partner_countries"])


def test_the_gfdc_list_gives_its_partners_less_exits_and_the_initiator(gfdc: Workspace) -> None:
    # 151 listed countries; China is the initiator, not a partner; Italy exited on 2023-06-12
    # (the date the GFDC file gives).
    result = headline(gfdc, "2023-12-31", today=TODAY)
    assert result.figures["partner_countries"] == 151 - 1 - 1
    source = result.sources["partner_countries"]
    assert source["datasets"] == {"gfdc-bri-countries": 149}
    assert any("no known joining date" in note for note in source["notes"])
    verdict = result.reconciliation["partner_countries"]["verdict"]
    assert verdict.startswith("registry 149, reported 'over 150': 1 (0.7%) below")


def test_italy_counts_until_its_exit_date_and_not_after(gfdc: Workspace) -> None:
    assert partners(gfdc, "2023-06-12") == partners(gfdc, "2023-06-13") + 1
    assert partners(gfdc, "2023-06-01") == partners(gfdc, "2023-06-12")
    assert partners(gfdc, "2019-02-28") + 0 < partners(gfdc, "2019-03-31")


def test_history_grows(gfdc: Workspace) -> None:
    assert partners(gfdc, "2015-01-01") < partners(gfdc, "2020-01-01") < 151


def test_an_empty_registry_gives_zeros_with_an_explanation(workspace: Workspace) -> None:
    result = headline(workspace, "2023-12-31", today=TODAY)
    assert all(result.figures[key] == 0 for key in FIGURES)
    assert result.empty
    assert "import some" in result.notes[0]
    verdict = result.reconciliation["overseas_enterprises"]["verdict"]
    assert verdict == "registry 0, reported 'about 17,000': the registry holds no enterprises yet"


def test_enterprises_stock_and_zones_as_of_a_date(workspace: Workspace) -> None:
    with workspace.writing() as connection:
        connection.execute(
            insert(models.OverseasEnterprise),
            [
                dict(
                    name="A",
                    host_iso3="PAK",
                    established_on=dt.date(2015, 1, 1),
                    closed_on=None,
                    stock_usd_constant=1e9,
                    stock_base_year=2021,
                    dataset="demo",
                    is_synthetic=False,
                ),
                dict(
                    name="B",
                    host_iso3="KEN",
                    established_on=dt.date(2019, 1, 1),
                    closed_on=dt.date(2022, 1, 1),
                    stock_usd_constant=2e9,
                    stock_base_year=2021,
                    dataset="demo",
                    is_synthetic=False,
                ),
                dict(
                    name="C",
                    host_iso3="KEN",
                    established_on=dt.date(2021, 1, 1),
                    closed_on=None,
                    stock_usd_constant=4e9,
                    stock_base_year=2021,
                    dataset="synth",
                    is_synthetic=True,
                ),
            ],
        )
        connection.execute(
            insert(models.CooperationZone),
            [
                dict(name="Z1", host_iso3="KHM", established_year=2008, jobs_local=30_000),
                dict(name="Z2", host_iso3="EGY", established_year=2020, jobs_local=5_000),
            ],
        )
    early = headline(workspace, "2020-06-30", today=TODAY)
    assert early.figures["overseas_enterprises"] == 2
    assert early.figures["investment_stock_usd"] == 3e9
    assert early.figures["zone_local_jobs"] == 35_000
    assert not early.synthetic
    late = headline(workspace, "2023-12-31", today=TODAY)
    assert late.figures["overseas_enterprises"] == 2  # B closed, C opened
    assert late.figures["investment_stock_usd"] == 5e9
    assert late.base_years == (2021,)
    assert late.synthetic
    assert late.label
    assert late.sources["overseas_enterprises"]["datasets"] == {"demo": 1, "synth": 1}
    assert headline(workspace, "2015-06-30", today=TODAY).figures["zone_local_jobs"] == 30_000


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("31/12/2023", "expected YYYY-MM-DD"),
        ("2023-02-30", "not a date"),
        ("2025-07-01", "in the future"),
    ],
)
def test_bad_dates_are_rejected_with_the_value_and_format(
    workspace: Workspace, value: str, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message) as caught:
        headline(workspace, value, today=TODAY)
    assert value in str(caught.value)
    assert "YYYY-MM-DD" in str(caught.value)


def test_cli_json_shape(
    gfdc: Workspace, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    db = settings.database_url
    code = main(["--db", db, "headline", "--as-of", "2023-12-31", "--format", "json"])
    out, _ = capsys.readouterr()
    assert code == 0
    payload = json.loads(out)
    assert {"as_of", *FIGURES, "reported", "sources", "reconciliation"} <= set(payload)
    assert payload["as_of"] == "2023-12-31"
    assert payload["partner_countries"] == 149
    assert payload["reported"]["partner_countries"]["qualifier"] == "over"
    assert payload["sources"]["partner_countries"]["records"] == 149

    assert main(["--db", db, "headline", "--as-of", "2023-12-31", "--format", "csv"]) == 0
    assert capsys.readouterr()[0].splitlines()[0].startswith("figure,registry,reported")

    assert main(["--db", db, "headline", "--as-of", "yesterday"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr()[1]


def test_as_of_defaults_to_the_newest_date_in_the_data(gfdc: Workspace) -> None:
    # The GFDC list's newest date is a joining date of 2023-12-02 (its December 2023 edition):
    # figures "as of today" would claim a currency the file does not have.
    result = headline(gfdc, today=TODAY)
    assert result.as_of == dt.date(2023, 12, 2)
    assert result.as_of_note.startswith("as of 2023-12-02, the newest date in the data")
    assert result.as_dict()["as_of_note"] == result.as_of_note
    assert headline(gfdc, "2023-12-31", today=TODAY).as_of_note == "as of 2023-12-31, as asked"


def test_an_empty_registry_is_as_of_today_and_says_so(workspace: Workspace) -> None:
    result = headline(workspace, today=TODAY)
    assert result.as_of == TODAY
    assert "no dated partnerships, documents, enterprises and zones" in result.as_of_note


def test_cli_prints_where_the_as_of_date_came_from(
    gfdc: Workspace, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", settings.database_url, "headline"]) == 0
    out = " ".join(capsys.readouterr()[0].split())
    assert "the newest date in the data" in out
