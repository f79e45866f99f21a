"""The synthetic portfolio: seeded, calibrated to AidData's mix, labelled synthetic everywhere.

Around the projects it builds the registry the headline counts (partnerships, international
organisations with cooperation documents, overseas enterprises and cooperation zones; see
:mod:`beltroad.engines.synthetic_registry`), in the same transaction and the same dataset.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from beltroad.engines import synthetic, synthetic_registry
from beltroad.engines.synthetic_calibration import (
    RegistryCalibration,
    default_registry_calibration,
)
from beltroad.progress import NULL_PROGRESS, Progress
from beltroad.services.workspace import Workspace
from beltroad.storage import bulk, inventory

DATASET = "synthetic"
TITLE = "beltroad synthetic portfolio (calibrated to AidData GCDF; not real projects)"


@dataclass(frozen=True)
class SyntheticReport:
    dataset: str
    projects: int
    seed: int
    calibration: str
    written: dict[str, int]
    skipped: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def calibration_for(geogcdf_csv: Path | None) -> synthetic.Calibration:
    """From the GeoGCDF 3.0 project list when it is at hand, else the documented defaults."""
    if geogcdf_csv is None or not geogcdf_csv.is_file():
        return synthetic.default_calibration()
    import pandas as pd

    return synthetic.calibrate_from_aiddata(pd.read_csv(geogcdf_csv, low_memory=False))


def build_synthetic_portfolio(
    workspace: Workspace,
    *,
    projects: int,
    seed: int,
    calibration: synthetic.Calibration,
    registry: RegistryCalibration | None = None,
    progress: Progress = NULL_PROGRESS,
) -> SyntheticReport:
    """Generate and store the portfolio and its registry in one transaction.

    Idempotent: with the same size, seed and calibrations an existing synthetic portfolio is
    kept as it is; with other parameters (or one stored before the registry was generated) it
    is replaced whole, registry included.
    """
    base_year = workspace.settings.base_year
    registry = registry or default_registry_calibration()
    parameters = {
        "projects": projects,
        "seed": seed,
        "base_year": base_year,
        "calibration": calibration.source,
        # A portfolio stored without a registry lacks this key, so it is rebuilt once.
        "registry": registry.source,
    }
    with workspace.writing() as connection:
        existing = inventory.dataset(connection, DATASET)
        if existing is not None and existing.parameters == parameters:
            return SyntheticReport(DATASET, projects, seed, calibration.source, {}, True)
        # The registry goes first: its rows point at the dataset's organisations.
        bulk.delete_synthetic_registry(connection, DATASET)
        if existing is not None:
            inventory.delete_dataset_records(connection, DATASET)
        financiers = bulk.ensure_synthetic_financiers(connection, DATASET)
        written: dict[str, int] = {}
        progress.start("generating the synthetic portfolio", total=projects)
        for batch in synthetic.generate(
            projects,
            seed=seed,
            calibration=calibration,
            base_year=base_year,
            id_start=inventory.next_project_id(connection),
        ):
            counts = bulk.write_synthetic(
                connection, batch, dataset=DATASET, financier_ids=financiers
            )
            for table, n in counts.items():
                written[table] = written.get(table, 0) + n
            progress.advance(len(batch))
        progress.finish()
        progress.start("generating the synthetic registry", total=1)
        drawn = synthetic_registry.generate_registry(
            projects, seed=seed, calibration=calibration, registry=registry, base_year=base_year
        )
        for table, n in bulk.write_synthetic_registry(connection, drawn, dataset=DATASET).items():
            written[table] = written.get(table, 0) + n
        progress.advance(1)
        progress.finish()
        inventory.sync_id_sequences(connection)
        inventory.record_dataset(
            connection,
            name=DATASET,
            title=TITLE,
            citation=f"beltroad synthetic generator, seed {seed}; {calibration.source}",
            licence=None,
            is_synthetic=True,
            records=written.get("projects", 0),
            parameters=parameters,
        )
    return SyntheticReport(DATASET, projects, seed, calibration.source, written, False)


def remove_synthetic_portfolio(workspace: Workspace) -> int:
    """Delete the synthetic portfolio and its registry (all of it is regenerated from the seed);
    returns the projects removed. The demo calls it once real project data has loaded, so the
    two are never summed together."""
    with workspace.writing() as connection:
        if inventory.dataset(connection, DATASET) is None:
            return 0
        return inventory.delete_dataset_records(connection, DATASET)
