"""The synthetic registry: reproducible, batch-independent, plausible, labelled, dated in order."""

from __future__ import annotations

from dataclasses import fields, replace
from functools import cache

import numpy as np
import pytest

from beltroad.engines.synthetic import concat_batches, default_calibration, generate
from beltroad.engines.synthetic_calibration import (
    REFERENCE_PROJECTS,
    RegistryCalibration,
    default_registry_calibration,
)
from beltroad.engines.synthetic_registry import INITIATOR, SyntheticRegistry, generate_registry
from beltroad.errors import InvalidInput
from beltroad.reference.countries import load_countries
from beltroad.reference.reported import END_2023, SYMPOSIUM_DATE, reported_fact

CAL = default_calibration()
TABLES = ("organisations", "partnerships", "documents", "parties", "zones", "enterprises")


@cache
def registry(n: int, seed: int = 11) -> SyntheticRegistry:
    return generate_registry(n, seed=seed, calibration=CAL)


def columns(r: SyntheticRegistry) -> dict[str, np.ndarray]:
    out = {}
    for table in TABLES:
        cols = getattr(r, table)
        for f in fields(cols):
            value = getattr(cols, f.name)
            out[f"{table}.{f.name}"] = value.view(np.int64) if value.dtype.kind == "M" else value
    return out


def assert_same(a: SyntheticRegistry, b: SyntheticRegistry) -> None:
    left, right = columns(a), columns(b)
    assert left.keys() == right.keys()
    for name in left:
        assert left[name].dtype == right[name].dtype, name
        assert np.array_equal(left[name], right[name]), f"{name} differs"
    assert (a.as_of, a.stock_year, a.base_year, a.seed) == (
        b.as_of,
        b.stock_year,
        b.base_year,
        b.seed,
    )


def in_force(start: np.ndarray, end: np.ndarray, day: np.datetime64) -> np.ndarray:
    return (start <= day) & (np.isnat(end) | (end >= day))


def test_same_seed_gives_the_same_registry() -> None:
    assert_same(generate_registry(2_000, seed=5, calibration=CAL), registry(2_000, 5))


def test_a_different_seed_gives_a_different_registry() -> None:
    a, b = registry(2_000, 5), registry(2_000, 6)
    assert not np.array_equal(a.enterprises.stock_usd_constant, b.enterprises.stock_usd_constant)
    assert a.enterprises.source_record_id[0] != b.enterprises.source_record_id[0]


@pytest.mark.parametrize("batch_size", [1, 777, 50_000])
def test_batch_size_changes_neither_the_portfolio_nor_the_registry(batch_size: int) -> None:
    # The registry takes no batch: it is drawn from its own streams, whole. Generating the
    # portfolio in any batches first must not move it (no shared random state).
    n = 3_000
    portfolio = concat_batches(list(generate(n, seed=11, calibration=CAL, batch_size=batch_size)))
    again = concat_batches(list(generate(n, seed=11, calibration=CAL)))
    assert np.array_equal(
        portfolio.projects.amount_usd_constant, again.projects.amount_usd_constant
    )
    assert_same(generate_registry(n, seed=11, calibration=CAL), registry(n))


def test_the_reference_size_lands_near_the_reported_figures() -> None:
    r = registry(REFERENCE_PROJECTS)
    symposium = np.datetime64(SYMPOSIUM_DATE)
    end_2023 = np.datetime64(END_2023)
    p = r.partnerships
    countries = set(p.country_iso3[in_force(p.joined_on, p.exited_on, symposium)].tolist())
    assert len(countries) > reported_fact("partner_countries").value
    d, parties = r.documents, r.parties
    live = in_force(d.signed_on, d.expires_on, symposium)[parties.document]
    orgs = set(parties.organisation[live & (parties.organisation >= 0)].tolist())
    assert len(orgs) > reported_fact("partner_organizations").value
    e = r.enterprises
    active = (e.established_on <= end_2023) & (np.isnat(e.closed_on) | (e.closed_on > end_2023))
    assert int(active.sum()) == pytest.approx(reported_fact("overseas_enterprises").value, rel=0.1)
    stock = float(e.stock_usd_constant[active].sum())
    assert reported_fact("investment_stock_usd").value < stock < 1.5e12
    jobs = int(r.zones.jobs_local[r.zones.established_year <= END_2023.year].sum())
    assert jobs == pytest.approx(reported_fact("zone_local_jobs").value, rel=0.1)


