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
        if not (np.isfinite(self.amount_log_mu) and 0.0 <= self.amount_log_sigma < 20.0):
            raise _problem(
                "needs a finite mu and 0 <= sigma < 20", "amount_log_sigma", self.amount_log_sigma
            )
        if not 0.0 < self.min_amount_usd <= self.max_amount_usd:
            raise _problem("needs 0 < min <= max", "min_amount_usd", self.min_amount_usd)
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
        amount_log_mu=16.6,  # median about USD 16 million
        amount_log_sigma=2.4,
        status_weights=(0.08, 0.15, 0.66, 0.02, 0.05, 0.04),
        flow_class_weights=(0.45, 0.40, 0.15),
        source="beltroad default_calibration(): hand-set approximate parameters ([N] "
        "assumptions) shaped like AidData GCDF 3.0; not computed from data",
    )


__all__ = [
    "DISBURSED_SHARE",
    "FLOW_CLASSES",
    "FLOW_TYPES",
    "Calibration",
    "default_calibration",
]
