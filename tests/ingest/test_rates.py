"""Deflator and exchange-rate files in their publishers' layouts: years, gaps, bad cells."""

from __future__ import annotations

from pathlib import Path

import pytest

from beltroad.errors import InvalidInput
from beltroad.ingest.base import Row, RowError
from beltroad.ingest.rates import (
    DacDeflatorImporter,
    FredDeflatorImporter,
    ImfRatesImporter,
    WdiDeflatorImporter,
)
from beltroad.records import RateRecord
from tests.conftest import shared_file


def read(importer: object, path: Path) -> tuple[list[RateRecord], list[RowError]]:
    items = list(importer.read(path))  # type: ignore[attr-defined]
    records = [i.record for i in items if isinstance(i, Row)]
    assert all(isinstance(r, RateRecord) for r in records)
    return records, [i for i in items if isinstance(i, RowError)]  # type: ignore[misc]


def test_the_real_gdpdef_file_gives_annual_means_of_four_quarters() -> None:
    path = shared_file("fred-gdpdef/GDPDEF.csv")
    records, errors = read(FredDeflatorImporter(), path)
    assert not errors
    years = {r.year: r for r in records}
    assert min(years) == 1947
    assert max(years) == 2024
    assert all(r.observations == 4 for r in records)
    quarters = [
        float(line.split(",")[1])
        for line in path.read_text().splitlines()[1:]
        if line.startswith("2017-")
    ]
    assert years[2017].value == pytest.approx(sum(quarters) / 4)
    assert years[2017].value == pytest.approx(100.0, abs=0.5)  # index 2017 = 100
    assert years[2017].series == "GDPDEF"
    assert years[2017].dataset == "deflator-fred-gdpdef"
    assert "2024-10-01" in years[2017].vintage


def test_a_fred_gap_is_left_out_and_a_partial_year_keeps_its_count(tmp_path: Path) -> None:
    path = tmp_path / "GDPDEF.csv"
    path.write_text(
        "observation_date,GDPDEF\n"
        "2019-01-01,100\n2019-04-01,101\n2019-07-01,102\n2019-10-01,103\n"
        "2020-01-01,.\n"  # FRED's missing value: a gap, nothing stored
        "2021-01-01,110\n2021-04-01,abc\n"
    )
    records, errors = read(FredDeflatorImporter(), path)
    by_year = {r.year: r for r in records}
    assert by_year[2019].value == pytest.approx(101.5)
    assert by_year[2019].observations == 4
    assert 2020 not in by_year
    assert by_year[2021].observations is None  # one quarter only: not a whole year
    [error] = errors
    assert (error.row, error.field, error.value) == (8, "GDPDEF", "abc")


def test_a_file_that_is_not_fred_is_refused_with_the_expected_layout(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("year,value,other\n2019,1,2\n")
    with pytest.raises(InvalidInput, match="observation_date"):
        read(FredDeflatorImporter(), path)


def test_dac_table_wide_and_long(tmp_path: Path) -> None:
    wide = tmp_path / "dac.csv"
    wide.write_text("Donor,2014,2015,2016\nFrance,90,91,92\nUnited States,95.5,..,97\n")
    records, errors = read(DacDeflatorImporter(), wide)
    assert not errors
    assert {r.year: r.value for r in records} == {2014: 95.5, 2016: 97.0}  # 2015 a gap
    assert records[0].series == "DAC:UNITED STATES"
    long = tmp_path / "dac_long.csv"
    long.write_text(
        "DONOR,Donor,TIME_PERIOD,OBS_VALUE\n302,United States,2020,99\n4,France,2020,88\n"
    )
    records, _ = read(DacDeflatorImporter(), long)
    assert [(r.year, r.value) for r in records] == [(2020, 99.0)]
    with pytest.raises(InvalidInput, match="Narnia"):
        read(DacDeflatorImporter(donor="Narnia"), wide)


def test_wdi_download_with_its_metadata_lines(tmp_path: Path) -> None:
    path = tmp_path / "API_NY.GDP.DEFL.ZS.csv"
    path.write_text(
        '"Data Source","World Development Indicators",\n\n'
        '"Last Updated Date","2024-06-28",\n\n'
        '"Country Name","Country Code","Indicator Name","Indicator Code","2020","2021","2022",\n'
        '"China","CHN","GDP deflator (base year varies by country)","NY.GDP.DEFL.ZS","1","2","3",\n'
        '"United States","USA","GDP deflator (base year varies by country)","NY.GDP.DEFL.ZS",'
        '"105.4","110.2","",\n'
    )
    records, errors = read(WdiDeflatorImporter(), path)
    assert not errors
    assert {r.year: r.value for r in records} == {2020: 105.4, 2021: 110.2}
    assert records[0].vintage == "WDI, last updated 2024-06-28"


def test_imf_rates_long_with_xdr_and_an_inverted_unit(tmp_path: Path) -> None:
    path = tmp_path / "ifs.csv"
    path.write_text(
        "currency,Time Period,Value,unit\n"
        "XDR,2019,0.7236,per USD\n"
        "GBP,2019,1.2771,USD per currency\n"
        "XDR,2020,..,per USD\n"
        "XDR,2019,0.7,per USD\n"
        "X1,2019,1,per USD\n"
    )
    records, errors = read(ImfRatesImporter(), path)
    rates = {(r.currency, r.year): r.value for r in records}
    assert rates == {("XDR", 2019): 0.7236, ("GBP", 2019): pytest.approx(1 / 1.2771)}
    assert [(e.row, e.field) for e in errors] == [(5, "Time Period"), (6, "currency")]
