"""Synthetic cooperation portfolios: realistic-looking, clearly labelled, reproducible.

A synthetic portfolio is a test and benchmark fixture, never data: every identifier starts with
``SYN-``, every financier is named "Synthetic ...", and the writer marks every row synthetic.
Its shape follows a :class:`Calibration`: the hand-set :func:`default_calibration`, or one
computed at run time from an AidData GCDF table with :func:`calibrate_from_aiddata`.

Output is columnar (numpy arrays), produced in fixed blocks of :data:`BLOCK_SIZE` projects, each
drawn from ``np.random.default_rng([seed, block])``. Batches are cut from the blocks, so the
concatenated output depends on ``seed``, ``calibration``, ``base_year`` and ``id_start`` only:
never on ``batch_size``, and the first *n* projects of a longer portfolio equal a portfolio of *n*.

>>> batch = next(generate(10, seed=7, calibration=default_calibration()))
>>> str(batch.projects.identifier[0]), len(batch)
('SYN-7-000000001', 10)
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import TypeVar

import numpy as np
import numpy.typing as npt
import pandas as pd

from beltroad.errors import InvalidInput
from beltroad.reference.iati import (
    ActivityStatus,
    FinanceType,
    FlowType,
    OrganisationType,
    SectorVocabulary,
    TransactionType,
)

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Strs = npt.NDArray[np.str_]
Bools = npt.NDArray[np.bool_]
Dates = npt.NDArray[np.datetime64]

#: projects per internal block; part of the output's definition (changing it changes portfolios)
BLOCK_SIZE = 8192
FLOW_CLASSES = ("ODA-like", "OOF-like", "Vague (Official Finance)")
#: IATI FlowType per AidData flow class, as beltroad's AidData importer maps them: ODA-like 10,
#: OOF-like 21 (IATI's OOF 20 is withdrawn, standards.md §1.3); 0 means unknown (stored as NULL):
#: "Vague" is by definition neither reliably ODA nor OOF.
FLOW_TYPES = {
    "ODA-like": int(FlowType.ODA),
    "OOF-like": int(FlowType.NON_EXPORT_CREDIT_OOF),
    "Vague (Official Finance)": 0,
}
# IATI FinanceType: every loan is 421 "Standard loan" (410-414 are withdrawn, standards.md §1.3).
GRANT, LOAN = int(FinanceType.STANDARD_GRANT), int(FinanceType.STANDARD_LOAN)
COMMITMENT = int(TransactionType.OUTGOING_COMMITMENT)
DISBURSEMENT = int(TransactionType.DISBURSEMENT)
INTEREST = int(TransactionType.INTEREST_PAYMENT)
REPAYMENT = int(TransactionType.LOAN_REPAYMENT)
#: OECD DAC CRS purpose codes (5 digit)
SECTOR_VOCABULARY = SectorVocabulary.OECD_DAC_CRS_PURPOSE_CODES_5_DIGIT.code
# IATI ActivityStatus codes used below.
STARTED_STATUSES = tuple(
    int(s)
    for s in (
        ActivityStatus.IMPLEMENTATION,
        ActivityStatus.FINALISATION,
        ActivityStatus.CLOSED,
        ActivityStatus.SUSPENDED,
    )
)
FINISHED_STATUSES = (int(ActivityStatus.FINALISATION), int(ActivityStatus.CLOSED))
CANCELLED, SUSPENDED = int(ActivityStatus.CANCELLED), int(ActivityStatus.SUSPENDED)

# [N] Default disbursed share of the commitment by IATI status 1..6 (low, high), drawn uniformly.
DISBURSED_SHARE = ((0.0, 0.0), (0.1, 0.9), (0.85, 1.0), (0.85, 1.0), (0.02, 0.3), (0.05, 0.6))


@dataclass(frozen=True)
class Financier:
    name: str
    ref: str  # IATI organisation identifier, in the reserved XE-EXAMPLE namespace
    org_type: int  # IATI OrganisationType: 10 government, 15 other public sector
    loan_weight: float
    grant_weight: float


_GOV, _PUBLIC = int(OrganisationType.GOVERNMENT), int(OrganisationType.OTHER_PUBLIC_SECTOR)
#: The only financiers of synthetic projects; none of them exists. The weights ([N]) say who
#: lends (policy and state-owned banks) and who gives grants (ministry, agency).
SYNTHETIC_FINANCIERS = (
    Financier("Synthetic Policy Bank A", "XE-EXAMPLE-SYN-A", _PUBLIC, 0.45, 0.0),
    Financier("Synthetic Export-Import Bank B", "XE-EXAMPLE-SYN-B", _PUBLIC, 0.35, 0.05),
    Financier("Synthetic Commercial Bank C", "XE-EXAMPLE-SYN-C", _PUBLIC, 0.15, 0.0),
    Financier("Synthetic Development Ministry D", "XE-EXAMPLE-SYN-D", _GOV, 0.0, 0.55),
    Financier("Synthetic Cooperation Agency E", "XE-EXAMPLE-SYN-E", _GOV, 0.0, 0.35),
    Financier("Synthetic State Fund F", "XE-EXAMPLE-SYN-F", _PUBLIC, 0.05, 0.05),
)

#: Short labels for titles, by DAC 5-digit code (codes outside it are titled "DAC <code>").
SECTOR_LABELS = {
    "11120": "education facilities", "11220": "primary education", "11330": "vocational training",
    "11420": "higher education", "12191": "medical services", "12220": "basic health care",
    "12230": "health infrastructure", "13020": "reproductive health", "14021": "water supply",
    "14022": "sanitation", "15110": "public sector policy", "15130": "legal and judicial",
    "15150": "civil society", "16010": "social services", "16030": "housing",
    "16061": "culture and recreation", "21010": "transport policy", "21020": "road transport",
    "21030": "rail transport", "21040": "water transport", "21050": "air transport",
    "21061": "storage", "22020": "telecommunications", "22040": "ICT",
    "23110": "energy policy", "23210": "renewable energy", "23220": "hydropower",
    "23230": "solar energy", "23240": "wind energy", "23320": "coal power",
    "23630": "power transmission", "24030": "financial intermediaries",
    "25010": "business support", "31120": "agricultural development", "31161": "food crops",
    "31320": "fishery", "32120": "industrial development", "32130": "SME development",
    "32166": "cement", "32261": "coal mining", "32262": "oil and gas", "32264": "metal mining",
    "33110": "trade policy", "33120": "trade facilitation", "41010": "environmental policy",
    "43010": "multisector", "43030": "urban development", "43040": "rural development",
    "51010": "budget support", "52010": "food security", "53030": "import support",
    "60010": "debt relief", "72010": "emergency relief", "72040": "emergency food aid",
    "73010": "reconstruction", "74010": "disaster preparedness", "99810": "unspecified",
}  # fmt: skip

#: AidData sector name (OECD 3-digit category) -> DAC 5-digit codes with their share inside the
#: category. The first code is the representative one; the splits are [N] hand-set assumptions
#: so that e.g. "ENERGY" becomes hydro, coal, grid, solar and wind projects, not one code.
AIDDATA_SECTORS: dict[str, tuple[tuple[str, float], ...]] = {
    "EDUCATION": (("11120", 0.6), ("11420", 0.2), ("11330", 0.1), ("11220", 0.1)),
    "HEALTH": (("12230", 0.6), ("12220", 0.3), ("12191", 0.1)),
    "POPULATION POLICIES/PROGRAMMES AND REPRODUCTIVE HEALTH": (("13020", 1.0),),
    "WATER SUPPLY AND SANITATION": (("14021", 0.8), ("14022", 0.2)),
    "GOVERNMENT AND CIVIL SOCIETY": (("15110", 0.7), ("15130", 0.2), ("15150", 0.1)),
    "OTHER SOCIAL INFRASTRUCTURE AND SERVICES": (("16010", 0.4), ("16030", 0.3), ("16061", 0.3)),
    "TRANSPORT AND STORAGE": (
        ("21020", 0.5), ("21030", 0.2), ("21040", 0.15), ("21050", 0.1), ("21061", 0.05),
    ),
    "COMMUNICATIONS": (("22020", 0.8), ("22040", 0.2)),
    "ENERGY": (
        ("23220", 0.3), ("23320", 0.2), ("23630", 0.25), ("23230", 0.1), ("23240", 0.05),
        ("23210", 0.05), ("23110", 0.05),
    ),
    "BANKING AND FINANCIAL SERVICES": (("24030", 1.0),),
    "BUSINESS AND OTHER SERVICES": (("25010", 1.0),),
    "AGRICULTURE, FORESTRY, FISHING": (("31120", 0.7), ("31161", 0.15), ("31320", 0.15)),
    "INDUSTRY, MINING, CONSTRUCTION": (
        ("32120", 0.4), ("32262", 0.2), ("32264", 0.15), ("32261", 0.1), ("32166", 0.1),
        ("32130", 0.05),
    ),
    "TRADE POLICIES AND REGULATIONS": (("33110", 0.5), ("33120", 0.5)),
    "GENERAL ENVIRONMENTAL PROTECTION": (("41010", 1.0),),
    "OTHER MULTISECTOR": (("43010", 0.4), ("43030", 0.4), ("43040", 0.2)),
    "GENERAL BUDGET SUPPORT": (("51010", 1.0),),
    "DEVELOPMENTAL FOOD AID/FOOD SECURITY ASSISTANCE": (("52010", 1.0),),
    "OTHER COMMODITY ASSISTANCE": (("53030", 1.0),),
    "ACTION RELATING TO DEBT": (("60010", 1.0),),
    "EMERGENCY RESPONSE": (("72010", 0.8), ("72040", 0.2)),
    "RECONSTRUCTION RELIEF AND REHABILITATION": (("73010", 1.0),),
    "DISASTER PREVENTION AND PREPAREDNESS": (("74010", 1.0),),
    "UNALLOCATED/UNSPECIFIED": (("99810", 1.0),),
}  # fmt: skip

#: AidData status -> IATI ActivityStatus (1 pipeline, 2 implementation, 3 finalisation,
#: 5 cancelled, 6 suspended), as beltroad's AidData importer maps them. A signed commitment not
#: yet implemented is still "pipeline"; AidData's "Completion" is physical completion while a
#: loan is still being repaid, i.e. IATI "Finalisation".
AIDDATA_STATUSES = {
    "PIPELINE: PLEDGE": 1, "PIPELINE: COMMITMENT": 1, "IMPLEMENTATION": 2, "COMPLETION": 3,
    "COMPLETED": 3, "CANCELLED": 5, "CANCELED": 5, "SUSPENDED": 6,
}  # fmt: skip


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


def _norm(name: object) -> str:
    return re.sub(r"[^a-z0-9]+", "", str(name).lower())


def _optional_column(frame: pd.DataFrame, label: str) -> pd.Series | None:
    wanted = _norm(label)
    for name in frame.columns:
        if _norm(name) == wanted:
            return frame[name]
    return None


def _column(frame: pd.DataFrame, label: str) -> pd.Series:
    found = _optional_column(frame, label)
    if found is None:
        raise _problem(
            f"column missing (expected the GCDF column '{label}'; have {list(frame.columns)})",
            label,
        )
    return found


def _mapped(values: pd.Series, table: Collection[str], label: str) -> pd.Series:
    """Normalised keys of the non-empty ``values``; the first unknown one is an error."""
    given = values.dropna().astype(str)
    keys = given.str.strip().str.upper()
    keys = keys.str.replace(r"\s*/\s*", "/", regex=True).str.replace(r"\s+", " ", regex=True)
    unknown = ~keys.isin(list(table))
    if unknown.any():
        first = int(np.argmax(unknown.to_numpy()))
        raise InvalidInput.at(
            f"unknown value in the row with index {given.index[first]} "
            f"(expected one of {sorted(table)}, in any case)",
            field=label,
            value=given.iloc[first],
        )
    return keys


def calibrate_from_aiddata(frame: pd.DataFrame, *, base: Calibration | None = None) -> Calibration:
    """A calibration computed at run time from an AidData GCDF 3.0 table (GeoGCDF layout).

    Uses ``Recipient.ISO-3``, ``Sector.Name``, ``Commitment.Year``,
    ``Amount.(Constant.USD.2021)`` and ``Status`` (punctuation and case in column names are
    ignored), and ``Flow Class`` and ``Umbrella`` when present. What the table cannot tell
    (loan shares, multi-country and multi-sector shares, transactions per project and, when
    absent, flow classes and umbrellas) comes from ``base`` (default: the default calibration).
    Rows whose ISO3 is not three capital letters (regional or blank) are skipped for the
    country mix; ``source`` says how many.

    >>> frame = pd.DataFrame({"Recipient.ISO-3": ["KEN", "PAK"], "Sector.Name": ["ENERGY"] * 2,
    ...     "Commitment.Year": [2010, 2011], "Amount.(Constant.USD.2021)": [1e6, 1e7],
    ...     "Status": ["Completion", "Implementation"]})
    >>> calibrate_from_aiddata(frame).countries
    ('KEN', 'PAK')
    """
    base = base or default_calibration()
    iso3 = _column(frame, "Recipient.ISO-3")
    sector = _column(frame, "Sector.Name")
    year = _column(frame, "Commitment.Year")
    amount = _column(frame, "Amount.(Constant.USD.2021)")
    status = _column(frame, "Status")

    codes = iso3.astype("string").str.strip()
    valid = codes.str.fullmatch(r"[A-Z]{3}").fillna(False).astype(bool)
    skipped = int((~valid).sum())
    country_counts = codes[valid].value_counts().sort_index()
    if country_counts.empty:
        raise _problem("no row has a three-letter recipient ISO3 code", "Recipient.ISO-3")

    sector_names = _mapped(sector, AIDDATA_SECTORS, "Sector.Name")
    code_weights: dict[str, float] = {}
    for name, count in sector_names.value_counts().sort_index().items():
        for code, share in AIDDATA_SECTORS[str(name)]:
            code_weights[code] = code_weights.get(code, 0.0) + int(count) * share

    years = pd.to_numeric(year, errors="coerce").dropna().astype(int)
    if years.empty or years.min() < 1900 or years.max() > 2100:
        raise _problem("needs commitment years between 1900 and 2100", "Commitment.Year")
    year_range = range(int(years.min()), int(years.max()) + 1)
    year_counts = years.value_counts().reindex(year_range, fill_value=0)

    amounts = pd.to_numeric(amount, errors="coerce").to_numpy(dtype=np.float64)
    logs = np.log(amounts[np.isfinite(amounts) & (amounts > 0)])
    if len(logs) < 2:
        raise _problem("needs at least two positive amounts", "Amount.(Constant.USD.2021)")

    statuses = _mapped(status, AIDDATA_STATUSES, "Status").map(AIDDATA_STATUSES)
    status_counts = statuses.value_counts().reindex(range(1, 7), fill_value=0)
    if status_counts.sum() == 0:
        raise _problem("no row has a status", "Status")

    flow_weights, flow_note = base.flow_class_weights, "flow classes from the base calibration"
    flows = _optional_column(frame, "Flow Class")
    if flows is not None and flows.notna().any():
        upper = {c.upper(): c for c in FLOW_CLASSES}
        names = _mapped(flows, upper, "Flow Class").map(upper)
        flow_weights = tuple(float((names == c).sum()) for c in base.flow_classes)
        flow_note = "flow classes from the table"
    umbrella_share, umbrella_note = base.umbrella_share, "umbrella share from the base"
    umbrellas = _optional_column(frame, "Umbrella")
    if umbrellas is not None and umbrellas.notna().any():
        flags = umbrellas.dropna().astype(str).str.strip().str.lower()
        umbrella_share = float(flags.isin(["yes", "true", "1"]).mean())
        umbrella_note = "umbrella share from the table"

    mu, sigma = float(np.mean(logs)), float(np.std(logs, ddof=1))
    return replace(
        base,
        countries=tuple(str(c) for c in country_counts.index),
        country_weights=tuple(float(v) for v in country_counts.to_numpy()),
        sectors=tuple(code_weights),
        sector_weights=tuple(code_weights.values()),
        years=tuple(year_range),
        year_weights=tuple(float(v) for v in year_counts.to_numpy()),
        amount_log_mu=mu,
        amount_log_sigma=sigma,
        status_weights=tuple(float(v) for v in status_counts.to_numpy()),
        flow_class_weights=flow_weights,
        umbrella_share=umbrella_share,
        source=(
            f"calibrated at run time from an AidData GCDF table of {len(frame):,} rows: "
            f"{len(country_counts)} recipient countries ({skipped:,} rows skipped without a "
            f"single-country ISO3: regional, multi-country or blank); sectors mapped to DAC "
            f"codes by beltroad's AIDDATA_SECTORS table; amounts fitted on {len(logs):,} "
            f"positive constant-USD values (mu {mu:.3f}, sigma {sigma:.3f}); {flow_note}; "
            f"{umbrella_note}; everything else (loan shares and terms, multi-country and "
            f"multi-sector shares, transactions per project) from the base calibration "
            f"({base.source})"
        ),
    )


# --- output ----------------------------------------------------------------------------------


def _read_only(obj: object) -> None:
    for f in fields(obj):  # type: ignore[arg-type]
        array = getattr(obj, f.name)
        if isinstance(array, np.ndarray):
            array.flags.writeable = False


@dataclass(frozen=True, eq=False)
class ProjectColumns:
    """One entry per project. Dates are datetime64[D], NaT when missing; ``flow_type`` 0 is
    unknown; ``financier`` indexes :data:`SYNTHETIC_FINANCIERS`."""

    id: Ints
    identifier: Strs
    title: Strs
    status: npt.NDArray[np.int8]
    stage: Strs
    commitment_date: Dates
    planned_start: Dates
    actual_start: Dates
    planned_end: Dates
    actual_end: Dates
    commitment_year: npt.NDArray[np.int16]
    flow_class: Strs
    flow_type: npt.NDArray[np.int16]
    finance_type: npt.NDArray[np.int16]
    amount_usd_constant: Floats
    amount_usd_nominal: Floats
    amount_original: Floats
    is_umbrella: Bools
    recommended_for_aggregates: Bools
    financier: npt.NDArray[np.int8]

    def __post_init__(self) -> None:
        _read_only(self)


@dataclass(frozen=True, eq=False)
class CountryShares:
    project_id: Ints
    iso3: Strs
    percentage: Floats

    def __post_init__(self) -> None:
        _read_only(self)


@dataclass(frozen=True, eq=False)
class SectorShares:
    """DAC 5-digit codes (IATI SectorVocabulary ``SECTOR_VOCABULARY``)."""

    project_id: Ints
    code: Strs
    percentage: Floats

    def __post_init__(self) -> None:
        _read_only(self)


@dataclass(frozen=True, eq=False)
class TransactionColumns:
    """IATI TransactionType 2 commitment, 3 disbursement, 5 interest, 6 loan repayment."""

    project_id: Ints
    type: npt.NDArray[np.int8]
    date: Dates
    usd_constant: Floats
    usd_nominal: Floats

    def __post_init__(self) -> None:
        _read_only(self)


@dataclass(frozen=True, eq=False)
class SyntheticBatch:
    """Synthetic projects with their countries, sectors and transactions, each child table
    sorted by project id. Arrays are read-only. Money is USD: ``amount_original`` and
    transaction values are nominal; constant USD is in ``base_year`` dollars."""

    projects: ProjectColumns
    countries: CountryShares
    sectors: SectorShares
    transactions: TransactionColumns
    base_year: int
    seed: int
    amount_currency: str = "USD"
    sector_vocabulary: str = SECTOR_VOCABULARY
    financiers: tuple[Financier, ...] = field(default=SYNTHETIC_FINANCIERS)

    def __len__(self) -> int:
        return len(self.projects.id)


_Cols = TypeVar("_Cols", ProjectColumns, CountryShares, SectorShares, TransactionColumns)
_Child = TypeVar("_Child", CountryShares, SectorShares, TransactionColumns)


def _cut(cols: _Cols, start: int, stop: int) -> _Cols:
    return type(cols)(**{f.name: getattr(cols, f.name)[start:stop] for f in fields(cols)})


def _join(parts: Sequence[_Cols]) -> _Cols:
    names = [f.name for f in fields(parts[0])]
    return type(parts[0])(**{n: np.concatenate([getattr(p, n) for p in parts]) for n in names})


def slice_batch(batch: SyntheticBatch, start: int, stop: int) -> SyntheticBatch:
    """Projects ``start:stop`` (positions, 0 <= start < stop <= len) with their child rows;
    arrays are views, not copies."""
    if not 0 <= start < stop <= len(batch):
        raise _problem(f"needs 0 <= start < stop <= {len(batch)}", "stop", (start, stop))
    ids = batch.projects.id
    first, last = ids[start], ids[stop - 1]

    def rows(child: _Child) -> _Child:
        pid = child.project_id
        lo = int(np.searchsorted(pid, first, side="left"))
        return _cut(child, lo, int(np.searchsorted(pid, last, side="right")))

    return SyntheticBatch(
        projects=_cut(batch.projects, start, stop),
        countries=rows(batch.countries),
        sectors=rows(batch.sectors),
        transactions=rows(batch.transactions),
        base_year=batch.base_year,
        seed=batch.seed,
    )


def concat_batches(parts: Sequence[SyntheticBatch]) -> SyntheticBatch:
    """One batch holding ``parts`` in order (e.g. a whole small portfolio, for analysis)."""
    if not parts:
        raise _problem("needs at least one batch", "parts")
    if len(parts) == 1:
        return parts[0]
    return SyntheticBatch(
        projects=_join([p.projects for p in parts]),
        countries=_join([p.countries for p in parts]),
        sectors=_join([p.sectors for p in parts]),
        transactions=_join([p.transactions for p in parts]),
        base_year=parts[0].base_year,
        seed=parts[0].seed,
    )


# --- generation ------------------------------------------------------------------------------


def _cdf(weights: Sequence[float]) -> Floats:
    total = np.cumsum(np.asarray(weights, dtype=np.float64))
    cdf: Floats = total / total[-1]
    return cdf


def _draw(rng: np.random.Generator, cdf: Floats, size: int) -> npt.NDArray[np.intp]:
    # Inverse-CDF sampling: zero-weight categories are never drawn (their cdf step is empty).
    return np.searchsorted(cdf, rng.random(size), side="right")


@dataclass(frozen=True, eq=False)
class _Categorical:
    cdf: Floats
    next_positive: npt.NDArray[np.intp]  # the next category with weight > 0, cyclically
    positive: int

    @classmethod
    def of(cls, weights: Sequence[float]) -> _Categorical:
        w = np.asarray(weights, dtype=np.float64)
        order = np.flatnonzero(w > 0)
        following = np.searchsorted(order, np.arange(len(w)), side="right") % len(order)
        return cls(_cdf(weights), order[following], len(order))

    def distinct(
        self, rng: np.random.Generator, taken: Sequence[npt.NDArray[np.intp]], size: int
    ) -> npt.NDArray[np.intp]:
        """Draw values different from each of ``taken``, rowwise (redraw, then step on)."""
        out = _draw(rng, self.cdf, size)
        for attempt in range(4 + len(taken)):
            clash = np.zeros(size, dtype=np.bool_)
            for other in taken:
                clash |= out == other
            if not clash.any():
                break
            if attempt < 4:
                out[clash] = _draw(rng, self.cdf, int(clash.sum()))
            else:
                out[clash] = self.next_positive[out[clash]]
        return out


def _parts(rng: np.random.Generator, share: float, three: float, available: int, size: int) -> Ints:
    u = rng.random(size)
    parts = 1 + (u < share).astype(np.int64) + (u < share * three)
    return np.minimum(parts, available)


def _percentages(rng: np.random.Generator, parts: Ints) -> Floats:
    """Percentages per project (columns 0..2) summing to 100, one decimal, all > 0."""
    size = len(parts)
    two = np.round(rng.uniform(50.0, 90.0, size), 1)
    three = np.round(rng.uniform(40.0, 80.0, size), 1)
    second = np.maximum(np.round((100.0 - three) * rng.uniform(0.3, 0.7, size), 1), 0.1)
    pct = np.zeros((size, 3))
    pct[:, 0] = np.select([parts == 1, parts == 2], [100.0, two], three)
    pct[:, 1] = np.select([parts == 2, parts == 3], [100.0 - two, second], 0.0)
    pct[:, 2] = np.where(parts == 3, 100.0 - three - second, 0.0)
    return pct


def _ragged(counts: Ints) -> tuple[Ints, Ints]:
    """Row owners and within-owner ordinals (0, 1, ...) for ``counts`` rows per owner."""
    owner = np.repeat(np.arange(len(counts)), counts)
    starts = np.cumsum(counts) - counts
    return owner, np.arange(len(owner)) - starts[owner]


def _year_of(days: Ints) -> Ints:
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


@dataclass(frozen=True, eq=False)
class _Model:
    cal: Calibration
    base_year: int
    countries: _Categorical
    sectors: _Categorical
    years: _Categorical
    status: _Categorical
    flows: _Categorical
    loan_financiers: Floats
    grant_financiers: Floats
    iso3: Strs
    codes: Strs
    labels: list[str]
    year_values: Ints
    as_of: int  # day number: 31 December two years after the last commitment year

    @classmethod
    def of(cls, cal: Calibration, base_year: int) -> _Model:
        return cls(
            cal=cal,
            base_year=base_year,
            countries=_Categorical.of(cal.country_weights),
            sectors=_Categorical.of(cal.sector_weights),
            years=_Categorical.of(cal.year_weights),
            status=_Categorical.of(cal.status_weights),
            flows=_Categorical.of(cal.flow_class_weights),
            loan_financiers=_cdf([f.loan_weight for f in SYNTHETIC_FINANCIERS]),
            grant_financiers=_cdf([f.grant_weight for f in SYNTHETIC_FINANCIERS]),
            iso3=np.array(cal.countries),
            codes=np.array(cal.sectors),
            labels=[SECTOR_LABELS.get(c, f"DAC {c}") for c in cal.sectors],
            year_values=np.array(cal.years, dtype=np.int64),
            as_of=int(np.datetime64(f"{max(cal.years) + 2}-12-31", "D").astype(np.int64)),
        )

    def deflator(self, years: Ints) -> Floats:
        factor: Floats = np.power(
            1.0 + self.cal.inflation_rate, (years - self.base_year).astype(np.float64)
        )
        return factor


_NAT = np.iinfo(np.int64).min  # the int64 bit pattern of NaT


def _dates(days: Ints, present: Bools | None = None) -> Dates:
    if present is not None:
        days = np.where(present, days, _NAT)
    return days.view("datetime64[D]")


def _block(model: _Model, seed: int, block: int, id_start: int) -> SyntheticBatch:
    # The order of the draws below is part of the output's definition: append, never reorder.
    cal, n = model.cal, BLOCK_SIZE
    rng = np.random.default_rng([seed, block])
    number = np.arange(block * n + 1, (block + 1) * n + 1, dtype=np.int64)
    ids = number - 1 + id_start

    country = np.empty((n, 3), dtype=np.intp)
    country[:, 0] = _draw(rng, model.countries.cdf, n)
    country[:, 1] = model.countries.distinct(rng, [country[:, 0]], n)
    country[:, 2] = model.countries.distinct(rng, [country[:, 0], country[:, 1]], n)
    n_countries = _parts(
        rng, cal.multi_country_share, cal.three_party_share, model.countries.positive, n
    )
    country_pct = _percentages(rng, n_countries)
    sector = np.empty((n, 3), dtype=np.intp)
    sector[:, 0] = _draw(rng, model.sectors.cdf, n)
    sector[:, 1] = model.sectors.distinct(rng, [sector[:, 0]], n)
    sector[:, 2] = model.sectors.distinct(rng, [sector[:, 0], sector[:, 1]], n)
    n_sectors = _parts(
        rng, cal.multi_sector_share, cal.three_party_share, model.sectors.positive, n
    )
    sector_pct = _percentages(rng, n_sectors)

    year_index = _draw(rng, model.years.cdf, n)
    year = model.year_values[year_index]
    year_start = (year - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)
    year_days = (year - 1969).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)
    committed = year_start + (rng.random(n) * (year_days - year_start)).astype(np.int64)
    status = (1 + _draw(rng, model.status.cdf, n)).astype(np.int8)
    started = np.isin(status, STARTED_STATUSES) | (
        (status == CANCELLED) & (rng.random(n) < cal.cancelled_after_start_share)
    )
    completed = np.isin(status, FINISHED_STATUSES)
    planned_start = committed + rng.integers(30, 366, n)
    duration = np.clip(np.round(np.exp(rng.normal(np.log(3 * 365), 0.5, n))), 180, 3650)
    planned_end = planned_start + duration.astype(np.int64)
    actual_start = np.minimum(
        np.maximum(committed, planned_start + rng.integers(-30, 366, n)), model.as_of
    )
    overrun = np.round(duration * rng.uniform(0.9, 1.6, n)).astype(np.int64)
    actual_end = np.minimum(actual_start + overrun, model.as_of)

    flow = _draw(rng, model.flows.cdf, n)
    loan = rng.random(n) < np.asarray(cal.loan_shares)[flow]
    umbrella = rng.random(n) < cal.umbrella_share
    amount = np.exp(cal.amount_log_mu + cal.amount_log_sigma * rng.standard_normal(n))
    amount = np.clip(amount, cal.min_amount_usd, cal.max_amount_usd)
    nominal = amount * model.deflator(year)
    financier = np.where(
        loan,
        _draw(rng, model.loan_financiers, n),
        _draw(rng, model.grant_financiers, n),
    ).astype(np.int8)
    flow_names = np.array(cal.flow_classes)

    # Transactions. Umbrella agreements carry only their commitment: their money flows
    # through subsidiary projects (as in AidData), so disbursing them would double count.
    disbursing = started & ~umbrella
    lo, hi = np.asarray(cal.disbursed_share).T
    share = rng.uniform(lo[status - 1], hi[status - 1])
    disbursed = np.where(disbursing, share * nominal, 0.0)
    grace = np.asarray(cal.grace_years)[flow]
    service = loan & disbursing
    full_years = (model.as_of - actual_start) // 365
    n_interest = np.where(service, np.clip(full_years, 0, cal.max_interest_records), 0)
    n_repay = np.where(service, np.clip(full_years - grace, 0, cal.max_repayment_records), 0)
    # Spend what is left of the transaction budget on disbursements (at least one each), so
    # the mean number of transactions per project matches the calibration.
    budget = cal.mean_transactions * n - n - n_interest.sum() - n_repay.sum()
    extra = max(budget - disbursing.sum(), 0.0) / max(int(disbursing.sum()), 1)
    n_disb = np.where(disbursing, 1 + rng.poisson(extra, n), 0)

    owner, k = _ragged(n_disb)
    weight = rng.exponential(size=len(owner))
    weight_sum = np.bincount(owner, weights=weight, minlength=n)
    end = np.where(completed, actual_end, np.minimum(actual_start + duration, model.as_of))
    offset = (rng.random(len(owner)) * (end - actual_start)[owner]).astype(np.int64)
    disb_days = actual_start[owner] + np.where(k == 0, 0, offset)
    disb_nominal = disbursed[owner] * weight / weight_sum[owner]

    i_owner, i_k = _ragged(n_interest)
    r_owner, r_k = _ragged(n_repay)
    rate = np.asarray(cal.interest_rates)[flow]
    installments = np.asarray(cal.maturity_years)[flow] - grace
    t_owner = np.concatenate([np.arange(n), owner, i_owner, r_owner])
    t_type = np.concatenate(
        [
            np.full(n, COMMITMENT),
            np.full(len(owner), DISBURSEMENT),
            np.full(len(i_owner), INTEREST),
            np.full(len(r_owner), REPAYMENT),
        ]
    ).astype(np.int8)
    t_days = np.concatenate(
        [
            committed,
            disb_days,
            actual_start[i_owner] + 365 * (i_k + 1),
            actual_start[r_owner] + 365 * (grace[r_owner] + r_k + 1),
        ]
    )
    t_nominal = np.concatenate(
        [
            nominal,
            disb_nominal,
            disbursed[i_owner] * rate[i_owner],
            disbursed[r_owner] / installments[r_owner],
        ]
    )
    order = np.lexsort((t_type, t_days, t_owner))
    t_owner, t_type, t_days, t_nominal = (
        t_owner[order], t_type[order], t_days[order], t_nominal[order]
    )  # fmt: skip
    t_constant = t_nominal / model.deflator(_year_of(t_days))
    # The commitment's constant value is the project's amount exactly (no round trip).
    t_constant[t_type == COMMITMENT] = amount

    def shares(
        index: npt.NDArray[np.intp], parts: Ints, pct: Floats, names: Strs
    ) -> tuple[Ints, Strs, Floats]:
        mask = np.arange(3)[None, :] < parts[:, None]
        return np.repeat(ids, parts), names[index][mask], pct[mask]

    c_pid, c_iso, c_pct = shares(country, n_countries, country_pct, model.iso3)
    s_pid, s_code, s_pct = shares(sector, n_sectors, sector_pct, model.codes)

    primary_iso = model.iso3[country[:, 0]].tolist()
    label = [model.labels[i] for i in sector[:, 0].tolist()]
    titles = [
        f"Synthetic {lab} project no. {num} ({iso})"
        for lab, num, iso in zip(label, number.tolist(), primary_iso, strict=True)
    ]
    stage = np.where(completed, "completion", np.where(started, "implementation", "commitment"))
    projects = ProjectColumns(
        id=ids,
        identifier=np.array([f"SYN-{seed}-{num:09d}" for num in number.tolist()]),
        title=np.array(titles),
        status=status,
        stage=stage,
        commitment_date=_dates(committed),
        planned_start=_dates(planned_start),
        actual_start=_dates(actual_start, started),
        planned_end=_dates(planned_end),
        actual_end=_dates(actual_end, completed),
        commitment_year=year.astype(np.int16),
        flow_class=flow_names[flow],
        flow_type=np.array([FLOW_TYPES[c] for c in cal.flow_classes], np.int16)[flow],
        finance_type=np.where(loan, LOAN, GRANT).astype(np.int16),
        amount_usd_constant=amount,
        amount_usd_nominal=nominal,
        amount_original=nominal.copy(),
        is_umbrella=umbrella,
        # AidData's rule: umbrellas (double counting), cancelled and suspended are excluded.
        recommended_for_aggregates=~umbrella & (status != CANCELLED) & (status != SUSPENDED),
        financier=financier,
    )
    return SyntheticBatch(
        projects=projects,
        countries=CountryShares(c_pid, c_iso, c_pct),
        sectors=SectorShares(s_pid, s_code, s_pct),
        transactions=TransactionColumns(
            ids[t_owner], t_type, _dates(t_days), t_constant, t_nominal
        ),
        base_year=model.base_year,
        seed=seed,
    )


def generate(
    n_projects: int,
    *,
    seed: int,
    calibration: Calibration,
    base_year: int = 2021,
    batch_size: int = 50_000,
    id_start: int = 1,
) -> Iterator[SyntheticBatch]:
    """Yield a synthetic portfolio of ``n_projects`` projects in batches of ``batch_size``.

    Project ids run from ``id_start``; identifiers are ``SYN-<seed>-<n>`` (n from 1, nine
    digits). Memory is bounded by ``batch_size`` plus one internal block.

    >>> sum(len(b) for b in generate(20_000, seed=1, calibration=default_calibration()))
    20000
    """
    for name, value, least in (
        ("n_projects", n_projects, 1),
        ("batch_size", batch_size, 1),
        ("id_start", id_start, 1),
        ("seed", seed, 0),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise _problem(f"must be an integer >= {least}", name, value)
    if not 1900 <= base_year <= 2100:
        raise _problem("must be a year between 1900 and 2100", "base_year", base_year)
    model = _Model.of(calibration, base_year)
    pending: deque[SyntheticBatch] = deque()
    buffered = 0
    n_blocks = -(-n_projects // BLOCK_SIZE)
    for block in range(n_blocks):
        part = _block(model, seed, block, id_start)
        keep = min(BLOCK_SIZE, n_projects - block * BLOCK_SIZE)
        pending.append(part if keep == BLOCK_SIZE else slice_batch(part, 0, keep))
        buffered += keep
        while buffered >= batch_size or (block == n_blocks - 1 and buffered):
            take, pieces = min(batch_size, buffered), []
            need = take
            while need:
                head = pending[0]
                if len(head) <= need:
                    pieces.append(pending.popleft())
                    need -= len(head)
                else:
                    pieces.append(slice_batch(head, 0, need))
                    pending[0] = slice_batch(head, need, len(head))
                    need = 0
            buffered -= take
            yield concat_batches(pieces)


__all__ = [
    "AIDDATA_SECTORS",
    "AIDDATA_STATUSES",
    "BLOCK_SIZE",
    "FLOW_CLASSES",
    "SYNTHETIC_FINANCIERS",
    "Calibration",
    "CountryShares",
    "Financier",
    "ProjectColumns",
    "SectorShares",
    "SyntheticBatch",
    "TransactionColumns",
    "calibrate_from_aiddata",
    "concat_batches",
    "default_calibration",
    "generate",
    "slice_batch",
]
