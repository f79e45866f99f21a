"""beltroad's IATI extension: the whole project record, so an export re-imports without loss.

IATI 2.03 has no element for much of what beltroad keeps: constant USD and its base year, the
nominal USD of an amount given in another currency, AidData's "recommended for aggregates" flag,
quality flags, commitments without a date, administrative locations with their shares, loan
terms such as maturity and grace period, the source's own fields. The schema lets an activity end
with elements of another namespace (``xsd:any namespace="##other"``), so every exported activity
ends with one ``<beltroad:record>`` that holds the record as beltroad stored it, as JSON; the
file stays valid against the IATI 2.03 XSD and other IATI tools skip the element.

When beltroad imports a file, an activity that carries the element gets its record from it: the
extension is authoritative for every field it holds (the IATI elements around it are still read
and checked, so a malformed activity is rejected either way). The record keeps the dataset name
of the new import; where it came from first is kept in ``extras["beltroad_origin"]``.

>>> from beltroad.records import Money, ProjectRecord, Provenance
>>> record = ProjectRecord("X-1", "Port", Provenance("aiddata"), commitment_year=2015,
...                        amount=Money("CNY", 10.0, 1.6, 1.7, 2021))
>>> decode(encode(record)) == record
True
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import types
import typing
from functools import cache
from typing import Any

import orjson
from lxml import etree

from beltroad.records import ProjectRecord

NAMESPACE = "urn:beltroad:iati-extension:1"
PREFIX = "beltroad"
RECORD = f"{{{NAMESPACE}}}record"
FORMAT_VERSION = "1"
ORIGIN = "beltroad_origin"  # extras key: the dataset and record id the record first came from


class ExtensionError(ValueError):
    """The extension element cannot be read as a record: ``path`` says where, ``reason`` what."""

    def __init__(self, path: str, value: Any, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.value, self.reason = path, value, reason


def encode(record: ProjectRecord) -> Any:
    """The ``<beltroad:record>`` element of ``record``."""
    element = etree.Element(RECORD, {"version": FORMAT_VERSION}, nsmap={PREFIX: NAMESPACE})
    element.text = orjson.dumps(_plain(record), option=orjson.OPT_SORT_KEYS).decode()
    return element


def decode(element: Any) -> ProjectRecord:
    """The record held by a ``<beltroad:record>`` element; :class:`ExtensionError` if it is not
    one this version can read, with the path of the first field that is wrong."""
    version = element.get("version")
    if version != FORMAT_VERSION:
        raise ExtensionError(
            "beltroad:record/@version", version, f"expected version {FORMAT_VERSION}"
        )
    try:
        data = orjson.loads(element.text or "")
    except orjson.JSONDecodeError as exc:
        raise ExtensionError("beltroad:record", None, f"not JSON ({exc})") from None
    record = _build(ProjectRecord, data, "record")
    assert isinstance(record, ProjectRecord)
    _check(record)
    return record


def adopt(record: ProjectRecord, *, dataset: str, identifier: str) -> ProjectRecord:
    """``record`` as a record of the import ``dataset``: its first provenance goes to extras."""
    if record.identifier != identifier:
        raise ExtensionError(
            "beltroad:record/identifier",
            record.identifier,
            f"does not match the activity's iati-identifier {identifier!r}",
        )
    source = record.provenance
    origin = record.extras.get(ORIGIN) or {
        "dataset": source.dataset,
        "source_record_id": source.source_record_id,
    }
    return dataclasses.replace(
        record,
        provenance=dataclasses.replace(source, dataset=dataset, source_record_id=identifier),
        extras={**record.extras, ORIGIN: origin},
    )


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # Defaults are left out: the element stays small and a field added later reads back.
        return {
            f.name: _plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if not _is_default(f, getattr(value, f.name))
        }
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _is_default(f: dataclasses.Field[Any], value: Any) -> bool:
    if f.default is not dataclasses.MISSING:
        return bool(value is f.default or (value == f.default and type(value) is type(f.default)))
    if f.default_factory is not dataclasses.MISSING:
        return bool(value == f.default_factory())
    return False


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _build(kind: Any, data: Any, path: str) -> Any:
    """``data`` (decoded JSON) as a value of type ``kind``, or ExtensionError at ``path``."""
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        return _union(kind, data, path)
    if origin is tuple:
        if not isinstance(data, list):
            raise ExtensionError(path, data, "expected a list")
        item = typing.get_args(kind)[0]
        return tuple(_build(item, v, f"{path}[{i}]") for i, v in enumerate(data))
    if origin is dict:
        if not isinstance(data, dict):
            raise ExtensionError(path, data, "expected an object")
        return data
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _dataclass(kind, data, path)
    return _scalar(kind, data, path)


def _union(kind: Any, data: Any, path: str) -> Any:
    """The first of the union's types that ``data`` reads as (None only where it is allowed)."""
    options = typing.get_args(kind)
    if data is None:
        if type(None) in options:
            return None
        raise ExtensionError(path, data, "must not be null")
    errors = []
    for option in (k for k in options if k is not type(None)):
        try:
            return _build(option, data, path)
        except ExtensionError as exc:
            errors.append(exc)
    raise errors[0]


