"""``beltroad.open(url)``: the analytics as DataFrames, the same numbers as the services."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

import beltroad
from beltroad.errors import InvalidInput, NotFound
from beltroad.records import CountrySplit, Money, ProjectRecord, Provenance, SectorSplit
from beltroad.services.breakdown import breakdown
from beltroad.services.workspace import Workspace
from beltroad.storage.writes import write_projects


def project(ident: str, usd: float, iso3: str, year: int) -> ProjectRecord:
    return ProjectRecord(
        identifier=ident,
        title=ident,
        provenance=Provenance(dataset="test", source_record_id=ident),
        amount=Money(usd_constant=usd, base_year=2021),
        countries=(CountrySplit(iso3, 60), CountrySplit("AFG", 40)),
        sectors=(SectorSplit("21020", "1"),),
        commitment_year=year,
    )


@pytest.fixture
def filled(workspace: Workspace) -> Workspace:
    with workspace.writing() as connection:
        write_projects(
            connection, [project("XE-1", 100.0, "PAK", 2015), project("XE-2", 50.0, "KEN", 2016)]
        )
    return workspace


def test_breakdown_is_a_dataframe_of_the_service_result(filled: Workspace) -> None:
    with beltroad.open(filled.settings.database_url, data_dir=filled.settings.data_dir) as p:
        frame = p.breakdown(["country", "sector"], filters={"year": 2015})
        assert isinstance(frame, pd.DataFrame)
        assert list(frame.columns) == ["country", "sector", "projects", "amount"]
        expected = breakdown(filled, ["country", "sector"], filters={"year": 2015})
        assert frame.to_dict("records") == expected.rows
        assert frame.attrs["rule"] == "aiddata"
        assert frame.attrs["total"] == expected.total
        assert p.breakdown("country,sector", filters={"year": 2015}).equals(frame)


def test_headline_funnel_and_summary(filled: Workspace) -> None:
    with beltroad.open(filled.settings.database_url, data_dir=filled.settings.data_dir) as p:
        headline = p.headline("2024-12-03")
        assert "partner_countries" in headline.index
        assert headline.attrs["as_of"] == "2024-12-03"
        funnel = p.funnel(as_of="2024-12-03")
        assert "commitment" in funnel.index
        assert p.summary()["counts"]["projects"] == 2


def test_bad_input_is_the_same_clear_error(filled: Workspace) -> None:
    url, data_dir = filled.settings.database_url, filled.settings.data_dir
    with beltroad.open(url, data_dir=data_dir) as p, pytest.raises(InvalidInput, match="dimension"):
        p.breakdown("planet")


def test_a_database_without_schema_says_run_init(tmp_path: object) -> None:
    with pytest.raises(NotFound, match="beltroad init"):
        beltroad.open(f"sqlite:///{tmp_path}/empty.db")


def test_importing_beltroad_loads_no_heavy_module() -> None:
    code = "import sys, beltroad; print([m for m in ('pandas', 'sqlalchemy') if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
