"""The analytics snapshot of a workspace's database (see :mod:`beltroad.analytics.snapshot`)."""

from __future__ import annotations

from sqlalchemy import Connection

from beltroad.analytics import snapshot as snapshots
from beltroad.analytics.snapshot import Snapshot
from beltroad.services.workspace import Workspace


def portfolio_snapshot(workspace: Workspace, connection: Connection | None = None) -> Snapshot:
    """The current snapshot: cached in memory and under ``DATA_DIR/analytics``, rebuilt on change.

    Given a ``connection`` inside a transaction, the snapshot is of the state that transaction
    sees, so further reads in it (the labels of listed projects) match the snapshot exactly.

    >>> portfolio_snapshot(workspace).generation  # doctest: +SKIP
    Generation(instance_id='6f1c…', generation=42)
    """
    if connection is None:
        with workspace.reading() as reading:
            return portfolio_snapshot(workspace, reading)
    if workspace.snapshots is None:  # made on first use: numpy stays out of start-up
        workspace.snapshots = snapshots.SnapshotMemory()
    return snapshots.current(
        connection,
        cache_key=workspace.database_label,
        root=workspace.settings.data_dir / "analytics",
        memory=workspace.snapshots,
    )
