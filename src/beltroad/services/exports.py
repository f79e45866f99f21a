"""``beltroad export iati PATH``: the registry's projects as an IATI 2.03 activity file.

Projects stream out of storage in batches and into the XML writer one activity at a time, so an
export of any size runs in bounded memory. With ``validate=True`` the written file is checked
against the IATI 2.03 XSD.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from beltroad.errors import InvalidInput
from beltroad.export.iati_xml import validate_iati, write_iati
from beltroad.records import OrgRef
from beltroad.services.workspace import Workspace
from beltroad.storage import reads

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
    validate: bool = False,
    schema_dir: Path | None = None,
    reporting_org: OrgRef | None = None,
    generated: dt.datetime | None = None,
    extension: bool = True,
) -> ExportReport:
    """Write the projects (of ``dataset``, or all) to ``path`` as IATI 2.03 XML.

    ``reporting_org`` is the publisher (default: IATI's example prefix ``XE-EXAMPLE``; pass
    your organisation's identifier for real publication). ``validate`` checks the file
    against the XSD in ``schema_dir`` (needed then: the schema is third-party and not shipped).
    ``extension`` ends each activity with beltroad's own element, so that importing the file
    again gives back every record whole (:mod:`beltroad.ingest.iati_extension`).
    """
    if validate and schema_dir is None:
        raise InvalidInput.at(
            "validation needs the IATI 2.03 schema folder",
            field="schema_dir",
            hint="pass the folder holding iati-activities-schema.xsd (e.g. "
            "../shared/data/iati/schema-2.03)",
        )
    when = generated or dt.datetime.now(dt.UTC).replace(microsecond=0)
    with workspace.reading() as connection:
        summary = write_iati(
            reads.iter_project_records(connection, dataset=dataset),
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


__all__ = ["EXAMPLE_PUBLISHER", "ExportReport", "export_iati"]
