"""The ``table`` importer's mapping file: its sections and keys, loaded and checked.

A mapping file (TOML) names the data set and says which column of a CSV or XLSX project list holds
which project field; :mod:`beltroad.ingest.table` shows an example and reads the table through it.
:func:`load_mapping` turns the file into a :class:`TableMapping` or fails with an InvalidInput
naming the key at fault.
"""

from __future__ import annotations

import codecs
import difflib
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from beltroad.errors import InvalidInput
from beltroad.ingest.base import DATE_FORMATS, read_text

FIELDS: Final[dict[str, str]] = {
    "identifier": "project identifier, unique in the file (required)",
    "title": "project title (required)",
    "description": "longer description",
    "status": "IATI ActivityStatus code 1-6 or its label (Implementation, Closed...)",
    "recipient": "recipient country: ISO code or exact country name",
    "recipients": "several recipient countries with shares: 'PAK (60%); IND (40%)'",
    "recipient_shares": "the recipients' shares, in order: parts ending in '(NN%)'",
    "sector": "OECD DAC sector code: 5-digit purpose code or 3-digit category",
    "sectors": "several sector codes: '21020 (50%); 23030 (50%)' or codes with sector_shares",
    "sector_shares": "the sectors' shares, in order: parts ending in '(NN%)'",
    "commitment_year": "year of commitment",
    "amount": "amount in the original currency",
    "currency": "ISO 4217 code of amount (CNY, USD...)",
    "amount_usd_nominal": "amount in current US dollars",
    "amount_usd_constant": "amount in constant US dollars of base_year",
    "base_year": "base year of amount_usd_constant",
    "planned_start": "planned start date",
    "actual_start": "actual start date",
    "planned_end": "planned end date",
    "actual_end": "actual end date",
    "financier": "funding organisation name",
    "implementer": "implementing organisation name",
    "flow_class": "flow class, e.g. ODA-like, OOF-like (32 characters at most)",
    "recommended_for_aggregates": "yes/no: counts in published totals",
    "umbrella": "yes/no: an umbrella project (its parts are projects of their own)",
    "quality": "'ok' or the quality flag kinds of the original import ('date_order;currency')",
    "source_record_id": "the record's id in its source (default: the identifier)",
}
"""Project fields a mapping's [columns] may name, with what each column must hold."""

SECTIONS: Final = ("table", "columns", "values", "dates", "defaults")
REQUIRED_FIELDS: Final = ("identifier", "title")
REQUIRED_TABLE: Final = ("dataset", "title", "citation", "licence")

EXAMPLE: Final = """\
[table]
dataset = "my-projects"
title = "My project list"
citation = "Ministry of Transport (2024), project list"
licence = "internal use"

[columns]
identifier = "Project ID"
title = "Project name"
recipient = "Country\""""

#: [columns] that read a file written by ``beltroad export csv|xlsx|parquet`` back as the same
#: projects (see :func:`export_mapping`).
EXPORT_COLUMNS: Final[dict[str, str]] = {
    "identifier": "identifier",
    "title": "title",
    "status": "status_code",
    "recipients": "recipient_iso3",
    "recipient_shares": "recipient_countries",
    "sectors": "sector_codes",
    "sector_shares": "sectors",
    "commitment_year": "commitment_year",
    "flow_class": "flow_class",
    "amount": "amount_original",
    "currency": "currency",
    "amount_usd_nominal": "amount_usd_nominal",
    "amount_usd_constant": "amount_usd_constant",
    "base_year": "constant_usd_base_year",
    "planned_start": "planned_start",
    "actual_start": "actual_start",
    "planned_end": "planned_end",
    "actual_end": "actual_end",
    "umbrella": "umbrella",
    "recommended_for_aggregates": "recommended_for_aggregates",
    "quality": "quality",
    "source_record_id": "source_record_id",
}


def export_mapping(dataset: str, *, title: str = "", citation: str = "", licence: str = "") -> str:
    """The mapping file (TOML) that imports one dataset's ``beltroad export`` file as it was.

    Identifiers are kept as exported (``identifier_prefix = ""``).
    """
    import json

    def quoted(value: str) -> str:
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string

    lines = [
        "[table]",
        f"dataset = {quoted(dataset)}",
        f"title = {quoted(title or dataset + ' (beltroad export)')}",
        f"citation = {quoted(citation or 'beltroad export of ' + dataset)}",
        f"licence = {quoted(licence or 'as the source dataset')}",
        'identifier_prefix = ""',
        "",
        "[columns]",
        *(f"{field} = {quoted(column)}" for field, column in EXPORT_COLUMNS.items()),
    ]
    return "\n".join(lines) + "\n"


