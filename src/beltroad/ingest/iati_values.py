"""Reading IATI values: text in the activity's language, numbers, dates, codes and shares.

Each helper reads one kind of value the same way wherever it occurs, with a fast path for the
form the standard prescribes (plain decimals, ISO dates, codes as listed) and the full reading,
which also words the error, for anything else. A bad value raises :class:`Problem`, naming the
field; the activity reader collects them into :class:`Problems`.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Iterator, Sequence
from typing import Any

from beltroad.ingest.base import ValueProblem, date, number
from beltroad.ingest.iati_codes import TRANSACTION_TYPES
from beltroad.records import Money, TransactionRecord

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Column widths of the registry (storage/models.py): longer values would fail on PostgreSQL.
MAX_IDENTIFIER = 128  # projects.source_record_id
MAX_ORG_REF = 128
MAX_NAME = 256
MAX_CACHED_ORGS = 10_000  # distinct organisations remembered while reading one file
MAX_CACHED_VALUES = 10_000  # distinct currencies, countries or sectors remembered per file
LOW_DATE, HIGH_DATE = dt.date(1900, 1, 1), dt.date(2100, 12, 31)  # as ingest.base.date


class Problem(ValueError):
    """One bad value in an activity: becomes a RowError naming the field."""

    def __init__(self, field: str, value: Any, reason: str) -> None:
        super().__init__(reason)
        self.field, self.value, self.reason = field, value, reason


class Problems(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.problems)


def clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def text(element: Any, lang: str | None) -> str | None:
    """A narrative in the activity's language (else the first), or the element's own text (1.0x)."""
    if not len(element):  # no child elements: 1.0x text, or an empty 2.0x element
        return clean(element.text)
    first = None
    for narrative in element.iterchildren("narrative"):
        value = clean(narrative.text)
        if value is None:
            continue
        own = narrative.get(XML_LANG)
        if own is None or (lang is not None and own.lower() == lang):
            return value
        if first is None:
            first = value
    return first if first is not None else clean(element.text)


def pick(elements: Sequence[Any], lang: str | None) -> str | None:
    """1.0x repeats whole elements per language: the one in the activity's language first."""
    texts = [(e.get(XML_LANG), text(e, lang)) for e in elements]
    for own, value in texts:
        if value and (own is None or (lang is not None and own.lower() == lang)):
            return value
    return next((value for _, value in texts if value), None)


def decimal(raw: str | None, *, what: str) -> float | None:
    """``ingest.base.number``, with a fast path for the plain decimals IATI prescribes."""
    if raw is not None:
        try:
            value = float(raw)
        except ValueError:
            pass
        else:
            if math.isfinite(value):
                return value
    return number(raw, what=what)


def amount(raw: str | None, field: str) -> float:
    """A required amount, or the Problem that says why ``raw`` is not one."""
    if raw is not None:  # decimal's fast path, here too: every transaction has an amount
        try:
            plain = float(raw)
        except ValueError:
            pass
        else:
            if math.isfinite(plain):
                return plain
    try:
        value = decimal(raw, what="an amount")
    except ValueProblem as exc:
        raise Problem(field, raw, str(exc)) from None
    if value is None:
        raise Problem(field, raw, "transaction value missing")
    return value


def transaction_type(type_element: Any, transaction: Any) -> int:
    """The TransactionType of a transaction: its code as listed, else in 1.0x or pre-1.0 form."""
    if type_element is not None:
        kind = TRANSACTION_TYPES.get(type_element.get("code"))  # the usual case: as listed
        if kind is not None:
            return kind
    raw = clean(type_element.get("code")) if type_element is not None else None
    raw = raw or clean(transaction.get("type"))  # pre-1.0 drafts
    if raw is None:
        raise Problem("transaction/transaction-type", None, "transaction type missing")
    kind = TRANSACTION_TYPES.get(raw) or TRANSACTION_TYPES.get(raw.lower())
    if kind is None:
        raise Problem(
            "transaction/transaction-type/@code",
            raw,
            "unknown TransactionType (expected 1-13 or a 1.0x code such as C, D, E, IF)",
        )
    return kind


def percentage(element: Any, field: str) -> float | None:
    raw = element.get("percentage")
    try:
        value = decimal(raw, what="a percentage from 0 to 100")
    except ValueProblem as exc:
        raise Problem(f"{field}/@percentage", raw, str(exc)) from None
    if value is not None and not 0 <= value <= 100:
        raise Problem(f"{field}/@percentage", raw, "percentage outside 0 to 100")
    return value


