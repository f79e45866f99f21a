"""Write typed records into the registry: upserts keyed on dataset + source id.

A re-import of the same records changes nothing: each project carries a hash of its content, and a
project whose hash is unchanged is not touched (its children keep their ids).

This module gathers the write API; the code lives along its seams: :mod:`.write_driver` (rows
to the DB-API), :mod:`.content_hash` (what a project stores, and its fingerprint),
:mod:`.project_writes` and :mod:`.registry_writes`.
"""

from __future__ import annotations

from beltroad.storage.content_hash import HASH_VERSION, content_hash
from beltroad.storage.project_writes import link_parents, write_projects
from beltroad.storage.registry_writes import (
    upsert_counted,
    write_country_profiles,
    write_indicators,
    write_partnerships,
    write_ports,
)
from beltroad.storage.write_driver import (
    CHUNK,
    WriteCounts,
    driver_adapters,
    insert_rows,
    select_in,
    upsert_organisations,
)

__all__ = [
    "CHUNK",
    "HASH_VERSION",
    "WriteCounts",
    "content_hash",
    "driver_adapters",
    "insert_rows",
    "link_parents",
    "select_in",
    "upsert_counted",
    "upsert_organisations",
    "write_country_profiles",
    "write_indicators",
    "write_partnerships",
    "write_ports",
    "write_projects",
]
