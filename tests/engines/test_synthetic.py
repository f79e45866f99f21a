"""The synthetic portfolio generator: reproducible, batch-independent, calibrated, consistent."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from dataclasses import fields, replace
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pycountry
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from beltroad.engines.synthetic import (
    AIDDATA_SECTORS,
    BLOCK_SIZE,
    SYNTHETIC_FINANCIERS,
    Calibration,
    SyntheticBatch,
    calibrate_from_aiddata,
    concat_batches,
    default_calibration,
    generate,
    slice_batch,
)
from beltroad.reference.iati import (
    ActivityStatus,
    FinanceType,
    FlowType,
    OrganisationType,
    TransactionType,
)

SHARED = Path(__file__).resolve().parents[2].parent / "shared/data"
GEOGCDF = SHARED / "aiddata-gcdf3/geogcdf3_final_input.csv"
SECTOR_CODELIST = SHARED / "iati/codelists/Sector.xml"
CAL = default_calibration()


@cache
def portfolio(n: int, seed: int = 11) -> SyntheticBatch:
    return concat_batches(list(generate(n, seed=seed, calibration=CAL)))


def assert_same(a: SyntheticBatch, b: SyntheticBatch) -> None:
    assert (a.base_year, a.seed) == (b.base_year, b.seed)
    for table in ("projects", "countries", "sectors", "transactions"):
        left, right = getattr(a, table), getattr(b, table)
        for f in fields(left):
            x, y = getattr(left, f.name), getattr(right, f.name)
            if x.dtype.kind == "M":  # NaT != NaT: compare the underlying integers
                x, y = x.view(np.int64), y.view(np.int64)
            assert x.dtype == y.dtype, f"{table}.{f.name}"
            assert np.array_equal(x, y), f"{table}.{f.name} differs"


def per_project(batch: SyntheticBatch, project_id: np.ndarray, values: np.ndarray) -> np.ndarray:
    position = project_id - batch.projects.id[0]
    return np.bincount(position, weights=values, minlength=len(batch))


# --- reproducibility ---------------------------------------------------------------------------


def test_same_seed_gives_identical_output() -> None:
    again = concat_batches(list(generate(20_000, seed=11, calibration=default_calibration())))
    assert_same(portfolio(20_000), again)


@pytest.mark.parametrize("batch_size", [999, BLOCK_SIZE, 12_345, 50_000])
def test_batch_size_does_not_change_the_output(batch_size: int) -> None:
    batches = list(generate(20_000, seed=11, calibration=CAL, batch_size=batch_size))
    assert [len(b) for b in batches[:-1]] == [batch_size] * (len(batches) - 1)
    assert 0 < len(batches[-1]) <= batch_size
    assert_same(portfolio(20_000), concat_batches(batches))


def test_batches_of_one_project_give_the_same_output() -> None:
    ones = list(generate(300, seed=11, calibration=CAL, batch_size=1))
    assert len(ones) == 300
    assert_same(portfolio(300), concat_batches(ones))


def test_a_short_portfolio_is_a_prefix_of_a_longer_one() -> None:
    long = portfolio(20_000)
    short = portfolio(9_000)
    head = next(generate(20_000, seed=11, calibration=CAL, batch_size=9_000))
    assert_same(short, head)
    assert long.projects.identifier[8_999] == short.projects.identifier[-1]


def test_a_different_seed_gives_a_different_portfolio() -> None:
    a, b = portfolio(2_000, seed=1), portfolio(2_000, seed=2)
    assert not np.array_equal(a.projects.amount_usd_constant, b.projects.amount_usd_constant)
    assert a.projects.identifier[0] == "SYN-1-000000001"
    assert b.projects.identifier[0] == "SYN-2-000000001"


def test_id_start_shifts_ids_and_nothing_else() -> None:
    base = portfolio(500)
    shifted = concat_batches(list(generate(500, seed=11, calibration=CAL, id_start=1_001)))
    assert shifted.projects.id[0] == 1_001
    assert np.array_equal(shifted.projects.id, base.projects.id + 1_000)
    assert np.array_equal(shifted.transactions.project_id, base.transactions.project_id + 1_000)
    assert np.array_equal(shifted.projects.identifier, base.projects.identifier)
    assert np.array_equal(shifted.transactions.usd_nominal, base.transactions.usd_nominal)


def test_a_slice_keeps_its_projects_children() -> None:
    batch = portfolio(2_000)
    part = slice_batch(batch, 100, 300)
    assert part.projects.id.tolist() == list(range(101, 301))
    for child in (part.countries, part.sectors, part.transactions):
        assert set(child.project_id.tolist()) == set(range(101, 301))
    with pytest.raises(ValueError, match="start < stop"):
        slice_batch(batch, 300, 300)


def test_batches_are_read_only() -> None:
    batch = portfolio(100)
    with pytest.raises(ValueError, match="read-only"):
        batch.projects.amount_usd_constant[0] = 1.0


# --- consistency -------------------------------------------------------------------------------


def test_percentages_are_positive_and_sum_to_100_per_project() -> None:
    batch = portfolio(20_000)
    for child, key in ((batch.countries, "iso3"), (batch.sectors, "code")):
        assert np.all((child.percentage > 0) & (child.percentage <= 100))
        totals = per_project(batch, child.project_id, child.percentage)
        np.testing.assert_allclose(totals, 100.0, rtol=0, atol=1e-9)
        pairs = pd.DataFrame({"p": child.project_id, "k": getattr(child, key)})
        assert not pairs.duplicated().any(), "a (project, code) pair would break the primary key"
        assert np.all(np.diff(child.project_id) >= 0)
    shares = np.bincount(batch.countries.project_id - 1, minlength=len(batch))
    assert 0.02 < np.mean(shares > 1) < 0.04  # multi_country_share 0.03
    sectors = np.bincount(batch.sectors.project_id - 1, minlength=len(batch))
    assert 0.08 < np.mean(sectors > 1) < 0.12  # multi_sector_share 0.1


def test_one_commitment_per_project_equal_to_its_amount() -> None:
    batch = portfolio(20_000)
    t, p = batch.transactions, batch.projects
    commitments = t.type == 2
    assert np.array_equal(t.project_id[commitments], p.id)
    assert np.array_equal(t.usd_constant[commitments], p.amount_usd_constant)
    assert np.array_equal(t.usd_nominal[commitments], p.amount_usd_nominal)
    assert np.array_equal(t.date[commitments], p.commitment_date)
    assert np.array_equal(
        p.commitment_year, p.commitment_date.astype("datetime64[Y]").astype(int) + 1970
    )


def test_disbursements_never_exceed_the_commitment_and_repayments_the_disbursements() -> None:
    batch = portfolio(20_000)
    t, p = batch.transactions, batch.projects
    amount = {
        kind: per_project(batch, t.project_id[t.type == kind], t.usd_nominal[t.type == kind])
        for kind in (2, 3, 6)
    }
    constant = per_project(batch, t.project_id[t.type == 3], t.usd_constant[t.type == 3])
    assert np.all(amount[3] <= amount[2] * (1 + 1e-12))
    assert np.all(constant <= p.amount_usd_constant * (1 + 1e-12))
    assert np.all(amount[6] <= amount[3] * (1 + 1e-12))
    assert np.all(t.usd_nominal > 0)
    assert np.all(t.usd_constant > 0)
    started = ~np.isnat(p.actual_start)
    disbursed = amount[3] > 0
    assert np.array_equal(disbursed, started & ~p.is_umbrella)
    # debt service only for loans; grants (finance type 110) never repay
    service = per_project(batch, t.project_id, np.isin(t.type, (5, 6)).astype(float)) > 0
    assert not np.any(service & (p.finance_type == 110))


def test_dates_follow_the_lifecycle() -> None:
    batch = portfolio(20_000)
    p, t = batch.projects, batch.transactions
    assert not np.any(np.isnat(p.planned_start) | np.isnat(p.planned_end))
    assert np.all(p.planned_start > p.commitment_date)
    assert np.all(p.planned_end > p.planned_start)
    started = ~np.isnat(p.actual_start)
    assert np.all(p.actual_start[started] >= p.commitment_date[started])
    ended = ~np.isnat(p.actual_end)
    assert np.array_equal(ended, np.isin(p.status, (3, 4)))
    assert np.all(p.actual_end[ended] >= p.actual_start[ended])
    assert not np.any(started[p.status == 1])
    assert np.all(started[np.isin(p.status, (2, 3, 4, 6))])
    first = p.commitment_date[t.project_id - 1]
    assert np.all(t.date >= first)
    assert t.date.max() <= np.datetime64(f"{max(CAL.years) + 2}-12-31")
    stage = dict(zip(*np.unique(np.stack([p.status.astype(str), p.stage]), axis=1), strict=False))
    assert stage["1"] == "commitment"
    assert stage["3"] == "completion"


def test_flags_codes_and_labels() -> None:
    batch = portfolio(20_000)
    p = batch.projects
    assert np.array_equal(p.recommended_for_aggregates, ~p.is_umbrella & ~np.isin(p.status, (5, 6)))
    assert 0.01 < p.is_umbrella.mean() < 0.03
    assert set(np.unique(p.flow_class)) == set(CAL.flow_classes)
    assert set(np.unique(p.finance_type)) == {110, 421}  # 410-414 are withdrawn codes
    assert np.all(p.flow_type[p.flow_class == "ODA-like"] == 10)
    assert np.all(p.flow_type[p.flow_class == "OOF-like"] == 21)  # 20 is withdrawn
    assert np.all(p.flow_type[p.flow_class == "Vague (Official Finance)"] == 0)
    assert np.array_equal(p.amount_original, p.amount_usd_nominal)
    assert batch.amount_currency == "USD"
    assert batch.sector_vocabulary == "1"
    assert len(set(p.identifier.tolist())) == len(batch)
    assert all(re.fullmatch(r"SYN-11-\d{9}", i) for i in p.identifier[:100])
    assert all(t.startswith("Synthetic ") for t in p.title.tolist())
    assert set(np.unique(p.financier)) <= set(range(len(SYNTHETIC_FINANCIERS)))
    grants = p.finance_type == 110
    assert set(np.unique(p.financier[grants])) <= {1, 3, 4, 5}  # no bank-only financiers
    for financier in SYNTHETIC_FINANCIERS:
        assert financier.name.startswith("Synthetic ")
        assert financier.ref.startswith("XE-EXAMPLE-SYN-")


def test_every_iati_code_is_an_active_one() -> None:
    """The reference enums hold active codes only: a withdrawn code would raise here."""
    batch = portfolio(20_000)
    p = batch.projects
    for code in np.unique(p.status).tolist():
        ActivityStatus(code)
    for code in np.unique(p.finance_type).tolist():
        FinanceType(code)
    for code in set(np.unique(p.flow_type).tolist()) - {0}:
        FlowType(code)
    for code in np.unique(batch.transactions.type).tolist():
        TransactionType(code)
    for financier in SYNTHETIC_FINANCIERS:
        OrganisationType(financier.org_type)


def test_nominal_follows_the_documented_deflator() -> None:
    batch = portfolio(2_000)
    p = batch.projects
    expected = p.amount_usd_constant * 1.02 ** (p.commitment_year.astype(float) - 2021)
    np.testing.assert_allclose(p.amount_usd_nominal, expected, rtol=1e-12)


# --- calibration is followed -------------------------------------------------------------------


def chi_square_critical(df: int, z: float = 3.72) -> float:
    """Wilson-Hilferty approximation of the chi-square quantile (z 3.72: p = 0.0001)."""
    return df * (1 - 2 / (9 * df) + z * math.sqrt(2 / (9 * df))) ** 3


def assert_follows(observed: np.ndarray, weights: tuple[float, ...]) -> None:
    expected_share = np.asarray(weights) / sum(weights)
    keep = expected_share > 0
    assert observed[~keep].sum() == 0
    expected = expected_share[keep] * observed.sum()
    statistic = float(((observed[keep] - expected) ** 2 / expected).sum())
    assert statistic < chi_square_critical(int(keep.sum()) - 1)


def test_the_mix_follows_the_calibration() -> None:
    batch = portfolio(100_000)
    p = batch.projects
    first = np.unique(batch.countries.project_id, return_index=True)[1]
    iso = pd.Series(batch.countries.iso3[first])
    assert_follows(
        iso.value_counts().reindex(CAL.countries, fill_value=0).to_numpy(), CAL.country_weights
    )
    first_sector = np.unique(batch.sectors.project_id, return_index=True)[1]
    codes = pd.Series(batch.sectors.code[first_sector])
    assert_follows(
        codes.value_counts().reindex(CAL.sectors, fill_value=0).to_numpy(), CAL.sector_weights
    )
    years = pd.Series(p.commitment_year).value_counts().reindex(CAL.years, fill_value=0)
    assert_follows(years.to_numpy(), CAL.year_weights)
    assert_follows(np.bincount(p.status, minlength=7)[1:], CAL.status_weights)
    flows = pd.Series(p.flow_class).value_counts().reindex(CAL.flow_classes, fill_value=0)
    assert_follows(flows.to_numpy(), CAL.flow_class_weights)


def test_amounts_are_log_normal_around_the_calibration() -> None:
    logs = np.log(portfolio(100_000).projects.amount_usd_constant)
    assert abs(np.median(logs) - CAL.amount_log_mu) < 0.05
    assert abs(np.std(logs) - CAL.amount_log_sigma) < 0.05
    assert logs.min() >= math.log(CAL.min_amount_usd) - 1e-9
    assert logs.max() <= math.log(CAL.max_amount_usd) + 1e-9


def test_about_five_transactions_per_project() -> None:
    batch = portfolio(100_000)
    assert len(batch.transactions.project_id) / len(batch) == pytest.approx(5.0, abs=0.05)
    kinds = set(np.unique(batch.transactions.type).tolist())
    assert kinds == {2, 3, 5, 6}


def test_loan_terms_and_caps_are_parameters() -> None:
    no_service = replace(CAL, max_interest_records=0, max_repayment_records=0)
    batch = concat_batches(list(generate(5_000, seed=3, calibration=no_service)))
    assert set(np.unique(batch.transactions.type).tolist()) == {2, 3}
    fully = replace(CAL, disbursed_share=((0.0, 0.0),) + ((1.0, 1.0),) * 5)
    batch = concat_batches(list(generate(5_000, seed=3, calibration=fully)))
    t, p = batch.transactions, batch.projects
    disbursed = per_project(batch, t.project_id[t.type == 3], t.usd_nominal[t.type == 3])
    paid = ~np.isnat(p.actual_start) & ~p.is_umbrella
    np.testing.assert_allclose(disbursed[paid], p.amount_usd_nominal[paid], rtol=1e-12)


def test_mean_transactions_follows_a_custom_calibration() -> None:
    custom = replace(CAL, mean_transactions=8.0)
    batch = concat_batches(list(generate(20_000, seed=3, calibration=custom)))
    assert len(batch.transactions.project_id) / len(batch) == pytest.approx(8.0, abs=0.1)


@settings(max_examples=10, deadline=None)
@given(
    n=st.integers(1, 3 * BLOCK_SIZE),
    batch_size=st.integers(1_000, 40_000),
    seed=st.integers(0, 2**32),
)
def test_any_portfolio_holds_its_invariants(n: int, batch_size: int, seed: int) -> None:
    batches = list(generate(n, seed=seed, calibration=CAL, batch_size=batch_size))
    batch = concat_batches(batches)
    assert len(batch) == n
    assert all(len(b) <= batch_size for b in batches)
    assert np.array_equal(batch.projects.id, np.arange(1, n + 1))
    for child in (batch.countries, batch.sectors):
        np.testing.assert_allclose(per_project(batch, child.project_id, child.percentage), 100.0)
    t = batch.transactions
    committed = per_project(batch, t.project_id[t.type == 2], t.usd_nominal[t.type == 2])
    disbursed = per_project(batch, t.project_id[t.type == 3], t.usd_nominal[t.type == 3])
    assert np.all(disbursed <= committed * (1 + 1e-12))
    whole = concat_batches(list(generate(n, seed=seed, calibration=CAL, batch_size=n)))
    assert_same(batch, whole)


# --- defaults and data-derived calibrations ----------------------------------------------------


def test_default_calibration_is_wide_and_valid() -> None:
    assert len(CAL.countries) >= 140
    assert all(pycountry.countries.get(alpha_3=c) is not None for c in CAL.countries)
    shares = dict(
        zip(CAL.countries, np.asarray(CAL.country_weights) / sum(CAL.country_weights), strict=True)
    )
    top = sorted(shares, key=shares.__getitem__, reverse=True)[:16]
    assert {"PAK", "IDN", "AGO", "KEN", "ETH", "NGA", "LAO"} <= set(top)
    assert CAL.years == tuple(range(2000, 2022))
    assert "hand-set" in CAL.source


@cache
def sector_codes() -> dict[str, str | None]:
    if not SECTOR_CODELIST.exists():
        pytest.skip(f"IATI Sector codelist not found: {SECTOR_CODELIST}")
    items = ET.parse(SECTOR_CODELIST).getroot().iter("codelist-item")  # noqa: S314 - our file
    return {item.findtext("code") or "": item.get("status") for item in items}


def test_every_sector_code_is_an_active_dac_purpose_code() -> None:
    codes = sector_codes()
    used = set(CAL.sectors) | {code for split in AIDDATA_SECTORS.values() for code, _ in split}
    unknown = sorted(c for c in used if c not in codes)
    withdrawn = sorted(c for c in used if codes.get(c) == "withdrawn")
    assert unknown == []
    assert withdrawn == []
    for name, split in AIDDATA_SECTORS.items():
        assert sum(share for _, share in split) == pytest.approx(1.0), name


@pytest.fixture(scope="module")
def geogcdf() -> pd.DataFrame:
    if not GEOGCDF.exists():
        pytest.skip(f"AidData GeoGCDF 3.0 file not found at {GEOGCDF} (shared data not mounted)")
    return pd.read_csv(GEOGCDF)


def test_calibration_from_aiddata_matches_the_file(geogcdf: pd.DataFrame) -> None:
    calibration = calibrate_from_aiddata(geogcdf)
    iso = geogcdf["Recipient.ISO-3"]
    valid = iso.astype("string").str.fullmatch(r"[A-Z]{3}").fillna(False).astype(bool)
    assert len(calibration.countries) >= 140
    assert len(calibration.countries) == iso[valid].nunique()
    expected = iso[valid].value_counts(normalize=True)
    got = pd.Series(calibration.country_weights, index=calibration.countries)
    got = got / got.sum()
    for code in expected.index[:10]:
        assert got[code] == pytest.approx(expected[code], rel=1e-12)
    assert calibration.years == tuple(range(2000, 2022))
    assert f"{int((~valid).sum()):,} rows skipped" in calibration.source
    positive = geogcdf["Amount.(Constant.USD.2021)"]
    logs = np.log(positive[positive > 0])
    assert calibration.amount_log_mu == pytest.approx(logs.mean())
    statuses = dict(zip(range(1, 7), calibration.status_weights, strict=True))
    counts = geogcdf["Status"].value_counts()
    assert statuses[3] == counts["Completion"]
    assert statuses[2] == counts["Implementation"]
    energy = geogcdf["Sector.Name"].eq("ENERGY").sum()
    weights = dict(zip(calibration.sectors, calibration.sector_weights, strict=True))
    assert weights["23220"] == pytest.approx(energy * 0.3)
    batch = next(generate(2_000, seed=5, calibration=calibration))
    assert set(np.unique(batch.countries.iso3)) <= set(calibration.countries)


def small_frame(**changes: object) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "Recipient.ISO-3": ["KEN", "PAK", None, "Africa, regional"],
            "Sector.Name": ["ENERGY", "Transport and Storage", "HEALTH", "EMERGENCY RESPONSE"],
            "Commitment.Year": [2010, 2012, 2012, 2013],
            "Amount.(Constant.USD.2021)": [1e6, 1e8, np.nan, 5e5],
            "Status": ["Completion", "Implementation", "Pipeline: Commitment", "Cancelled"],
        }
    )
    for column, value in changes.items():
        frame[column.replace("_", ".")] = value
    return frame


def test_calibration_from_a_small_frame() -> None:
    calibration = calibrate_from_aiddata(small_frame())
    assert calibration.countries == ("KEN", "PAK")
    assert "2 rows skipped" in calibration.source
    assert calibration.years == (2010, 2011, 2012, 2013)
    assert calibration.year_weights == (1.0, 0.0, 2.0, 1.0)
    assert calibration.status_weights == (1.0, 1.0, 1.0, 0.0, 1.0, 0.0)
    assert "21020" in calibration.sectors  # names are matched case-insensitively


def test_calibration_uses_flow_class_and_umbrella_columns_when_present() -> None:
    frame = small_frame()
    frame["Flow Class"] = ["ODA-like", "OOF-like", "OOF-like", "Vague (Official Finance)"]
    frame["Umbrella"] = ["No", "Yes", "No", "No"]
    calibration = calibrate_from_aiddata(frame)
    assert calibration.flow_class_weights == (1.0, 2.0, 1.0)
    assert calibration.umbrella_share == 0.25


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"Sector_Name": ["ENERGY", "SPACE TOURISM", "HEALTH", "HEALTH"]}, "SPACE TOURISM"),
        ({"Status": ["Completion", "Finished", "Completion", "Completion"]}, "Finished"),
        ({"Recipient_ISO-3": [None, "x", "Asia", None]}, "three-letter"),
        ({"Amount_(Constant_USD_2021)": [np.nan, 0.0, -1.0, 5.0]}, "two positive"),
    ],
)
def test_calibration_rejects_what_it_cannot_use(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        calibrate_from_aiddata(small_frame(**changes))


def test_calibration_names_a_missing_column() -> None:
    with pytest.raises(ValueError, match=r"Status"):
        calibrate_from_aiddata(small_frame().drop(columns=["Status"]))


# --- bad arguments -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "name"),
    [
        ({"n_projects": 0}, "n_projects"),
        ({"n_projects": True}, "n_projects"),
        ({"batch_size": 0}, "batch_size"),
        ({"seed": -1}, "seed"),
        ({"id_start": 0}, "id_start"),
        ({"base_year": 3000}, "base_year"),
    ],
)
def test_generate_rejects_bad_arguments(arguments: dict[str, object], name: str) -> None:
    call: dict[str, object] = {"n_projects": 10, "seed": 1, "calibration": CAL} | arguments
    with pytest.raises(ValueError, match=name):
        next(generate(**call))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "name"),
    [
        ({"country_weights": (-1.0, *CAL.country_weights[1:])}, "country_weights"),
        ({"country_weights": (0.0,) * len(CAL.countries)}, "sum to more than 0"),
        ({"sector_weights": CAL.sector_weights[1:]}, "sector_weights"),
        ({"year_weights": (math.nan, *CAL.year_weights[1:])}, "year_weights"),
        ({"status_weights": (1.0, 1.0)}, "status_weights"),
        ({"countries": ("PAK", "pak", *CAL.countries[2:])}, "countries"),
        ({"sectors": ("210", *CAL.sectors[1:])}, "sectors"),
        ({"multi_country_share": 1.5}, "multi_country_share"),
        ({"flow_classes": ("ODA", "OOF-like", "Vague (Official Finance)")}, "flow_classes"),
        ({"amount_log_sigma": -1.0}, "amount_log_sigma"),
        ({"mean_transactions": 0.5}, "mean_transactions"),
        ({"maturity_years": (5, 12, 15)}, "maturity_years"),
        ({"interest_rates": (0.02, 0.045)}, "interest rate each"),
        ({"disbursed_share": ((0.5, 0.1),) * 6}, "disbursed_share"),
        ({"cancelled_after_start_share": -0.1}, "cancelled_after_start_share"),
    ],
)
def test_calibration_rejects_bad_parameters(changes: dict[str, object], name: str) -> None:
    with pytest.raises(ValueError, match=re.escape(name)):
        replace(CAL, **changes)  # type: ignore[arg-type]


def test_a_single_country_calibration_has_no_multi_country_projects() -> None:
    single = replace(CAL, countries=("KEN",), country_weights=(1.0,), multi_country_share=1.0)
    batch = concat_batches(list(generate(1_000, seed=1, calibration=single)))
    assert set(batch.countries.iso3.tolist()) == {"KEN"}
    assert np.all(batch.countries.percentage == 100.0)


def test_zero_weight_values_are_never_drawn() -> None:
    weights = tuple(
        0.0 if c in ("PAK", "AGO") else w
        for c, w in zip(CAL.countries, CAL.country_weights, strict=True)
    )
    batch = portfolio_with(replace(CAL, country_weights=weights, multi_country_share=0.5))
    assert not {"PAK", "AGO"} & set(batch.countries.iso3.tolist())


def portfolio_with(calibration: Calibration) -> SyntheticBatch:
    return concat_batches(list(generate(5_000, seed=2, calibration=calibration)))
