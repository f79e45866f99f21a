"""Fast bulk writes of columnar batches (synthetic portfolios) into the registry tables.

Rows go to the DB-API as plain tuples: ``executemany`` on SQLite (``exec_driver_sql``: no ORM
objects, no per-row SQLAlchemy parameter processing, several times faster than
``connection.execute(table.insert(), dicts)``), ``COPY ... FROM STDIN`` on PostgreSQL with
psycopg 3 (about 2.5 times faster there than executemany). Dates go as ISO strings on SQLite,
which is what SQLAlchemy's ``Date`` stores, so the ORM reads them back as ``datetime.date``.
The caller owns the transaction::

    with engine.begin() as connection:
        counts = write_synthetic(connection, batch, dataset="synthetic-demo")
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import repeat
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, Table, select

from beltroad.engines.synthetic import SYNTHETIC_FINANCIERS, SyntheticBatch, slice_batch
from beltroad.engines.synthetic_registry import SyntheticRegistry
from beltroad.errors import InvalidInput
from beltroad.reference.iati import ParticipationRole, TransactionType
from beltroad.storage.generation import paused_triggers
from beltroad.storage.inventory import delete_registry_records
from beltroad.storage.models import Base
from beltroad.storage.write_driver import insert_rows

_NAT = np.iinfo(np.int64).min
FUNDING_ROLE = ParticipationRole.FUNDING.value  # IATI OrganisationRole 1, as beltroad stores it
#: Projects per insert round: bounds the Python objects alive at once (a batch's rows as
#: tuples would take several times the batch's numpy memory) at no cost in speed.
WRITE_CHUNK = 10_000
_TO_FINANCIER = (int(TransactionType.INTEREST_PAYMENT), int(TransactionType.LOAN_REPAYMENT))


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def ensure_synthetic_financiers(connection: Connection, dataset: str) -> list[int]:
    """Insert the synthetic financiers unless present (by ``key`` = ref); their ids, in order.

    Idempotent: a second call inserts nothing and returns the same ids. The financiers belong
    to the ``dataset`` of the first call (so deleting that dataset deletes them too).
    """
    organisations = _table("organisations")
    refs = [f.ref for f in SYNTHETIC_FINANCIERS]
    # An organisation's key is its IATI ref when it has one (see models.Organisation.key).
    query = select(organisations.c.key, organisations.c.id).where(organisations.c.key.in_(refs))
    found: dict[str, int] = {ref: id_ for ref, id_ in connection.execute(query)}
    missing = [f for f in SYNTHETIC_FINANCIERS if f.ref not in found]
    if missing:
        connection.execute(
            organisations.insert(),
            [
                {
                    "key": f.ref,
                    "ref": f.ref,
                    "name": f.name,
                    "org_type": f.org_type,
                    "is_international": False,
                    "dataset": dataset,
                    "source_record_id": f.ref,
                    "is_synthetic": True,
                }
                for f in missing
            ],
        )
        found = {ref: id_ for ref, id_ in connection.execute(query)}
    return [found[ref] for ref in refs]


def _dates(values: npt.NDArray[np.datetime64], *, as_text: bool) -> list[Any]:
    """Dates as ISO strings (what SQLAlchemy's Date stores on SQLite) or ``datetime.date``;
    None for NaT. A lookup table over the batch's date range keeps this fast for millions."""
    days = values.astype("datetime64[D]").view(np.int64)
    missing = days == _NAT
    if missing.all():
        return [None] * len(days)
    low, high = int(days[~missing].min()), int(days[~missing].max())
    span = np.arange(low, high + 1).astype("datetime64[D]")
    table = np.empty(high - low + 2, dtype=object)
    table[:-1] = np.datetime_as_string(span).tolist() if as_text else span.tolist()
    table[-1] = None
    return list(table[np.where(missing, len(table) - 1, days - low)].tolist())


def _flags(values: npt.NDArray[np.bool_], *, as_int: bool) -> list[Any]:
    """A boolean column for the driver: ints on SQLite, which stores them anyway and binds an int
    far more cheaply than a bool (see ``beltroad.storage.write_driver.sqlite_flag``)."""
    return list((values.astype(np.int64) if as_int else values).tolist())


def _flag(value: bool, *, as_int: bool) -> bool | int:
    return int(value) if as_int else value


def insert_columns(connection: Connection, table: str, columns: dict[str, Iterable[Any]]) -> int:
    """Insert rows given column-wise (constant columns may be ``itertools.repeat``).

    PostgreSQL with psycopg 3 gets ``COPY ... FROM STDIN`` (an order of magnitude faster than
    executemany there); SQLite gets one executemany of plain tuples. See
    :func:`beltroad.storage.write_driver.insert_rows`, which it shares with the record writes (it
    lives there so that they need not import numpy).
    """
    rows = list(zip(*columns.values()))  # noqa: B905 - repeat() columns are endless
    return insert_rows(connection, table, list(columns), rows)


_insert = insert_columns  # the name it had before it was shared with storage.writes


def write_synthetic(
    connection: Connection,
    batch: SyntheticBatch,
    *,
    dataset: str,
    financier_ids: Sequence[int] | None = None,
) -> dict[str, int]:
    """Insert one synthetic batch; returns rows written per table.

    Projects keep the batch's ids (so children need no lookups), ``source_record_id`` is the
    identifier, and every project and transaction is marked ``is_synthetic``. Transaction
    ``value`` is nominal USD; commitments and disbursements come from the financier
    (``provider_org_id``), interest and repayments go to it (``receiver_org_id``). The
    countries referenced must exist in ``countries``; ``financier_ids`` (from
    :func:`ensure_synthetic_financiers`) saves a lookup per batch.
    """
    if not dataset or len(dataset) > 64:
        raise InvalidInput.at("must be 1 to 64 characters", field="dataset", value=dataset)
    if financier_ids is None:
        financier_ids = ensure_synthetic_financiers(connection, dataset)
    if len(financier_ids) != len(batch.financiers):
        raise InvalidInput.at(
            f"needs {len(batch.financiers)} ids, one per synthetic financier",
            field="financier_ids",
            value=list(financier_ids),
        )
    counts = dict.fromkeys(
        ("projects", "project_countries", "project_sectors", "participations", "transactions"), 0
    )
    with paused_triggers(connection, locate=False):
        for start in range(0, len(batch), WRITE_CHUNK):
            part = slice_batch(batch, start, min(start + WRITE_CHUNK, len(batch)))
            for table, written in _write_part(connection, part, dataset, financier_ids).items():
                counts[table] += written
    return counts


def _write_part(
    connection: Connection, batch: SyntheticBatch, dataset: str, financier_ids: Sequence[int]
) -> dict[str, int]:
    as_text = connection.dialect.name == "sqlite"
    p, c, s, t = batch.projects, batch.countries, batch.sectors, batch.transactions
    ids = p.id.tolist()
    identifiers = p.identifier.tolist()
    org_of_project = np.asarray(financier_ids, dtype=np.int64)[p.financier]
    counts = {
        "projects": _insert(
            connection,
            "projects",
            {
                "id": ids,
                "identifier": identifiers,
                "title": p.title.tolist(),
                "status": p.status.tolist(),
                "stage": p.stage.tolist(),
                "planned_start": _dates(p.planned_start, as_text=as_text),
                "actual_start": _dates(p.actual_start, as_text=as_text),
                "planned_end": _dates(p.planned_end, as_text=as_text),
                "actual_end": _dates(p.actual_end, as_text=as_text),
                "commitment_year": p.commitment_year.tolist(),
                "flow_class": p.flow_class.tolist(),
                "flow_type": [code or None for code in p.flow_type.tolist()],  # 0: unknown
                "finance_type": p.finance_type.tolist(),
                "amount_currency": repeat(batch.amount_currency),
                "amount_original": _nullable(p.amount_original),
                "amount_usd_nominal": _nullable(p.amount_usd_nominal),
                "amount_usd_constant": _nullable(p.amount_usd_constant),
                "amount_base_year": repeat(batch.base_year),
                "is_flagship": repeat(_flag(False, as_int=as_text)),
                "is_umbrella": _flags(p.is_umbrella, as_int=as_text),
                "dataset": repeat(dataset),
                "source_record_id": identifiers,
                "recommended_for_aggregates": _flags(p.recommended_for_aggregates, as_int=as_text),
                "is_synthetic": repeat(_flag(True, as_int=as_text)),
            },
        ),
        "project_countries": _insert(
            connection,
            "project_countries",
            {
                "project_id": c.project_id.tolist(),
                "iso3": c.iso3.tolist(),
                "percentage": c.percentage.tolist(),
            },
        ),
        "project_sectors": _insert(
            connection,
            "project_sectors",
            {
                "project_id": s.project_id.tolist(),
                "vocabulary": repeat(batch.sector_vocabulary),
                "code": s.code.tolist(),
                "percentage": s.percentage.tolist(),
            },
        ),
        "participations": _insert(
            connection,
            "participations",
            {
                "project_id": ids,
                "organisation_id": org_of_project.tolist(),
                "role": repeat(FUNDING_ROLE),
            },
        ),
    }
    org = org_of_project[np.searchsorted(p.id, t.project_id)]
    incoming = np.isin(t.type, _TO_FINANCIER)  # interest and repayments flow to the financier
    nominal = t.usd_nominal.tolist()
    counts["transactions"] = _insert(
        connection,
        "transactions",
        {
            "project_id": t.project_id.tolist(),
            "type": t.type.tolist(),
            "date": _dates(t.date, as_text=as_text),
            "currency": repeat(batch.amount_currency),
            "value": nominal,
            "usd_nominal": nominal,
            "usd_constant": t.usd_constant.tolist(),
            "base_year": repeat(batch.base_year),
            "provider_org_id": [v or None for v in np.where(incoming, 0, org).tolist()],
            "receiver_org_id": [v or None for v in np.where(incoming, org, 0).tolist()],
            "is_synthetic": repeat(_flag(True, as_int=as_text)),
        },
    )
    return counts


# --- the registry around the portfolio ---------------------------------------------------------

#: Keys per ``IN (...)`` lookup: well under SQLite's bound-parameter limit.
_LOOKUP_CHUNK = 500


def _floats(values: npt.NDArray[np.float64]) -> list[float | None]:
    """Floats with NaN as None (NULL), e.g. coordinates that are not known."""
    return [None if v != v else v for v in values.tolist()]  # NaN is the only v != v


def _ids_by_key(
    connection: Connection, table: Table, column: str, keys: Sequence[str], dataset: str | None
) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(keys), _LOOKUP_CHUNK):
        chunk = keys[start : start + _LOOKUP_CHUNK]
        query = select(table.c[column], table.c.id).where(table.c[column].in_(chunk))
        if dataset is not None:
            query = query.where(table.c.dataset == dataset)
        found.update({key: id_ for key, id_ in connection.execute(query)})
    return found


