"""The shape of a synthetic portfolio: :class:`Calibration` and the hand-set defaults.

A :class:`Calibration` holds the weights and parameters that
:func:`beltroad.engines.synthetic.generate` draws from, and checks them when built.
:func:`default_calibration` is hand-set ([N] assumptions);
:mod:`beltroad.engines.synthetic_aiddata` computes one from an AidData table.

>>> default_calibration().flow_classes
('ODA-like', 'OOF-like', 'Vague (Official Finance)')
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from beltroad.errors import InvalidInput
from beltroad.reference.iati import FlowType

FLOW_CLASSES = ("ODA-like", "OOF-like", "Vague (Official Finance)")
#: IATI FlowType per AidData flow class, as beltroad's AidData importer maps them: ODA-like 10,
#: OOF-like 21 (IATI's OOF 20 is withdrawn, standards.md §1.3); 0 means unknown (stored as NULL):
#: "Vague" is by definition neither reliably ODA nor OOF.
FLOW_TYPES = {
    "ODA-like": int(FlowType.ODA),
    "OOF-like": int(FlowType.NON_EXPORT_CREDIT_OOF),
    "Vague (Official Finance)": 0,
}

# [N] Default disbursed share of the commitment by IATI status 1..6 (low, high), drawn uniformly.
DISBURSED_SHARE = ((0.0, 0.0), (0.1, 0.9), (0.85, 1.0), (0.85, 1.0), (0.02, 0.3), (0.05, 0.6))


def _problem(reason: str, field_name: str, value: object = None) -> InvalidInput:
    return InvalidInput.at(reason, field=field_name, value=value)


def _check_weights(name: str, weights: Sequence[float], size: int) -> None:
    if len(weights) != size:
        raise _problem(f"has {len(weights)} weights for {size} values", name)
    array = np.asarray(weights, dtype=np.float64)
    if not np.all(np.isfinite(array)) or np.any(array < 0):
        raise _problem("weights must be finite and non-negative", name, tuple(weights))
    if array.sum() <= 0:
        raise _problem("weights must sum to more than 0", name, tuple(weights))


@dataclass(frozen=True)
class Calibration:
    """The shape of a synthetic portfolio. Weights need not sum to 1; they are normalised.

    ``status_weights`` are for IATI ActivityStatus 1..6; ``loan_shares``, ``grace_years``,
    ``maturity_years`` and ``interest_rates`` go per flow class; amounts are log-normal in
    constant USD of the generator's ``base_year``, clipped to [``min_amount_usd``,
    ``max_amount_usd``]; nominal USD is constant USD times ``(1 + inflation_rate) ** (year -
    base_year)`` (a flat deflator). Every default below is an [N] assumption: round numbers in
    the range AidData reports, not estimates. ``max_interest_records`` and
    ``max_repayment_records`` cap debt-service rows per loan so that it does not crowd out
    disbursements; ``disbursed_share`` is the (low, high) share of the commitment disbursed, by
    status 1..6; ``three_party_share`` is the share of multi-country (multi-sector) projects
    with three rather than two.
    """

    countries: tuple[str, ...]
    country_weights: tuple[float, ...]
    sectors: tuple[str, ...]
    sector_weights: tuple[float, ...]
    years: tuple[int, ...]
    year_weights: tuple[float, ...]
    amount_log_mu: float
    amount_log_sigma: float
    status_weights: tuple[float, ...]
    flow_class_weights: tuple[float, ...]
    source: str
    flow_classes: tuple[str, ...] = FLOW_CLASSES
    loan_shares: tuple[float, ...] = (0.35, 0.9, 0.6)
    multi_country_share: float = 0.03
    multi_sector_share: float = 0.1
    mean_transactions: float = 5.0
    umbrella_share: float = 0.02
    min_amount_usd: float = 1e4
    max_amount_usd: float = 2.5e10
    inflation_rate: float = 0.02
    grace_years: tuple[int, ...] = (5, 3, 3)
    maturity_years: tuple[int, ...] = (20, 12, 15)
    interest_rates: tuple[float, ...] = (0.02, 0.045, 0.035)
    max_interest_records: int = 3
    max_repayment_records: int = 3
    disbursed_share: tuple[tuple[float, float], ...] = DISBURSED_SHARE
    three_party_share: float = 0.3
    cancelled_after_start_share: float = 0.3
    #: Portfolio size when none is asked for: a data file's record count, or the [N] default.
    projects: int = 10_000
    #: Share of projects with a reported amount; the rest carry none (as in AidData's files).
    amount_share: float = 1.0
    #: Log amounts at evenly spaced probabilities 0..1 (an empirical size distribution); when
    #: given, amounts are drawn from it (inverse CDF, linear in the log) instead of the
    #: log-normal, whose fitted mean overstates a heavy-tailed file's several times over.
    amount_log_quantiles: tuple[float, ...] = ()

    def expected_amount_per_project(self) -> float:
        """The mean constant-USD amount per project (unreported ones count as 0).

        >>> round(default_calibration().expected_amount_per_project() / 1e6)
        88
        """
        if self.amount_log_quantiles:
            logs = np.asarray(self.amount_log_quantiles)
            # Mean of exp over each band, with the log linear inside it.
            low, high = logs[:-1], logs[1:]
            width = high - low
            safe = np.where(width > 1e-12, width, 1.0)
            band = np.where(width > 1e-12, (np.exp(high) - np.exp(low)) / safe, np.exp(low))
            mean = float(band.mean())
        else:
            mean = float(np.exp(self.amount_log_mu + self.amount_log_sigma**2 / 2))
        return self.amount_share * mean

    def __post_init__(self) -> None:
        _check_weights("country_weights", self.country_weights, len(self.countries))
        _check_weights("sector_weights", self.sector_weights, len(self.sectors))
        _check_weights("year_weights", self.year_weights, len(self.years))
        _check_weights("status_weights", self.status_weights, 6)
        _check_weights("flow_class_weights", self.flow_class_weights, len(self.flow_classes))
        for name, values, pattern in (
            ("countries", self.countries, r"[A-Z]{3}"),
            ("sectors", self.sectors, r"[0-9]{5}"),
        ):
            bad = [v for v in values if not re.fullmatch(pattern, v)]
            if bad or len(set(values)) != len(values):
                raise _problem(f"must be distinct codes matching {pattern}", name, bad or values)
        if any(not 1900 <= y <= 2100 for y in self.years) or len(set(self.years)) != len(
            self.years
        ):
            raise _problem("must be distinct years between 1900 and 2100", "years", self.years)
        self._check_terms()
        self._check_amounts()

    def _check_terms(self) -> None:
        """Flow classes with their loan terms, disbursed shares and the other shares."""
        unknown = [c for c in self.flow_classes if c not in FLOW_TYPES]
        per_class = (self.loan_shares, self.grace_years, self.maturity_years, self.interest_rates)
        if unknown or any(len(v) != len(self.flow_classes) for v in per_class):
            raise _problem(
                f"flow classes must be among {FLOW_CLASSES}, with one loan share, grace, "
                "maturity and interest rate each",
                "flow_classes",
                self.flow_classes,
            )
        terms = zip(self.grace_years, self.maturity_years, self.interest_rates, strict=True)
        if any(not (0 <= g < m <= 100 and 0.0 <= r < 1.0) for g, m, r in terms):
            raise _problem(
                "needs 0 <= grace < maturity <= 100 years and 0 <= rate < 1",
                "maturity_years",
                (self.grace_years, self.maturity_years, self.interest_rates),
            )
        if not (0 <= self.max_interest_records <= 100 and 0 <= self.max_repayment_records <= 100):
            raise _problem(
                "must be between 0 and 100", "max_interest_records", self.max_interest_records
            )
        if len(self.disbursed_share) != 6 or any(
            not 0.0 <= low <= high <= 1.0 for low, high in self.disbursed_share
        ):
            raise _problem(
                "needs six (low, high) pairs with 0 <= low <= high <= 1",
                "disbursed_share",
                self.disbursed_share,
            )
        shares = {
            "multi_country_share": self.multi_country_share,
            "multi_sector_share": self.multi_sector_share,
            "umbrella_share": self.umbrella_share,
            "inflation_rate": self.inflation_rate,
            "three_party_share": self.three_party_share,
            "cancelled_after_start_share": self.cancelled_after_start_share,
            **{f"loan_shares[{i}]": s for i, s in enumerate(self.loan_shares)},
        }
        for name, value in shares.items():
            if not 0.0 <= value <= 1.0:
                raise _problem("must be between 0 and 1", name, value)

    def _check_amounts(self) -> None:
        """The amount distribution and the project count."""
        if not (np.isfinite(self.amount_log_mu) and 0.0 <= self.amount_log_sigma < 20.0):
            raise _problem(
                "needs a finite mu and 0 <= sigma < 20", "amount_log_sigma", self.amount_log_sigma
            )
        if not 0.0 < self.min_amount_usd <= self.max_amount_usd:
            raise _problem("needs 0 < min <= max", "min_amount_usd", self.min_amount_usd)
        if not 1 <= self.projects <= 10_000_000:
            raise _problem("must be between 1 and 10,000,000", "projects", self.projects)
        if not 0.0 < self.amount_share <= 1.0:
            raise _problem("must be above 0 and at most 1", "amount_share", self.amount_share)
        quantiles = np.asarray(self.amount_log_quantiles, dtype=np.float64)
        if len(quantiles) == 1 or not (
            np.all(np.isfinite(quantiles)) and np.all(np.diff(quantiles) >= 0)
        ):
            raise _problem(
                "needs two or more finite, non-decreasing log amounts",
                "amount_log_quantiles",
                len(quantiles),
            )
        if not 1.0 <= self.mean_transactions <= 1000.0:
            raise _problem(
                "must be between 1 and 1000", "mean_transactions", self.mean_transactions
            )


# [N] Hand-set, approximate defaults that look like AidData GCDF 3.0 (recipient mix weighted
# toward its largest borrowers; sectors dominated by energy, transport, industry and mining,
# then social infrastructure). They are configurable assumptions, NOT values copied or
# computed from any data file; use calibrate_from_aiddata() for a data-derived calibration.
_COUNTRY_TIERS = (
    (6.0, "AGO PAK IDN KEN ETH NGA LAO KHM VNM BRA VEN RUS KAZ LKA MYS MMR"),
    (3.0, "ECU ARG ZMB TZA COD SDN GHA ZWE UGA CMR COG EGY BGD PHL MNG NPL KGZ TJK UZB TKM IRN "
     "IRQ TUR SRB BLR UKR BOL PER ZAF MOZ NAM GIN CIV SEN MWI SLE DJI PNG THA BWA MDG NER"),
    (1.0, "AFG ALB ARM AZE BEN BFA BDI CPV CAF TCD COM CRI CUB DMA DOM GNQ ERI FJI GAB GMB GEO "
     "GRD GNB GUY JAM JOR KIR LBN LSO LBR LBY MKD MDV MLI MRT MUS MDA MNE MAR PRK OMN RWA WSM "
     "STP SYC SOM SSD SUR SYR TGO TON TTO TUN VUT YEM BIH CHL COL MEX URY SLB TLS FSM NIC SAU "
     "ARE QAT KWT HUN GRC ROU BGR HRV SLV ATG BRB BHS COK NIU PAN BRN MLT PRT"),
)  # fmt: skip
_DEFAULT_SECTORS = (
    ("23220", 8.0), ("23320", 6.0), ("23630", 6.0), ("23230", 3.0), ("23240", 2.0),
    ("23210", 1.0), ("23110", 1.0), ("21020", 10.0), ("21030", 5.0), ("21040", 4.0),
    ("21050", 2.0), ("21010", 1.0), ("32120", 5.0), ("32262", 3.0), ("32264", 2.0),
    ("32261", 1.0), ("32166", 1.0), ("32130", 1.0), ("22020", 5.0), ("22040", 1.0),
    ("14021", 3.0), ("14022", 1.0), ("12230", 4.0), ("12220", 2.0), ("11120", 4.0),
    ("11420", 1.0), ("15110", 2.0), ("15150", 1.0), ("16010", 1.0), ("16030", 1.0),
    ("43030", 1.0), ("31120", 2.0), ("31320", 1.0), ("72010", 2.0), ("33110", 1.0),
    ("25010", 1.0), ("24030", 1.0), ("51010", 1.0), ("41010", 0.5), ("43010", 0.5),
    ("43040", 0.5), ("52010", 0.5), ("73010", 0.3), ("74010", 0.2), ("13020", 0.1),
    ("53030", 0.2),
)  # fmt: skip
# 2000..2021: a slow rise to a 2016-2018 peak, then the 2020 dip.
_DEFAULT_YEAR_WEIGHTS = (
    1.5, 1.6, 1.8, 2.1, 2.3, 3.0, 3.6, 4.0, 4.3, 5.0, 5.4,
    5.6, 5.3, 5.8, 6.0, 6.6, 7.4, 7.8, 8.2, 7.2, 4.8, 5.1,
)  # fmt: skip


def default_calibration() -> Calibration:
    """Hand-set parameters that look like AidData GCDF 3.0 (see the [N] note above).

    >>> len(default_calibration().countries) > 100
    True
    """
    countries = [(c, w) for w, codes in _COUNTRY_TIERS for c in codes.split()]
    return Calibration(
        countries=tuple(c for c, _ in countries),
        country_weights=tuple(w for _, w in countries),
        sectors=tuple(c for c, _ in _DEFAULT_SECTORS),
        sector_weights=tuple(w for _, w in _DEFAULT_SECTORS),
        years=tuple(range(2000, 2022)),
        year_weights=_DEFAULT_YEAR_WEIGHTS,
        # [N] Median about USD 16 million; sigma set so that the mean per project is about
        # USD 88 million (exp(16.6 + 1.84**2 / 2)), the order of AidData's per-project scale
        # (GeoGCDF 3.0: USD 831 bn of constant-2021 commitments over 9,404 records, computed by
        # calibrate_from_aiddata when the file is at hand). The earlier sigma of 2.4 put the
        # mean near USD 290 million: a 20,000-project demo held USD 5.8 tn, 5-8 times AidData.
        amount_log_mu=16.6,
        amount_log_sigma=1.84,
        # [N] About the size of AidData's GeoGCDF 3.0 project list (9,404 records).
        projects=10_000,
        status_weights=(0.08, 0.15, 0.66, 0.02, 0.05, 0.04),
        flow_class_weights=(0.45, 0.40, 0.15),
        source="beltroad default_calibration(): hand-set approximate parameters ([N] "
        "assumptions) shaped like AidData GCDF 3.0: 10,000 projects, about USD 88 million "
        "each on average; not computed from data",
    )


# --- the registry around a portfolio ---------------------------------------------------------

#: The portfolio size at which the registry's defaults are set ([N]): the demo's default, about
#: the number of projects in AidData GCDF 3.0. A synthetic registry of this size lands near the
#: reported headline figures; see :class:`RegistryCalibration` for how it scales.
REFERENCE_PROJECTS = 20_000

# [N] Countries that signed Belt and Road documents but rarely appear as AidData recipients:
# partners with no project in the default mix, so that the partner list is wider than it.
PARTNER_ONLY = (
    "POL", "CZE", "SVK", "SVN", "EST", "LVA", "LTU", "CYP", "LUX", "NZL", "KOR", "SGP", "BHR",
    "ITA", "PSE",
)  # fmt: skip

# [N] Approximate country centres (latitude, longitude in degrees), rounded, hand-set from an
# atlas for placing synthetic zones and enterprises near the right place. Not survey data: a
# point may fall in the sea or across a border. Countries missing here get no coordinates.
CENTROIDS: dict[str, tuple[float, float]] = {
    "AGO": (-12, 18), "PAK": (30, 70), "IDN": (-2, 118), "KEN": (0, 38), "ETH": (9, 39),
    "NGA": (9, 8), "LAO": (18, 103), "KHM": (12, 105), "VNM": (16, 107), "BRA": (-10, -52),
    "VEN": (7, -66), "RUS": (56, 60), "KAZ": (48, 67), "LKA": (7.5, 80.7), "MYS": (4, 102),
    "MMR": (21, 96), "ECU": (-1.5, -78), "ARG": (-34, -64), "ZMB": (-14, 28), "TZA": (-6, 35),
    "COD": (-3, 23), "SDN": (15, 30), "GHA": (8, -1), "ZWE": (-19, 30), "UGA": (1, 32),
    "CMR": (6, 12), "COG": (-1, 15), "EGY": (27, 30), "BGD": (24, 90), "PHL": (12, 122),
    "MNG": (47, 104), "NPL": (28, 84), "KGZ": (41, 75), "TJK": (39, 71), "UZB": (41, 64),
    "TKM": (39, 59), "IRN": (32, 53), "IRQ": (33, 44), "TUR": (39, 35), "SRB": (44, 21),
    "BLR": (53, 28), "UKR": (49, 32), "BOL": (-17, -64), "PER": (-10, -76), "ZAF": (-29, 24),
    "MOZ": (-18, 35), "NAM": (-22, 17), "GIN": (10, -11), "CIV": (7, -5), "SEN": (14, -14),
    "MWI": (-13, 34), "SLE": (8.5, -11.8), "DJI": (11.6, 43), "PNG": (-6, 145),
    "THA": (15, 101), "BWA": (-22, 24), "MDG": (-19, 47), "NER": (16, 8), "AFG": (34, 66),
    "ALB": (41, 20), "ARM": (40, 45), "AZE": (40.3, 47.7), "BEN": (9, 2.3), "BFA": (12, -2),
    "BDI": (-3.4, 29.9), "CPV": (15, -23.6), "CAF": (7, 21), "TCD": (15, 19),
    "COM": (-11.7, 43.3), "CRI": (10, -84), "CUB": (22, -79), "DMA": (15.4, -61.4),
    "DOM": (19, -70.5), "GNQ": (1.6, 10.3), "ERI": (15, 39), "FJI": (-17.8, 178),
    "GAB": (-1, 11.7), "GMB": (13.4, -15.5), "GEO": (42, 43.5), "GRD": (12.1, -61.7),
    "GNB": (12, -15), "GUY": (5, -59), "JAM": (18.1, -77.3), "JOR": (31, 36.5),
    "KIR": (1.4, 173), "LBN": (33.9, 35.8), "LSO": (-29.5, 28.3), "LBR": (6.4, -9.4),
    "LBY": (27, 17), "MKD": (41.6, 21.7), "MDV": (3.2, 73.2), "MLI": (17, -4),
    "MRT": (20, -10), "MUS": (-20.3, 57.6), "MDA": (47, 28.6), "MNE": (42.7, 19.3),
    "MAR": (32, -6), "PRK": (40, 127), "OMN": (21, 57), "RWA": (-2, 30), "WSM": (-13.8, -172),
    "STP": (0.2, 6.6), "SYC": (-4.6, 55.5), "SOM": (6, 46), "SSD": (7, 30), "SUR": (4, -56),
    "SYR": (35, 38), "TGO": (8, 1.2), "TON": (-21.2, -175.2), "TTO": (10.5, -61.3),
    "TUN": (34, 9), "VUT": (-16, 167), "YEM": (15, 48), "BIH": (44, 18), "CHL": (-30, -71),
    "COL": (4, -73), "MEX": (23, -102), "URY": (-33, -56), "SLB": (-9.4, 160),
    "TLS": (-8.8, 126), "FSM": (6.9, 158.2), "NIC": (13, -85), "SAU": (24, 45),
    "ARE": (24, 54), "QAT": (25.3, 51.2), "KWT": (29.3, 47.6), "HUN": (47, 19),
    "GRC": (39, 22), "ROU": (46, 25), "BGR": (43, 25), "HRV": (45.5, 16),
    "SLV": (13.7, -88.9), "ATG": (17.1, -61.8), "BRB": (13.2, -59.5), "BHS": (24.5, -77.5),
    "COK": (-21.2, -159.8), "NIU": (-19.05, -169.9), "PAN": (8.5, -80), "BRN": (4.5, 114.7),
    "MLT": (35.9, 14.4), "PRT": (39.5, -8), "POL": (52, 19), "CZE": (49.8, 15.5),
    "SVK": (48.7, 19.7), "SVN": (46.1, 14.8), "EST": (58.6, 25), "LVA": (57, 25),
    "LTU": (55.2, 23.9), "CYP": (35, 33), "LUX": (49.8, 6.1), "NZL": (-41, 174),
    "KOR": (36, 128), "SGP": (1.35, 103.8), "BHR": (26, 50.5), "ITA": (42.8, 12.5),
    "PSE": (31.9, 35.2),
}  # fmt: skip
#: Points are scattered this far (degrees, standard deviation) around a centre, less for small
#: island and city states (area under ~30,000 km2), so that their points stay near land.
SCATTER_DEGREES = 1.0
SMALL_SCATTER_DEGREES = 0.1
_SMALL = (
    "CPV COM DMA GMB GRD KIR LBN MDV MUS WSM STP SYC TON TTO BRB ATG BHS COK NIU BRN MLT "
    "FSM SLB TLS VUT FJI DJI CYP LUX SGP BHR PSE MNE JAM QAT KWT SLV BDI RWA"
)
SMALL_COUNTRIES = frozenset(_SMALL.split())


@dataclass(frozen=True)
class RegistryCalibration:
    """The shape of the registry around a synthetic portfolio: partners, documents, organisations,
    overseas enterprises and cooperation zones. Every default is an [N] assumption, chosen so that
    a portfolio of ``reference_projects`` gives figures near the reported ones (over 150 partner
    countries, over 30 organisations, about 17,000 enterprises, over USD 330 billion of stock,
    about 530,000 local jobs in zones, end of 2023); none of those figures is written in.

    Scaling rule: enterprises and zones grow as ``(projects / reference_projects) **
    scale_exponent``, so a portfolio 50 times the reference (1,000,000 projects) holds about
    ``50 ** 0.3`` = 3.2 times as many (~60,000 enterprises, ~390 zones): more projects mean more
    firms, but far fewer than one per project. Stock and jobs are per enterprise and per zone, so
    they scale the same way. Partner countries and organisations do not scale: there are only so
    many countries. ``min_enterprises`` and ``min_zones`` keep a tiny portfolio's registry
    meaningful.

    Stock is log-normal with mean ``stock_mean_usd`` (constant USD of the base year); local jobs
    per zone log-normal with mean ``zone_jobs_mean``; both are drawn stratified (one draw per
    quantile band, shuffled) so that totals sit close to their expectation at any size.
    """

    reference_projects: int = REFERENCE_PROJECTS
    scale_exponent: float = 0.3
    enterprises: int = 18_500  # about 8% close before the end, leaving ~17,000 operating
    zones: int = 120
    min_enterprises: int = 200
    min_zones: int = 5
    extra_partners: tuple[str, ...] = PARTNER_ONLY
    extra_partner_weight: float = 1.0  # enterprise weight of a partner with no project weight
    partner_exits: int = 3
    international_organisations: int = 36
    organisation_lapses: int = 3  # organisations whose only document has expired
    first_signing: str = "2013-09-07"  # the initiative's announcement: nothing signed before
    first_enterprise: str = "2000-01-01"
    first_zone_year: int = 2006
    plan_share: float = 0.6  # partners with a cooperation plan after their memorandum
    plan_years: int = 5  # a plan's term
    stock_mean_usd: float = 2.1e7
    stock_log_sigma: float = 1.8
    max_stock_usd: float = 2.0e10
    closed_share: float = 0.08
    in_zone_share: float = 0.25  # of enterprises whose host country has a zone
    enterprises_per_parent: float = 60.0
    local_staff_per_musd: float = 12.0  # local employees per USD million of stock, to the 0.7
    expat_share: tuple[float, float] = (0.02, 0.15)
    zone_jobs_mean: float = 4_400.0
    zone_jobs_log_sigma: float = 0.9
    source: str = (
        "beltroad default_registry_calibration(): hand-set [N] assumptions near the reported "
        "headline figures at 20,000 projects; not computed from data"
    )

    def __post_init__(self) -> None:
        counts = {
            "reference_projects": self.reference_projects,
            "enterprises": self.enterprises,
            "zones": self.zones,
            "min_enterprises": self.min_enterprises,
            "min_zones": self.min_zones,
            "international_organisations": self.international_organisations,
        }
        for name, value in counts.items():
            if not 1 <= value <= 10_000_000:
                raise _problem("must be between 1 and 10,000,000", name, value)
        if not 0 <= self.partner_exits <= 50:
            raise _problem("must be between 0 and 50", "partner_exits", self.partner_exits)
        if not 0 <= self.organisation_lapses <= self.international_organisations:
            raise _problem(
                "must be between 0 and international_organisations",
                "organisation_lapses",
                self.organisation_lapses,
            )
        if not 0.0 <= self.scale_exponent <= 1.0:
            raise _problem("must be between 0 and 1", "scale_exponent", self.scale_exponent)
        for name, share in (
            ("plan_share", self.plan_share),
            ("closed_share", self.closed_share),
            ("in_zone_share", self.in_zone_share),
            ("expat_share", self.expat_share[0]),
            ("expat_share", self.expat_share[1]),
        ):
            if not 0.0 <= share <= 1.0:
                raise _problem("must be between 0 and 1", name, share)
        if self.expat_share[0] > self.expat_share[1]:
            raise _problem("needs low <= high", "expat_share", self.expat_share)
        self._check_scales()

    def _check_scales(self) -> None:
        """Positive sizes, spreads, extra partners and the first dates."""
        positive: dict[str, float] = {
            "stock_mean_usd": self.stock_mean_usd,
            "max_stock_usd": self.max_stock_usd,
            "enterprises_per_parent": self.enterprises_per_parent,
            "local_staff_per_musd": self.local_staff_per_musd,
            "zone_jobs_mean": self.zone_jobs_mean,
            "extra_partner_weight": self.extra_partner_weight,
            "plan_years": self.plan_years,
        }
        for name, amount in positive.items():
            if not (np.isfinite(amount) and amount > 0):
                raise _problem("must be a finite number above 0", name, amount)
        for name, sigma in (
            ("stock_log_sigma", self.stock_log_sigma),
            ("zone_jobs_log_sigma", self.zone_jobs_log_sigma),
        ):
            if not 0.0 <= sigma < 5.0:
                raise _problem("must be between 0 and 5", name, sigma)
        bad = [c for c in self.extra_partners if not re.fullmatch(r"[A-Z]{3}", c)]
        if bad:
            raise _problem("must be ISO 3166-1 alpha-3 codes", "extra_partners", bad)
        try:
            signing = np.datetime64(self.first_signing, "D")
            first = np.datetime64(self.first_enterprise, "D")
        except ValueError:
            raise _problem(
                "must be ISO dates (YYYY-MM-DD)",
                "first_signing",
                (self.first_signing, self.first_enterprise),
            ) from None
        if not (np.datetime64("1950-01-01") <= min(signing, first)):
            raise _problem("must be after 1950", "first_signing", self.first_signing)

    def scale(self, projects: int) -> float:
        """How many times the reference registry a portfolio of ``projects`` gets.

        >>> round(default_registry_calibration().scale(1_000_000), 2)
        3.23
        """
        ratio = projects / self.reference_projects
        return float(ratio**self.scale_exponent)


def default_registry_calibration() -> RegistryCalibration:
    """The hand-set registry defaults ([N]; see :class:`RegistryCalibration`)."""
    return RegistryCalibration()


__all__ = [
    "CENTROIDS",
    "DISBURSED_SHARE",
    "FLOW_CLASSES",
    "FLOW_TYPES",
    "PARTNER_ONLY",
    "REFERENCE_PROJECTS",
    "Calibration",
    "RegistryCalibration",
    "default_calibration",
    "default_registry_calibration",
]
