"""``iati`` file-level safety: the prolog is checked before libxml2 sees a byte.

A DOCTYPE or ENTITY declaration is refused before parsing (billion laughs, XXE), as are empty
files and roots that are not IATI activities; :data:`SAFE_PARSING` is the parser configuration
every IATI parse uses (no entities, no DTDs, no network, libxml2's limits kept). Malformed XML and
bytes that are not the declared encoding become :class:`~beltroad.errors.InvalidInput` naming the
file and line.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Any

from beltroad.errors import InvalidInput
from beltroad.ingest import encodings, limits

ROOTS = ("iati-activities", "iati-activity")
MAX_PROLOG = 1 << 20  # bytes scanned for the root element; a real prolog is a few hundred

# Never expand entities, load DTDs or touch the network; keep libxml2's limits.
SAFE_PARSING: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
    # Indentation between elements is never read (IATI text sits in leaf elements): dropping it
    # at parse time saves a tenth of libxml2's work, as does not indexing xml:id attributes.
    "remove_blank_text": True,
    "collect_ids": False,
}


_NAME = re.compile(r"[A-Za-z_][\w.:-]*")
_ENCODING = re.compile(r"""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def _sniff_codec(head: bytes) -> tuple[str, int]:
    """The codec to scan the prolog with, and the length of its byte-order mark."""
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if head.startswith(bom):
            return codec, len(bom)
    if head.startswith(b"<\x00?\x00"):
        return "utf-16-le", 0
    if head.startswith(b"\x00<\x00?"):
        return "utf-16-be", 0
    return "latin-1", 0  # ASCII-compatible: markup is ASCII, and every byte decodes


def _scan_prolog(text: str, final: bool) -> tuple[str, int, str]:
    """Walk declarations, comments and PIs up to the root: (what, where, root name).

    ``what`` is ``root``, ``doctype`` (any ``<!`` other than a comment), ``text`` (not XML:
    the parser will say where) or ``more`` (the buffer ends inside the prolog).
    """
    pos, size = 0, len(text)
    while True:
        while pos < size and text[pos].isspace():
            pos += 1
        if size - pos < 4 and not final:
            return "more", pos, ""
        if text.startswith("<?", pos):
            end = text.find("?>", pos + 2)
            if end < 0:
                return ("text" if final else "more"), pos, ""
            pos = end + 2
        elif text.startswith("<!--", pos):
            end = text.find("-->", pos + 4)
            if end < 0:
                return ("text" if final else "more"), pos, ""
            pos = end + 3
        elif text.startswith("<!", pos):
            return "doctype", pos, ""
        elif text.startswith("<", pos) and (name := _NAME.match(text, pos + 1)):
            if name.end() == size and not final:
                return "more", pos, ""
            return "root", pos, name.group(0)
        else:
            return ("empty" if pos >= size else "text"), pos, ""


def check_prolog(path: Path) -> str | None:
    """Refuse DOCTYPE/ENTITY declarations, empty files and non-IATI roots; the declared encoding.

    Only the prolog (what comes before the root element) is read, so this costs nothing on a
    large file, and it runs before libxml2 sees a byte: nothing can be expanded or fetched.
    """
    with path.open("rb") as handle:
        head = handle.read(4)
        codec, bom = _sniff_codec(head)
        handle.seek(bom)
        decoder = codecs.getincrementaldecoder(codec)(errors="replace")
        text = ""
        while True:
            block = handle.read(1 << 14)
            text += decoder.decode(block, final=not block)
            what, pos, root = _scan_prolog(text, final=not block)
            if what == "more" and len(text) <= MAX_PROLOG:
                continue
            line = text.count("\n", 0, pos) + 1
            if what == "doctype":
                raise InvalidInput.at(
                    f"DOCTYPE/entity declarations are not allowed (found at line {line}; "
                    "they can expand entities or fetch external files)",
                    file=str(path),
                    row=line,
                    hint="remove the <!DOCTYPE ...> block; IATI XML needs no DTD",
                )
            if what == "empty":
                raise InvalidInput.at(
                    "no XML element found: the file is empty or holds only a declaration "
                    "or comments",
                    file=str(path),
                    hint="export the IATI activities again; the file should start with "
                    "<iati-activities>",
                )
            if what == "more":
                raise InvalidInput.at(
                    f"no root element in the first {MAX_PROLOG // 1024} KB", file=str(path)
                )
            if what == "root" and root.split(":")[-1] not in ROOTS:
                organisation = (
                    " (this is an IATI organisation file)" if "organisation" in root else ""
                )
                raise InvalidInput.at(
                    f"the root element is <{root}>, expected <iati-activities>{organisation}",
                    file=str(path),
                    row=line,
                    hint="import an IATI activity file",
                )
            found = _ENCODING.search(text, 0, pos)
            declared = found.group(1) if found else None
            encodings.check_declared(path, declared, head)
            return declared


def refuse_dtd(element: Any, path: Path) -> None:
    """Second line of defence: a DTD that slipped past :func:`check_prolog` still stops here."""
    info = element.getroottree().docinfo
    if info.doctype or info.internalDTD is not None:
        raise InvalidInput.at(
            "DOCTYPE/entity declarations are not allowed (found before the root element)",
            file=str(path),
            row=1,
        )


def syntax_error(exc: Any, path: Path, declared: str | None) -> InvalidInput:
    line = exc.lineno or (exc.position[0] if exc.position else None)
    message = (exc.msg or str(exc)).strip()
    lowered = message.lower()
    if "encoding" in lowered or "not proper utf" in lowered or "invalid char" in lowered:
        expected = declared or "UTF-8"
        source = (
            "the encoding the file declares"
            if declared
            else "XML's default: no encoding is declared"
        )
        found = encodings.detect_file(path)
        if encodings.is_utf8(expected) and encodings.is_utf8(found):
            # Valid UTF-8 that libxml2 still refuses: a character XML forbids (a control
            # character), not an encoding problem.
            return InvalidInput.at(
                f"line {line} holds a character that XML does not allow: {message}",
                file=str(path),
                row=line,
                hint="remove control characters (other than tab, CR and LF) from the text",
            )
        return InvalidInput.at(
            f"the bytes at line {line} are not valid {expected} ({source}); they look like "
            f"{found}: {message}",
            file=str(path),
            row=line,
            field="encoding",
            hint=f"re-save the file as {expected}, or declare its real encoding in the "
            f'<?xml ... ?> line (encoding="{encodings.attribute_name(found)}")',
        )
    if "excessive depth" in lowered:
        return InvalidInput.at(
            f"elements nested more than {limits.MAX_XML_DEPTH} levels deep at line {line}, "
            f"the limit for XML (IATI needs fewer than 10): {message}",
            file=str(path),
            row=line,
            hint="the file is not IATI activity XML, or was generated wrongly",
        )
    return InvalidInput.at(
        f"truncated or malformed XML at line {line}: {message}",
        file=str(path),
        row=line,
        hint="the file may be cut short (an interrupted download?); fetch it again",
    )


# --- one activity --------------------------------------------------------------------------------


__all__ = ["MAX_PROLOG", "ROOTS", "SAFE_PARSING", "check_prolog", "refuse_dtd", "syntax_error"]
