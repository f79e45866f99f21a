"""``iati``: IATI activity XML (2.0x and the older 1.0x) into project records.

One :class:`~beltroad.records.ProjectRecord` per ``iati-activity``: identifier, title,
description, status, dates, participating organisations with their roles, recipient countries and
regions with percentages, sectors with vocabularies, transactions, budgets (in ``extras``),
default flow/finance/aid type, locations, loan terms and the parent activity. 1.0x files keep the
text in the element itself (no ``<narrative>``) and use names or letter codes where 2.0x uses
numbers; both forms are read wherever they occur, so a file need not declare its version.

This module is the driver. The parts: :mod:`.iati_safety` (the prolog checks and parser
settings), :mod:`.iati_codes` (1.0x code maps), :mod:`.iati_values` (one reading of each kind of
value), :mod:`.iati_activity` and :mod:`.iati_readers` (one reader per IATI element).

Parsing. A file up to :data:`KEEP_TREE_BELOW` (4 MB) is parsed whole, which is a third cheaper;
a larger file is streamed with lxml ``iterparse`` and every activity is cleared once read, so
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

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree

from beltroad.errors import InvalidInput
from beltroad.ingest import limits
from beltroad.ingest.base import Item, Row, RowError, SourceInfo, require_file
from beltroad.ingest.iati_activity import Activity, Memo
from beltroad.ingest.iati_safety import SAFE_PARSING, check_prolog, refuse_dtd, syntax_error
from beltroad.ingest.iati_values import Problems
from beltroad.progress import NULL_PROGRESS, Progress

KEEP_TREE_BELOW = 4 << 20  # bytes: a smaller file's parsed tree (at most ~40 MB) is kept whole


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
        memo = Memo()  # shared by the activities of this file
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
            activity = Activity(element, dataset, version, memo)
            try:
                record = activity.record()
            except Problems as problems:
                yield from (RowError(line, p.field, p.value, p.reason) for p in problems)
            else:
                flags = activity.flags
                yield Row(line, record, tuple(flags)) if flags else Row(line, record)
        progress.finish()


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
            raise syntax_error(exc, path, declared) from None
        refuse_dtd(root, path)
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
                    refuse_dtd(element, path)
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
            raise syntax_error(exc, path, declared) from None


__all__ = ["KEEP_TREE_BELOW", "IatiImporter", "check_prolog", "default_dataset"]
