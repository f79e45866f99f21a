"""Content hashing: what :func:`~beltroad.storage.project_writes.write_projects` stores for a
project, as Python values, and a fingerprint of it.

A project row carries the hash of its stored content (its ``projects`` row and child rows,
organisations by key), so a re-import of an unchanged project touches nothing. One generation
of hash is recognised, ``v3``; a project stored with an older one (``v2:`` or an unprefixed
SHA-256, before 2026-11) is rewritten once on its next import, and migration ``0011_split13``
clears those hashes so that no stale value is left to compare against.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields
from operator import attrgetter
from typing import Any

import orjson

from beltroad.records import LoanTermsRecord, LocationRecord, ProjectRecord

# The project columns an import writes, in the order of :func:`project_values`; the content hash
# goes last. ``id`` is the database's and ``parent_id`` is set by ``link_parents``.
PROJECT = (
    "identifier",
    "title",
    "description",
    "status",
    "stage",
    "planned_start",
    "actual_start",
    "planned_end",
    "actual_end",
    "commitment_year",
    "flow_class",
    "flow_type",
    "finance_type",
    "aid_type",
    "amount_currency",
    "amount_original",
    "amount_usd_nominal",
    "amount_usd_constant",
    "amount_base_year",
    "corridor_id",
    "is_flagship",
    "is_umbrella",
    "parent_identifier",
    "extras",
    "dataset",
    "source_record_id",
    "recommended_for_aggregates",
    "quality",
    "is_synthetic",
)
PROJECT_COLUMNS = (*PROJECT, "content_hash")
# Every field of the record is a column (a field added to the record is stored and hashed too).
LOAN = ("project_id", *(f.name for f in fields(LoanTermsRecord)))
LOCATION = ("project_id", *(f.name for f in fields(LocationRecord)))
_loan_values = attrgetter(*LOAN[1:])
_location_values = attrgetter(*LOCATION[1:])


def project_values(record: ProjectRecord) -> tuple[Any, ...]:
    """The ``projects`` row of ``record`` in `PROJECT` order, as Python values."""
    amount = record.amount
    p = record.provenance
    if amount is None:
        currency = original = usd_nominal = usd_constant = base_year = None
    else:
        currency, original = amount.currency, amount.original
        usd_nominal, usd_constant = amount.usd_nominal, amount.usd_constant
        base_year = amount.base_year
    return (
        record.identifier,
        record.title,
        record.description,
        record.status,
        record.stage,
        record.planned_start,
        record.actual_start,
        record.planned_end,
        record.actual_end,
        record.commitment_year,
        record.flow_class,
        record.flow_type,
        record.finance_type,
        record.aid_type,
        currency,
        original,
        usd_nominal,
        usd_constant,
        base_year,
        record.corridor_id,
        False,  # is_flagship: a curated flag, never set by an import
        record.is_umbrella,
        record.parent_identifier,
        record.extras or None,
        p.dataset,
        p.source_record_id,
        p.recommended_for_aggregates,
        p.quality,
        p.is_synthetic,
    )


def project_row(record: ProjectRecord, fingerprint: str) -> dict[str, Any]:
    """The ``projects`` row of ``record`` as a dict (for SQLAlchemy Core and the tests)."""
    return dict(zip(PROJECT_COLUMNS, (*project_values(record), fingerprint), strict=True))


@dataclass
class Children:
    """The child rows of one project without its id; organisations by key, not yet by id."""

    countries: list[tuple[Any, ...]]
    regions: list[tuple[Any, ...]]
    sectors: list[tuple[Any, ...]]
    participations: list[tuple[str, str]]
    transactions: list[tuple[Any, ...]]
    loan: tuple[Any, ...] | None
    locations: list[tuple[Any, ...]]

    def content(self) -> tuple[Any, ...]:
        return (
            self.countries,
            self.regions,
            self.sectors,
            self.participations,
            self.transactions,
            self.loan,
            self.locations,
        )


def children_of(record: ProjectRecord) -> Children:
    """What ``write_projects`` stores under a project: repeated splits summed, repeated
    participations once, in record order; transaction dates as day numbers (what the content
    hash encodes; ``project_writes`` turns them into what the driver stores)."""
    countries: list[tuple[Any, ...]] = []
    if len(record.countries) == 1:  # the usual case: nothing to sum
        only = record.countries[0]
        countries = [(only.iso3, only.percentage)]
    elif record.countries:
        split: dict[str, float] = {}
        for c in record.countries:
            split[c.iso3] = split.get(c.iso3, 0.0) + c.percentage
        countries = list(split.items())
    regions: list[tuple[Any, ...]] = []
    if record.regions:
        region_split: dict[tuple[str, str], float] = {}
        for g in record.regions:
            key = (g.vocabulary, g.code)
            region_split[key] = region_split.get(key, 0.0) + g.percentage
        regions = [(v, c, pct) for (v, c), pct in region_split.items()]
    sectors: list[tuple[Any, ...]] = []
    if len(record.sectors) == 1:
        one = record.sectors[0]
        sectors = [(one.vocabulary, one.code, one.percentage)]
    elif record.sectors:
        sector_split: dict[tuple[str, str], float] = {}
        for s in record.sectors:
            key = (s.vocabulary, s.code)
            sector_split[key] = sector_split.get(key, 0.0) + s.percentage
        sectors = [(v, c, pct) for (v, c), pct in sector_split.items()]
    participations: list[tuple[str, str]] = []
    if record.participations:
        seen: set[tuple[str, str]] = set()
        for p in record.participations:
            pair = (p.org.key, p.role)
            if pair not in seen:
                seen.add(pair)
                participations.append(pair)
    transactions: list[tuple[Any, ...]] = []
    synthetic = record.provenance.is_synthetic
    for t in record.transactions:
        money = t.money
        row: tuple[Any, ...] = (
            t.type,
            None if t.date is None else t.date.toordinal(),  # the day number: see digest
            money.currency,
            money.original,
            money.usd_nominal,
            money.usd_constant,
            money.base_year,
            t.provider.key if t.provider else None,
            t.receiver.key if t.receiver else None,
            synthetic,
        )
        if t.value_date is not None and t.value_date != t.date:
            # Only then: rows without one keep the content (and hash) they always had.
            row = (*row, t.value_date.toordinal())
        transactions.append(row)
    loan = None if record.loan_terms is None else _loan_values(record.loan_terms)
    locations = [_location_values(loc) for loc in record.locations]
    return Children(countries, regions, sectors, participations, transactions, loan, locations)


HASH_VERSION = "v3"
_HASHED_JSON = orjson.OPT_NON_STR_KEYS | orjson.OPT_SORT_KEYS


def digest(values: tuple[Any, ...], children: Children) -> str:
    """``v3:`` and the first 128 bits of the SHA-256 of the stored content as compact JSON.

    orjson encodes the rows in C (dates as ISO text, dict keys sorted, so equal content gives
    equal bytes whatever objects hold it) at a third of marshal's cost on freshly read records,
    and SHA-256 runs on the CPU's SHA extensions where there are some. A value orjson refuses
    (an integer beyond 64 bits) falls back to the rows' repr.
    """
    payload = (
        values,
        children.countries,
        children.regions,
        children.sectors,
        children.participations,
        children.transactions,  # dates as day numbers
        children.loan,
        children.locations,
    )
    try:
        encoded = orjson.dumps(payload, option=_HASHED_JSON)
    except orjson.JSONEncodeError:
        encoded = repr(payload).encode("utf-8")
    return f"{HASH_VERSION}:{hashlib.sha256(encoded).hexdigest()[:32]}"


def content_hash(record: ProjectRecord) -> str:
    """A fingerprint of what ``write_projects`` stores for ``record``: its ``projects`` row and
    child rows (organisations by key). Equal stored content gives an equal hash, so a
    re-import of an unchanged project touches nothing.

    >>> from beltroad.records import Provenance
    >>> content_hash(ProjectRecord("XM-1", "A road", Provenance("demo")))[:3]
    'v3:'
    """
    return digest(project_values(record), children_of(record))
