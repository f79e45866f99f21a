"""content hashes: one generation (v3); older ones are cleared

Revision ID: 0011_split13
Revises: 0010_green
Create Date: 2026-12-08 03:10:00

``projects.content_hash`` lets a re-import skip a project whose stored content is unchanged.
Three generations were written: an unprefixed SHA-256 of the record's repr (session 1),
``v2:`` BLAKE2b of its marshal encoding (session 2) and ``v3:`` SHA-256 of its rows as JSON
(session 3). The writer recognised all three; it now recognises only v3 (issue #13 part 4).

A v1 or v2 hash cannot be turned into a v3 one from the database: v1 hashed the record as
the importer built it, which is not stored, and v3 hashes child rows in the order of the record,
which the database does not keep. So this migration clears them (NULL): such a project is
rewritten once, with its v3 hash, on its next import, which is what the writer does with any
hash it does not recognise. v3 hashes are untouched. Same SQL on SQLite and PostgreSQL; no
schema change.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0011_split13"
down_revision: str | None = "0010_green"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "UPDATE projects SET content_hash = NULL "
        "WHERE content_hash IS NOT NULL AND content_hash NOT LIKE 'v3:%'"
    )


def downgrade() -> None:
    # Nothing to restore: a cleared hash means "rewrite on the next import" in every version.
    pass
