"""IATI 2.03 activity XML out of project records, streamed, valid against the 2.03 XSD.

:func:`write_iati` writes one ``iati-activity`` per record, children in the order the XSD's
``xsd:sequence`` demands (standards.md §1.2), with ``lxml.etree.xmlfile`` so that a portfolio of
any size is written one activity at a time. :func:`validate_iati` checks a file against the
schema (``iati-activities-schema.xsd`` with ``iati-common.xsd`` and ``xml.xsd`` beside it).

What the XSD requires and a record may lack is filled in openly, never silently: each such
activity carries an XML comment saying what was filled and why (a missing description, a status
derived from the dates, a commitment dated from its year, an amount known only in constant USD).
Roles beltroad adds to IATI's (guarantor, insurer) are not written as ``participating-org``.

>>> import io, datetime as dt
>>> from beltroad.records import OrgRef, ProjectRecord, Provenance
>>> out = io.BytesIO()
>>> record = ProjectRecord("XE-EXAMPLE-1", "Solar plant", Provenance("manual"), status=2,
...                        planned_start=dt.date(2024, 1, 1))
>>> write_iati([record], out, reporting_org=OrgRef("Example Agency", "XE-EXAMPLE", 10),
...            generated=dt.datetime(2025, 1, 1)).activities
1
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain
from pathlib import Path
from typing import IO, Any

from lxml import etree

from beltroad.errors import DataUnavailable, InvalidInput
from beltroad.ingest import iati_extension
from beltroad.records import Money, OrgRef, ProjectRecord, TransactionRecord
from beltroad.reference.countries import resolve_country
from beltroad.reference.iati import ParticipationRole

VERSION = "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
WGS84 = "http://www.opengis.net/def/crs/EPSG/0/4326"
SCHEMA_FILE = "iati-activities-schema.xsd"
FULL_VALIDATION_LIMIT = 256 * 1024 * 1024  # bytes; larger files are validated streaming
MAX_ERRORS = 200

# IATI rules 1.3.13 / 1.14.13: identifiers must match ^[^\/\&\|\?]+$
_FORBIDDEN = re.compile(r"[/&|?]")
_DATE_ATTRS = (
    ("planned_start", "1"),
    ("actual_start", "2"),
    ("planned_end", "3"),
    ("actual_end", "4"),
)


@dataclass
class IatiWriteSummary:
    """What :func:`write_iati` wrote, and what it had to leave out (with the reason)."""

    activities: int = 0
    transactions: int = 0
    skipped: list[str] = field(default_factory=list)


def iati_identifier(value: str) -> str:
    """A string IATI accepts as an identifier: trimmed, without ``/ & | ?`` (each becomes ``-``).

    >>> iati_identifier(" AidData/123 ")
    'AidData-123'
    """
    cleaned = _FORBIDDEN.sub("-", xml_text(value).strip())
    if not cleaned:
        raise InvalidInput.at("an empty identifier cannot be exported", field="identifier")
    return cleaned


def _published_or_safe(record: ProjectRecord, identifier: str) -> str:
    """An identifier already published to IATI (the record came from an IATI file) is kept,
    trimmed: IATI forbids changing it, and a "/" in it is only a warning (rule 1.3.13). Any
    other is made IATI-safe with :func:`iati_identifier`."""
    if isinstance(record.extras.get("reporting_org"), dict) and identifier.strip():
        return xml_text(identifier).strip()
    return iati_identifier(identifier)


def decimal_text(value: float) -> str:
    """``xsd:decimal`` text: never an exponent (``1e-05`` is not a decimal), no trailing ``.0``."""
    if not math.isfinite(value):
        raise InvalidInput.at("not a finite number", value=value)
    if value == int(value):
        return str(int(value))
    return format(Decimal(repr(value)), "f")


def _comment(text: str) -> Any:
    # XML comments may not contain "--" nor end with "-".
    return etree.Comment(" " + text.replace("--", "- -").rstrip("-") + " ")


# Characters XML 1.0 cannot hold (control characters from spreadsheets, lone surrogates).
_NOT_XML = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: str) -> str:
    """``value`` without the characters XML 1.0 cannot hold (lxml would refuse the document)."""
    return _NOT_XML.sub("", value)


def _narratives(parent: Any, text: str, chinese: str | None = None) -> None:
    etree.SubElement(parent, "narrative").text = xml_text(text)
    if chinese and chinese != text:
        etree.SubElement(parent, "narrative", {XML_LANG: "zh"}).text = xml_text(chinese)


def _org(parent: Any, tag: str, org: OrgRef | None, **attributes: str) -> None:
    element = etree.SubElement(parent, tag)
    if org is not None:
        if org.ref:
            element.set("ref", xml_text(org.ref))
        if org.org_type is not None:
            element.set("type", str(org.org_type))
    for name, value in attributes.items():
        element.set(name.replace("_", "-"), value)
    if org is not None and org.name:
        _narratives(element, org.name, org.name_zh)


def _amount(money: Money) -> tuple[str | None, float, str | None] | None:
    """(currency, amount, note) in the best form the money has, or None when it has none.

    Original currency first; then nominal USD; then constant USD, with a note saying so.
    """
    if money.original is not None and money.currency:
        return money.currency, money.original, None
    if money.usd_nominal is not None:
        return "USD", money.usd_nominal, None
    if money.usd_constant is not None:
        base = f"{money.base_year} " if money.base_year else ""
        return (
            "USD",
            money.usd_constant,
            f"value in constant {base}USD: the source gives no nominal amount, and beltroad "
            "converts no currencies",
        )
    if money.original is not None:
        return None, money.original, None
    return None


class _Writer:
    def __init__(
        self, publisher: OrgRef, generated: dt.datetime, language: str, extension: bool = True
    ) -> None:
        if not publisher.ref:
            raise InvalidInput.at(
                "the reporting organisation needs an IATI organisation identifier",
                field="reporting_org.ref",
                hint="e.g. OrgRef('Example Agency', ref='XE-EXAMPLE', org_type=10)",
            )
        if not publisher.name.strip():
            raise InvalidInput.at(
                "the reporting organisation needs a name", field="reporting_org.name"
            )
        if publisher.org_type is None:
            raise InvalidInput.at(
                "the reporting organisation needs an IATI OrganisationType code",
                field="reporting_org.org_type",
                hint="10 government, 40 multilateral, 70 private sector, 90 other",
            )
        self.publisher = publisher
        self.generated = generated
        self.language = language
        self.extension = extension
        self.summary = IatiWriteSummary()
        self.identifiers: set[str] = set()

    def activity(self, record: ProjectRecord) -> Any | None:
        notes: list[str] = []
        identifier = self._identifier(record, notes)
        dates = self._dates(record, notes)
        if not dates:
            self.summary.skipped.append(
                f"{record.identifier}: no activity date, commitment year or transaction date "
                "(IATI requires at least one activity-date)"
            )
            return None
        attributes = {
            "last-updated-datetime": self.generated.isoformat(),
            XML_LANG: self.language,
        }
        default_currency = record.extras.get("default_currency")
        if isinstance(default_currency, str) and len(default_currency) == 3:
            attributes["default-currency"] = default_currency
        activity = etree.Element("iati-activity", attributes)
        etree.SubElement(activity, "iati-identifier").text = identifier
        reporting = {"secondary_reporter": "1"} if self._secondary(record) else {}
        _org(activity, "reporting-org", self.publisher, **reporting)
        _narratives(etree.SubElement(activity, "title"), record.title or identifier)
        description = etree.SubElement(activity, "description", type="1")
        if record.description:
            _narratives(description, record.description)
        else:
            _narratives(
                description,
                f"No description in the source record (dataset {record.provenance.dataset}).",
            )
        self._participants(activity, record, notes)
        status = record.status or self._derived_status(record, notes)
        etree.SubElement(activity, "activity-status", code=str(status))
        for code, when in dates:
            etree.SubElement(activity, "activity-date", {"type": code, "iso-date": when})
        self._geography(activity, record, notes)
        self._locations(activity, record)
        for sector in record.sectors:
            etree.SubElement(
                activity,
                "sector",
                vocabulary=sector.vocabulary,
                code=sector.code,
                percentage=decimal_text(sector.percentage),
            )
        if record.flow_type is not None:
            etree.SubElement(activity, "default-flow-type", code=str(record.flow_type))
        if record.finance_type is not None:
            etree.SubElement(activity, "default-finance-type", code=str(record.finance_type))
        if record.aid_type:
            etree.SubElement(activity, "default-aid-type", code=record.aid_type, vocabulary="1")
        self._budgets(activity, record, notes)
        self._transactions(activity, record, notes)
        if record.parent_identifier:
            parent = _published_or_safe(record, record.parent_identifier)
            etree.SubElement(activity, "related-activity", ref=parent, type="1")
        self._loan(activity, record, notes)
        for position, note in enumerate(notes):
            activity.insert(position, _comment(note))
        if self.extension:
            activity.append(iati_extension.encode(record))
        self.summary.activities += 1
        return activity

    def _identifier(self, record: ProjectRecord, notes: list[str]) -> str:
        identifier = _published_or_safe(record, record.identifier)
        if identifier != record.identifier:
            notes.append(f"identifier {record.identifier!r} written as {identifier!r}")
        if identifier in self.identifiers:
            base, number = identifier, 2
            while f"{base}-{number}" in self.identifiers:
                number += 1
            identifier = f"{base}-{number}"
            notes.append(f"identifier {base!r} already written: this one is {identifier!r}")
        self.identifiers.add(identifier)
        return identifier

    def _secondary(self, record: ProjectRecord) -> bool:
        """Secondary reporter: republishing an activity another organisation reported, or data
        from an imported dataset; only records entered by hand are the publisher's own."""
        source = record.extras.get("reporting_org")
        if isinstance(source, dict) and source.get("ref"):
            return bool(source["ref"] != self.publisher.ref)
        return record.provenance.dataset != "manual"

    def _dates(self, record: ProjectRecord, notes: list[str]) -> list[tuple[str, str]]:
        dates = [
            (code, value.isoformat())
            for name, code in _DATE_ATTRS
            if (value := getattr(record, name)) is not None
        ]
        if dates:
            return dates
        if record.commitment_year:
            notes.append(
                f"no activity dates in the source: planned start given as 1 January of the "
                f"commitment year {record.commitment_year}"
            )
            return [("1", dt.date(record.commitment_year, 1, 1).isoformat())]
        dated = [t.date for t in record.transactions if t.date is not None]
        if dated:
            notes.append("no activity dates in the source: planned start = first transaction")
            return [("1", min(dated).isoformat())]
        return []

    def _derived_status(self, record: ProjectRecord, notes: list[str]) -> int:
        # IATI requires a status; from the dates: not started 1, started 2, ended 4.
        status = 4 if record.actual_end else 2 if record.actual_start else 1
        notes.append(f"no activity status in the source: {status} derived from the actual dates")
        return status

    def _participants(self, activity: Any, record: ProjectRecord, notes: list[str]) -> None:
        written = 0
        for participation in record.participations:
            try:
                code = ParticipationRole(participation.role).iati_code
            except ValueError:
                code = None
            if code is None:
                notes.append(
                    f"{participation.org.name} ({participation.role}) left out: not an IATI "
                    "organisation role"
                )
                continue
            _org(activity, "participating-org", participation.org, role=code)
            written += 1
        if not written:
            # The XSD needs one participating-org; an unnamed funder states only that the
            # activity is funded (and re-imports as no organisation at all).
            notes.append("no participating organisation in the source: an unnamed funder")
            etree.SubElement(activity, "participating-org", role="1")

    def _geography(self, activity: Any, record: ProjectRecord, notes: list[str]) -> None:
        for country in record.countries:
            try:
                code = resolve_country(country.iso3).iso2
            except LookupError:
                notes.append(f"recipient country {country.iso3} has no ISO alpha-2 code: left out")
                continue
            etree.SubElement(
                activity,
                "recipient-country",
                code=code,
                percentage=decimal_text(country.percentage),
            )
        for region in record.regions:
            etree.SubElement(
                activity,
                "recipient-region",
                code=region.code,
                vocabulary=region.vocabulary,
                percentage=decimal_text(region.percentage),
            )

    def _locations(self, activity: Any, record: ProjectRecord) -> None:
        for location in record.locations:
            lat, lon = location.lat, location.lon
            if not location.name and (lat is None or lon is None):
                continue  # an administrative code alone has no vocabulary to state it in
            element = etree.SubElement(activity, "location")
            if location.name:
                _narratives(etree.SubElement(element, "name"), location.name)
            if lat is not None and lon is not None:
                point = etree.SubElement(element, "point", srsName=WGS84)
                etree.SubElement(point, "pos").text = f"{decimal_text(lat)} {decimal_text(lon)}"
            if location.exactness is not None:
                etree.SubElement(element, "exactness", code=str(location.exactness))

    def _budgets(self, activity: Any, record: ProjectRecord, notes: list[str]) -> None:
        budgets = record.extras.get("budgets")
        if not isinstance(budgets, list):
            return
        for budget in budgets:
            start, end = budget.get("period_start"), budget.get("period_end")
            value = budget.get("value")
            if not (start and end and isinstance(value, int | float)):
                notes.append(f"budget without a full period or value left out: {budget}")
                continue
            attributes = {k: str(budget[k]) for k in ("type", "status") if budget.get(k)}
            element = etree.SubElement(activity, "budget", attributes)
            etree.SubElement(element, "period-start", {"iso-date": start})
            etree.SubElement(element, "period-end", {"iso-date": end})
            amount = etree.SubElement(element, "value")
            if budget.get("currency"):
                amount.set("currency", budget["currency"])
            amount.set("value-date", budget.get("value_date") or start)
            amount.text = decimal_text(float(value))

    def _transactions(self, activity: Any, record: ProjectRecord, notes: list[str]) -> None:
        transactions = list(record.transactions)
        if not transactions and record.amount is not None:
            transactions = self._commitment(record, notes)
        for transaction in transactions:
            if transaction.date is None:
                notes.append(
                    f"transaction of type {transaction.type} without a date left out "
                    f"(value {transaction.money.original})"
                )
                continue
            element = etree.SubElement(activity, "transaction")
            etree.SubElement(element, "transaction-type", code=str(transaction.type))
            etree.SubElement(
                element, "transaction-date", {"iso-date": transaction.date.isoformat()}
            )
            amount = _amount(transaction.money)
            if amount is None:
                activity.remove(element)
                notes.append(f"transaction of type {transaction.type} without an amount left out")
                continue
            currency, value, note = amount
            value_element = etree.SubElement(element, "value")
            if currency:
                value_element.set("currency", currency)
            value_element.set(
                "value-date", (transaction.value_date or transaction.date).isoformat()
            )
            value_element.text = decimal_text(value)
            if note:
                notes.append(note)
            if transaction.provider is not None:
                _org(element, "provider-org", transaction.provider)
            if transaction.receiver is not None:
                _org(element, "receiver-org", transaction.receiver)
            self.summary.transactions += 1

    def _commitment(self, record: ProjectRecord, notes: list[str]) -> list[TransactionRecord]:
        """A record with an amount but no transactions (AidData): one outgoing commitment."""
        assert record.amount is not None
        if record.commitment_year:
            when = dt.date(record.commitment_year, 1, 1)
            notes.append(
                f"commitment from the record's amount, dated 1 January of its commitment year "
                f"{record.commitment_year}"
            )
        elif record.actual_start or record.planned_start:
            when = record.actual_start or record.planned_start  # type: ignore[assignment]
            notes.append("commitment from the record's amount, dated at the activity start")
        else:
            notes.append("the record's amount has no date to state it in IATI: left out")
            return []
        return [TransactionRecord(type=2, date=when, money=record.amount)]

    def _loan(self, activity: Any, record: ProjectRecord, notes: list[str]) -> None:
        terms = record.loan_terms
        raw = record.extras.get("loan_terms")
        raw = raw if isinstance(raw, dict) else {}
        if terms is None and not raw:
            return
        element = etree.SubElement(etree.SubElement(activity, "crs-add"), "loan-terms")
        rate_1 = terms.interest_rate_pct if terms else None
        rate_1 = rate_1 if rate_1 is not None else raw.get("rate_1")
        if rate_1 is not None:
            element.set("rate-1", decimal_text(float(rate_1)))
        if raw.get("rate_2") is not None:
            element.set("rate-2", decimal_text(float(raw["rate_2"])))
        repayment_type = (terms.repayment_type if terms else None) or raw.get("repayment_type")
        if repayment_type:
            etree.SubElement(element, "repayment-type", code=str(repayment_type))
        if raw.get("repayment_plan"):
            etree.SubElement(element, "repayment-plan", code=str(raw["repayment_plan"]))
        for key, tag in (
            ("commitment_date", "commitment-date"),
            ("repayment_first_date", "repayment-first-date"),
            ("repayment_final_date", "repayment-final-date"),
        ):
            if raw.get(key):
                etree.SubElement(element, tag, {"iso-date": raw[key]})
        if terms is not None and not raw.get("commitment_date"):
            stated = {
                "maturity": terms.maturity_years,
                "grace period": terms.grace_period_years,
                "grant element %": terms.grant_element_pct,
            }
            known = ", ".join(f"{k} {v:g}" for k, v in stated.items() if v is not None)
            if known:
                notes.append(f"loan terms IATI has no field for: {known} (years)")


