"""Small user-supplied CSV files (debarment lists, ecologically important areas, benefit
indicators): read whole, with the missing columns named."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from beltroad.errors import InvalidInput


def read_rows(
    path: Path | str, required: Sequence[str], *, field: str
) -> list[tuple[int, dict[str, str]]]:
    """``(line, row)`` pairs of a UTF-8 CSV (a BOM is allowed); header names are matched
    case-insensitively and trimmed. Missing required columns are all named at once."""
    file = Path(path)
    if not file.is_file():
        raise InvalidInput.at("file not found (expected a CSV file)", file=str(file), field=field)
    try:
        with file.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                raise InvalidInput.at("the file is empty (expected a header row)", file=str(file))
            names = [h.strip().lower() for h in header]
            missing = [c for c in required if c not in names]
            if missing:
                raise InvalidInput.at(
                    "missing required columns: "
                    + ", ".join(repr(c) for c in missing)
                    + f" (the header has: {', '.join(repr(h) for h in header)})",
                    file=str(file),
                    row=1,
                    field="header",
                )
            rows: list[tuple[int, dict[str, str]]] = []
            for line, values in enumerate(reader, start=2):
                if not any(v.strip() for v in values):
                    continue
                rows.append((line, {n: v.strip() for n, v in zip(names, values, strict=False)}))
    except UnicodeDecodeError as exc:
        raise InvalidInput.at(
            f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=str(file)
        ) from None
    return rows


__all__ = ["read_rows"]
