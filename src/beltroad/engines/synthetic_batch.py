"""The output of the synthetic generator: :class:`SyntheticBatch` and its column tables.

A batch is columnar (read-only numpy arrays), one table per kind of row, each child table
sorted by project id; :func:`slice_batch` and :func:`concat_batches` cut and join batches
without changing a value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from beltroad.engines.synthetic_calibration import _problem
from beltroad.reference.iati import OrganisationType, SectorVocabulary

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Strs = npt.NDArray[np.str_]
Bools = npt.NDArray[np.bool_]
Dates = npt.NDArray[np.datetime64]

#: OECD DAC CRS purpose codes (5 digit)
SECTOR_VOCABULARY = SectorVocabulary.OECD_DAC_CRS_PURPOSE_CODES_5_DIGIT.code


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


__all__ = [
    "SECTOR_VOCABULARY",
    "SYNTHETIC_FINANCIERS",
    "CountryShares",
    "Financier",
    "ProjectColumns",
    "SectorShares",
    "SyntheticBatch",
    "TransactionColumns",
    "concat_batches",
    "slice_batch",
]