def write_iati(
    records: Iterable[ProjectRecord],
    out: IO[bytes] | Path,
    *,
    reporting_org: OrgRef,
    generated: dt.datetime,
    language: str = "en",
    extension: bool = True,
) -> IatiWriteSummary:
    """Write ``records`` as an IATI 2.03 activity file; returns what was written and skipped.

    ``out`` is a binary file object or a path (written to a temporary file beside it and renamed
    when complete, so a failed export leaves no half file). ``reporting_org`` is the publisher:
    it needs an IATI ``ref`` and an OrganisationType ``org_type``. With ``extension`` (the
    default) each activity ends with a ``<beltroad:record>`` holding the whole record, so that
    beltroad re-imports the file without loss (:mod:`beltroad.ingest.iati_extension`).
    """
    writer = _Writer(reporting_org, generated, language, extension)
    iterator = iter(records)
    first = next(iterator, None)
    if first is None:
        raise InvalidInput.at(
            "no projects to export (an IATI file needs at least one activity)",
            hint="check the dataset name, or import projects first",
        )
    if isinstance(out, Path):
        temporary = out.with_name(f".{out.name}.partial")
        try:
            with temporary.open("wb") as handle:
                _stream(writer, chain([first], iterator), handle)
            os.replace(temporary, out)
        finally:
            temporary.unlink(missing_ok=True)
    else:
        _stream(writer, chain([first], iterator), out)
    return writer.summary