def test_size_follows_the_documented_scaling_rule() -> None:
    reg = default_registry_calibration()
    for n in (1, 300, 20_000, 1_000_000):
        r = generate_registry(n, seed=3, calibration=CAL) if n != 1_000_000 else None
        expected = max(reg.min_enterprises, round(reg.enterprises * reg.scale(n)))
        if r is not None:
            assert len(r.enterprises.name) == expected
            assert len(r.zones.name) == max(reg.min_zones, round(reg.zones * reg.scale(n)))
    assert 50_000 < round(reg.enterprises * reg.scale(1_000_000)) < 70_000  # tens of thousands
    assert 300 < round(reg.zones * reg.scale(1_000_000)) < 500  # hundreds
    # partners and organisations do not scale: there are only so many countries
    assert len(registry(300).partnerships.country_iso3) == len(
        registry(REFERENCE_PROJECTS).partnerships.country_iso3
    )


def test_everything_is_labelled_synthetic() -> None:
    r = registry(2_000)
    assert all(name.startswith("Synthetic ") for name in r.organisations.name.tolist())
    assert all(key.startswith("XE-EXAMPLE-SYN-") for key in r.organisations.key.tolist())
    for table in ("partnerships", "documents", "zones", "enterprises"):
        ids = getattr(r, table).source_record_id.tolist()
        assert all(i.startswith("SYN-11-") for i in ids), table
        assert len(set(ids)) == len(ids), table
    for names in (r.documents.title, r.zones.name, r.enterprises.name):
        assert all(n.startswith("Synthetic ") for n in names.tolist())
    assert (
        r.organisations.is_international.sum()
        == default_registry_calibration().international_organisations
    )


def test_dates_are_ordered_and_within_the_registry() -> None:
    r = registry(5_000)
    first_signing = np.datetime64(default_registry_calibration().first_signing)
    p, d, e = r.partnerships, r.documents, r.enterprises
    assert (p.joined_on >= first_signing).all()
    assert (p.joined_on <= r.as_of).all()
    exited = ~np.isnat(p.exited_on)
    assert 0 < exited.sum() <= default_registry_calibration().partner_exits
    assert (p.exited_on[exited] > p.joined_on[exited]).all()
    assert (d.signed_on >= first_signing).all()
    assert (d.signed_on <= r.as_of).all()
    expiring = ~np.isnat(d.expires_on)
    assert (d.expires_on[expiring] > d.signed_on[expiring]).all()
    assert (e.established_on <= r.as_of).all()
    closed = ~np.isnat(e.closed_on)
    assert (e.closed_on[closed] > e.established_on[closed]).all()
    assert (e.closed_on[closed] <= r.as_of).all()
    year = e.established_on.astype("datetime64[Y]").astype(int) + 1970
    in_zone = e.zone >= 0
    assert (year[in_zone] >= r.zones.established_year[e.zone[in_zone]]).all()
    assert (r.zones.established_year <= r.stock_year).all()


def test_a_partner_that_exits_has_no_document_in_force_after_it() -> None:
    r = registry(2_000)
    p, d, parties = r.partnerships, r.documents, r.parties
    for iso, day in zip(
        p.country_iso3[~np.isnat(p.exited_on)], p.exited_on[~np.isnat(p.exited_on)], strict=True
    ):
        docs = parties.document[parties.country_iso3 == iso]
        after = day + np.timedelta64(1, "D")
        assert not in_force(d.signed_on[docs], d.expires_on[docs], after).any()


