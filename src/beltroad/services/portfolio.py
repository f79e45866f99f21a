"""The analytics snapshot of a workspace's database (see :mod:`beltroad.analytics.snapshot`)."""

from __future__ import annotations

from beltroad.analytics import snapshot as snapshots
from beltroad.analytics.snapshot import Snapshot
from beltroad.services.workspace import Workspace


def portfolio_snapshot(workspace: Workspace) -> Snapshot:
    """The current snapshot: cached in memory and under ``DATA_DIR/analytics``, rebuilt on change.

    >>> portfolio_snapshot(workspace).generation  # doctest: +SKIP
    Generation(instance_id='6f1c…', generation=42)
    """
    with workspace.reading() as connection:
        return snapshots.current(
            connection,
            cache_key=workspace.database_label,
            root=workspace.settings.data_dir / "analytics",
        )
