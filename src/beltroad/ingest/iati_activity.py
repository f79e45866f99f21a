"""One ``iati-activity`` element into a :class:`~beltroad.records.ProjectRecord`.

:class:`Activity` groups the activity's children by tag once, then gives each IATI element one
reader with one code path; every reader raises :class:`~beltroad.ingest.iati_values.Problem` for
a bad value, and :meth:`Activity.record` collects them all before refusing the activity. The
readers of places, sectors and loan terms are in :mod:`beltroad.ingest.iati_readers`.

What carries the speed is :class:`Memo`: a file names the same few organisations, currencies,
countries and sectors thousands of times, so each is worked out once per file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from beltroad.ingest import iati_extension, iati_readers
from beltroad.ingest.base import ValueProblem, order_flag
from beltroad.ingest.iati_codes import BUDGET_TYPES, DATE_FIELDS, ROLES, STATUS_NAMES
from beltroad.ingest.iati_values import (
    MAX_CACHED_ORGS,
    MAX_CACHED_VALUES,
    MAX_IDENTIFIER,
    MAX_NAME,
    MAX_ORG_REF,
    XML_LANG,
    Problem,
    Problems,
    amount,
    clean,
    code_int,
    decimal,
    first_children,
    iso,
    iso_string,
    iso_text,
    pick,
    small,
    text,
    total,
    transaction_type,
)
from beltroad.records import (
    QUALITY_OK,
    CountrySplit,
    Money,
    OrgRef,
    Participation,
    ProjectRecord,
    Provenance,
    QualityFlag,
    SectorSplit,
    TransactionRecord,
    quality_of,
)
from beltroad.reference.iati import TransactionType

# The children of iati-activity that are read; the rest are skipped without a look.
READ = frozenset(
    (
        "iati-identifier",
        "reporting-org",
        "title",
        "description",
        "participating-org",
        "activity-status",
        "activity-date",
        "recipient-country",
        "recipient-region",
        "location",
        "sector",
        "default-flow-type",
        "default-finance-type",
        "default-aid-type",
        "budget",
        "transaction",
        "crs-add",
        "related-activity",
        iati_extension.RECORD,
    )
)
TRANSACTION_CHILDREN = frozenset(
    (
        "value",
        "transaction-type",
        "transaction-date",
        "provider-org",
        "receiver-org",
        "flow-type",
        "finance-type",
    )
)
BUDGET_CHILDREN = frozenset(("value", "period-start", "period-end"))

#: A transaction's flow-type and finance-type codes, as written (None where absent).
TransactionCodes = tuple[str | None, str | None]
Get = Callable[..., Any]  # tag -> that tag's child elements (dict.get on the grouped children)
T = TypeVar("T")


class Memo:
    """What the activities of one file share: values already read, so each is worked out once.

    A file names the same few organisations and currencies thousands of times. Only values that
    were read without a problem are kept (a bad one is reported again wherever it occurs), and
    each memo is capped (:data:`MAX_CACHED_ORGS`, :data:`MAX_CACHED_VALUES`) so memory stays
    flat on any file.
    """

    __slots__ = ("countries", "currencies", "orgs", "participations", "plain_orgs", "sectors")

    def __init__(self) -> None:
        # (ref, @type, name) -> OrgRef, as Activity.org made it
        self.orgs: dict[tuple[str | None, str | None, str], OrgRef] = {}
        # (@ref, @type, text) exactly as written -> OrgRef, for elements without narratives
        self.plain_orgs: dict[tuple[str | None, str | None, str | None], OrgRef] = {}
        # (@currency as written, the activity's default-currency) -> checked code
        self.currencies: dict[tuple[str | None, str | None], str | None] = {}
        # recipient-country/@code as written -> the split of an activity wholly in it
        self.countries: dict[str | None, tuple[CountrySplit, ...]] = {}
        # ((@ref, @type, text), @role) of a participating-org without narratives -> its
        # Participation (only mapped roles: an unmapped one is noted each time)
        self.participations: dict[tuple[Any, str | None], Participation] = {}
        # a lone sector element's raw attributes -> its split (only when that is one sector)
        self.sectors: dict[tuple[str | None, ...], tuple[SectorSplit, ...]] = {}


class Activity:
    """Reads one ``iati-activity`` element; :meth:`record` returns it or raises Problems."""

    def __init__(
        self, element: Any, dataset: str, version: str | None, memo: Memo | None = None
    ) -> None:
        self.element = element
        self.memo = Memo() if memo is None else memo
        self.dataset = dataset
        self.version = version
        lang = element.get(XML_LANG)
        self.lang = lang.lower() if lang else None
        self.currency = clean(element.get("default-currency"))
        self.problems: list[Problem] = []
        self.notes: list[str] = []
        self.flags: list[QualityFlag] = []  # readable but inconsistent: kept, flagged

    # --- the record ------------------------------------------------------------------------

    def record(self) -> ProjectRecord:
        children: dict[str, list[Any]] = {}
        for child in self.element:
            tag = child.tag
            if tag in READ:  # most of a real activity (results, documents...) is not read
                group = children.get(tag)
                if group is None:
                    children[tag] = [child]
                else:
                    group.append(child)
        get = children.get
        values = self._read_all(get)
        title = self._read(self._title, get)
        if self.problems:
            raise Problems(self.problems)
        assert title is not None
        extension = get(iati_extension.RECORD)
        if extension:  # written by beltroad: the record as it was stored, nothing lost
            return self._extension_record(extension, values["identifier"])
        return self._assemble(values, title, get)

    def _read(self, reader: Callable[..., T], *args: Any) -> T | None:
        """One reader's result, or None with its Problem kept (every problem is reported)."""
        try:
            return reader(*args)
        except Problem as problem:
            self.problems.append(problem)
            return None

    def _read_all(self, get: Get) -> dict[str, Any]:
        """Every reader, in the order problems are reported."""
        read = self._read
        values: dict[str, Any] = {
            "identifier": read(self._identifier, get),
            "dates": read(self._dates, get),
            "status": read(self._status, get),
            "participations": read(self._participations, get),
            "geography": read(iati_readers.geography, self, get),
            "sectors": read(iati_readers.sectors, self, get),
        }
        transactions = read(self._transactions, get)
        values["transactions"], codes = transactions or ((), [])
        values["budgets"] = read(self._budgets, get)
        values["defaults"] = read(self._defaults, get, codes)
        values["locations"] = read(iati_readers.locations, self, get)
        values["loan"] = read(iati_readers.loan, get)
        values["parent"] = read(self._parent, get)
        values["reporting"] = read(self._reporting, get)
        return values

    def _assemble(self, values: dict[str, Any], title: str, get: Get) -> ProjectRecord:
        dates = values["dates"]
        countries, regions = values["geography"]
        transactions = values["transactions"]
        flow_type, finance_type, aid_type = values["defaults"]
        loan_terms, loan_extras = values["loan"]
        participations, unmapped = values["participations"]
        extras: dict[str, Any] = {
            key: value
            for key, value in (
                ("reporting_org", values["reporting"]),
                ("iati_version", self.version),
                ("default_currency", self.currency),
                ("budgets", values["budgets"]),
                ("loan_terms", loan_extras),
                ("unmapped_participants", unmapped),
                ("notes", self.notes),
            )
            if value  # an empty part is left out, as an absent one
        }
        commitments = [t for t in transactions if t.type == 2]
        return ProjectRecord(
            identifier=values["identifier"],
            title=" ".join(title.split()),
            provenance=Provenance(
                dataset=self.dataset,
                source_record_id=values["identifier"],
                quality=quality_of(self.flags) if self.flags else QUALITY_OK,
            ),
            description=self._description(get("description", [])),
            status=values["status"],
            planned_start=dates.get("planned_start"),
            actual_start=dates.get("actual_start"),
            planned_end=dates.get("planned_end"),
            actual_end=dates.get("actual_end"),
            commitment_year=min((t.date.year for t in commitments if t.date), default=None),
            flow_type=flow_type,
            finance_type=finance_type,
            aid_type=aid_type,
            amount=total(commitments),
            countries=countries,
            regions=regions,
            sectors=values["sectors"],
            participations=participations,
            transactions=transactions,
            loan_terms=loan_terms,
            locations=values["locations"],
            parent_identifier=values["parent"],
            extras=extras,
        )

    def _extension_record(self, elements: list[Any], identifier: str) -> ProjectRecord:
        if len(elements) > 1:
            raise Problems([Problem("beltroad:record", None, "more than one beltroad:record")])
        try:
            record = iati_extension.decode(elements[0])
            return iati_extension.adopt(record, dataset=self.dataset, identifier=identifier)
        except iati_extension.ExtensionError as exc:
            raise Problems([Problem(exc.path, exc.value, exc.reason)]) from None

    # --- values shared by several elements, memoised per file ------------------------------

    def org(self, element: Any, field: str) -> OrgRef | None:
        """The organisation an element names (reporting, participating, provider, receiver)."""
        plain = None
        if not len(element):
            # No narratives (1.0x, or a 2.0x element with a ref only): the raw ref, type and text
            # decide the result, so an element seen before costs three attribute reads.
            plain = (element.get("ref"), element.get("type"), element.text)
            found = self.memo.plain_orgs.get(plain)
            if found is not None:
                return found
        ref = clean(element.get("ref"))
        if ref is not None and len(ref) > MAX_ORG_REF:
            raise Problem(f"{field}/@ref", ref, f"longer than {MAX_ORG_REF} characters")
        name = text(element, self.lang) or ref
        if name is None:
            return None
        raw_type = element.get("type")
        key = (ref, raw_type, name)
        orgs = self.memo.orgs
        org = orgs.get(key)
        if org is None:
            org = OrgRef(
                name=" ".join(name.split())[:MAX_NAME],
                ref=ref,
                org_type=small(clean(raw_type)),
            )
            if len(orgs) < MAX_CACHED_ORGS:
                orgs[key] = org
        if plain is not None and len(self.memo.plain_orgs) < MAX_CACHED_ORGS:
            self.memo.plain_orgs[plain] = org
        return org

    def currency_of(self, element: Any, field: str) -> str | None:
        """A value's currency: its own ``@currency`` or the activity's default, checked."""
        raw = element.get("currency")
        key = (raw, self.currency)
        currencies = self.memo.currencies
        if key in currencies:
            return currencies[key]
        currency = clean(raw) or self.currency
        if currency is not None:
            currency = currency.upper()
            if len(currency) != 3 or not currency.isalpha():
                raise Problem(field, currency, "not an ISO 4217 currency code")
        if len(currencies) < MAX_CACHED_VALUES:
            currencies[key] = currency
        return currency

    # --- one reader per element: each takes ``get`` and returns its part or raises Problem --

    def _title(self, get: Get) -> str:
        titles = get("title", ())
        if len(titles) == 1 and not len(titles[0]) and titles[0].get(XML_LANG) is None:
            title = clean(titles[0].text)  # the usual 1.0x title: what pick would give
        else:
            title = pick(titles, self.lang)
        if title is None:
            raise Problem("title", None, "title missing")
        return title

    def _identifier(self, get: Get) -> str:
        found = get("iati-identifier")
        identifier = clean(found[0].text) if found else None
        if identifier is None:
            raise Problem("iati-identifier", None, "iati-identifier missing")
        if len(identifier) > MAX_IDENTIFIER:
            raise Problem("iati-identifier", identifier, f"longer than {MAX_IDENTIFIER} characters")
        return identifier

    def _reporting(self, get: Get) -> dict[str, Any] | None:
        found = get("reporting-org")
        org = self.org(found[0], "reporting-org") if found else None
        return None if org is None else {"ref": org.ref, "type": org.org_type, "name": org.name}

    def _description(self, elements: list[Any]) -> str | None:
        general = [e for e in elements if e.get("type") in (None, "1", "general")]
        return pick(general, self.lang) or pick(elements, self.lang)

    def _dates(self, get: Get) -> dict[str, dt.date]:
        found: dict[str, dt.date] = {}
        for element in get("activity-date", ()):
            kind = element.get("type")
            name = DATE_FIELDS.get(kind)  # the usual case: a code exactly as the standard has it
            if name is None:
                kind = (kind or "").strip().lower()
                name = DATE_FIELDS.get(kind)
            if name is None:
                raise Problem(
                    "activity-date/@type",
                    element.get("type"),
                    "unknown date type "
                    "(expected 1-4 or start-planned, start-actual, end-planned, "
                    "end-actual)",
                )
            value = iso(element, f"activity-date[@type={kind}]")
            if value is not None:
                found.setdefault(name, value)
        if len(found) > 1:  # an order to check (IATI rulesets: start before end)
            for which in ("planned", "actual"):
                flag = order_flag(
                    f"date_order:{which}_end<{which}_start",
                    found.get(f"{which}_start"),
                    found.get(f"{which}_end"),
                    what=f"{which} end before {which} start",
                    field=f"activity-date[@type=end-{which}]",
                    value=found.get(f"{which}_end"),
                )
                if flag is not None:
                    self.flags.append(flag)
        return found

    def _status(self, get: Get) -> int | None:
        found = get("activity-status")
        if not found:
            return None
        raw = clean(found[0].get("code")) or clean(found[0].get("ref"))
        if raw is None:
            return None
        status = int(raw) if raw.isdigit() else STATUS_NAMES.get(raw.lower())
        if status is None or not 1 <= status <= 6:
            raise Problem("activity-status/@code", raw, "unknown ActivityStatus (expected 1-6)")
        return status

    def _participations(self, get: Get) -> tuple[tuple[Participation, ...], list[dict[str, Any]]]:
        out: list[Participation] = []
        unmapped: list[dict[str, Any]] = []
        participations = self.memo.participations
        for element in get("participating-org", ()):
            plain = None
            if not len(element):  # no narratives: the raw attributes and text decide it all
                plain = (
                    (element.get("ref"), element.get("type"), element.text),
                    element.get("role"),
                )
                known = participations.get(plain)
                if known is not None:
                    out.append(known)
                    continue
            org = self.org(element, "participating-org")
            if org is None:
                continue
            raw = (element.get("role") or "").strip()
            role = ROLES.get(raw.lower())
            if role is None:
                # Not an IATI role (e.g. "beneficiary"): kept, but not as a participation.
                unmapped.append({"role": raw, "name": org.name, "ref": org.ref})
                continue
            participation = Participation(org=org, role=role.value)
            if plain is not None and len(participations) < MAX_CACHED_ORGS:
                participations[plain] = participation
            out.append(participation)
        return tuple(out), unmapped

    def _transactions(
        self, get: Get
    ) -> tuple[tuple[TransactionRecord, ...], list[TransactionCodes]]:
        """The transactions, and each one's flow and finance type (for :meth:`_defaults`)."""
        records: list[TransactionRecord] = []
        codes: list[TransactionCodes] = []
        for element in get("transaction", ()):
            first = first_children(element, TRANSACTION_CHILDREN).get
            records.append(self._transaction(element, first))
            flow, finance = first("flow-type"), first("finance-type")
            codes.append(
                (
                    None if flow is None else clean(flow.get("code")),
                    None if finance is None else clean(finance.get("code")),
                )
            )
        check_commitments(records)
        return tuple(records), codes

    def _transaction(self, element: Any, first: Get) -> TransactionRecord:
        kind = transaction_type(first("transaction-type"), element)
        value_element = first("value")
        if value_element is None:
            raise Problem("transaction/value", None, "transaction value missing")
        value = amount(value_element.text, "transaction/value")
        currency = self.currency_of(value_element, "transaction/value/@currency")
        date_element = first("transaction-date")
        when = None if date_element is None else iso(date_element, "transaction/transaction-date")
        raw_value_date = value_element.get("value-date")
        value_date = None if raw_value_date is None else iso_text(raw_value_date)
        if when is None:  # IATI's fallback: the value date
            when = value_date or iso(value_element, "transaction/value/@value-date", "value-date")
        provider, receiver = first("provider-org"), first("receiver-org")
        return TransactionRecord(
            kind,
            when,
            Money(currency, value, value if currency == "USD" else None),
            None if provider is None else self.org(provider, "transaction/provider-org"),
            None if receiver is None else self.org(receiver, "transaction/receiver-org"),
            # The day the value converts at, kept only where it is another day.
            value_date if value_date != when else None,
        )

    def _budgets(self, get: Get) -> list[dict[str, Any]]:
        """Budgets, kept in ``extras``: one that cannot be read is noted and left out, not fatal
        (budgets feed no total; 1.0x files often give only a year as the period)."""
        out: list[dict[str, Any]] = []
        for element in get("budget", []):
            try:
                out.append(self._budget(element))
            except Problem as problem:
                self.notes.append(
                    f"budget left out: {problem.field} {problem.value!r}: {problem.reason}"
                )
        return out

    def _budget(self, element: Any) -> dict[str, Any]:
        first = first_children(element, BUDGET_CHILDREN).get
        value_element, start, end = first("value"), first("period-start"), first("period-end")
        if value_element is None:
            raise Problem("budget/value", None, "value missing")
        try:
            value = decimal(value_element.text, what="an amount")
        except ValueProblem as exc:
            raise Problem("budget/value", value_element.text, str(exc)) from None
        raw_type = clean(element.get("type"))
        return {
            "type": BUDGET_TYPES.get((raw_type or "").lower(), raw_type),
            "status": clean(element.get("status")),
            "period_start": None if start is None else iso_string(start, "budget/period-start"),
            "period_end": None if end is None else iso_string(end, "budget/period-end"),
            "value": value,
            "currency": self.currency_of(value_element, "budget/value/@currency"),
            "value_date": iso_string(value_element, "budget/value/@value-date", "value-date"),
        }

    def _defaults(
        self, get: Get, transaction_codes: list[TransactionCodes]
    ) -> tuple[int | None, int | None, str | None]:
        flow = get("default-flow-type")
        finance = get("default-finance-type")
        flow_type = code_int(flow[0], "default-flow-type") if flow else None
        finance_type = code_int(finance[0], "default-finance-type") if finance else None
        # An activity that states them only on its transactions: take them if all agree.
        if flow_type is None:
            flows = {code for code, _ in transaction_codes}
            if len(flows) == 1 and (only := flows.pop()):
                flow_type = small(only)
        if finance_type is None:
            finances = {code for _, code in transaction_codes}
            if len(finances) == 1 and (only := finances.pop()):
                finance_type = small(only)
        aid_type = None
        for element in get("default-aid-type", []):
            if (element.get("vocabulary") or "1") == "1":
                aid_type = clean(element.get("code"))
                if aid_type is not None and len(aid_type) > 8:
                    raise Problem("default-aid-type/@code", aid_type, "longer than 8 characters")
                break
        return flow_type, finance_type, aid_type

    def _parent(self, get: Get) -> str | None:
        for element in get("related-activity", ()):
            kind = element.get("type")
            if kind == "2" or kind == "3":  # child or sibling, as most are written: no parent
                continue
            if (kind or "").strip().lower() in ("1", "parent"):
                ref = clean(element.get("ref"))
                if ref is not None and len(ref) <= MAX_IDENTIFIER:
                    return ref
        return None


__all__ = ["MAX_NAME", "Activity", "Memo"]


_COMMITMENTS = (int(TransactionType.OUTGOING_COMMITMENT), int(TransactionType.INCOMING_COMMITMENT))


def check_commitments(transactions: list[TransactionRecord]) -> None:
    """A negative commitment is a decrease of an earlier one (IATI allows negative values to
    reverse or correct): kept, unless the activity's commitments then add up to less than zero
    in a currency, which no reversal can mean."""
    totals: dict[tuple[int, str | None], float] = {}
    for transaction in transactions:
        money = transaction.money
        if transaction.type in _COMMITMENTS and money.original is not None:
            key = (transaction.type, money.currency)
            totals[key] = totals.get(key, 0.0) + money.original
    for (kind, currency), net in totals.items():
        if net < 0:
            raise Problem(
                "transaction/value",
                net,
                f"the commitments (transaction type {kind}) add up to {net:,.2f} "
                f"{currency or ''}: a negative commitment may only reverse an earlier one "
                "(expected a total of 0 or more)",
            )