def test_references_and_codes_are_consistent() -> None:
    r = registry(5_000)
    known = {c.iso3 for c in load_countries()}
    e, z, o = r.enterprises, r.zones, r.organisations
    assert INITIATOR not in set(e.host_iso3.tolist()) | set(z.host_iso3.tolist())
    assert INITIATOR not in set(r.partnerships.country_iso3.tolist())
    assert set(e.host_iso3.tolist()) | set(z.host_iso3.tolist()) <= known
    assert set(r.parties.country_iso3.tolist()) - {""} <= known
    assert (~o.is_international[e.parent]).all()
    assert (~o.is_international[z.developer]).all()
    assert o.is_international[r.parties.organisation[r.parties.organisation >= 0]].all()
    # each party row names exactly one party; each document has the initiator and one partner
    assert ((r.parties.country_iso3 == "") != (r.parties.organisation < 0)).all()
    assert np.array_equal(np.bincount(r.parties.document), np.full(len(r.documents.title), 2))
    in_zone = e.zone >= 0
    assert (e.host_iso3[in_zone] == z.host_iso3[e.zone[in_zone]]).all()
    assert np.array_equal(np.bincount(e.zone[in_zone], minlength=len(z.name)), z.enterprises_hosted)
    assert set(e.sector_code.tolist()) <= set(CAL.sectors)


def test_magnitudes_are_plausible() -> None:
    e, z = registry(5_000).enterprises, registry(5_000).zones
    assert (e.stock_usd_constant > 0).all()
    assert (e.stock_usd_constant <= 2e10).all()
    assert (e.stock_usd_nominal >= e.stock_usd_constant).all()  # 2023 dollars, base 2021
    assert (e.assets_usd > e.stock_usd_constant).all()
    assert (e.employees_local >= 1).all()
    assert (e.employees_expat >= 0).all()
    assert 10 < np.median(e.employees_local) < 500
    for lat, lon in ((e.lat, e.lon), (z.lat, z.lon)):
        assert np.isfinite(lat).all()
        assert (np.abs(lat) < 90).all()
        assert (np.abs(lon) <= 180).all()
    assert (z.jobs_local > 0).all()
    assert (z.investment_usd > 0).all()


def test_a_small_calibration_still_gives_a_registry() -> None:
    small = replace(
        CAL,
        countries=("KEN", "CHN", "QQQ"),
        country_weights=(1.0, 1.0, 0.0),
    )
    r = generate_registry(10, seed=1, calibration=small)
    assert INITIATOR not in r.partnerships.country_iso3.tolist()
    assert set(r.enterprises.host_iso3.tolist()) <= {
        "KEN",
        *default_registry_calibration().extra_partners,
    }
    assert np.isnan(r.zones.lat[r.zones.host_iso3 == "QQQ"]).all()  # no centre known: no point


def test_arrays_are_read_only() -> None:
    with pytest.raises(ValueError, match="read-only"):
        registry(300).enterprises.stock_usd_constant[0] = 1.0


@pytest.mark.parametrize(
    ("changes", "name"),
    [
        ({"enterprises": 0}, "enterprises"),
        ({"scale_exponent": 1.5}, "scale_exponent"),
        ({"organisation_lapses": 99}, "organisation_lapses"),
        ({"closed_share": -0.1}, "closed_share"),
        ({"stock_mean_usd": float("nan")}, "stock_mean_usd"),
        ({"extra_partners": ("pol",)}, "extra_partners"),
        ({"first_signing": "2013-13-45"}, "first_signing"),
    ],
)
def test_bad_registry_calibrations_are_refused(changes: dict[str, object], name: str) -> None:
    with pytest.raises(InvalidInput, match=name):
        RegistryCalibration(**changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("arguments", "name"),
    [({"n_projects": 0}, "n_projects"), ({"seed": -1}, "seed"), ({"base_year": 1800}, "base_year")],
)
def test_generate_registry_refuses_bad_arguments(arguments: dict[str, object], name: str) -> None:
    values: dict[str, object] = {"n_projects": 10, "seed": 1, "calibration": CAL, **arguments}
    with pytest.raises(InvalidInput, match=name):
        generate_registry(**values)  # type: ignore[arg-type]
