"""Per-record limits (issue #12, part 2) and NUL characters (part 3), on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from beltroad.errors import InvalidInput
from beltroad.ingest import iati, limits
from beltroad.ingest.limits import MAX_TEXT_CHARS, MAX_TITLE_CHARS, record_problems
from beltroad.records import ProjectRecord, Provenance
from beltroad.services.imports import ImportRejected, import_file
from beltroad.services.setup import initialise
from beltroad.services.workspace import Workspace, open_workspace
from beltroad.settings import Settings
from beltroad.storage import inventory, models
from tests.ingest.test_iati import activity

MAPPING = """\
[table]
dataset = "ministry"
title = "Ministry project list"
citation = "Ministry of Transport (2024), project list"
licence = "internal use"

[columns]
identifier = "id"
title = "name"
description = "notes"
recipient = "country"
"""


def fingerprint(workspace: Workspace) -> dict[str, list[tuple[Any, ...]]]:
    with workspace.reading() as connection:
        return inventory.table_fingerprint(connection)


def table(tmp_path: Path, rows: list[tuple[str, str, str, str]]) -> tuple[Path, dict[str, Any]]:
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    data = tmp_path / "projects.csv"
    body = "".join(f'{i},"{n}","{d}",{c}\n' for i, n, d, c in rows)
    data.write_text("id,name,notes,country\n" + body, encoding="utf-8")
    return data, {"mapping": mapping}


def iati_file(path: Path, *activities: str) -> Path:
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="2.03">\n'
        + "".join(activities)
        + "</iati-activities>\n",
        encoding="utf-8",
    )
    return path


def stored(workspace: Workspace, column: Any) -> list[Any]:
    with workspace.reading() as connection:
        return list(
            connection.execute(select(column).order_by(models.Project.identifier)).scalars()
        )


# --- CSV fields up to the limit ------------------------------------------------------------------


def test_a_csv_field_over_pythons_default_limit_reads_whole(
    workspace: Workspace, tmp_path: Path
) -> None:
    long = "x" * 500_000  # over the csv module's default 131,072
    data, options = table(tmp_path, [("P-1", "Dam", long, "KEN")])
    report = import_file(workspace, "table", data, options=options)
    assert report.records_written == 1
    assert stored(workspace, models.Project.description) == [long]


def test_a_csv_field_over_the_limit_names_line_and_limit(
    workspace: Workspace, tmp_path: Path
) -> None:
    data, options = table(
        tmp_path, [("P-1", "Dam", "ok", "KEN"), ("P-2", "Road", "y" * (MAX_TEXT_CHARS + 1), "KEN")]
    )
    before = fingerprint(workspace)
    with pytest.raises(InvalidInput) as caught:
        import_file(workspace, "table", data, options=options)
    message = str(caught.value)
    assert "projects.csv, row 3" in message
    assert "longer than 1,048,576 characters" in message
    assert fingerprint(workspace) == before


def test_a_long_title_is_a_rejected_row_with_a_short_preview(
    workspace: Workspace, tmp_path: Path
) -> None:
    data, options = table(
        tmp_path, [("P-1", "T" * (MAX_TITLE_CHARS + 1), "", "KEN"), ("P-2", "Road", "", "KEN")]
    )
    before = fingerprint(workspace)
    with pytest.raises(ImportRejected) as caught:
        import_file(workspace, "table", data, options=options)
    [problem] = caught.value.report.rejected
    assert (problem.row, problem.field) == (2, "title")
    assert "limit for a title" in problem.reason
    assert len(str(problem.value)) < 100
    assert fingerprint(workspace) == before
    skipped = import_file(workspace, "table", data, on_error="skip", options=options)
    assert skipped.records_written == 1


# --- NUL characters ------------------------------------------------------------------------------


def test_a_nul_in_a_csv_field_is_bad_input_on_both_databases(
    workspace: Workspace, tmp_path: Path
) -> None:
    data, options = table(tmp_path, [("P-1", "Dam", "ok", "KEN"), ("P-2", "Ro\x00ad", "", "KEN")])
    before = fingerprint(workspace)
    with pytest.raises(InvalidInput) as caught:
        import_file(workspace, "table", data, options=options)
    error = caught.value
    assert "projects.csv, row 3, field name" in str(error)
    assert "NUL character" in str(error)
    assert error.exit_code == 2
    assert fingerprint(workspace) == before


def test_a_nul_in_a_records_text_is_named() -> None:
    record = ProjectRecord(
        identifier="P-1",
        title="ok",
        description="a\x00b",
        provenance=Provenance(dataset="d", source_record_id="P-1"),
    )
    [(field, _value, reason)] = record_problems(record)
    assert field == "description"
    assert "NUL character (byte 0x00) at position 2" in reason


# --- IATI ----------------------------------------------------------------------------------------


def test_a_long_iati_title_is_rejected_and_the_rest_imports(
    workspace: Workspace, tmp_path: Path
) -> None:
    huge = activity("XE-BIG").replace("Example solar plant", "T" * 3_600_000)
    path = iati_file(tmp_path / "title.xml", huge, activity("XE-OK"))
    report = import_file(workspace, "iati", path, on_error="skip")
    assert report.records_written == 1
    [problem] = report.rejected
    assert problem.field == "title"
    assert "(3,600,000 characters)" in str(problem.value)
    assert stored(workspace, models.Project.identifier) == ["XE-OK"]


@pytest.mark.parametrize("streamed", [True, False], ids=["streamed", "whole"])
def test_too_many_children_reject_the_activity(
    sqlite_workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, streamed: bool
) -> None:
    if streamed:
        monkeypatch.setattr(iati, "KEEP_TREE_BELOW", 0)
    monkeypatch.setattr(limits, "MAX_ACTIVITY_CHILDREN", 12)
    many = activity("XE-MANY").replace(
        "</iati-activity>", '<sector vocabulary="1" code="23230"/>' * 12 + "</iati-activity>"
    )
    path = iati_file(tmp_path / "many.xml", many, activity("XE-OK"))
    report = import_file(sqlite_workspace, "iati", path, on_error="skip", dry_run=True)
    [problem] = report.rejected
    assert problem.field == "iati-activity"
    assert "more than 12 child elements" in problem.reason
    assert report.records_valid == 1


def test_one_activity_too_large_stops_the_stream_before_it_is_built(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(iati, "KEEP_TREE_BELOW", 0)
    monkeypatch.setattr(limits, "MAX_ACTIVITY_BYTES", 256 << 10)
    sectors = '<sector vocabulary="1" code="23230" percentage="1"/>\n' * 40_000  # ~2 MB
    huge = activity("XE-HUGE").replace("</iati-activity>", sectors + "</iati-activity>")
    path = iati_file(tmp_path / "huge.xml", activity("XE-OK"), huge)
    before = fingerprint(workspace)
    reads: list[int] = []
    real_read = limits.SpanLimitedReader.read

    def counted(self: limits.SpanLimitedReader, size: int = -1) -> bytes:
        data = real_read(self, size)
        reads.append(len(data))
        return data

    monkeypatch.setattr(limits.SpanLimitedReader, "read", counted)
    with pytest.raises(InvalidInput) as caught:
        import_file(workspace, "iati", path)
    message = str(caught.value)
    assert "huge.xml" in message
    assert "spans more than 0.25 MiB of XML, the limit for one iati-activity" in message
    assert "after the iati-activity at line 3" in message
    assert sum(reads) < path.stat().st_size // 2  # stopped early, not after reading it all
    assert fingerprint(workspace) == before


def test_nesting_beyond_libxml2s_limit_is_named(
    sqlite_workspace: Workspace, tmp_path: Path
) -> None:
    deep = activity("XE-DEEP").replace(
        "</iati-activity>", "<x>" * 300 + "</x>" * 300 + "</iati-activity>"
    )
    path = iati_file(tmp_path / "deep.xml", deep)
    with pytest.raises(InvalidInput, match="nested more than 256 levels deep"):
        import_file(sqlite_workspace, "iati", path)


@pytest.fixture
def sqlite_workspace(sqlite_settings: Settings) -> Iterator[Workspace]:
    initialise(sqlite_settings)
    ws = open_workspace(sqlite_settings)
    try:
        yield ws
    finally:
        ws.close()
