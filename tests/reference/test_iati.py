"""The IATI codelist enums match standards.md Appendix A, code for code and label for label."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from beltroad.reference import iati
from beltroad.reference.iati import (
    CODELISTS,
    DAC3_SECTORS,
    DAC5_SECTORS,
    ActivityStatus,
    AidType,
    DocumentCategory,
    FinanceType,
    FlowType,
    OrganisationRole,
    OrganisationType,
    ParticipationRole,
    TransactionType,
    dac3_of,
    from_code,
)

STANDARDS_MD = Path(__file__).resolve().parents[2].parent / "shared" / "docs" / "standards.md"
TABLE_NAMES = {"SectorCategory": "DAC3_SECTORS", "Sector": "DAC5_SECTORS"}


def _appendix_a() -> dict[str, list[list[str]]]:
    """Codelist name -> table rows (code, name[, category]) from standards.md Appendix A."""
    if not STANDARDS_MD.is_file():
        pytest.skip(f"standards.md not found at {STANDARDS_MD} (the shared/ checkout is absent)")
    text = STANDARDS_MD.read_text(encoding="utf-8")
    section = text[text.index("## Appendix A.") : text.index("## Appendix B.")]
    tables: dict[str, list[list[str]]] = {}
    rows: list[list[str]] | None = None
    for line in section.splitlines():
        heading = re.match(r"^\*\*.+?\*\* \(`([^`]+)`\)\s*$", line)
        if heading:
            rows = tables.setdefault(heading.group(1), [])
        elif rows is not None and line.startswith("| `"):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            rows.append([cell.strip("`") for cell in cells])
    return tables


def test_every_appendix_a_codelist_is_an_enum_or_a_sector_table() -> None:
    tables = _appendix_a()
    assert len(tables) >= 30
    assert set(tables) - set(TABLE_NAMES) == set(CODELISTS)


@pytest.mark.parametrize("name", sorted(CODELISTS))
def test_codelist_matches_appendix_a(name: str) -> None:
    rows = _appendix_a()[name]
    members: list[iati.Codelist] = list(CODELISTS[name])
    assert len(members) == len(rows)
    assert [(m.code, m.label) for m in members] == [(row[0], row[1]) for row in rows]
    if len(rows[0]) == 3:
        assert [m.category for m in members] == [row[2] for row in rows]
    else:
        assert all(m.category is None for m in members)


def test_sector_tables_match_appendix_a() -> None:
    tables = _appendix_a()
    assert dict(DAC3_SECTORS) == {row[0]: row[1] for row in tables["SectorCategory"]}
    assert dict(DAC5_SECTORS) == {row[0]: row[1] for row in tables["Sector"]}
    assert all(dac3_of(row[0]) == row[2] for row in tables["Sector"])


def test_every_five_digit_code_falls_in_a_known_category() -> None:
    assert {dac3_of(code) for code in DAC5_SECTORS} <= set(DAC3_SECTORS)


def test_activity_status_labels() -> None:
    assert {m.code: m.label for m in ActivityStatus} == {
        "1": "Pipeline/identification",
        "2": "Implementation",
        "3": "Finalisation",
        "4": "Closed",
        "5": "Cancelled",
        "6": "Suspended",
    }


def test_spot_checks() -> None:
    assert TransactionType(2) is TransactionType.OUTGOING_COMMITMENT
    assert TransactionType.OUTGOING_COMMITMENT.label == "Outgoing Commitment"
    assert FinanceType.STANDARD_LOAN.code == "421"
    assert FinanceType.STANDARD_LOAN.label == "Standard loan"
    assert FinanceType.STANDARD_LOAN.category == "420"
    assert FlowType(22).label == "Officially supported export credits"
    assert OrganisationType(70) is OrganisationType.PRIVATE_SECTOR
    assert AidType("C01").label == "Project-type interventions"
    assert DocumentCategory.MEMORANDUM_OF_UNDERSTANDING_IF_AGREED_BY_ALL_PARTIES.code == "A09"


def test_code_is_the_xml_string_for_both_kinds_of_list() -> None:
    assert isinstance(ActivityStatus.CLOSED.code, str)
    assert str(ActivityStatus.CLOSED) == ActivityStatus.CLOSED.code == "4"
    assert str(DocumentCategory("A11")) == DocumentCategory("A11").code == "A11"
    for enum_cls in CODELISTS.values():
        for member in enum_cls:
            assert isinstance(member.code, str)
            assert isinstance(member.label, str)
            assert member.name.isupper()


def test_from_code_finds_members() -> None:
    assert from_code(FlowType, "22") is FlowType.OFFICIALLY_SUPPORTED_EXPORT_CREDITS
    assert from_code(DocumentCategory, " B13 ") is DocumentCategory("B13")


def test_from_code_error_names_codelist_value_and_valid_codes() -> None:
    with pytest.raises(ValueError, match="ActivityStatus") as caught:
        from_code(ActivityStatus, "7")
    message = str(caught.value)
    assert "'7'" in message
    assert "1, 2, 3" in message


def test_from_code_error_for_a_codelist_with_a_hyphenated_name() -> None:
    with pytest.raises(ValueError, match=r"AidType-category .*A, B, C"):
        from_code(iati.AidTypeCategory, "Z")


def test_dac3_of_rejects_non_five_digit_codes() -> None:
    assert dac3_of("23230") == "232"
    with pytest.raises(ValueError, match="'2323'"):
        dac3_of("2323")


def test_participation_roles_map_onto_iati_organisation_role() -> None:
    assert ParticipationRole.FUNDING.iati_code == "1"
    assert ParticipationRole.IMPLEMENTING.iati_role is OrganisationRole.IMPLEMENTING
    assert ParticipationRole.GUARANTOR.iati_code is None
    assert ParticipationRole.INSURER.iati_role is None
    assert [role.value for role in ParticipationRole] == [
        "funding",
        "accountable",
        "extending",
        "implementing",
        "guarantor",
        "insurer",
    ]


def test_snapshot_and_standard_labels() -> None:
    assert iati.STANDARD == "IATI 2.03"
    assert "75e827b" in iati.SNAPSHOT
    assert "7aeece7" in iati.SNAPSHOT
