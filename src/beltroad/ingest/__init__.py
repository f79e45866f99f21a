"""Importers: one module per source format. Each yields typed records and row errors.

An importer never writes: ``beltroad.services.imports`` validates, previews (``--dry-run``) and
writes all-or-nothing. File-level problems (wrong encoding, missing columns, empty or truncated
file) raise :class:`beltroad.errors.InvalidInput`; row-level problems are yielded as
:class:`RowError` so that a preview can list every one of them.
"""
