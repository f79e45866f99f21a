"""``iati``: IATI activity XML (2.0x and the older 1.0x) into project records, streamed.

One :class:`~beltroad.records.ProjectRecord` per ``iati-activity``: identifier, title,
description, status, dates, participating organisations with their roles, recipient countries and
regions with percentages, sectors with vocabularies, transactions, budgets (in ``extras``),
default flow/finance/aid type, locations, loan terms and the parent activity. 1.0x files keep the
text in the element itself (no ``<narrative>``) and use names or letter codes where 2.0x uses
numbers; both forms are read wherever they occur, so a file need not declare its version.

Safety. The file is streamed with lxml ``iterparse`` and every activity is cleared once read, so
memory stays flat on a 1 GB file. Entities are never resolved, DTDs never loaded and the network
never touched; a DOCTYPE or ENTITY declaration is refused before the parser sees the file
(billion laughs, XXE). Truncated or malformed XML and bytes that are not the declared encoding
raise :class:`~beltroad.errors.InvalidInput` naming the file and line: the import service then
rolls back whatever the activities before the error had written.

Money: the original currency and value, and the value date where it is not the transaction date.
``usd_nominal`` is set only when the currency is USD: other currencies are converted at query time,
at the rate of their value date (``beltroad.analytics.money``), never at import.
"""

from __future__ import annotations

import codecs
import datetime as dt
import functools
import math
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pycountry
from lxml import etree

from beltroad.errors import InvalidInput, NotFound
from beltroad.ingest import encodings, iati_extension, limits
from beltroad.ingest.base import (
    Item,
    Row,
    RowError,
    SourceInfo,
    ValueProblem,
    date,
    number,
    order_flag,
    require_file,
)
from beltroad.progress import NULL_PROGRESS, Progress
from beltroad.records import (
    QUALITY_OK,
    CountrySplit,
    LoanTermsRecord,
    LocationRecord,
    Money,
    OrgRef,
    Participation,
    ProjectRecord,
    Provenance,
    QualityFlag,
    RegionSplit,
    SectorSplit,
    TransactionRecord,
    quality_of,
)
from beltroad.reference.countries import resolve_country
from beltroad.reference.iati import ParticipationRole, TransactionType

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ROOTS = ("iati-activities", "iati-activity")
MAX_PROLOG = 1 << 20  # bytes scanned for the root element; a real prolog is a few hundred

# Column widths of the registry (storage/models.py): longer values would fail on PostgreSQL.
MAX_IDENTIFIER = 128  # projects.source_record_id
MAX_ORG_REF = 128
MAX_NAME = 256
MAX_CACHED_ORGS = 10_000  # distinct organisations remembered while reading one file
MAX_CACHED_VALUES = 10_000  # distinct currency attributes remembered while reading one file
KEEP_TREE_BELOW = 4 << 20  # bytes: a smaller file's parsed tree (at most ~40 MB) is kept whole
LOW_DATE, HIGH_DATE = dt.date(1900, 1, 1), dt.date(2100, 12, 31)  # as ingest.base.date

DATE_FIELDS = {
    "1": "planned_start",
    "2": "actual_start",
    "3": "planned_end",
    "4": "actual_end",
    # 1.0x names
    "start-planned": "planned_start",
    "start-actual": "actual_start",
    "end-planned": "planned_end",
    "end-actual": "actual_end",
    # pre-1.0 drafts say only "start" and "end"/"completion": read as planned, the weaker claim
    "start": "planned_start",
    "end": "planned_end",
    "completion": "planned_end",
}

# TransactionType: 2.0x numbers, 1.0x letter codes, and the names of pre-1.0 drafts.
TRANSACTION_TYPES: dict[str, int] = {str(code): code for code in range(1, 14)} | {
    "IF": 1,
    "C": 2,
    "D": 3,
    "E": 4,
    "IR": 5,
    "LR": 6,
    "R": 7,
    "QP": 8,
    "QS": 9,
    "CG": 10,
    "incoming funds": 1,
    "commitment": 2,
    "disbursement": 3,
    "disbursment": 3,  # sic, in published 1.0 files
    "expenditure": 4,
    "interest repayment": 5,
    "loan repayment": 6,
    "reimbursement": 7,
}

ROLES: dict[str, ParticipationRole] = {
    "1": ParticipationRole.FUNDING,
    "2": ParticipationRole.ACCOUNTABLE,
    "3": ParticipationRole.EXTENDING,
    "4": ParticipationRole.IMPLEMENTING,
    "funding": ParticipationRole.FUNDING,
    "accountable": ParticipationRole.ACCOUNTABLE,
    "extending": ParticipationRole.EXTENDING,
    "implementing": ParticipationRole.IMPLEMENTING,
    "donor": ParticipationRole.FUNDING,  # pre-1.0 drafts
}

STATUS_NAMES = {
    "pipeline": 1,
    "identification": 1,
    "implementation": 2,
    "ongoing": 2,
    "completion": 3,
    "finalisation": 3,
    "post-completion": 4,
    "closed": 4,
    "cancelled": 5,
    "suspended": 6,
}

# 1.0x sector vocabularies -> 2.0x SectorVocabulary codes. "WB" (World Bank sector codes) has no
# 2.0x vocabulary of its own; it is the reporting organisation's vocabulary, 99.
SECTOR_VOCABULARIES = {
    "DAC": "1",
    "DAC-3": "2",
    "COFOG": "3",
    "NACE": "4",
    "NTEE": "5",
    "ADT": "6",
    "RO": "99",
    "RO2": "98",
    "WB": "99",
}

# The children of iati-activity that are read; the rest are skipped without a look.
READ = frozenset(
    (
        "iati-identifier",
        "reporting-org",
        "title",
        "description",
        "participating-org",
        "activity-status",
        "activity-date",
        "recipient-country",
        "recipient-region",
        "location",
        "sector",
        "default-flow-type",
        "default-finance-type",
        "default-aid-type",
        "budget",
        "transaction",
        "crs-add",
        "related-activity",
        iati_extension.RECORD,
    )
)

BUDGET_TYPES = {"original": "1", "revised": "2"}  # 1.0x names -> BudgetType


class _Problem(ValueError):
    """One bad value in an activity: becomes a RowError naming the field."""

    def __init__(self, field: str, value: Any, reason: str) -> None:
        super().__init__(reason)
        self.field, self.value, self.reason = field, value, reason


