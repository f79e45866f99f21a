"""Encoding errors name the declared and the detected encoding (issue #12, part 6)."""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path

import pytest

from beltroad.errors import InvalidInput
from beltroad.ingest import iati
from beltroad.ingest.encodings import detect
from beltroad.services.imports import import_file
from beltroad.services.setup import initialise
from beltroad.services.workspace import Workspace, open_workspace
from beltroad.settings import Settings
from tests.ingest.test_iati import activity, fingerprint

BODY = '<iati-activities version="2.03">\n' + activity("XE-EXAMPLE-1") + "</iati-activities>\n"


@pytest.fixture
def sqlite_workspace(sqlite_settings: Settings) -> Iterator[Workspace]:
    """Every case here is refused before the database is touched: one back end is enough."""
    initialise(sqlite_settings)
    ws = open_workspace(sqlite_settings)
    try:
        yield ws
    finally:
        ws.close()


def write(path: Path, declaration: str, data: bytes | None = None) -> Path:
    path.write_bytes(data if data is not None else (declaration + "\n" + BODY).encode("utf-8"))
    return path


def refused(workspace: Workspace, path: Path) -> InvalidInput:
    before = fingerprint(workspace)
    with pytest.raises(InvalidInput) as caught:
        import_file(workspace, "iati", path)
    assert fingerprint(workspace) == before
    assert path.name in str(caught.value)
    return caught.value


@pytest.mark.parametrize("text", ["Éxample solar", "plain ascii"])
def test_utf8_declared_as_utf16_names_both(
    sqlite_workspace: Workspace, tmp_path: Path, text: str
) -> None:
    path = write(tmp_path / "u16.xml", '<?xml version="1.0" encoding="UTF-16"?>')
    path.write_bytes(path.read_bytes().replace(b"Example solar", text.encode("utf-8")))
    error = refused(sqlite_workspace, path)
    message = str(error)
    assert "says UTF-16" in message
    assert ("look like UTF-8" if text.startswith("É") else "look like ASCII") in message
    assert "truncated or malformed" not in message
    assert 'encoding="UTF-8"' in (error.hint or "")
    assert error.problems[0].field == "encoding"


def test_unknown_declared_encoding_is_not_suggested_back(
    sqlite_workspace: Workspace, tmp_path: Path
) -> None:
    path = write(tmp_path / "bogus.xml", '<?xml version="1.0" encoding="bogus-enc"?>')
    error = refused(sqlite_workspace, path)
    assert "'bogus-enc', which is not a known character encoding" in str(error)
    assert "re-save the file as bogus-enc" not in str(error)
    assert "(UTF-8)" in (error.hint or "")


@pytest.mark.parametrize("streamed", [True, False], ids=["streamed", "whole"])
def test_latin1_bytes_declared_utf8_name_the_detected_encoding(
    sqlite_workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, streamed: bool
) -> None:
    if streamed:
        monkeypatch.setattr(iati, "KEEP_TREE_BELOW", 0)
    path = write(tmp_path / "latin.xml", '<?xml version="1.0" encoding="UTF-8"?>')
    path.write_bytes(path.read_bytes().replace(b"Example solar", "Éxample solar".encode("cp1252")))
    message = str(refused(sqlite_workspace, path))
    assert "not valid UTF-8 (the encoding the file declares)" in message
    assert "look like Windows-1252 or ISO-8859-1" in message
    assert 'encoding="windows-1252"' in message


def test_no_declaration_says_xml_default(sqlite_workspace: Workspace, tmp_path: Path) -> None:
    data = BODY.replace("Example solar", "Example “solar”").encode("cp1252")
    path = write(tmp_path / "smart.xml", "", data)
    message = str(refused(sqlite_workspace, path))
    assert "XML's default: no encoding is declared" in message
    assert "look like Windows-1252 (an 8-bit" in message


def test_a_control_character_is_not_called_an_encoding_error(
    sqlite_workspace: Workspace, tmp_path: Path
) -> None:
    path = write(tmp_path / "ctrl.xml", "", BODY.replace("Example solar", "Ex\x01").encode())
    message = str(refused(sqlite_workspace, path))
    assert "character that XML does not allow" in message
    assert "not valid UTF-8" not in message


def test_real_utf16_still_imports(sqlite_workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "wide.xml"
    path.write_bytes(('<?xml version="1.0" encoding="UTF-16"?>\n' + BODY).encode("utf-16"))
    assert import_file(sqlite_workspace, "iati", path, dry_run=True).records_valid == 1


def test_csv_encoding_error_names_the_detected_encoding(
    sqlite_workspace: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "geo.csv"
    path.write_bytes("id,title\n1,Caf\u00e9 \u201cx\u201d\n".encode("cp1252"))
    with pytest.raises(InvalidInput) as caught:
        import_file(sqlite_workspace, "gcdf3-geo", path)
    assert "not valid utf-8-sig" in str(caught.value)
    assert "look like Windows-1252" in str(caught.value)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (codecs.BOM_UTF16_LE + "<a/>".encode("utf-16-le"), "UTF-16LE"),
        ("<?xml".encode("utf-16-be"), "UTF-16BE"),
        ("<?xml".encode("utf-32-le"), "UTF-32LE"),
        (codecs.BOM_UTF8 + "é".encode(), "UTF-8"),
        ("é".encode()[:1], "UTF-8"),  # a sample cut inside a character
        (b"\x93x\x94", "Windows-1252 (an 8-bit encoding, not UTF-8)"),
    ],
)
def test_detect(data: bytes, expected: str) -> None:
    assert detect(data) == expected