def _ensure_organisations(
    connection: Connection, registry: SyntheticRegistry, dataset: str
) -> tuple[list[int], int]:
    """Insert the registry's organisations unless present (by ``key``); their ids, in order,
    and how many were inserted. Like the financiers, they belong to the first dataset."""
    as_text = connection.dialect.name == "sqlite"
    orgs = registry.organisations
    table = _table("organisations")
    keys: list[str] = orgs.key.tolist()
    found = _ids_by_key(connection, table, "key", keys, None)
    missing = np.array([key not in found for key in keys], dtype=np.bool_)
    inserted = 0
    if missing.any():
        inserted = insert_columns(
            connection,
            "organisations",
            {
                "key": orgs.key[missing].tolist(),
                "ref": orgs.key[missing].tolist(),
                "name": orgs.name[missing].tolist(),
                "org_type": orgs.org_type[missing].tolist(),
                "country_iso3": [c or None for c in orgs.country_iso3[missing].tolist()],
                "is_international": _flags(orgs.is_international[missing], as_int=as_text),
                "dataset": repeat(dataset),
                "source_record_id": orgs.key[missing].tolist(),
                "is_synthetic": repeat(_flag(True, as_int=as_text)),
            },
        )
        found = _ids_by_key(connection, table, "key", keys, None)
    return [found[key] for key in keys], inserted


