"""Breakdowns follow the one aggregation rule, and their totals match pandas on the source files."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from beltroad.cli.main import app, main
from beltroad.errors import InvalidInput
from beltroad.records import (
    CountrySplit,
    Money,
    OrgRef,
    Participation,
    ProjectRecord,
    Provenance,
    SectorSplit,
    TransactionRecord,
)
from beltroad.services.breakdown import breakdown
from beltroad.services.imports import import_file
from beltroad.services.setup import initialise
from beltroad.services.workspace import Workspace, open_workspace
from beltroad.settings import Settings
from beltroad.storage.writes import write_projects
from tests.conftest import shared_file

BANK = OrgRef(name="Example Policy Bank", ref="XE-BANK")
FUND = OrgRef(name="Example Fund", ref="XE-FUND")


def project(
    ident: str,
    usd: float | None,
    *,
    countries: tuple[CountrySplit, ...] = (),
    sectors: tuple[SectorSplit, ...] = (),
    recommended: bool | None = None,
    umbrella: bool = False,
    synthetic: bool = False,
    **more: object,
) -> ProjectRecord:
    return ProjectRecord(
        identifier=ident,
        title=ident,
        provenance=Provenance(
            dataset="test",
            source_record_id=ident,
            recommended_for_aggregates=recommended,
            is_synthetic=synthetic,
        ),
        amount=Money(
            usd_constant=usd, usd_nominal=None if usd is None else usd * 0.9, base_year=2021
        ),
        countries=countries,
        sectors=sectors,
        is_umbrella=umbrella,
        **more,  # type: ignore[arg-type]
    )


SPLIT = project(
    "XE-1",
    1000.0,
    countries=(CountrySplit("PAK", 60), CountrySplit("AFG", 40)),
    sectors=(SectorSplit("21020", "1", 50), SectorSplit("230", "2", 50)),
    commitment_year=2015,
    flow_class="OOF-like",
    participations=(Participation(BANK, "funding"), Participation(FUND, "funding")),
    transactions=(
        TransactionRecord(3, None, Money(usd_constant=300.0, base_year=2021)),
        TransactionRecord(3, None, Money(usd_constant=100.0, base_year=2021)),
        TransactionRecord(2, None, Money(usd_constant=1000.0, base_year=2021)),
    ),
)
PLAIN = project(
    "XE-2", 500.0, countries=(CountrySplit("PAK"),), commitment_year=2016, flow_class="ODA-like"
)
UMBRELLA = project("XE-3", 7000.0, countries=(CountrySplit("PAK"),), umbrella=True)
NOT_RECOMMENDED = project("XE-4", 300.0, countries=(CountrySplit("KEN"),), recommended=False)
RECOMMENDED = project("XE-5", 200.0, recommended=True)  # no country, no sector


@pytest.fixture
def portfolio(workspace: Workspace) -> Workspace:
    with workspace.writing() as connection:
        write_projects(connection, [SPLIT, PLAIN, UMBRELLA, NOT_RECOMMENDED, RECOMMENDED])
    return workspace


def by_key(rows: list[dict[str, object]], *dims: str) -> dict[object, dict[str, object]]:
    return {tuple(r[d] for d in dims) if len(dims) > 1 else r[dims[0]]: r for r in rows}


def test_a_60_40_project_counts_0_6_and_0_4(portfolio: Workspace) -> None:
    result = breakdown(portfolio, ["country"], filters={"year": 2015})
    rows = by_key(result.rows, "country")
    assert rows["PAK"]["amount"] == pytest.approx(600.0)
    assert rows["AFG"]["amount"] == pytest.approx(400.0)
    assert rows["PAK"]["projects"] == rows["AFG"]["projects"] == 1  # whole projects
    split = breakdown(portfolio, ["country"], filters={"year": 2015}, split_counts=True)
    assert by_key(split.rows, "country")["PAK"]["projects"] == pytest.approx(0.6)
    assert split.total["projects"] == pytest.approx(1.0)


def test_country_and_sector_shares_multiply(portfolio: Workspace) -> None:
    result = breakdown(portfolio, ["country", "sector"], filters={"year": 2015})
    rows = by_key(result.rows, "country", "sector")
    assert rows[("PAK", "210")]["amount"] == pytest.approx(300.0)  # 0.6 x 0.5 x 1000
    assert rows[("AFG", "230")]["amount"] == pytest.approx(200.0)
    five = by_key(breakdown(portfolio, ["sector5"], filters={"year": 2015}).rows, "sector5")
    assert five["21020"]["amount"] == pytest.approx(500.0)
    assert five[None]["amount"] == pytest.approx(500.0)  # coded at 3 digits only


def test_the_aiddata_rule_leaves_out_umbrellas_and_not_recommended(portfolio: Workspace) -> None:
    aiddata = breakdown(portfolio, ["country"])
    everything = breakdown(portfolio, ["country"], rule="all")
    assert aiddata.total == {"projects": 3, "amount": pytest.approx(1700.0)}
    assert everything.total == {"projects": 5, "amount": pytest.approx(9000.0)}
    assert "KEN" not in by_key(aiddata.rows, "country")
    assert by_key(aiddata.rows, "country")[None]["amount"] == pytest.approx(200.0)
    assert aiddata.as_dict()["rule"] == "aiddata"
    assert aiddata.base_year == 2021


@pytest.mark.parametrize(
    "by", [["country"], ["region"], ["sector", "income"], ["financier"], ["year", "flow-class"]]
)
def test_totals_equal_the_sum_of_rows(portfolio: Workspace, by: list[str]) -> None:
    for rule in ("aiddata", "all"):
        result = breakdown(portfolio, by, rule=rule, split_counts=True)
        assert sum(r["amount"] for r in result.rows) == pytest.approx(result.total["amount"])
        assert sum(r["projects"] for r in result.rows) == pytest.approx(result.total["projects"])


def test_measures(portfolio: Workspace) -> None:
    disbursed = breakdown(portfolio, ["financier"], measure="disbursement")
    assert by_key(disbursed.rows, "financier")["Example Fund"]["amount"] == pytest.approx(200.0)
    assert disbursed.total["amount"] == pytest.approx(400.0)
    nominal = breakdown(portfolio, ["status"], measure="commitment-nominal")
    assert nominal.total["amount"] == pytest.approx(1700.0 * 0.9)
    assert nominal.base_year is None
    counts = breakdown(portfolio, ["flow-class"], measure="projects")
    assert counts.total == {"projects": 3, "amount": 3.0}


def test_bad_input_is_named_and_an_empty_filter_is_a_result(portfolio: Workspace) -> None:
    with pytest.raises(InvalidInput, match=r"colour.*country, region"):
        breakdown(portfolio, ["colour"])
    with pytest.raises(InvalidInput, match=r"tonnes.*commitment, commitment-nominal"):
        breakdown(portfolio, ["country"], measure="tonnes")
    with pytest.raises(InvalidInput, match="planet"):
        breakdown(portfolio, ["country"], filters={"planet": "Mars"})
    empty = breakdown(portfolio, ["country"], filters={"country": "FRA"})
    assert empty.rows == []
    assert empty.total == {"projects": 0, "amount": None}


def test_synthetic_records_are_labelled(workspace: Workspace) -> None:
    with workspace.writing() as connection:
        write_projects(connection, [project("XE-9", 10.0, synthetic=True)])
    result = breakdown(workspace, ["country"]).as_dict()
    assert result["synthetic"] is True
    assert "SYNTHETIC" in result["synthetic_label"]


def test_cli_json_shape(portfolio: Workspace, settings: Settings) -> None:
    runner = CliRunner()
    db = str(settings.db)
    args = ["--db", db, "breakdown", "--by", "country,sector", "--format", "json"]
    result = runner.invoke(app, [*args, "--filter", "year=2015"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert {"by", "measure", "rule", "base_year", "rows", "total"} <= set(payload)
    assert payload["by"] == ["country", "sector"]
    assert (payload["measure"], payload["rule"], payload["base_year"]) == (
        "commitment",
        "aiddata",
        2021,
    )
    assert set(payload["rows"][0]) == {"country", "sector", "projects", "amount"}
    assert set(payload["total"]) == {"projects", "amount"}
    assert main(["--db", db, "breakdown", "--by", "colour"]) == 2
    table = runner.invoke(app, ["--db", db, "breakdown", "--by", "year"])
    assert table.exit_code == 0
    assert "rule aiddata" in table.stdout


# --- independent checks against the source files (SQLite only) ---------------------------------


@pytest.fixture
def sqlite_workspace(sqlite_settings: Settings) -> Iterator[Workspace]:
    initialise(sqlite_settings)
    ws = open_workspace(sqlite_settings)
    try:
        yield ws
    finally:
        ws.close()


def _close(
    expected: Mapping[Any, Any] | pd.Series, rows: list[dict[str, object]], dim: str
) -> None:
    got = {r[dim]: r["amount"] or 0.0 for r in rows}
    want = {k: float(v) for k, v in expected.items()}
    assert set(got) == set(want), set(got) ^ set(want)
    for key, value in want.items():
        assert got[key] == pytest.approx(value, rel=1e-9, abs=0.01), key


def test_gcof1_by_flow_class_and_recipient_match_pandas(sqlite_workspace: Workspace) -> None:
    path = shared_file("aiddata-gcof1/AidData_GlobalChineseOfficialFinanceDataset_v1.0.xlsx")
    report = import_file(sqlite_workspace, "gcof1", path)
    assert report.rejected == []  # imported as published; two date orders flagged, kept
    frame = pd.read_excel(path, engine="openpyxl")
    kept = frame[(frame["recommended_for_research"] == True) & (frame["umbrella"] == 0)]  # noqa: E712
    assert len(kept) > 4000
    kept = kept.assign(usd_defl_2014=pd.to_numeric(kept["usd_defl_2014"], errors="coerce"))
    by_flow = kept.groupby("flow_class")["usd_defl_2014"].sum()
    result = breakdown(sqlite_workspace, ["flow-class"])
    assert result.base_year == 2014
    assert result.total["projects"] == len(kept)
    _close(by_flow, result.rows, "flow-class")

    # A regional record ("Africa, regional") lists several ISO codes: it has no country.
    codes = kept["recipient_iso3"].astype(str).str.strip()
    iso = codes.where(codes.str.fullmatch(r"[A-Z]{3}"), "-")
    by_country = kept.assign(iso=iso).groupby("iso")["usd_defl_2014"].sum()
    expected = {(None if k == "-" else k): v for k, v in by_country.items()}
    _close(expected, breakdown(sqlite_workspace, ["country"]).rows, "country")


#: AidData's sector names in GeoGCDF 3.0 and the DAC 3-digit category each maps to.
GEO_SECTORS = {
    "AGRICULTURE, FORESTRY, FISHING": "311",
    "BUSINESS AND OTHER SERVICES": "250",
    "COMMUNICATIONS": "220",
    "DEVELOPMENTAL FOOD AID/FOOD SECURITY ASSISTANCE": "520",
    "DISASTER PREVENTION AND PREPAREDNESS": "740",
    "EDUCATION": "111",
    "EMERGENCY RESPONSE": "720",
    "ENERGY": "231",
    "GENERAL BUDGET SUPPORT": "510",
    "GENERAL ENVIRONMENTAL PROTECTION": "410",
    "GOVERNMENT AND CIVIL SOCIETY": "151",
    "HEALTH": "121",
    "INDUSTRY, MINING, CONSTRUCTION": "321",
    "OTHER COMMODITY ASSISTANCE": "530",
    "OTHER MULTISECTOR": "430",
    "OTHER SOCIAL INFRASTRUCTURE AND SERVICES": "160",
    "POPULATION POLICIES/PROGRAMMES AND REPRODUCTIVE HEALTH": "130",
    "RECONSTRUCTION RELIEF AND REHABILITATION": "730",
    "TRADE POLICIES AND REGULATIONS": "331",
    "TRANSPORT AND STORAGE": "210",
    "WATER SUPPLY AND SANITATION": "140",
}


def test_geogcdf3_by_sector_matches_pandas(sqlite_workspace: Workspace) -> None:
    path = shared_file("aiddata-gcdf3/geogcdf3_final_input.csv")
    report = import_file(sqlite_workspace, "gcdf3-geo", path)
    # Imported as published: the 13 records that complete before they start are kept, flagged.
    assert report.rejected == []
    assert report.flagged == {"date_order": 13}
    kept = pd.read_csv(path)
    expected = (
        kept.assign(sector=kept["Sector.Name"].map(GEO_SECTORS))
        .groupby("sector")["Amount.(Constant.USD.2021)"]
        .sum()
    )
    result = breakdown(sqlite_workspace, ["sector"])
    assert result.base_year == 2021
    assert result.total["projects"] == len(kept)
    _close(expected, result.rows, "sector")
    assert result.total["amount"] == pytest.approx(kept["Amount.(Constant.USD.2021)"].sum())