@functools.lru_cache(maxsize=4096)  # a file repeats its dates (periods, value dates) often
def iso_text(raw: str) -> dt.date | None:
    """The date of text in the ISO form IATI prescribes and in range, else None.

    A fast path around strptime with the same range check as ``ingest.base.date``.
    """
    text = raw.strip()
    if len(text) >= 10 and text[4] == "-" and text[7] == "-":
        try:
            found = dt.date.fromisoformat(text[:10])
        except ValueError:
            return None
        if LOW_DATE <= found <= HIGH_DATE:
            return found
    return None


def iso(element: Any, field: str, attribute: str = "iso-date") -> dt.date | None:
    raw = element.get(attribute)
    if raw is None and attribute == "iso-date":
        raw = element.text  # 1.0x may put the date in the element's text
    if raw is not None:
        found = iso_text(raw)
        if found is not None:
            return found
        raw = raw.strip()
    try:
        return date(raw)
    except ValueProblem as exc:
        raise Problem(field, raw, f"{exc} (expected an ISO date YYYY-MM-DD)") from None


@functools.lru_cache(maxsize=4096)
def plain_iso(raw: str) -> bool:
    """Is ``raw`` exactly the text ``isoformat()`` gives for the date it names?"""
    return len(raw) == 10 and iso_text(raw) is not None


def iso_string(element: Any, field: str, attribute: str = "iso-date") -> str | None:
    """:func:`iso` as ``YYYY-MM-DD`` text (budgets keep their dates in ``extras``)."""
    raw: str | None = element.get(attribute)
    if raw is not None and plain_iso(raw):
        return raw
    found = iso(element, field, attribute)
    return None if found is None else found.isoformat()


def code_int(element: Any, field: str) -> int | None:
    raw = clean(element.get("code"))
    if raw is None:
        return None
    code = small(raw)
    if code is None:
        raise Problem(f"{field}/@code", raw, "not a numeric IATI code")
    return code


def small(raw: str | None) -> int | None:
    """A numeric code of at most four digits (they are stored as small integers), else None."""
    return int(raw) if raw and len(raw) <= 4 and raw.isdigit() else None


def splits(
    items: list[tuple[Any, float | None]], what: str, notes: list[str]
) -> list[tuple[Any, float]]:
    """Fill missing percentages: one item is 100%; several without any are split equally."""
    missing = [key for key, pct in items if pct is None]
    if not missing:
        out = [(key, pct) for key, pct in items if pct is not None]
    else:
        given = sum(pct for _, pct in items if pct is not None)
        rest = 100.0 - given
        if rest <= 0:
            raise Problem(
                what,
                ", ".join(map(str, missing)),
                f"percentage missing and the others already sum to {given:g}",
            )
        share = rest / len(missing)
        if len(items) > 1:
            notes.append(
                f"{what}: no percentage for {', '.join(map(str, missing))}; {rest:g}% split equally"
            )
        out = [(key, share if pct is None else pct) for key, pct in items]
    dropped = [str(key) for key, pct in out if pct == 0]
    if dropped:
        notes.append(f"{what}: 0% entries left out: {', '.join(dropped)}")
    return [(key, pct) for key, pct in out if pct > 0]


def iso_or_none(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def merge(items: list[tuple[Any, float]], field: str) -> list[tuple[Any, float]]:
    """Sum repeated codes; a code whose shares add up to more than 100% is an error."""
    merged: dict[Any, float] = {}
    for key, pct in items:
        merged[key] = merged.get(key, 0.0) + pct
    for key, pct in merged.items():
        if pct > 100.0 + 1e-6:
            raise Problem(field, str(key), f"repeated, with percentages adding up to {pct:g}")
    return list(merged.items())


def money(currency: str | None, value: float) -> Money:
    # No FX conversion is invented: USD is nominal USD as it stands; other currencies stay
    # in their own currency until a dated exchange-rate source is applied.
    return Money(
        currency=currency, original=value, usd_nominal=value if currency == "USD" else None
    )


def total(commitments: list[TransactionRecord]) -> Money | None:
    """The sum of outgoing commitments, when they share one currency (no conversion)."""
    currencies = {t.money.currency for t in commitments}
    if not commitments or len(currencies) != 1 or None in currencies:
        return None
    value = sum(t.money.original or 0.0 for t in commitments)
    return money(commitments[0].money.currency, value)


def first_children(element: Any, wanted: frozenset[str]) -> dict[str, Any]:
    """The first child element of each ``wanted`` tag (as ``find()`` gives it), in one pass."""
    found: dict[str, Any] = {}
    for child in element:
        tag = child.tag
        if tag in wanted:
            found.setdefault(tag, child)
    return found