def default_dataset(path: Path) -> str:
    """``iati-`` plus the file name, lower-case, as the dataset name (at most 64 characters)."""
    slug = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-") or "file"
    return f"iati-{slug}"[:64]


class IatiImporter:
    """Read an IATI activity file; ``dataset`` names the import (default: from the file name)."""

    kind = "iati"
    summary = "IATI activity XML, 2.0x or 1.0x (streamed; no DTDs or entities)"

    def __init__(self, dataset: str | None = None) -> None:
        if dataset is not None and not 1 <= len(dataset) <= 64:
            raise InvalidInput.at("must be 1 to 64 characters", field="dataset", value=dataset)
        self.dataset = dataset

    def source(self, path: Path) -> SourceInfo:
        return SourceInfo(
            dataset=self.dataset or default_dataset(path),
            title=f"IATI activities: {path.name}",
            citation=(
                f"{path.name}, IATI activity file; publisher as stated in each activity's "
                "reporting-org (International Aid Transparency Initiative, iatistandard.org)"
            ),
            licence="as published by the reporting organisation (see its IATI Registry record)",
        )

    def read(self, path: Path, *, progress: Progress = NULL_PROGRESS) -> Iterator[Item]:
        require_file(path)
        declared = check_prolog(path)
        dataset = self.dataset or default_dataset(path)
        memo = _Memo()  # shared by the activities of this file
        progress.start(f"reading {path.name}", total=path.stat().st_size)
        for element, version in _activities(path, declared, progress):
            line = element.sourceline or 0
            children = len(element)
            if children > limits.MAX_ACTIVITY_CHILDREN:
                yield RowError(
                    line,
                    "iati-activity",
                    f"{children:,} child elements",
                    f"more than {limits.MAX_ACTIVITY_CHILDREN:,} child elements, the limit "
                    "for one activity",
                )
                continue
            activity = _Activity(element, dataset, version, memo)
            try:
                record = activity.record()
            except _Problems as problems:
                yield from (RowError(line, p.field, p.value, p.reason) for p in problems)
            else:
                flags = activity.flags
                yield Row(line, record, tuple(flags)) if flags else Row(line, record)
        progress.finish()


# Never expand entities, load DTDs or touch the network; keep libxml2's limits.
SAFE_PARSING: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
    # Indentation between elements is never read (IATI text sits in leaf elements): dropping it
    # at parse time saves a tenth of libxml2's work, as does not indexing xml:id attributes.
    "remove_blank_text": True,
    "collect_ids": False,
}