_DATASET_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class TableMapping:
    """A validated mapping file."""

    path: Path
    dataset: str
    title: str
    citation: str
    licence: str
    columns: dict[str, str]
    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    date_formats: tuple[str, ...] = DATE_FORMATS
    sheet: str | None = None
    header_row: int | None = None
    delimiter: str = ","
    encoding: str = "utf-8-sig"
    decimal: str = "."
    identifier_prefix: str = ""


def unknown_names(
    kind: str, names: Sequence[str], valid: Sequence[str], file: Path
) -> InvalidInput:
    described = []
    for name in names:
        close = difflib.get_close_matches(name, list(valid), n=1, cutoff=0.6)
        described.append(f"{name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
    return InvalidInput.at(
        f"unknown {kind}: {', '.join(described)} (valid: {', '.join(valid)})", file=str(file)
    )


def _string(value: Any, where: str, file: Path, *, allow_empty: bool = False) -> str:
    if not isinstance(value, str) or (not allow_empty and not value.strip()):
        raise InvalidInput.at(f"{where} must be a non-empty text", file=str(file), value=value)
    return value if allow_empty else value.strip()


def load_mapping(
    path: Path,
    *,
    fields: Mapping[str, str] = FIELDS,
    default_columns: Mapping[str, str] | None = None,
) -> TableMapping:
    """Read and check a mapping file; every problem is an InvalidInput naming the key.

    ``fields`` are the fields [columns] may name (project fields by default). With
    ``default_columns`` (the registry's entity templates) [columns] is optional and lists only
    the columns named otherwise (the result's ``columns`` hold just those).
    """
    source = read_text(path, "utf-8-sig")
    try:
        document = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput.at(f"not valid TOML: {exc}", file=str(path)) from None
    extra = [key for key in document if key not in SECTIONS]
    if extra:
        raise unknown_names("section or top-level key", extra, SECTIONS, path)
    table = document.get("table", {})
    columns = document.get("columns")
    if not isinstance(table, dict):
        raise InvalidInput.at("[table] must be a table of keys", file=str(path))
    extra = [key for key in table if key not in (*REQUIRED_TABLE, *OPTIONS)]
    if extra:
        raise unknown_names("[table] key", extra, (*REQUIRED_TABLE, *OPTIONS), path)
    missing = [key for key in REQUIRED_TABLE if key not in table]
    if missing:
        raise InvalidInput.at(
            f"[table] lacks {', '.join(missing)} (every imported dataset names its source)",
            file=str(path),
            hint="a minimal mapping:\n" + EXAMPLE,
        )
    meta = {key: _string(table[key], f"[table] {key}", path) for key in REQUIRED_TABLE}
    if not _DATASET_NAME.match(meta["dataset"]):
        raise InvalidInput.at(
            "[table] dataset must be 1-64 letters, digits, '.', '_' or '-', starting with a "
            "letter or digit",
            file=str(path),
            value=meta["dataset"],
        )
    if default_columns is not None and columns is None:
        columns = {}
    if not isinstance(columns, dict) or (not columns and default_columns is None):
        raise InvalidInput.at(
            "no [columns] section (it says which column holds which field)",
            file=str(path),
            hint="a minimal mapping:\n" + EXAMPLE,
        )
    extra = [key for key in columns if key not in fields]
    if extra:
        raise unknown_names("field in [columns]", extra, list(fields), path)
    missing = [key for key in REQUIRED_FIELDS if key not in columns]
    if missing and default_columns is None:
        raise InvalidInput.at(
            f"[columns] must map {' and '.join(missing)} (required fields)", file=str(path)
        )
    mapped = {key: _string(value, f"[columns] {key}", path) for key, value in columns.items()}
    values = _value_maps(
        document.get("values", {}), dict(default_columns or {}) | mapped, path, fields
    )
    formats = _date_formats(document.get("dates", {}), path)
    defaults = _defaults(document.get("defaults", {}), path, fields)
    if "amount" in mapped and "currency" not in mapped and "currency" not in defaults:
        raise InvalidInput.at(
            "[columns] maps amount but no currency (an amount without its currency cannot be "
            "compared; map amount_usd_nominal for US dollars)",
            file=str(path),
        )
    options = _table_options(table, path)
    options.setdefault("identifier_prefix", f"{meta['dataset']}-")
    return TableMapping(
        path=path,
        dataset=meta["dataset"],
        title=meta["title"],
        citation=meta["citation"],
        licence=meta["licence"],
        columns=mapped,
        values=values,
        defaults=defaults,
        date_formats=formats,
        **options,
    )


def _value_maps(
    section: Any, mapped: dict[str, str], path: Path, fields: Mapping[str, str] = FIELDS
) -> dict[str, dict[str, Any]]:
    if not isinstance(section, dict):
        raise InvalidInput.at("[values] must hold one table per field", file=str(path))
    extra = [key for key in section if key not in fields]
    if extra:
        raise unknown_names("field in [values]", extra, list(fields), path)
    result: dict[str, dict[str, Any]] = {}
    for name, table in section.items():
        if name not in mapped:
            raise InvalidInput.at(
                f"[values.{name}] maps values of a field that [columns] does not map",
                file=str(path),
            )
        if not isinstance(table, dict) or any(isinstance(v, dict | list) for v in table.values()):
            raise InvalidInput.at(
                f'[values.{name}] must map texts to single values, e.g. "Completed" = 3',
                file=str(path),
            )
        result[name] = {key.strip(): value for key, value in table.items()}
    return result


def _defaults(section: Any, path: Path, fields: Mapping[str, str] = FIELDS) -> dict[str, Any]:
    if not isinstance(section, dict):
        raise InvalidInput.at("[defaults] must be a table of field = value", file=str(path))
    extra = [key for key in section if key not in fields]
    if extra:
        raise unknown_names("field in [defaults]", extra, list(fields), path)
    bad = [key for key, value in section.items() if isinstance(value, dict | list)]
    if bad or "identifier" in section:
        raise InvalidInput.at(
            "[defaults] values must be single values, and identifier cannot have a default",
            file=str(path),
            field=(bad or ["identifier"])[0],
        )
    return dict(section)


def _date_formats(section: Any, path: Path) -> tuple[str, ...]:
    if not isinstance(section, dict):
        raise InvalidInput.at("[dates] must be a table", file=str(path))
    extra = [key for key in section if key != "formats"]
    if extra:
        raise unknown_names("[dates] key", extra, ["formats"], path)
    formats = section.get("formats", list(DATE_FORMATS))
    if (
        not isinstance(formats, list)
        or not formats
        or not all(isinstance(f, str) and "%" in f for f in formats)
    ):
        raise InvalidInput.at(
            '[dates] formats must be a list of strptime formats, e.g. ["%d.%m.%Y"]',
            file=str(path),
            value=formats,
        )
    return tuple(formats)


def _known_encoding(value: Any) -> bool:
    try:
        return isinstance(value, str) and bool(codecs.lookup(value))
    except LookupError:
        return False


OPTIONS: Final[dict[str, tuple[Callable[[Any], bool], str]]] = {
    "sheet": (lambda v: isinstance(v, str) and bool(v.strip()), "a sheet name"),
    "header_row": (lambda v: type(v) is int and v >= 1, "a row number from 1"),
    "delimiter": (lambda v: isinstance(v, str) and len(v) == 1, "one character"),
    "encoding": (_known_encoding, "a known text encoding (utf-8, cp1252, latin-1...)"),
    "decimal": (lambda v: v in (".", ","), '"." or ","'),
    "identifier_prefix": (lambda v: isinstance(v, str), "a text (it may be empty)"),
}
"""The optional [table] keys: how to check each, and what it must be."""


def _table_options(table: dict[str, Any], path: Path) -> dict[str, Any]:
    for key, (ok, expected) in OPTIONS.items():
        if key in table and not ok(table[key]):
            raise InvalidInput.at(
                f"[table] {key} must be {expected}", file=str(path), value=table[key]
            )
    return {key: table[key] for key in OPTIONS if key in table}
