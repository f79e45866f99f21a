"""The registry around a synthetic portfolio: partners, documents, enterprises and zones.

:func:`generate_registry` draws, for a portfolio of *n* projects, what the headline counts:
partnerships with the partner countries (joining dates, a few exits), international
organisations with cooperation documents and their parties, overseas enterprises (host country,
sector, investment stock, staff, location, founding date, parent group) and cooperation zones
(host, location, local jobs, enterprises hosted, opening year). Like the portfolio it is a
fixture, never data: names start with "Synthetic", references live in the reserved
``XE-EXAMPLE-SYN-`` namespace, record ids start with ``SYN-<seed>-``, and the writer marks every
row synthetic.

The registry depends on ``n_projects``, ``seed``, the two calibrations and ``base_year`` only,
never on how the portfolio is batched: it is drawn whole from its own random streams
(``SeedSequence([seed, REGISTRY_STREAM])``), which leaves the project blocks untouched. Its size
follows :class:`~beltroad.engines.synthetic_calibration.RegistryCalibration` (tens of thousands
of enterprises at a million projects, a few KB per thousand enterprises in memory).

>>> from beltroad.engines.synthetic import default_calibration
>>> registry = generate_registry(20_000, seed=7, calibration=default_calibration())
>>> len(registry.partnerships.country_iso3) > 150, len(registry.enterprises.name) > 17_000
(True, True)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

from beltroad.engines.synthetic import SECTOR_LABELS
from beltroad.engines.synthetic_batch import Bools, Dates, Floats, Ints, Strs, _read_only
from beltroad.engines.synthetic_calibration import (
    CENTROIDS,
    SCATTER_DEGREES,
    SMALL_COUNTRIES,
    SMALL_SCATTER_DEGREES,
    Calibration,
    RegistryCalibration,
    _problem,
    default_registry_calibration,
)
from beltroad.reference.iati import DocumentCategory, OrganisationType

#: Second seed word of the registry's streams; project blocks use [seed, block] with block < 2**32.
REGISTRY_STREAM = 2**32 + 1
INITIATOR = "CHN"  # a party to every document; never a partner, never a host
MOU_CATEGORY = DocumentCategory.MEMORANDUM_OF_UNDERSTANDING_IF_AGREED_BY_ALL_PARTIES.code
_MULTILATERAL = int(OrganisationType.MULTILATERAL)
_PUBLIC = int(OrganisationType.OTHER_PUBLIC_SECTOR)
_PRIVATE = int(OrganisationType.PRIVATE_SECTOR_IN_PROVIDER_COUNTRY)
#: Kinds of synthetic international organisation, for their names (none of them exists).
ORGANISATION_KINDS = (
    "Development Bank", "Trade Forum", "Standards Council", "Health Alliance", "Energy Agency",
    "Transport Union", "Customs Network", "Science Academy", "Environment Programme",
    "Finance Facility", "Maritime Council", "Telecommunication Union",
)  # fmt: skip
_NAT = np.iinfo(np.int64).min
_DAY = np.timedelta64(1, "D")


@dataclass(frozen=True, eq=False)
class OrganisationColumns:
    """International organisations, then the parent groups of enterprises. ``key`` is the IATI
    ref; ``country_iso3`` is "" when none."""

    key: Strs
    name: Strs
    org_type: npt.NDArray[np.int16]
    country_iso3: Strs
    is_international: Bools

    def __post_init__(self) -> None:
        _read_only(self)


@dataclass(frozen=True, eq=False)
class PartnershipColumns:
    """One per partner country; ``exited_on`` is NaT while the partner stays."""

    source_record_id: Strs
    country_iso3: Strs
    joined_on: Dates
    exited_on: Dates

    def __post_init__(self) -> None:
        _read_only(self)


@dataclass(frozen=True, eq=False)
class DocumentColumns:
    """Cooperation documents; ``expires_on`` NaT means open-ended, ``iati_category`` "" none."""

    source_record_id: Strs
    title: Strs
    doc_type: Strs
    iati_category: Strs
    signed_on: Dates
    expires_on: Dates
    status: Strs

    def __post_init__(self) -> None:
        _read_only(self)


@dataclass(frozen=True, eq=False)
class PartyColumns:
    """Parties to documents: ``document`` indexes :class:`DocumentColumns`; each row names a
    country (``organisation`` -1) or an organisation (index into organisations, ``country`` "")."""

    document: Ints
    country_iso3: Strs
    organisation: Ints

    def __post_init__(self) -> None:
        _read_only(self)


@dataclass(frozen=True, eq=False)
class ZoneColumns:
    """Cooperation zones; ``developer`` indexes organisations; lat/lon NaN when unknown."""

    source_record_id: Strs
    name: Strs
    host_iso3: Strs
    developer: Ints
    established_year: npt.NDArray[np.int16]
    enterprises_hosted: Ints
    investment_usd: Floats
    output_usd: Floats
    jobs_local: Ints
    jobs_expat: Ints
    lat: Floats
    lon: Floats

    def __post_init__(self) -> None:
        _read_only(self)


@dataclass(frozen=True, eq=False)
class EnterpriseColumns:
    """Overseas enterprises; ``parent`` indexes organisations, ``zone`` zones (-1: outside
    any); ``closed_on`` NaT while operating; stock in USD (constant of the registry's base year,
    and nominal of its ``stock_year``)."""

    source_record_id: Strs
    name: Strs
    parent: Ints
    host_iso3: Strs
    sector_code: Strs
    established_on: Dates
    closed_on: Dates
    stock_usd_constant: Floats
    stock_usd_nominal: Floats
    assets_usd: Floats
    employees_local: Ints
    employees_expat: Ints
    zone: Ints
    lat: Floats
    lon: Floats

    def __post_init__(self) -> None:
        _read_only(self)


@dataclass(frozen=True, eq=False)
class SyntheticRegistry:
    """The registry around a synthetic portfolio (see the module docstring). ``as_of`` is the
    last day anything happens: 31 December two years after the last commitment year, as for
    the portfolio; ``stock_year`` its year, in whose dollars nominal stock is given."""

    organisations: OrganisationColumns
    partnerships: PartnershipColumns
    documents: DocumentColumns
    parties: PartyColumns
    zones: ZoneColumns
    enterprises: EnterpriseColumns
    seed: int
    base_year: int
    as_of: np.datetime64
    stock_year: int
    source: str


def _days(value: str | int) -> int:
    return int(np.datetime64(str(value), "D").astype(np.int64))


def _dates(days: Ints, present: Bools | None = None) -> Dates:
    if present is not None:
        days = np.where(present, days, _NAT)
    return days.astype(np.int64).view("datetime64[D]")


def _stratified_normal(rng: np.random.Generator, size: int) -> Floats:
    """Standard normal quantiles, one from each of ``size`` equal bands, in random order: a
    sum of them sits much closer to its expectation than independent draws would."""
    u = (rng.permutation(size) + rng.random(size)) / size
    u = np.clip(u, 1e-12, 1.0 - 1e-12)
    inv = NormalDist().inv_cdf
    return np.array([inv(float(x)) for x in u], dtype=np.float64)


def _log_normal(rng: np.random.Generator, mean: float, sigma: float, size: int) -> Floats:
    mu = np.log(mean) - sigma**2 / 2.0  # so that the mean, not the median, is ``mean``
    values: Floats = np.exp(mu + sigma * _stratified_normal(rng, size))
    return values


def _pick(rng: np.random.Generator, weights: Floats, size: int) -> npt.NDArray[np.intp]:
    cdf = np.cumsum(weights) / weights.sum()
    return np.minimum(np.searchsorted(cdf, rng.random(size), side="right"), len(weights) - 1)


def _places(
    rng: np.random.Generator, iso3: Sequence[str] | Strs, *, scatter: float | None = None
) -> tuple[Floats, Floats]:
    """Points scattered around each country's centre (NaN where the centre is not known)."""
    codes = list(iso3)
    centre = np.array([CENTROIDS.get(c, (np.nan, np.nan)) for c in codes], dtype=np.float64)
    centre = centre.reshape(len(codes), 2)
    if scatter is None:
        spread = np.array(
            [SMALL_SCATTER_DEGREES if c in SMALL_COUNTRIES else SCATTER_DEGREES for c in codes]
        )
    else:
        spread = np.full(len(codes), scatter)
    noise = rng.normal(0.0, 1.0, (len(codes), 2)) * spread[:, None]
    lat = np.clip(np.round(centre[:, 0] + noise[:, 0], 5), -89.9, 89.9)
    lon = np.round((centre[:, 1] + noise[:, 1] + 180.0) % 360.0 - 180.0, 5)
    return lat, lon