def _activities(
    path: Path, declared: str | None, progress: Progress
) -> Iterator[tuple[Any, str | None]]:
    """Each ``iati-activity`` element of the file with the file's IATI version.

    A file up to :data:`KEEP_TREE_BELOW` is parsed whole (a third cheaper than streaming it); a
    larger one is streamed, each activity freed once it has been read, so memory stays flat.
    """
    size = path.stat().st_size
    version: str | None = None
    if size <= KEEP_TREE_BELOW:
        try:
            # From memory, not the file name: libxml2 reading the file itself reports a bad
            # byte as an I/O error without a line.
            root = etree.fromstring(path.read_bytes(), etree.XMLParser(**SAFE_PARSING))
        except etree.XMLSyntaxError as exc:
            raise _syntax_error(exc, path, declared) from None
        _refuse_dtd(root, path)
        version = root.get("version")
        progress.advance(size // 2)  # the parse; the other half as the activities are read
        elements = list(root.iter("iati-activity"))
        done = size // 2
        for number, element in enumerate(elements, 1):
            yield element, version if element is not root else None
            position = size // 2 + size * number // (2 * len(elements))
            progress.advance(position - done)
            done = position
        progress.advance(size - done)
        return
    done = 0
    with path.open("rb") as raw:
        # Counts the bytes read since the last activity ended: one activity too large to hold
        # stops the parse before its tree is built (limits.MAX_ACTIVITY_BYTES).
        handle = limits.SpanLimitedReader(
            raw, limit=limits.MAX_ACTIVITY_BYTES, file=str(path), what="iati-activity"
        )
        events = etree.iterparse(handle, events=("end",), tag="iati-activity", **SAFE_PARSING)
        checked = False
        try:
            for _, element in events:
                if not checked:
                    _refuse_dtd(element, path)
                    root = element.getroottree().getroot()
                    version = root.get("version") if root is not element else None
                    checked = True
                handle.boundary(element.sourceline or 0)
                yield element, version
                # Free what has been read: the activity and its earlier siblings.
                element.clear(keep_tail=False)
                parent = element.getparent()
                if parent is not None:
                    while element.getprevious() is not None:
                        del parent[0]
                position = handle.tell()
                progress.advance(position - done)
                done = position
        except etree.XMLSyntaxError as exc:
            raise _syntax_error(exc, path, declared) from None


class _Problems(Exception):
    def __init__(self, problems: list[_Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems

    def __iter__(self) -> Iterator[_Problem]:
        return iter(self.problems)


# --- file-level safety ---------------------------------------------------------------------------

_NAME = re.compile(r"[A-Za-z_][\w.:-]*")
_ENCODING = re.compile(r"""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def _sniff_codec(head: bytes) -> tuple[str, int]:
    """The codec to scan the prolog with, and the length of its byte-order mark."""
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if head.startswith(bom):
            return codec, len(bom)
    if head.startswith(b"<\x00?\x00"):
        return "utf-16-le", 0
    if head.startswith(b"\x00<\x00?"):
        return "utf-16-be", 0
    return "latin-1", 0  # ASCII-compatible: markup is ASCII, and every byte decodes


def _scan_prolog(text: str, final: bool) -> tuple[str, int, str]:
    """Walk declarations, comments and PIs up to the root: (what, where, root name).

    ``what`` is ``root``, ``doctype`` (any ``<!`` other than a comment), ``text`` (not XML:
    the parser will say where) or ``more`` (the buffer ends inside the prolog).
    """
    pos, size = 0, len(text)
    while True:
        while pos < size and text[pos].isspace():
            pos += 1
        if size - pos < 4 and not final:
            return "more", pos, ""
        if text.startswith("<?", pos):
            end = text.find("?>", pos + 2)
            if end < 0:
                return ("text" if final else "more"), pos, ""
            pos = end + 2
        elif text.startswith("<!--", pos):
            end = text.find("-->", pos + 4)
            if end < 0:
                return ("text" if final else "more"), pos, ""
            pos = end + 3
        elif text.startswith("<!", pos):
            return "doctype", pos, ""
        elif text.startswith("<", pos) and (name := _NAME.match(text, pos + 1)):
            if name.end() == size and not final:
                return "more", pos, ""
            return "root", pos, name.group(0)
        else:
            return ("empty" if pos >= size else "text"), pos, ""


def check_prolog(path: Path) -> str | None:
    """Refuse DOCTYPE/ENTITY declarations, empty files and non-IATI roots; the declared encoding.

    Only the prolog (what comes before the root element) is read, so this costs nothing on a
    large file, and it runs before libxml2 sees a byte: nothing can be expanded or fetched.
    """
    with path.open("rb") as handle:
        head = handle.read(4)
        codec, bom = _sniff_codec(head)
        handle.seek(bom)
        decoder = codecs.getincrementaldecoder(codec)(errors="replace")
        text = ""
        while True:
            block = handle.read(1 << 14)
            text += decoder.decode(block, final=not block)
            what, pos, root = _scan_prolog(text, final=not block)
            if what == "more" and len(text) <= MAX_PROLOG:
                continue
            line = text.count("\n", 0, pos) + 1
            if what == "doctype":
                raise InvalidInput.at(
                    f"DOCTYPE/entity declarations are not allowed (found at line {line}; "
                    "they can expand entities or fetch external files)",
                    file=str(path),
                    row=line,
                    hint="remove the <!DOCTYPE ...> block; IATI XML needs no DTD",
                )
            if what == "empty":
                raise InvalidInput.at(
                    "no XML element found: the file is empty or holds only a declaration "
                    "or comments",
                    file=str(path),
                    hint="export the IATI activities again; the file should start with "
                    "<iati-activities>",
                )
            if what == "more":
                raise InvalidInput.at(
                    f"no root element in the first {MAX_PROLOG // 1024} KB", file=str(path)
                )
            if what == "root" and root.split(":")[-1] not in ROOTS:
                organisation = (
                    " (this is an IATI organisation file)" if "organisation" in root else ""
                )
                raise InvalidInput.at(
                    f"the root element is <{root}>, expected <iati-activities>{organisation}",
                    file=str(path),
                    row=line,
                    hint="import an IATI activity file",
                )
            found = _ENCODING.search(text, 0, pos)
            declared = found.group(1) if found else None
            encodings.check_declared(path, declared, head)
            return declared


def _refuse_dtd(element: Any, path: Path) -> None:
    """Second line of defence: a DTD that slipped past :func:`check_prolog` still stops here."""
    info = element.getroottree().docinfo
    if info.doctype or info.internalDTD is not None:
        raise InvalidInput.at(
            "DOCTYPE/entity declarations are not allowed (found before the root element)",
            file=str(path),
            row=1,
        )


def _syntax_error(exc: Any, path: Path, declared: str | None) -> InvalidInput:
    line = exc.lineno or (exc.position[0] if exc.position else None)
    message = (exc.msg or str(exc)).strip()
    lowered = message.lower()
    if "encoding" in lowered or "not proper utf" in lowered or "invalid char" in lowered:
        expected = declared or "UTF-8"
        source = (
            "the encoding the file declares"
            if declared
            else "XML's default: no encoding is declared"
        )
        found = encodings.detect_file(path)
        if encodings.is_utf8(expected) and encodings.is_utf8(found):
            # Valid UTF-8 that libxml2 still refuses: a character XML forbids (a control
            # character), not an encoding problem.
            return InvalidInput.at(
                f"line {line} holds a character that XML does not allow: {message}",
                file=str(path),
                row=line,
                hint="remove control characters (other than tab, CR and LF) from the text",
            )
        return InvalidInput.at(
            f"the bytes at line {line} are not valid {expected} ({source}); they look like "
            f"{found}: {message}",
            file=str(path),
            row=line,
            field="encoding",
            hint=f"re-save the file as {expected}, or declare its real encoding in the "
            f'<?xml ... ?> line (encoding="{encodings.attribute_name(found)}")',
        )
    if "excessive depth" in lowered:
        return InvalidInput.at(
            f"elements nested more than {limits.MAX_XML_DEPTH} levels deep at line {line}, "
            f"the limit for XML (IATI needs fewer than 10): {message}",
            file=str(path),
            row=line,
            hint="the file is not IATI activity XML, or was generated wrongly",
        )
    return InvalidInput.at(
        f"truncated or malformed XML at line {line}: {message}",
        file=str(path),
        row=line,
        hint="the file may be cut short (an interrupted download?); fetch it again",
    )


# --- one activity --------------------------------------------------------------------------------


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def _text(element: Any, lang: str | None) -> str | None:
    """A narrative in the activity's language (else the first), or the element's own text (1.0x)."""
    if not len(element):  # no child elements: 1.0x text, or an empty 2.0x element
        return _clean(element.text)
    first = None
    for narrative in element.iterchildren("narrative"):
        value = _clean(narrative.text)
        if value is None:
            continue
        own = narrative.get(XML_LANG)
        if own is None or (lang is not None and own.lower() == lang):
            return value
        if first is None:
            first = value
    return first if first is not None else _clean(element.text)


def _pick(elements: Sequence[Any], lang: str | None) -> str | None:
    """1.0x repeats whole elements per language: the one in the activity's language first."""
    texts = [(e.get(XML_LANG), _text(e, lang)) for e in elements]
    for own, value in texts:
        if value and (own is None or (lang is not None and own.lower() == lang)):
            return value
    return next((value for _, value in texts if value), None)


def _number(raw: str | None, *, what: str) -> float | None:
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


_COMMITMENTS = (int(TransactionType.OUTGOING_COMMITMENT), int(TransactionType.INCOMING_COMMITMENT))


def _check_commitments(transactions: list[TransactionRecord]) -> None:
    """A negative commitment is a decrease of an earlier one (IATI allows negative values to
    reverse or correct): kept, unless the activity's commitments then add up to less than zero
    in a currency, which no reversal can mean."""
    totals: dict[tuple[int, str | None], float] = {}
    for transaction in transactions:
        money = transaction.money
        if transaction.type in _COMMITMENTS and money.original is not None:
            key = (transaction.type, money.currency)
            totals[key] = totals.get(key, 0.0) + money.original
    for (kind, currency), total in totals.items():
        if total < 0:
            raise _Problem(
                "transaction/value",
                total,
                f"the commitments (transaction type {kind}) add up to {total:,.2f} "
                f"{currency or ''}: a negative commitment may only reverse an earlier one "
                "(expected a total of 0 or more)",
            )


def _amount(raw: str | None, field: str) -> float:
    """A required amount, or the _Problem that says why ``raw`` is not one."""
    try:
        value = _number(raw, what="an amount")
    except ValueProblem as exc:
        raise _Problem(field, raw, str(exc)) from None
    if value is None:
        raise _Problem(field, raw, "transaction value missing")
    return value


def _transaction_type(type_element: Any, transaction: Any) -> int:
    """The TransactionType of a code not written exactly as listed (spaces, case, pre-1.0)."""
    raw = _clean(type_element.get("code")) if type_element is not None else None
    raw = raw or _clean(transaction.get("type"))  # pre-1.0 drafts
    if raw is None:
        raise _Problem("transaction/transaction-type", None, "transaction type missing")
    kind = TRANSACTION_TYPES.get(raw) or TRANSACTION_TYPES.get(raw.lower())
    if kind is None:
        raise _Problem(
            "transaction/transaction-type/@code",
            raw,
            "unknown TransactionType (expected 1-13 or a 1.0x code such as C, D, E, IF)",
        )
    return kind


def _percentage(element: Any, field: str) -> float | None:
    raw = element.get("percentage")
    try:
        value = _number(raw, what="a percentage from 0 to 100")
    except ValueProblem as exc:
        raise _Problem(f"{field}/@percentage", raw, str(exc)) from None
    if value is not None and not 0 <= value <= 100:
        raise _Problem(f"{field}/@percentage", raw, "percentage outside 0 to 100")
    return value


@functools.lru_cache(maxsize=4096)  # a file repeats its dates (periods, value dates) often
def _iso_text(raw: str) -> dt.date | None:
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


def _iso(element: Any, field: str, attribute: str = "iso-date") -> dt.date | None:
    raw = element.get(attribute)
    if raw is None and attribute == "iso-date":
        raw = element.text  # 1.0x may put the date in the element's text
    if raw is not None:
        found = _iso_text(raw)
        if found is not None:
            return found
        raw = raw.strip()
    try:
        return date(raw)
    except ValueProblem as exc:
        raise _Problem(field, raw, f"{exc} (expected an ISO date YYYY-MM-DD)") from None


@functools.lru_cache(maxsize=4096)
def _plain_iso(raw: str) -> bool:
    """Is ``raw`` exactly the text ``isoformat()`` gives for the date it names?"""
    return len(raw) == 10 and _iso_text(raw) is not None


def _iso_string(element: Any, field: str, attribute: str = "iso-date") -> str | None:
    """:func:`_iso` as ``YYYY-MM-DD`` text (budgets keep their dates in ``extras``)."""
    raw: str | None = element.get(attribute)
    if raw is not None and _plain_iso(raw):
        return raw
    found = _iso(element, field, attribute)
    return None if found is None else found.isoformat()


def _code_int(element: Any, field: str) -> int | None:
    raw = _clean(element.get("code"))
    if raw is None:
        return None
    code = _small(raw)
    if code is None:
        raise _Problem(f"{field}/@code", raw, "not a numeric IATI code")
    return code


def _small(raw: str | None) -> int | None:
    """A numeric code of at most four digits (they are stored as small integers), else None."""
    return int(raw) if raw and len(raw) <= 4 and raw.isdigit() else None


def _splits(
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
            raise _Problem(
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


_UNSEEN = object()  # a memo's "not seen yet", where None is a valid value


class _Memo:
    """What the activities of one file share: values already read, so each is worked out once.

    A file names the same few organisations and currencies thousands of times. Only values that
    were read without a problem are kept (a bad one is reported again wherever it occurs), and
    each memo is capped (:data:`MAX_CACHED_ORGS`, :data:`MAX_CACHED_VALUES`) so memory stays
    flat on any file.
    """

    __slots__ = ("countries", "currencies", "orgs", "participations", "plain_orgs", "sectors")

    def __init__(self) -> None:
        # (ref, @type, name) -> OrgRef, as _Activity._org made it
        self.orgs: dict[tuple[str | None, str | None, str], OrgRef] = {}
        # (@ref, @type, text) exactly as written -> OrgRef, for elements without narratives
        self.plain_orgs: dict[tuple[str | None, str | None, str | None], OrgRef] = {}
        # (@currency as written, the activity's default-currency) -> checked code
        self.currencies: dict[tuple[str | None, str | None], str | None] = {}
        # recipient-country/@code as written -> the split of an activity wholly in it
        self.countries: dict[str | None, tuple[CountrySplit, ...]] = {}
        # ((@ref, @type, text), @role) of a participating-org without narratives -> its
        # Participation (only mapped roles: an unmapped one is noted each time)
        self.participations: dict[tuple[Any, str | None], Participation] = {}
        # a lone sector element's raw attributes -> its split (only when that is one sector)
        self.sectors: dict[tuple[str | None, ...], tuple[SectorSplit, ...]] = {}


class _Activity:
    """Reads one ``iati-activity`` element; :meth:`record` returns it or raises _Problems."""

    def __init__(
        self, element: Any, dataset: str, version: str | None, memo: _Memo | None = None
    ) -> None:
        self.element = element
        self.memo = _Memo() if memo is None else memo
        self.orgs = self.memo.orgs
        self.dataset = dataset
        self.version = version
        lang = element.get(XML_LANG)
        self.lang = lang.lower() if lang else None
        self.currency = _clean(element.get("default-currency"))
        self.problems: list[_Problem] = []
        self.notes: list[str] = []
        self.flags: list[QualityFlag] = []  # readable but inconsistent: kept, flagged
        # Set by _transactions once it has read them all: (flow-type, finance-type) elements.
        self._transaction_types: list[tuple[Any, Any]] | None = None

    def _org(self, element: Any, field: str) -> OrgRef | None:
        plain = None
        if not len(element):
            # No narratives (1.0x, or a 2.0x element with a ref only): the raw ref, type and text
            # decide the result, so an element seen before costs three attribute reads.
            plain = (element.get("ref"), element.get("type"), element.text)
            found = self.memo.plain_orgs.get(plain)
            if found is not None:
                return found
        ref = _clean(element.get("ref"))
        if ref is not None and len(ref) > MAX_ORG_REF:
            raise _Problem(f"{field}/@ref", ref, f"longer than {MAX_ORG_REF} characters")
        name = _text(element, self.lang) or ref
        if name is None:
            return None
        raw_type = element.get("type")
        key = (ref, raw_type, name)
        org = self.orgs.get(key)
        if org is None:
            # A file names the same few organisations thousands of times: build each once.
            org = OrgRef(
                name=" ".join(name.split())[:MAX_NAME],
                ref=ref,
                org_type=_small(_clean(raw_type)),
            )
            if len(self.orgs) < MAX_CACHED_ORGS:
                self.orgs[key] = org
        if plain is not None and len(self.memo.plain_orgs) < MAX_CACHED_ORGS:
            self.memo.plain_orgs[plain] = org
        return org

    def record(self) -> ProjectRecord:
        children: dict[str, list[Any]] = {}
        for child in self.element:
            tag = child.tag
            if tag in READ:  # most of a real activity (results, documents...) is not read
                group = children.get(tag)
                if group is None:
                    children[tag] = [child]
                else:
                    group.append(child)
        get = children.get
        values: dict[str, Any] = {}
        for name, reader in _READERS:
            try:
                values[name] = reader(self, get)
            except _Problem as problem:
                self.problems.append(problem)
        titles = get("title", ())
        if len(titles) == 1 and not len(titles[0]) and titles[0].get(XML_LANG) is None:
            title = _clean(titles[0].text)  # the usual 1.0x title: what _pick would give
        else:
            title = _pick(titles, self.lang)
        if title is None:
            self.problems.append(_Problem("title", None, "title missing"))
        if self.problems:
            raise _Problems(self.problems)
        assert title is not None
        extension = get(iati_extension.RECORD)
        if extension:  # written by beltroad: the record as it was stored, nothing lost
            return self._extension_record(extension, values["identifier"])
        dates = values["dates"]
        countries, regions = values["geography"]
        transactions = values["transactions"]
        flow_type, finance_type, aid_type = values["defaults"]
        loan_terms, loan_extras = values["loan"]
        extras: dict[str, Any] = {}
        if values["reporting"] is not None:
            extras["reporting_org"] = values["reporting"]
        if self.version:
            extras["iati_version"] = self.version
        if self.currency:
            extras["default_currency"] = self.currency
        if values["budgets"]:
            extras["budgets"] = values["budgets"]
        if loan_extras:
            extras["loan_terms"] = loan_extras
        participations, unmapped = values["participations"]
        if unmapped:
            extras["unmapped_participants"] = unmapped
        if self.notes:
            extras["notes"] = self.notes
        commitments = [t for t in transactions if t.type == 2]
        return ProjectRecord(
            identifier=values["identifier"],
            title=" ".join(title.split()),
            provenance=Provenance(
                dataset=self.dataset,
                source_record_id=values["identifier"],
                quality=quality_of(self.flags) if self.flags else QUALITY_OK,
            ),
            description=self._description(get("description", [])),
            status=values["status"],
            planned_start=dates.get("planned_start"),
            actual_start=dates.get("actual_start"),
            planned_end=dates.get("planned_end"),
            actual_end=dates.get("actual_end"),
            commitment_year=min((t.date.year for t in commitments if t.date), default=None),
            flow_type=flow_type,
            finance_type=finance_type,
            aid_type=aid_type,
            amount=_total(commitments),
            countries=countries,
            regions=regions,
            sectors=values["sectors"],
            participations=participations,
            transactions=transactions,
            loan_terms=loan_terms,
            locations=values["locations"],
            parent_identifier=values["parent"],
            extras=extras,
        )

    def _extension_record(self, elements: list[Any], identifier: str) -> ProjectRecord:
        if len(elements) > 1:
            raise _Problems([_Problem("beltroad:record", None, "more than one beltroad:record")])
        try:
            record = iati_extension.decode(elements[0])
            return iati_extension.adopt(record, dataset=self.dataset, identifier=identifier)
        except iati_extension.ExtensionError as exc:
            raise _Problems([_Problem(exc.path, exc.value, exc.reason)]) from None

    # each reader takes ``get`` (tag -> child elements) and returns its part or raises _Problem

    def _identifier(self, get: Any) -> str:
        found = get("iati-identifier")
        identifier = _clean(found[0].text) if found else None
        if identifier is None:
            raise _Problem("iati-identifier", None, "iati-identifier missing")
        if len(identifier) > MAX_IDENTIFIER:
            raise _Problem(
                "iati-identifier", identifier, f"longer than {MAX_IDENTIFIER} characters"
            )
        return identifier

    def _reporting(self, get: Any) -> dict[str, Any] | None:
        found = get("reporting-org")
        org = self._org(found[0], "reporting-org") if found else None
        return None if org is None else {"ref": org.ref, "type": org.org_type, "name": org.name}

    def _description(self, elements: list[Any]) -> str | None:
        general = [e for e in elements if e.get("type") in (None, "1", "general")]
        return _pick(general, self.lang) or _pick(elements, self.lang)

    def _dates(self, get: Any) -> dict[str, dt.date]:
        found: dict[str, dt.date] = {}
        for element in get("activity-date", ()):
            kind = element.get("type")
            name = DATE_FIELDS.get(kind)  # the usual case: a code exactly as the standard has it
            if name is None:
                kind = (kind or "").strip().lower()
                name = DATE_FIELDS.get(kind)
            if name is None:
                raise _Problem(
                    "activity-date/@type",
                    element.get("type"),
                    "unknown date type "
                    "(expected 1-4 or start-planned, start-actual, end-planned, "
                    "end-actual)",
                )
            raw = element.get("iso-date")
            value = _iso_text(raw) if raw is not None else None
            if value is None:  # not plain ISO: the full reading, or its error
                value = _iso(element, f"activity-date[@type={kind}]")
            if value is not None:
                found.setdefault(name, value)
        if len(found) > 1:  # an order to check (IATI rulesets: start before end)
            for which in ("planned", "actual"):
                flag = order_flag(
                    f"date_order:{which}_end<{which}_start",
                    found.get(f"{which}_start"),
                    found.get(f"{which}_end"),
                    what=f"{which} end before {which} start",
                    field=f"activity-date[@type=end-{which}]",
                    value=found.get(f"{which}_end"),
                )
                if flag is not None:
                    self.flags.append(flag)
        return found

    def _status(self, get: Any) -> int | None:
        found = get("activity-status")
        if not found:
            return None
        raw = _clean(found[0].get("code")) or _clean(found[0].get("ref"))
        if raw is None:
            return None
        status = int(raw) if raw.isdigit() else STATUS_NAMES.get(raw.lower())
        if status is None or not 1 <= status <= 6:
            raise _Problem("activity-status/@code", raw, "unknown ActivityStatus (expected 1-6)")
        return status

    def _participations(self, get: Any) -> tuple[tuple[Participation, ...], list[dict[str, Any]]]:
        out: list[Participation] = []
        unmapped: list[dict[str, Any]] = []
        plain_orgs = self.memo.plain_orgs
        participations = self.memo.participations
        for element in get("participating-org", ()):
            plain = None
            if not len(element):  # no narratives: the raw attributes and text decide it all
                key = (element.get("ref"), element.get("type"), element.text)
                plain = (key, element.get("role"))
                known = participations.get(plain)
                if known is not None:
                    out.append(known)
                    continue
            org = (None if plain is None else plain_orgs.get(plain[0])) or self._org(
                element, "participating-org"
            )
            if org is None:
                continue
            raw = (element.get("role") or "").strip()
            role = ROLES.get(raw.lower())
            if role is None:
                # Not an IATI role (e.g. "beneficiary"): kept, but not as a participation.
                unmapped.append({"role": raw, "name": org.name, "ref": org.ref})
                continue
            participation = Participation(org=org, role=role.value)
            if plain is not None and len(participations) < MAX_CACHED_ORGS:
                participations[plain] = participation
            out.append(participation)
        return tuple(out), unmapped

    def _geography(self, get: Any) -> tuple[tuple[CountrySplit, ...], tuple[RegionSplit, ...]]:
        country_elements = get("recipient-country", ())
        if len(country_elements) == 1 and not get("recipient-region"):
            # The usual activity: one country, all of it (the general reading gives the same).
            found = self.memo.countries.get(country_elements[0].get("code"))
            if found is not None and country_elements[0].get("percentage") in (None, "100"):
                return found, ()
        countries: list[tuple[str, float | None]] = []
        for element in country_elements:
            code = _clean(element.get("code"))
            if code is None:
                raise _Problem("recipient-country/@code", None, "country code missing")
            try:
                iso3 = resolve_country(code).iso3
            except (NotFound, LookupError):
                withdrawn = pycountry.historic_countries.get(alpha_2=code.upper())
                if withdrawn is not None:
                    # A code ISO has withdrawn (AN, Netherlands Antilles, in real 2.03 files):
                    # no current country to attribute its share to, so it is left out, noted.
                    self.notes.append(
                        f"recipient-country {code} ({withdrawn.name}) is a withdrawn ISO 3166 "
                        f"code: its {element.get('percentage') or ''}% share left out"
                    )
                    continue
                raise _Problem(
                    "recipient-country/@code",
                    code,
                    f"unknown country code {code!r} (expected an ISO 3166-1 alpha-2 code)",
                ) from None
            percentage = _percentage(element, "recipient-country")
            countries.append((iso3, percentage))
            if percentage in (None, 100.0) and len(self.memo.countries) < MAX_CACHED_VALUES:
                self.memo.countries[element.get("code")] = (CountrySplit(iso3, 100.0),)
        regions: list[tuple[tuple[str, str], float | None]] = []
        for element in get("recipient-region", []):
            code = _clean(element.get("code"))
            if code is None:
                continue  # an empty placeholder element (1.0x files have them)
            vocabulary = _clean(element.get("vocabulary")) or "1"
            if len(code) > 16 or len(vocabulary) > 4:
                raise _Problem("recipient-region", code, "region code or vocabulary too long")
            regions.append(((vocabulary, code), _percentage(element, "recipient-region")))
        if not countries and not regions:
            return (), ()
        country_splits = _merge(
            _splits(countries, "recipient-country", self.notes), "recipient-country"
        )
        region_splits = _merge(_splits(regions, "recipient-region", self.notes), "recipient-region")
        return (
            tuple(CountrySplit(iso3, pct) for iso3, pct in country_splits),
            tuple(
                RegionSplit(code=c, vocabulary=v, percentage=pct) for (v, c), pct in region_splits
            ),
        )

    def _sectors(self, get: Any) -> tuple[SectorSplit, ...]:
        elements = get("sector", ())
        key = None
        if len(elements) == 1:
            # The usual activity: one sector, all of it; the same attributes give the same split.
            only = elements[0]
            key = (
                only.get("code"),
                only.get("vocabulary"),
                only.get("percentage"),
                only.get("ref"),
                only.get("vocab"),
            )
            found = self.memo.sectors.get(key)
            if found is not None:
                return found
        by_vocabulary: dict[str, list[tuple[str, float | None]]] = {}
        for element in elements:
            code = _clean(element.get("code")) or _clean(element.get("ref"))
            raw_vocabulary = _clean(element.get("vocabulary")) or _clean(element.get("vocab"))
            if code is None:
                if _text(element, self.lang):
                    self.notes.append(f"sector without a code left out: {_text(element, None)!r}")
                continue
            vocabulary = SECTOR_VOCABULARIES.get(
                (raw_vocabulary or "1").upper(), raw_vocabulary or "1"
            )
            if len(code) > 16 or len(vocabulary) > 4:
                raise _Problem("sector", code, "sector code or vocabulary too long")
            by_vocabulary.setdefault(vocabulary, []).append((code, _percentage(element, "sector")))
        out: list[SectorSplit] = []
        for vocabulary, items in by_vocabulary.items():
            merged = _merge(_splits(items, f"sector vocabulary {vocabulary}", self.notes), "sector")
            out += [SectorSplit(code=c, vocabulary=vocabulary, percentage=p) for c, p in merged]
        if key is not None and len(out) == 1 and len(self.memo.sectors) < MAX_CACHED_VALUES:
            self.memo.sectors[key] = (out[0],)
        return tuple(out)

    def _transactions(self, get: Any) -> tuple[TransactionRecord, ...]:
        elements = get("transaction")
        if not elements:
            return ()
        out: list[TransactionRecord] = []
        # The common case inline (a file has thousands of transactions): codes as listed, plain
        # decimals, ISO dates, organisations and currencies seen before. Anything else takes the
        # full reading, which also words the error.
        org = self._org
        plain_orgs = self.memo.plain_orgs
        currencies = self.memo.currencies
        default_currency = self.currency
        types: list[tuple[Any, Any]] = []  # each one's flow-type and finance-type, for _defaults
        for element in elements:
            type_element = value_element = date_element = provider = receiver = None
            flow = finance = None
            for child in element:  # the first child of each tag; one pass, no find()
                tag = child.tag
                if tag == "value":
                    if value_element is None:
                        value_element = child
                elif tag == "transaction-type":
                    if type_element is None:
                        type_element = child
                elif tag == "transaction-date":
                    if date_element is None:
                        date_element = child
                elif tag == "provider-org":
                    if provider is None:
                        provider = child
                elif tag == "receiver-org":
                    if receiver is None:
                        receiver = child
                elif tag == "flow-type":
                    if flow is None:
                        flow = child
                elif tag == "finance-type" and finance is None:
                    finance = child
            types.append((flow, finance))
            kind = (
                TRANSACTION_TYPES.get(type_element.get("code"))
                if type_element is not None
                else None
            )
            if kind is None:
                kind = _transaction_type(type_element, element)
            if value_element is None:
                raise _Problem("transaction/value", None, "transaction value missing")
            raw_value = value_element.text
            try:
                value = float(raw_value)
                if not math.isfinite(value):
                    raise ValueError(raw_value)
            except (TypeError, ValueError):
                value = _amount(raw_value, "transaction/value")
            currency: Any = currencies.get(
                (value_element.get("currency"), default_currency), _UNSEEN
            )
            if currency is _UNSEEN:
                currency = self._currency(value_element, "transaction/value/@currency")
            when = None
            if date_element is not None:
                raw_date = date_element.get("iso-date")
                when = _iso_text(raw_date) if raw_date is not None else None
                if when is None:
                    when = _iso(date_element, "transaction/transaction-date")
            raw_value_date = value_element.get("value-date")
            value_date = _iso_text(raw_value_date) if raw_value_date is not None else None
            if when is None:  # IATI's fallback: the value date
                when = value_date or _iso(
                    value_element, "transaction/value/@value-date", "value-date"
                )
            provider_org = receiver_org = None
            if provider is not None:
                provider_org = (
                    None
                    if len(provider)
                    else plain_orgs.get((provider.get("ref"), provider.get("type"), provider.text))
                ) or org(provider, "transaction/provider-org")
            if receiver is not None:
                receiver_org = (
                    None
                    if len(receiver)
                    else plain_orgs.get((receiver.get("ref"), receiver.get("type"), receiver.text))
                ) or org(receiver, "transaction/receiver-org")
            out.append(
                TransactionRecord(
                    kind,
                    when,
                    Money(currency, value, value if currency == "USD" else None),  # _money
                    provider_org,
                    receiver_org,
                    # The day the value converts at, kept only where it is another day.
                    value_date if value_date != when else None,
                )
            )
        self._transaction_types = types
        _check_commitments(out)
        return tuple(out)

    def _currency(self, element: Any, field: str) -> str | None:
        raw = element.get("currency")
        key = (raw, self.currency)
        currencies = self.memo.currencies
        if key in currencies:
            return currencies[key]
        currency = _clean(raw) or self.currency
        if currency is not None:
            currency = currency.upper()
            if len(currency) != 3 or not currency.isalpha():
                raise _Problem(field, currency, "not an ISO 4217 currency code")
        if len(currencies) < MAX_CACHED_VALUES:
            currencies[key] = currency
        return currency

    def _budgets(self, get: Any) -> list[dict[str, Any]]:
        """Budgets, kept in ``extras``: one that cannot be read is noted and left out, not fatal
        (budgets feed no total; 1.0x files often give only a year as the period)."""
        out: list[dict[str, Any]] = []
        for element in get("budget", []):
            try:
                out.append(self._budget(element))
            except _Problem as problem:
                self.notes.append(
                    f"budget left out: {problem.field} {problem.value!r}: {problem.reason}"
                )
        return out

    def _budget(self, element: Any) -> dict[str, Any]:
        value_element = start = end = None
        for child in element:  # the first child of each tag; one pass, no find()
            tag = child.tag
            if tag == "value":
                if value_element is None:
                    value_element = child
            elif tag == "period-start":
                if start is None:
                    start = child
            elif tag == "period-end" and end is None:
                end = child
        if value_element is None:
            raise _Problem("budget/value", None, "value missing")
        try:
            value = _number(value_element.text, what="an amount")
        except ValueProblem as exc:
            raise _Problem("budget/value", value_element.text, str(exc)) from None
        raw_type = _clean(element.get("type"))
        currency = self.memo.currencies.get((value_element.get("currency"), self.currency), _UNSEEN)
        if currency is _UNSEEN:
            currency = self._currency(value_element, "budget/value/@currency")
        return {
            "type": BUDGET_TYPES.get((raw_type or "").lower(), raw_type),
            "status": _clean(element.get("status")),
            "period_start": None if start is None else _iso_string(start, "budget/period-start"),
            "period_end": None if end is None else _iso_string(end, "budget/period-end"),
            "value": value,
            "currency": currency,
            "value_date": _iso_string(value_element, "budget/value/@value-date", "value-date"),
        }

    def _defaults(self, get: Any) -> tuple[int | None, int | None, str | None]:
        flow = get("default-flow-type")
        finance = get("default-finance-type")
        flow_type = _code_int(flow[0], "default-flow-type") if flow else None
        finance_type = _code_int(finance[0], "default-finance-type") if finance else None
        if flow_type is None or finance_type is None:
            # An activity that states them only on its transactions: take them if all agree.
            flows: set[str | None] = set()
            finances: set[str | None] = set()
            for flow, finance in self._transaction_types or _transaction_types(get):
                flows.add(_clean(flow.get("code")) if flow is not None else None)
                finances.add(_clean(finance.get("code")) if finance is not None else None)
            if flow_type is None and len(flows) == 1 and (only := flows.pop()):
                flow_type = _small(only)
            if finance_type is None and len(finances) == 1 and (only := finances.pop()):
                finance_type = _small(only)
        aid_type = None
        for element in get("default-aid-type", []):
            if (element.get("vocabulary") or "1") == "1":
                aid_type = _clean(element.get("code"))
                if aid_type is not None and len(aid_type) > 8:
                    raise _Problem("default-aid-type/@code", aid_type, "longer than 8 characters")
                break
        return flow_type, finance_type, aid_type

    def _locations(self, get: Any) -> tuple[LocationRecord, ...]:
        out: list[LocationRecord] = []
        for element in get("location", []):
            name_element = element.find("name")
            name = _text(name_element, self.lang) if name_element is not None else None
            lat = lon = None
            precision = None
            pos = element.findtext("point/pos")
            coordinates = element.find("coordinates")  # 1.0x
            if _clean(pos):
                parts = pos.split()
                try:
                    lat, lon = float(parts[0]), float(parts[1])
                    if len(parts) != 2:
                        raise ValueError
                except (ValueError, IndexError):
                    raise _Problem(
                        "location/point/pos",
                        pos,
                        "expected 'latitude longitude' in decimal degrees",
                    ) from None
            elif coordinates is not None:
                try:
                    lat = float(coordinates.get("latitude"))
                    lon = float(coordinates.get("longitude"))
                except (TypeError, ValueError):
                    raise _Problem(
                        "location/coordinates",
                        coordinates.get("latitude"),
                        "expected decimal degrees",
                    ) from None
                raw_precision = _clean(coordinates.get("precision"))
                precision = _small(raw_precision)
            if (
                lat is not None
                and lon is not None
                and not (-90 <= lat <= 90 and -180 <= lon <= 180)
            ):
                raise _Problem(
                    "location/point/pos",
                    f"{lat} {lon}",
                    "outside -90..90 latitude, -180..180 longitude",
                )
            exactness_element = element.find("exactness")
            exactness = (
                _code_int(exactness_element, "location/exactness")
                if exactness_element is not None
                else None
            )
            admin = element.find("administrative")
            admin_code = _clean(admin.get("code")) if admin is not None else None
            raw_level = _clean(admin.get("level")) if admin is not None else None
            if name is None and lat is None and admin_code is None:
                continue  # nothing beltroad can place (e.g. only a GeoNames id)
            out.append(
                LocationRecord(
                    name=name[:MAX_NAME] if name else None,
                    lat=lat,
                    lon=lon,
                    admin_level=_small(raw_level),
                    admin_code=admin_code[:64] if admin_code else None,
                    exactness=exactness,
                    precision=precision,
                    source="iati",
                )
            )
        return tuple(out)

    def _loan(self, get: Any) -> tuple[LoanTermsRecord | None, dict[str, Any]]:
        crs = get("crs-add")
        terms = crs[0].find("loan-terms") if crs else None
        if terms is None:
            return None, {}
        rates: dict[str, float | None] = {}
        for attribute in ("rate-1", "rate-2"):
            try:
                rates[attribute] = _number(terms.get(attribute), what="a rate in percent")
            except ValueProblem as exc:
                raise _Problem(
                    f"crs-add/loan-terms/@{attribute}", terms.get(attribute), str(exc)
                ) from None
        dates: dict[str, dt.date | None] = {}
        for child in ("commitment-date", "repayment-first-date", "repayment-final-date"):
            found = terms.find(child)
            dates[child] = _iso(found, f"crs-add/loan-terms/{child}") if found is not None else None
        codes = {}
        for child in ("repayment-type", "repayment-plan"):
            found = terms.find(child)
            codes[child] = _clean(found.get("code")) if found is not None else None
        committed = dates["commitment-date"]

        def years(later: dt.date | None) -> float | None:
            # OECD DAC CRS: maturity and grace period run from the commitment date to the final
            # and to the first repayment.
            if committed is None or later is None or later < committed:
                return None
            return round((later - committed).days / 365.25, 2)

        repayment_type = codes["repayment-type"]
        record = LoanTermsRecord(
            interest_rate_pct=rates["rate-1"],
            maturity_years=years(dates["repayment-final-date"]),
            grace_period_years=years(dates["repayment-first-date"]),
            repayment_type=repayment_type[:4] if repayment_type else None,
        )
        extras = {
            "rate_1": rates["rate-1"],
            "rate_2": rates["rate-2"],
            "repayment_type": repayment_type,
            "repayment_plan": codes["repayment-plan"],
            "commitment_date": committed.isoformat() if committed else None,
            "repayment_first_date": _iso_or_none(dates["repayment-first-date"]),
            "repayment_final_date": _iso_or_none(dates["repayment-final-date"]),
        }
        return record, {k: v for k, v in extras.items() if v is not None}

    def _parent(self, get: Any) -> str | None:
        for element in get("related-activity", ()):
            kind = element.get("type")
            if kind == "2" or kind == "3":  # child or sibling, as most are written: no parent
                continue
            if (kind or "").strip().lower() in ("1", "parent"):
                ref = _clean(element.get("ref"))
                if ref is not None and len(ref) <= MAX_IDENTIFIER:
                    return ref
        return None


def _transaction_types(get: Any) -> list[tuple[Any, Any]]:
    """Each transaction's first flow-type and finance-type element (or None)."""
    found = []
    for transaction in get("transaction", ()):
        flow = finance = None  # the first of each, as find() would return
        for child in transaction:
            tag = child.tag
            if tag == "flow-type":
                flow = child if flow is None else flow
            elif tag == "finance-type":
                finance = child if finance is None else finance
        found.append((flow, finance))
    return found


# What record() reads, in order: (key in its values, reader). Built once, not per activity.
_READERS: tuple[tuple[str, Any], ...] = (
    ("identifier", _Activity._identifier),
    ("dates", _Activity._dates),
    ("status", _Activity._status),
    ("participations", _Activity._participations),
    ("geography", _Activity._geography),
    ("sectors", _Activity._sectors),
    ("transactions", _Activity._transactions),
    ("budgets", _Activity._budgets),
    ("defaults", _Activity._defaults),
    ("locations", _Activity._locations),
    ("loan", _Activity._loan),
    ("parent", _Activity._parent),
    ("reporting", _Activity._reporting),
)


def _iso_or_none(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _merge(items: list[tuple[Any, float]], field: str) -> list[tuple[Any, float]]:
    """Sum repeated codes; a code whose shares add up to more than 100% is an error."""
    merged: dict[Any, float] = {}
    for key, pct in items:
        merged[key] = merged.get(key, 0.0) + pct
    for key, pct in merged.items():
        if pct > 100.0 + 1e-6:
            raise _Problem(field, str(key), f"repeated, with percentages adding up to {pct:g}")
    return list(merged.items())


def _money(currency: str | None, value: float) -> Money:
    # No FX conversion is invented: USD is nominal USD as it stands; other currencies stay
    # in their own currency until a dated exchange-rate source is applied.
    return Money(
        currency=currency, original=value, usd_nominal=value if currency == "USD" else None
    )


def _total(commitments: list[TransactionRecord]) -> Money | None:
    """The sum of outgoing commitments, when they share one currency (no conversion)."""
    currencies = {t.money.currency for t in commitments}
    if not commitments or len(currencies) != 1 or None in currencies:
        return None
    total = sum(t.money.original or 0.0 for t in commitments)
    return _money(commitments[0].money.currency, total)


__all__ = ["IatiImporter", "check_prolog", "default_dataset"]