def _scalar(kind: Any, data: Any, path: str) -> Any:
    if kind is dt.date:
        if not isinstance(data, str):
            raise ExtensionError(path, data, "expected an ISO date (YYYY-MM-DD)")
        try:
            return dt.date.fromisoformat(data)
        except ValueError:
            raise ExtensionError(path, data, "not a calendar date (YYYY-MM-DD)") from None
    if kind is float:
        if isinstance(data, bool) or not isinstance(data, int | float):
            raise ExtensionError(path, data, "expected a number")
        if not math.isfinite(data):
            raise ExtensionError(path, data, "expected a finite number")
        return float(data)
    if kind is bool or kind is int or kind is str:
        if type(data) is not kind:
            raise ExtensionError(path, data, f"expected {kind.__name__}")
        return data
    if kind is Any:
        return data
    raise ExtensionError(path, data, f"cannot read a {kind!r}")  # a record type added later


def _dataclass(cls: type, data: Any, path: str) -> Any:
    if not isinstance(data, dict):
        raise ExtensionError(path, data, f"expected an object ({cls.__name__})")
    hints = _hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - names)
    if unknown:
        raise ExtensionError(f"{path}.{unknown[0]}", data[unknown[0]], "unknown field")
    values = {name: _build(hints[name], value, f"{path}.{name}") for name, value in data.items()}
    try:
        return cls(**values)
    except TypeError as exc:  # a required field missing
        raise ExtensionError(path, None, str(exc)) from None


def _check(record: ProjectRecord) -> None:
    """What the database would refuse, refused here with the field's path instead."""
    if record.status is not None and not 1 <= record.status <= 6:
        raise ExtensionError("record.status", record.status, "expected an IATI status 1-6")
    for i, location in enumerate(record.locations):
        if location.lat is not None and not -90 <= location.lat <= 90:
            raise ExtensionError(f"record.locations[{i}].lat", location.lat, "not in -90..90")
        if location.lon is not None and not -180 <= location.lon <= 180:
            raise ExtensionError(f"record.locations[{i}].lon", location.lon, "not in -180..180")
    for i, transaction in enumerate(record.transactions):
        if not 1 <= transaction.type <= 13:
            raise ExtensionError(
                f"record.transactions[{i}].type", transaction.type, "expected 1-13"
            )
    shares: dict[str, list[float]] = {
        "countries": [c.percentage for c in record.countries],
        "regions": [r.percentage for r in record.regions],
        "sectors": [s.percentage for s in record.sectors],
    }
    for name, percentages in shares.items():
        for i, percentage in enumerate(percentages):
            if not 0 <= percentage <= 100:
                raise ExtensionError(f"record.{name}[{i}].percentage", percentage, "not in 0..100")


__all__ = [
    "NAMESPACE",
    "ORIGIN",
    "RECORD",
    "ExtensionError",
    "adopt",
    "decode",
    "encode",
]