@dataclass(frozen=True)
class _Partners:
    iso3: Strs
    weights: Floats  # for enterprise and zone hosts


def _partners(calibration: Calibration, registry: RegistryCalibration) -> _Partners:
    codes: list[str] = []
    weights: list[float] = []
    for code, weight in zip(calibration.countries, calibration.country_weights, strict=True):
        if code != INITIATOR:
            codes.append(code)
            weights.append(float(weight))
    for code in registry.extra_partners:
        if code != INITIATOR and code not in codes:
            codes.append(code)
            weights.append(registry.extra_partner_weight)
    if not codes:
        raise _problem("leave no partner country besides China", "countries", calibration.countries)
    return _Partners(np.array(codes), np.array(weights, dtype=np.float64))


def _organisations(registry: RegistryCalibration, n_parents: int) -> OrganisationColumns:
    n_io = registry.international_organisations
    kinds = len(ORGANISATION_KINDS)
    io_names = [
        f"Synthetic {ORGANISATION_KINDS[i % kinds]} {chr(65 + i // kinds % 26)}"
        + (str(i // (26 * kinds)) if i >= 26 * kinds else "")
        for i in range(n_io)
    ]
    # The first fifth of the parent groups are state-owned (other public sector), as the
    # largest overseas investors tend to be; the rest are private firms of the provider country.
    state = max(1, n_parents // 5)
    return OrganisationColumns(
        key=np.array(
            [f"XE-EXAMPLE-SYN-IO-{i + 1:03d}" for i in range(n_io)]
            + [f"XE-EXAMPLE-SYN-G-{i + 1:05d}" for i in range(n_parents)]
        ),
        name=np.array(
            io_names + [f"Synthetic Overseas Holding Group {i + 1:05d}" for i in range(n_parents)]
        ),
        org_type=np.array(
            [_MULTILATERAL] * n_io + [_PUBLIC] * state + [_PRIVATE] * (n_parents - state),
            dtype=np.int16,
        ),
        country_iso3=np.array([""] * n_io + [INITIATOR] * n_parents),
        is_international=np.arange(n_io + n_parents) < n_io,
    )


def _agreements(
    rng: np.random.Generator,
    seed: int,
    registry: RegistryCalibration,
    partners: _Partners,
    orgs: OrganisationColumns,
    as_of: int,
) -> tuple[PartnershipColumns, DocumentColumns, PartyColumns]:
    # The order of the draws below is part of the output's definition: append, never reorder.
    start = _days(registry.first_signing)
    span = max(as_of - start, 1)
    n = len(partners.iso3)
    joined = start + np.floor(rng.beta(2.0, 2.5, n) * span).astype(np.int64)
    exits = rng.choice(n, size=min(registry.partner_exits, n), replace=False)
    exited = np.full(n, _NAT, dtype=np.int64)
    share = rng.uniform(0.3, 0.95, len(exits))
    exited[exits] = joined[exits] + np.maximum(np.ceil(share * (as_of - joined[exits])), 1)
    has_exit = exited != _NAT
    exited = np.where(has_exit, np.minimum(exited, as_of + 1), exited)
    iso = partners.iso3.tolist()
    partnerships = PartnershipColumns(
        source_record_id=np.array([f"SYN-{seed}-PARTNER-{c}" for c in iso]),
        country_iso3=partners.iso3.copy(),
        joined_on=_dates(joined),
        exited_on=_dates(exited, has_exit),
    )

    # Each partner's memorandum is signed on the day it joins and ends when it leaves.
    plan = rng.random(n) < registry.plan_share
    plan_signed = joined + rng.integers(365, 4 * 365, n)
    plan &= (plan_signed <= as_of) & (~has_exit | (plan_signed < exited))
    plan_expires = plan_signed + registry.plan_years * 365
    plan_expires = np.where(has_exit, np.minimum(plan_expires, exited), plan_expires)
    n_io = int(orgs.is_international.sum())
    io_signed = start + np.floor(rng.beta(2.0, 2.0, n_io) * span).astype(np.int64)
    lapses = rng.choice(n_io, size=registry.organisation_lapses, replace=False)
    io_expires = np.full(n_io, _NAT, dtype=np.int64)
    lapse_share = rng.uniform(0.3, 0.9, len(lapses))
    io_expires[lapses] = io_signed[lapses] + np.maximum(
        np.floor(lapse_share * (as_of - io_signed[lapses])), 1
    )
    io_expires[lapses] = np.minimum(io_expires[lapses], as_of - 1)
    io_has_expiry = io_expires != _NAT

    plan_idx = np.flatnonzero(plan)
    signed = np.concatenate([joined, plan_signed[plan_idx], io_signed])
    expires = np.concatenate([exited, plan_expires[plan_idx], io_expires])
    expiring = np.concatenate([has_exit, np.ones(len(plan_idx), np.bool_), io_has_expiry])
    io_names = orgs.name[:n_io].tolist()
    titles = (
        [f"Synthetic memorandum of understanding on Belt and Road cooperation ({c})" for c in iso]
        + [f"Synthetic cooperation plan under the Belt and Road ({iso[i]})" for i in plan_idx]
        + [f"Synthetic memorandum of understanding with the {name}" for name in io_names]
    )
    kinds = ["mou"] * n + ["plan"] * len(plan_idx) + ["mou"] * n_io
    exited_mou = np.concatenate(
        [has_exit, has_exit[plan_idx] & (plan_expires[plan_idx] == exited[plan_idx])]
    )
    status = np.where(expiring & (expires < as_of), "expired", "in_force")
    status[: len(exited_mou)][exited_mou] = "terminated"
    documents = DocumentColumns(
        source_record_id=np.array([f"SYN-{seed}-DOC-{k + 1:05d}" for k in range(len(titles))]),
        title=np.array(titles),
        doc_type=np.array(kinds),
        iati_category=np.array([MOU_CATEGORY if k == "mou" else "" for k in kinds]),
        signed_on=_dates(signed),
        expires_on=_dates(expires, expiring),
        status=status,
    )

    # Parties: the partner (or organisation) and the initiator, two rows per document.
    n_docs = len(titles)
    partner_of = np.concatenate([np.arange(n), plan_idx])
    first_country = np.concatenate([partners.iso3[partner_of], np.full(n_io, "")])
    first_org = np.concatenate([np.full(len(partner_of), -1), np.arange(n_io)])
    parties = PartyColumns(
        document=np.repeat(np.arange(n_docs, dtype=np.int64), 2),
        country_iso3=np.column_stack([first_country, np.full(n_docs, INITIATOR)]).ravel(),
        organisation=np.column_stack([first_org, np.full(n_docs, -1)]).ravel().astype(np.int64),
    )
    return partnerships, documents, parties


def _zones(
    rng: np.random.Generator,
    registry: RegistryCalibration,
    partners: _Partners,
    parents: Floats,
    first_parent: int,
    count: int,
    as_of_year: int,
) -> tuple[npt.NDArray[np.intp], Ints, Ints, Ints, Floats, Floats]:
    """(host index, developer, year, local jobs, lat, lon) of ``count`` zones."""
    host = _pick(rng, partners.weights, count)
    developer = first_parent + _pick(rng, parents, count)
    years = max(as_of_year - registry.first_zone_year + 1, 1)
    year = registry.first_zone_year + np.floor(rng.beta(2.0, 1.5, count) * years)
    jobs = np.round(_log_normal(rng, registry.zone_jobs_mean, registry.zone_jobs_log_sigma, count))
    lat, lon = _places(rng, partners.iso3[host])
    return host, developer.astype(np.int64), year.astype(np.int64), jobs.astype(np.int64), lat, lon


def generate_registry(
    n_projects: int,
    *,
    seed: int,
    calibration: Calibration,
    registry: RegistryCalibration | None = None,
    base_year: int = 2021,
) -> SyntheticRegistry:
    """The registry around a synthetic portfolio of ``n_projects`` (see the module docstring).

    Partner countries are the calibration's recipients plus ``registry.extra_partners`` (never
    China); enterprises and zones are hosted in proportion to the calibration's country weights.

    >>> from beltroad.engines.synthetic import default_calibration
    >>> r = generate_registry(1_000, seed=1, calibration=default_calibration())
    >>> int(r.enterprises.stock_usd_constant.min()) > 0, str(r.as_of)
    (True, '2023-12-31')
    """
    for name, value, least in (("n_projects", n_projects, 1), ("seed", seed, 0)):
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise _problem(f"must be an integer >= {least}", name, value)
    if not 1900 <= base_year <= 2100:
        raise _problem("must be a year between 1900 and 2100", "base_year", base_year)
    reg = registry or default_registry_calibration()
    stock_year = max(calibration.years) + 2
    as_of = _days(f"{stock_year}-12-31")
    streams = [
        np.random.default_rng(s) for s in np.random.SeedSequence([seed, REGISTRY_STREAM]).spawn(3)
    ]
    scale = reg.scale(n_projects)
    n_enterprises = max(reg.min_enterprises, round(reg.enterprises * scale))
    n_zones = max(reg.min_zones, round(reg.zones * scale))
    n_parents = max(10, round(n_enterprises / reg.enterprises_per_parent))
    # A few large groups own many enterprises: parent weights fall as 1 / rank.
    parent_weights = 1.0 / np.arange(1, n_parents + 1, dtype=np.float64)

    partners = _partners(calibration, reg)
    orgs = _organisations(reg, n_parents)
    first_parent = reg.international_organisations
    partnerships, documents, parties = _agreements(streams[0], seed, reg, partners, orgs, as_of)

    # Zones, then the enterprises (some inside a zone of their host country).
    rng = streams[1]
    z_host, z_developer, z_year, z_jobs, z_lat, z_lon = _zones(
        rng, reg, partners, parent_weights, first_parent, n_zones, stock_year
    )
    rng = streams[2]
    n = n_enterprises
    host = _pick(rng, partners.weights, n)
    sector_weights = np.asarray(calibration.sector_weights, dtype=np.float64)
    sector = _pick(rng, sector_weights, n)
    parent = first_parent + _pick(rng, parent_weights, n)
    first = _days(reg.first_enterprise)
    # Founding dates lean late: overseas investment grew through the 2010s.
    established = first + np.floor(rng.beta(2.2, 1.3, n) * (as_of - first)).astype(np.int64)
    order = np.argsort(z_host, kind="stable")
    per_host = np.bincount(z_host, minlength=len(partners.iso3))
    host_start = np.cumsum(per_host) - per_host
    in_zone = (rng.random(n) < reg.in_zone_share) & (per_host[host] > 0)
    pick = np.floor(rng.random(n) * np.maximum(per_host[host], 1)).astype(np.int64)
    zone = np.where(in_zone, order[np.minimum(host_start[host] + pick, len(order) - 1)], -1)
    zone_opened = np.array([_days(f"{y}-01-01") for y in z_year.tolist()], dtype=np.int64)
    if n_zones:
        established = np.where(in_zone, np.maximum(established, zone_opened[zone]), established)
    closing = (rng.random(n) < reg.closed_share) & (established < as_of)
    closed = established + np.maximum(np.ceil(rng.random(n) * (as_of - established)), 1).astype(
        np.int64
    )
    drawn = _log_normal(rng, reg.stock_mean_usd, reg.stock_log_sigma, n)
    stock: Floats = np.minimum(drawn, reg.max_stock_usd).round(2)
    assets = np.round(stock * rng.uniform(1.1, 2.5, n), 2)
    staff = reg.local_staff_per_musd * (stock / 1e6) ** 0.7 * rng.lognormal(0.0, 0.5, n)
    local = np.maximum(np.round(staff), 1).astype(np.int64)
    expat = np.round(local * rng.uniform(*reg.expat_share, n)).astype(np.int64)
    host_iso = partners.iso3[host]
    lat, lon = _places(rng, host_iso)
    # An enterprise in a zone sits within a few km of the zone's point.
    near = rng.normal(0.0, 0.02, (n, 2))
    if n_zones:
        safe = np.maximum(zone, 0)
        lat = np.where(in_zone, np.clip(np.round(z_lat[safe] + near[:, 0], 5), -89.9, 89.9), lat)
        lon = np.where(in_zone, np.round(z_lon[safe] + near[:, 1], 5), lon)
    deflator = (1.0 + calibration.inflation_rate) ** (stock_year - base_year)
    labels = [SECTOR_LABELS.get(calibration.sectors[i], "business") for i in sector.tolist()]
    enterprises = EnterpriseColumns(
        source_record_id=np.array([f"SYN-{seed}-ENT-{i + 1:07d}" for i in range(n)]),
        name=np.array(
            [
                f"Synthetic {label} enterprise no. {i + 1} ({iso})"
                for i, (label, iso) in enumerate(zip(labels, host_iso.tolist(), strict=True))
            ]
        ),
        parent=parent.astype(np.int64),
        host_iso3=host_iso,
        sector_code=np.asarray(calibration.sectors)[sector],
        established_on=_dates(established),
        closed_on=_dates(closed, closing),
        stock_usd_constant=stock,
        stock_usd_nominal=np.round(stock * deflator, 2),
        assets_usd=assets,
        employees_local=local,
        employees_expat=expat,
        zone=zone.astype(np.int64),
        lat=lat,
        lon=lon,
    )

    hosted = np.bincount(zone[in_zone], minlength=n_zones).astype(np.int64)
    invested = np.bincount(zone[in_zone], weights=stock[in_zone], minlength=n_zones)
    rng = streams[1]  # continues the zones' stream
    # A zone's own infrastructure comes on top of its tenants' investment.
    investment = np.round(invested + rng.uniform(2e7, 2e8, n_zones), 2)
    output = np.round(investment * rng.uniform(0.4, 1.8, n_zones), 2)
    z_expat = np.round(z_jobs * rng.uniform(*reg.expat_share, n_zones)).astype(np.int64)
    z_iso = partners.iso3[z_host]
    zones = ZoneColumns(
        source_record_id=np.array([f"SYN-{seed}-ZONE-{i + 1:04d}" for i in range(n_zones)]),
        name=np.array(
            [f"Synthetic cooperation zone no. {i + 1} ({c})" for i, c in enumerate(z_iso.tolist())]
        ),
        host_iso3=z_iso,
        developer=z_developer,
        established_year=z_year.astype(np.int16),
        enterprises_hosted=hosted,
        investment_usd=investment,
        output_usd=output,
        jobs_local=z_jobs,
        jobs_expat=z_expat,
        lat=z_lat,
        lon=z_lon,
    )
    return SyntheticRegistry(
        organisations=orgs,
        partnerships=partnerships,
        documents=documents,
        parties=parties,
        zones=zones,
        enterprises=enterprises,
        seed=seed,
        base_year=base_year,
        as_of=np.datetime64(as_of, "D"),
        stock_year=stock_year,
        source=reg.source,
    )


__all__ = [
    "INITIATOR",
    "REGISTRY_STREAM",
    "DocumentColumns",
    "EnterpriseColumns",
    "OrganisationColumns",
    "PartnershipColumns",
    "PartyColumns",
    "SyntheticRegistry",
    "ZoneColumns",
    "generate_registry",
]
