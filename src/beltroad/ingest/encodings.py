"""Name the encoding a file's bytes are really in, so an encoding error can say declared vs found.

Used only on the error path (and on an XML prolog, a few hundred bytes), so nothing here costs
anything on a good file. The guess is the XML specification's own autodetection (appendix F: a
byte-order mark, or the byte pattern of ``<?``), then whether the bytes are valid UTF-8, then
the usual 8-bit suspects: bytes 0x80-0x9F are printable punctuation in Windows-1252 but control
characters in ISO-8859-1, so text that has them is almost always Windows-1252.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from beltroad.errors import InvalidInput

#: How much of a file is scanned for the first byte that is not UTF-8 (error path only).
SCAN_LIMIT = 64 << 20

_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32LE"),
    (codecs.BOM_UTF32_BE, "UTF-32BE"),
    (codecs.BOM_UTF8, "UTF-8"),
    (codecs.BOM_UTF16_LE, "UTF-16LE"),
    (codecs.BOM_UTF16_BE, "UTF-16BE"),
)
_WIDE_PATTERNS = (
    (b"<\x00\x00\x00", "UTF-32LE"),
    (b"\x00\x00\x00<", "UTF-32BE"),
    (b"<\x00?\x00", "UTF-16LE"),
    (b"\x00<\x00?", "UTF-16BE"),
)


def wide_encoding(head: bytes) -> str | None:
    """UTF-16 or UTF-32 when the first bytes say so (a byte-order mark, or NULs around ``<``)."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return None if name == "UTF-8" else name
    for pattern, name in _WIDE_PATTERNS:
        if head.startswith(pattern):
            return name
    return None


def detect(data: bytes, *, complete: bool = False) -> str:
    """The encoding ``data`` is most likely in, as a name to show a user.

    ``data`` is taken for the start of a file, which may end inside a character, unless
    ``complete`` says it is the whole file.

    >>> detect("Café".encode("utf-8")), detect("Café".encode("latin-1"), complete=True)
    ('UTF-8', 'Windows-1252 or ISO-8859-1 (an 8-bit encoding, not UTF-8)')
    """
    wide = wide_encoding(data[:4])
    if wide is not None:
        return wide
    body = data[3:] if data.startswith(codecs.BOM_UTF8) else data
    try:
        # A sample may end inside a character: an incremental decode forgives that, nothing else.
        # Whole data may not: b"Caf\xe9" (Latin-1) only looks like the start of a character.
        codecs.getincrementaldecoder("utf-8")().decode(body, final=complete)
    except UnicodeDecodeError:
        high = {byte for byte in body if byte >= 0x80}
        if any(0x80 <= byte <= 0x9F for byte in high):
            return "Windows-1252 (an 8-bit encoding, not UTF-8)"
        return "Windows-1252 or ISO-8859-1 (an 8-bit encoding, not UTF-8)"
    return "UTF-8" if any(byte >= 0x80 for byte in body) else "ASCII (valid UTF-8)"


def detect_file(path: Path) -> str:
    """:func:`detect` over the start of ``path`` (at most :data:`SCAN_LIMIT` bytes)."""
    with path.open("rb") as handle:
        data = handle.read(SCAN_LIMIT)
    return detect(data, complete=len(data) < SCAN_LIMIT)


def is_utf8(name: str) -> bool:
    """Whether a declared or detected encoding name is UTF-8 (or ASCII, its subset)."""
    lowered = name.lower()
    return lowered.startswith("ascii") or lowered.replace("-", "").replace("_", "") == "utf8"


def known(encoding: str) -> bool:
    """Whether ``encoding`` names a character encoding Python (and so libxml2/iconv) knows."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        return False
    return True


def check_declared(path: Path, declared: str | None, head: bytes) -> None:
    """Refuse an XML declaration whose encoding is unknown or contradicts the file's bytes.

    ``head`` is the first bytes of the file. libxml2 reports both cases misleadingly (an
    unknown name as "not valid bogus-enc"; single-byte text declared UTF-16 as "Blank needed
    here", which reads like a truncated file), so they are caught before it runs.
    """
    if declared is None:
        return
    wide = wide_encoding(head[:4])
    if not known(declared):
        found = wide or detect_file(path)
        raise InvalidInput.at(
            f"the XML declaration names the encoding {declared!r}, which is not a known "
            f"character encoding; the bytes look like {found}",
            file=str(path),
            row=1,
            field="encoding",
            value=declared,
            hint=f"fix the <?xml ... encoding=...?> line: declare the file's real encoding "
            f"({attribute_name(found)}), or remove the encoding attribute if the file is UTF-8",
        )
    name = codecs.lookup(declared).name  # 'utf-16', 'utf-16-le', 'utf-32-be', ...
    if name.startswith(("utf-16", "utf-32")) and wide is None:
        found = detect_file(path)
        raise InvalidInput.at(
            f"the XML declaration says {declared}, but the bytes are single-byte text: they "
            f"look like {found}",
            file=str(path),
            row=1,
            field="encoding",
            value=declared,
            hint=f'change the declaration to encoding="{attribute_name(found)}" (the file\'s real '
            f"encoding), or re-save the file as {declared}",
        )


def attribute_name(found: str) -> str:
    """The encoding name to put in an ``encoding="..."`` attribute, from :func:`detect`."""
    if found.startswith("ASCII") or found == "UTF-8":
        return "UTF-8"
    if found.startswith("Windows-1252"):
        return "windows-1252"
    return found


__all__ = [
    "SCAN_LIMIT",
    "attribute_name",
    "check_declared",
    "detect",
    "detect_file",
    "is_utf8",
    "known",
]
