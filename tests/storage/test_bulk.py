"""Bulk writes of synthetic batches: every row lands, keys hold, values read back unchanged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import numpy as np
import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import IntegrityError

from beltroad.engines.synthetic import (
    SYNTHETIC_FINANCIERS,
    SyntheticBatch,
    concat_batches,
    default_calibration,
    generate,
)
from beltroad.storage import bulk, models
from beltroad.storage.bulk import ensure_synthetic_financiers, write_synthetic
from beltroad.storage.database import make_engine, migrate
from beltroad.storage.reference import load_reference_facts

CAL = default_calibration()
TABLES = ("projects", "project_countries", "project_sectors", "participations", "transactions")


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A migrated database with the reference countries (the FK target of project_countries)."""
    engine = make_engine(db_url)
    migrate(engine)
    with engine.begin() as connection:
        load_reference_facts(connection)
    yield engine
    engine.dispose()


def count(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())  # noqa: S608


def test_batches_land_with_the_right_row_counts_and_intact_keys(engine: Engine) -> None:
    batches = list(generate(3_000, seed=4, calibration=CAL, batch_size=1_000))
    totals = dict.fromkeys(TABLES, 0)
    for batch in batches:
        with engine.begin() as connection:
            written = write_synthetic(connection, batch, dataset="synthetic-test")
        assert written == {
            "projects": len(batch),
            "project_countries": len(batch.countries.project_id),
            "project_sectors": len(batch.sectors.project_id),
            "participations": len(batch),
            "transactions": len(batch.transactions.project_id),
        }
        for table in TABLES:
            totals[table] += written[table]
    for table in TABLES:
        assert count(engine, table) == totals[table], table
    assert count(engine, "organisations") == len(SYNTHETIC_FINANCIERS)
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
    with engine.connect() as connection:
        flags = connection.execute(
            select(func.count()).where(models.Project.is_synthetic.is_(False))
        ).scalar_one()
        tx_flags = connection.execute(
            select(func.count()).where(models.Transaction.is_synthetic.is_(False))
        ).scalar_one()
    assert flags == 0
    assert tx_flags == 0


def test_values_read_back_unchanged(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "WRITE_CHUNK", 128)  # four executemany rounds, same rows
    batch = concat_batches(list(generate(500, seed=9, calibration=CAL)))
    with engine.begin() as connection:
        write_synthetic(connection, batch, dataset="synthetic-test")
    with engine.connect() as connection:
        rows = connection.execute(select(models.Project).order_by(models.Project.id)).all()
        transactions = connection.execute(
            select(models.Transaction).order_by(models.Transaction.id)
        ).all()
        funders = connection.execute(
            select(models.Participation.project_id, models.Organisation.ref)
            .join(models.Organisation)
            .where(models.Participation.role == "funding")
            .order_by(models.Participation.project_id)
        ).all()
    p = batch.projects
    assert [r.id for r in rows] == p.id.tolist()
    assert [r.source_record_id for r in rows] == p.identifier.tolist()
    assert [r.identifier for r in rows] == p.identifier.tolist()
    assert all(r.dataset == "synthetic-test" and r.amount_currency == "USD" for r in rows)
    assert [r.actual_end for r in rows] == p.actual_end.tolist()  # NaT comes back as None
    assert [r.planned_start for r in rows] == p.planned_start.tolist()
    assert all(isinstance(r.planned_start, dt.date) for r in rows)
    assert [r.flow_type for r in rows] == [v or None for v in p.flow_type.tolist()]
    assert [r.recommended_for_aggregates for r in rows] == p.recommended_for_aggregates.tolist()
    assert [r.amount_usd_constant for r in rows] == p.amount_usd_constant.tolist()
    assert all(r.amount_base_year == 2021 for r in rows)
    t = batch.transactions
    assert [r.date for r in transactions] == t.date.tolist()
    assert [r.value for r in transactions] == t.usd_nominal.tolist()
    assert [r.usd_constant for r in transactions] == t.usd_constant.tolist()
    incoming = np.isin(t.type, (5, 6))
    assert all(
        (r.receiver_org_id is None) != bool(i) for r, i in zip(transactions, incoming, strict=True)
    )
    assert all(
        (r.provider_org_id is None) == bool(i) for r, i in zip(transactions, incoming, strict=True)
    )
    refs = [SYNTHETIC_FINANCIERS[i].ref for i in p.financier.tolist()]
    assert [ref for _, ref in funders] == refs


def test_financiers_are_inserted_once(engine: Engine) -> None:
    with engine.begin() as connection:
        first = ensure_synthetic_financiers(connection, "synthetic-test")
    with engine.begin() as connection:
        second = ensure_synthetic_financiers(connection, "other")
    assert first == second
    assert len(set(first)) == len(SYNTHETIC_FINANCIERS)
    with engine.connect() as connection:
        rows = connection.execute(
            select(models.Organisation).order_by(models.Organisation.id)
        ).all()
    assert [r.ref for r in rows] == [f.ref for f in SYNTHETIC_FINANCIERS]
    assert all(r.is_synthetic and r.name.startswith("Synthetic ") for r in rows)
    assert all(r.key == r.ref for r in rows)


def small_batch() -> SyntheticBatch:
    return next(generate(50, seed=1, calibration=CAL))


def test_a_second_write_of_the_same_batch_is_refused(engine: Engine) -> None:
    batch = small_batch()
    with engine.begin() as connection:
        write_synthetic(connection, batch, dataset="synthetic-test")
    with pytest.raises(IntegrityError), engine.begin() as connection:
        write_synthetic(connection, batch, dataset="synthetic-test")
    assert count(engine, "projects") == 50


def test_bad_arguments_are_refused(engine: Engine) -> None:
    with engine.begin() as connection:
        with pytest.raises(ValueError, match="dataset"):
            write_synthetic(connection, small_batch(), dataset="")
        with pytest.raises(ValueError, match="financier_ids"):
            write_synthetic(connection, small_batch(), dataset="x", financier_ids=[1, 2])


def test_unknown_countries_violate_the_foreign_key(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate(engine)  # no reference facts: the countries table is empty
    with pytest.raises(IntegrityError), engine.begin() as connection:
        write_synthetic(connection, small_batch(), dataset="synthetic-test")
    engine.dispose()
