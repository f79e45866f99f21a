"""The ``table`` importer's list fields: several recipients or sectors with their shares.

beltroad's own exports write a multi-country project as ``Pakistan (60%); India (40%)`` and its
sectors as codes (``21020; 23030``) beside labelled shares (``Rail transport (50%); ...``); these
parsers read both back, so an export imports as the same splits. A list without shares is one
entry at 100% or, for several entries, refused: an equal split would be invented.
"""

from __future__ import annotations

import re
from typing import Any

from beltroad.ingest.base import ValueProblem, country, text
from beltroad.records import CountrySplit, SectorSplit
from beltroad.reference.iati import DAC3_SECTORS

_SHARE = re.compile(r"^(?P<name>.*?)\s*\((?P<share>[0-9]+(?:\.[0-9]+)?)\s*%\)$")


def parts(value: Any) -> list[tuple[str, float | None]]:
    """``"A (60%); B (40%)"`` -> [("A", 60.0), ("B", 40.0)]; a part without a share has None."""
    raw = text(value)
    if raw is None:
        return []
    found: list[tuple[str, float | None]] = []
    for part in raw.split(";"):
        part = part.strip()
        if not part:
            continue
        match = _SHARE.match(part)
        if match:
            found.append((match["name"].strip(), float(match["share"])))
        else:
            found.append((part, None))
    return found


def _shares(items: list[tuple[str, float | None]], what: str) -> list[float]:
    shares = [share for _, share in items]
    if len(items) == 1 and shares[0] is None:
        return [100.0]
    if any(share is None for share in shares):
        raise ValueProblem(
            f"several {what} without a share each (expected e.g. 'PAK (60%); IND (40%)')"
        )
    total = sum(s for s in shares if s is not None)
    if not 99.0 <= total <= 101.0:
        raise ValueProblem(f"the {what} shares add up to {total:g}% (expected 100%)")
    return [s for s in shares if s is not None]


def _with_shares(
    items: list[tuple[str, float | None]], shares: Any, what: str
) -> list[tuple[str, float | None]]:
    """``items`` with the shares of a parallel list (whose parts end in "(NN%)"), if given."""
    given = parts(shares)
    if not given:
        return items
    if len(given) != len(items):
        raise ValueProblem(f"{len(items)} {what} but {len(given)} shares (expected one each)")
    return [(name, share) for (name, _), (_, share) in zip(items, given, strict=True)]


def recipients(value: Any, *, shares: Any = None) -> tuple[CountrySplit, ...]:
    """Recipient countries (ISO codes or exact names) with their percentages, given in the
    value or in ``shares``, a parallel list such as the export's ``recipient_countries``."""
    items = _with_shares(parts(value), shares, "recipient countries")
    if not items:
        return ()
    percentages = _shares(items, "recipient countries")
    return tuple(
        CountrySplit(country(name).iso3, share)
        for (name, _), share in zip(items, percentages, strict=True)
    )


def sector_code(raw: str) -> SectorSplit:
    code = raw[:-2] if raw.endswith(".0") else raw
    if code.isdigit() and len(code) == 5 and code[:3] in DAC3_SECTORS:
        return SectorSplit(code=code, vocabulary="1")
    if code.isdigit() and len(code) == 3 and code in DAC3_SECTORS:
        return SectorSplit(code=code, vocabulary="2")
    raise ValueProblem(
        f"{raw!r} is not an OECD DAC sector code (expected a 5-digit purpose code such as 21020 "
        "or a 3-digit category such as 210; map names with [values.sector])"
    )


def sectors(value: Any, *, shares: Any = None) -> tuple[SectorSplit, ...]:
    """Sector codes with their percentages, from the codes or from ``shares`` (a list of the
    same length whose parts end in "(NN%)", such as the export's labelled ``sectors`` column)."""
    items = _with_shares(parts(value), shares, "sector codes")
    if not items:
        return ()
    percentages = _shares(items, "sectors")
    return tuple(
        SectorSplit(split.code, split.vocabulary, share)
        for split, share in zip((sector_code(code) for code, _ in items), percentages, strict=True)
    )


def quality_kinds(value: Any) -> set[str]:
    """The flag kinds a ``quality`` column names ("ok" or "date_order;currency")."""
    raw = text(value)
    if raw is None:
        return set()
    kinds = {kind.strip() for kind in raw.split(";") if kind.strip()}
    bad = [k for k in kinds if not re.fullmatch(r"[a-z0-9_]{1,32}", k)]
    if bad:
        raise ValueProblem(
            f"not a quality value: {bad[0]!r} (expected 'ok' or flag kinds such as "
            "'date_order;currency')"
        )
    return kinds - {"ok"}
