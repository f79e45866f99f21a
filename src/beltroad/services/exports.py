"""``beltroad export FORMAT PATH``: the registry's projects as IATI 2.03 XML or a table.

:func:`export_projects` is the one path every format takes: one typed
:class:`~beltroad.storage.flat.ProjectFilter` (dataset, country, status, synthetic or not)
narrows IATI XML, CSV, XLSX, Parquet and GeoJSON alike.

Projects stream out of storage in batches and into the XML writer one activity at a time, so an
export of any size runs in bounded memory. With ``validate=True`` the written file is checked
against the IATI 2.03 XSD, taken from the dataset registry through the settings' cache and
mirror (:func:`beltroad.services.data.dataset_files`) unless a schema folder is given.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from beltroad.errors import InvalidInput
from beltroad.export.iati_xml import validate_iati, write_iati
from beltroad.records import OrgRef
from beltroad.services import tabular_export
from beltroad.services.data import dataset_files
from beltroad.services.workspace import Workspace
from beltroad.storage import reads
from beltroad.storage.flat import ALL_PROJECTS, ProjectFilter

FORMATS: tuple[str, ...] = ("iati", *tabular_export.FORMATS)
IATI_SCHEMA_DATASET = "iati-schema-2.03"

# IATI reserves the XE-EXAMPLE prefix for example data (standards.md §1.3): an export made
# without naming a real publisher can never pass for one.
EXAMPLE_PUBLISHER = OrgRef(
    name="beltroad registry (example publisher)", ref="XE-EXAMPLE", org_type=90
)


@dataclass
class ExportReport:
    format: str
    path: str
    count: int
    transactions: int
    valid: bool | None = None  # None: not validated
    errors: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "path": self.path,
            "count": self.count,
            "transactions": self.transactions,
            "valid": self.valid,
            "errors": self.errors,
            "skipped": self.skipped,
        }


def export_iati(
    workspace: Workspace,
    path: Path,
    *,
    dataset: str | None = None,
    flt: ProjectFilter = ALL_PROJECTS,
    validate: bool = False,
    schema_dir: Path | None = None,
    allow_download: bool = True,
    reporting_org: OrgRef | None = None,
    generated: dt.datetime | None = None,
    extension: bool = True,
) -> ExportReport:
    """Write the projects (of ``dataset`` and passing ``flt``, or all) to ``path`` as IATI 2.03.

    ``reporting_org`` is the publisher (default: IATI's example prefix ``XE-EXAMPLE``; pass
    your organisation's identifier for real publication). ``validate`` checks the file
    against the XSD in ``schema_dir``, by default the registry's ``iati-schema-2.03`` from the
    cache or the mirror (downloaded only if ``allow_download``). The schema is found before
    anything is written, so a missing schema costs no export.
    ``extension`` ends each activity with beltroad's own element, so that importing the file
    again gives back every record whole (:mod:`beltroad.ingest.iati_extension`).
    """
    if validate and schema_dir is None:
        schema_dir = dataset_files(
            workspace.settings, IATI_SCHEMA_DATASET, allow_download=allow_download
        )[0].parent
    when = generated or dt.datetime.now(dt.UTC).replace(microsecond=0)
    with workspace.reading() as connection:
        summary = write_iati(
            reads.iter_project_records(connection, dataset=dataset, flt=flt),
            path,
            reporting_org=reporting_org or EXAMPLE_PUBLISHER,
            generated=when,
            extension=extension,
        )
    report = ExportReport(
        format="iati",
        path=str(path),
        count=summary.activities,
        transactions=summary.transactions,
        skipped=summary.skipped,
    )
    if validate:
        assert schema_dir is not None
        report.errors = validate_iati(path, schema_dir)
        report.valid = not report.errors
    return report


def export(
    workspace: Workspace,
    fmt: str,
    path: Path,
    flt: ProjectFilter = ALL_PROJECTS,
    *,
    validate: bool = False,
    schema_dir: Path | None = None,
    allow_download: bool = True,
) -> ExportReport | tabular_export.ExportReport:
    """Export the projects passing ``flt`` to ``path`` in ``fmt`` (iati, csv, xlsx, parquet,
    geojson): every filter applies to every format.

    ``validate`` and ``schema_dir`` concern the IATI schema only; asked of another format they
    are refused rather than ignored. The CLI, :func:`beltroad.open` and the web all export
    through this one function.
    """
    if fmt not in FORMATS:
        raise InvalidInput.at(f"expected one of {', '.join(FORMATS)}", field="format", value=fmt)
    if fmt == "iati":
        return export_iati(
            workspace,
            path,
            flt=flt,
            validate=validate,
            schema_dir=schema_dir,
            allow_download=allow_download,
        )
    if validate or schema_dir is not None:
        raise InvalidInput.at(
            "only an IATI export is validated against a schema",
            field="validate" if validate else "schema_dir",
            value=fmt,
            hint="leave the validation out, or export iati",
        )
    return tabular_export.export_table(workspace, fmt, path, flt)


#: The name this function had before every caller went through it.
export_projects = export

__all__ = [
    "ALL_PROJECTS",
    "EXAMPLE_PUBLISHER",
    "FORMATS",
    "ExportReport",
    "ProjectFilter",
    "export",
    "export_iati",
    "export_projects",
]
