"""Reference facts beltroad ships: IATI codelists, countries, corridors, passages, reported figures.

Pure data and small lookups; no database, web or CLI code, and nothing is computed at import time.
Import the submodule you need, e.g. ``from beltroad.reference.iati import ActivityStatus``.
"""
