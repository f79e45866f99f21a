"""An importer's source description, taken from the dataset registry: one place per citation.

The registry (:mod:`beltroad.datasets`) already holds each public dataset's title, publisher,
licence and citation for ``beltroad data list``; importers of those datasets describe their
records from the same entry, so the citation stored with the data and the one shown in the
registry can never drift apart.
"""

from __future__ import annotations

from beltroad.datasets import REGISTRY
from beltroad.ingest.base import SourceInfo


def registered_source(name: str, *, dataset: str | None = None) -> SourceInfo:
    """The :class:`SourceInfo` of registry entry ``name``, stored under ``dataset`` (default: name).

    >>> registered_source("wpi").licence  # doctest: +SKIP
    'public domain (US Government work)'
    """
    for entry in REGISTRY:
        if entry.name == name:
            return SourceInfo(
                dataset=dataset or entry.name,
                title=entry.title,
                citation=entry.citation,
                licence=entry.licence,
            )
    raise KeyError(f"no dataset {name!r} in the registry")  # a programming error, not input