def _stream(writer: _Writer, records: Iterator[ProjectRecord], handle: IO[bytes]) -> None:
    root = {"version": VERSION, "generated-datetime": writer.generated.isoformat()}
    with etree.xmlfile(handle, encoding="utf-8") as xf:
        xf.write_declaration()
        namespaces = {iati_extension.PREFIX: iati_extension.NAMESPACE} if writer.extension else {}
        with xf.element("iati-activities", root, nsmap=namespaces):
            xf.write("\n")
            for record in records:
                activity = writer.activity(record)
                if activity is not None:
                    xf.write(activity, pretty_print=True)


def _safe_parser(**options: Any) -> Any:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, **options)


def load_schema(schema_dir: Path) -> Any:
    """The IATI 2.03 activity schema of ``schema_dir`` (its includes must sit beside it)."""
    path = schema_dir / SCHEMA_FILE
    if not path.exists():
        raise DataUnavailable(
            f"no {SCHEMA_FILE} in {schema_dir}",
            hint="point at a folder with the IATI 2.03 schema files (iati-activities-schema.xsd, "
            "iati-common.xsd, xml.xsd)",
        )
    return etree.XMLSchema(etree.parse(str(path), _safe_parser()))


def validate_iati(path: Path, schema_dir: Path) -> list[str]:
    """XSD errors of an IATI activity file as ``line N: message``; empty means valid.

    Files up to 256 MB are parsed whole and every error (up to 200) is listed; larger ones are
    validated while streaming, which stops at the first error.
    """
    schema = load_schema(schema_dir)
    if path.stat().st_size <= FULL_VALIDATION_LIMIT:
        try:
            document = etree.parse(str(path), _safe_parser())
        except etree.XMLSyntaxError as exc:
            return [f"line {exc.lineno}: not well-formed XML: {exc.msg}"]
        if schema.validate(document):
            return []
        return [f"line {e.line}: {e.message}" for e in list(schema.error_log)[:MAX_ERRORS]]
    try:
        for _, element in etree.iterparse(
            str(path), events=("end",), schema=schema, resolve_entities=False, no_network=True
        ):
            if element.tag == "iati-activity":
                element.clear(keep_tail=False)
                while element.getprevious() is not None:
                    del element.getparent()[0]
    except etree.XMLSyntaxError as exc:
        return [f"line {exc.lineno}: {exc.msg}"]
    return []


__all__ = [
    "IatiWriteSummary",
    "decimal_text",
    "iati_identifier",
    "load_schema",
    "validate_iati",
    "write_iati",
    "xml_text",
]