def delete_synthetic_registry(connection: Connection, dataset: str) -> int:
    """Remove the partnerships, documents (with their parties), zones and enterprises of
    ``dataset``; rows removed (see :func:`beltroad.storage.inventory.delete_registry_records`)."""
    return delete_registry_records(connection, dataset)


def write_synthetic_registry(
    connection: Connection, registry: SyntheticRegistry, *, dataset: str
) -> dict[str, int]:
    """Insert a synthetic registry (:func:`beltroad.engines.synthetic_registry.generate_registry`);
    rows written per table.

    Every row with provenance is ``is_synthetic`` with ``source_record_id`` the generator's
    ``SYN-<seed>-...`` id; organisations are looked up by key and inserted only when missing.
    Documents and zones get database ids (so the writer never collides with other data's ids)
    and are found again by ``(dataset, source_record_id)`` for their parties and tenants. Write
    one registry per dataset: a second write of the same one breaks the partnerships' unique
    ``(dataset, source_record_id)``; :func:`delete_synthetic_registry` removes it first.
    """
    if not dataset or len(dataset) > 64:
        raise InvalidInput.at("must be 1 to 64 characters", field="dataset", value=dataset)
    as_text = connection.dialect.name == "sqlite"
    counts: dict[str, int] = {}
    with paused_triggers(connection, locate=False):
        org_ids, counts["organisations"] = _ensure_organisations(connection, registry, dataset)
        orgs = np.asarray(org_ids, dtype=np.int64)
        # endless repeat() columns, so one dict serves every insert below
        provenance: dict[str, Iterable[Any]] = {
            "dataset": repeat(dataset),
            "is_synthetic": repeat(_flag(True, as_int=as_text)),
        }
        p = registry.partnerships
        counts["partnerships"] = insert_columns(
            connection,
            "partnerships",
            {
                "country_iso3": p.country_iso3.tolist(),
                "joined_on": _dates(p.joined_on, as_text=as_text),
                "exited_on": _dates(p.exited_on, as_text=as_text),
                "note": repeat("synthetic partnership (beltroad synthetic generator)"),
                "source_record_id": p.source_record_id.tolist(),
                **provenance,
            },
        )
        d = registry.documents
        counts["cooperation_documents"] = insert_columns(
            connection,
            "cooperation_documents",
            {
                "title": d.title.tolist(),
                "doc_type": d.doc_type.tolist(),
                "iati_category": [c or None for c in d.iati_category.tolist()],
                "signed_on": _dates(d.signed_on, as_text=as_text),
                "expires_on": _dates(d.expires_on, as_text=as_text),
                "status": d.status.tolist(),
                "scope": repeat("Belt and Road cooperation (synthetic)"),
                "source": repeat(registry.source),
                "source_record_id": d.source_record_id.tolist(),
                **provenance,
            },
        )
        doc_keys: list[str] = d.source_record_id.tolist()
        found = _ids_by_key(
            connection, _table("cooperation_documents"), "source_record_id", doc_keys, dataset
        )
        doc_ids = np.array([found[key] for key in doc_keys], dtype=np.int64)
        parties = registry.parties
        counts["document_parties"] = insert_columns(
            connection,
            "document_parties",
            {
                "document_id": doc_ids[parties.document].tolist(),
                "country_iso3": [c or None for c in parties.country_iso3.tolist()],
                "organisation_id": [
                    int(orgs[i]) if i >= 0 else None for i in parties.organisation.tolist()
                ],
            },
        )
        z = registry.zones
        counts["cooperation_zones"] = insert_columns(
            connection,
            "cooperation_zones",
            {
                "name": z.name.tolist(),
                "host_iso3": z.host_iso3.tolist(),
                "developer_org_id": orgs[z.developer].tolist(),
                "established_year": z.established_year.tolist(),
                "enterprises_hosted": z.enterprises_hosted.tolist(),
                "investment_usd": z.investment_usd.tolist(),
                "output_usd": z.output_usd.tolist(),
                "jobs_local": z.jobs_local.tolist(),
                "jobs_expat": z.jobs_expat.tolist(),
                "lat": _floats(z.lat),
                "lon": _floats(z.lon),
                "source_record_id": z.source_record_id.tolist(),
                **provenance,
            },
        )
        zone_keys: list[str] = z.source_record_id.tolist()
        found = _ids_by_key(
            connection, _table("cooperation_zones"), "source_record_id", zone_keys, dataset
        )
        zone_ids = np.array([found[key] for key in zone_keys] + [0], dtype=np.int64)
        e = registry.enterprises
        written = 0
        for start in range(0, len(e.name), WRITE_CHUNK):
            part = slice(start, start + WRITE_CHUNK)
            written += insert_columns(
                connection,
                "overseas_enterprises",
                {
                    "name": e.name[part].tolist(),
                    "parent_org_id": orgs[e.parent[part]].tolist(),
                    "host_iso3": e.host_iso3[part].tolist(),
                    "sector_code": e.sector_code[part].tolist(),
                    "established_on": _dates(e.established_on[part], as_text=as_text),
                    "closed_on": _dates(e.closed_on[part], as_text=as_text),
                    "stock_currency": repeat("USD"),
                    "stock_original": e.stock_usd_nominal[part].tolist(),
                    "stock_usd_nominal": e.stock_usd_nominal[part].tolist(),
                    "stock_usd_constant": e.stock_usd_constant[part].tolist(),
                    "stock_base_year": repeat(registry.base_year),
                    "assets_usd": e.assets_usd[part].tolist(),
                    "employees_local": e.employees_local[part].tolist(),
                    "employees_expat": e.employees_expat[part].tolist(),
                    # -1 (no zone) picks the trailing 0, stored as NULL
                    "zone_id": [v or None for v in zone_ids[e.zone[part]].tolist()],
                    "lat": _floats(e.lat[part]),
                    "lon": _floats(e.lon[part]),
                    "source_record_id": e.source_record_id[part].tolist(),
                    **provenance,
                },
            )
        counts["overseas_enterprises"] = written
    return counts


__all__ = [
    "FUNDING_ROLE",
    "delete_synthetic_registry",
    "ensure_synthetic_financiers",
    "insert_columns",
    "write_synthetic",
    "write_synthetic_registry",
]


def _nullable(values: npt.NDArray[np.float64]) -> list[float | None]:
    """NaN (no reported amount) as NULL: SQLite and PostgreSQL would store NaN differently."""
    return [None if v != v else v for v in values.tolist()]
