"""Record writes go to the driver directly: what lands is what SQLAlchemy Core would store."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, select

from beltroad.records import (
    CountrySplit,
    LoanTermsRecord,
    LocationRecord,
    Money,
    OrgRef,
    Participation,
    ProjectRecord,
    Provenance,
    RegionSplit,
    SectorSplit,
    TransactionRecord,
)
from beltroad.storage import models, write_driver, writes
from beltroad.storage.content_hash import project_row
from beltroad.storage.database import make_engine, migrate
from beltroad.storage.models import table
from beltroad.storage.reference import load_reference_facts
from beltroad.storage.writes import content_hash, write_projects

CHILDREN = (
    "project_countries",
    "project_regions",
    "project_sectors",
    "participations",
    "transactions",
    "loan_terms",
    "locations",
)
BANK = OrgRef(name="A Bank", ref="XM-BANK", org_type=40)
AGENCY = OrgRef(name="An Agency", country_iso3="KEN", is_international=True)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    migrate(engine)
    with engine.begin() as connection:
        load_reference_facts(connection)
    yield engine
    engine.dispose()


def full(identifier: str = "XM-1", **changes: Any) -> ProjectRecord:
    record = ProjectRecord(
        identifier=identifier,
        title="A road, ünïcödé",
        provenance=Provenance(
            dataset="test", source_record_id=identifier, recommended_for_aggregates=True
        ),
        description="two\nlines",
        status=2,
        planned_start=dt.date(2019, 1, 31),
        actual_start=dt.date(1900, 1, 1),
        planned_end=dt.date(2100, 12, 31),
        commitment_year=2019,
        flow_type=10,
        finance_type=110,
        aid_type="C01",
        amount=Money("USD", 1.5e6, 1.5e6, None, 2019),
        countries=(CountrySplit("KEN", 60.0), CountrySplit("TZA", 30.0), CountrySplit("KEN", 10)),
        regions=(RegionSplit("298", "1", 100.0),),
        sectors=(SectorSplit("21020", "1", 100.0), SectorSplit("210", "2", 100.0)),
        participations=(
            Participation(BANK, "1"),
            Participation(AGENCY, "4"),
            Participation(BANK, "1"),  # repeated: stored once
        ),
        transactions=(
            TransactionRecord(2, dt.date(2019, 5, 2), Money("USD", 1.5e6, 1.5e6), BANK, AGENCY),
            TransactionRecord(3, None, Money("EUR", 250.25), receiver=AGENCY),
        ),
        loan_terms=LoanTermsRecord(
            interest_rate_pct=2.0, repayment_type="1", collateralised=True, insured=False
        ),
        locations=(LocationRecord("Nairobi", -1.29, 36.82, 1, "KE-30", 50.0, 1, 3, "IATI"),),
        is_umbrella=True,
        parent_identifier="XM-0",
        extras={"budgets": [{"value": 1.0, "period_start": "2019-01-01"}], "note": "ß", "n": None},
    )
    return dataclasses.replace(record, **changes)


def bare(identifier: str = "XM-2") -> ProjectRecord:
    return ProjectRecord(
        identifier=identifier, title="Bare", provenance=Provenance("test", identifier)
    )


def raw_rows(connection: Connection, name: str, where: str = "") -> list[tuple[Any, ...]]:
    """A table's rows as the driver returns them (no SQLAlchemy type processing)."""
    sql = f"SELECT * FROM {name} {where}"  # noqa: S608 - names are the test's own
    return sorted(connection.exec_driver_sql(sql).fetchall(), key=repr)


def dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as connection:
        return {name: raw_rows(connection, name) for name in ("projects", *CHILDREN)}


def test_project_rows_are_stored_as_sqlalchemy_core_stores_them(engine: Engine) -> None:
    records = [full(), bare()]
    with engine.begin() as connection:
        counts = write_projects(connection, records)
        assert (counts.inserted, counts.updated, counts.unchanged) == (2, 0, 0)
        # The same rows through SQLAlchemy Core (its type processing), under other keys.
        project = table(models.Project)
        for record in records:
            row = project_row(record, content_hash(record))
            row |= {
                "identifier": "core-" + record.identifier,
                "source_record_id": "core-" + record.identifier,
            }
            connection.execute(project.insert(), [row])
            ours, core = (
                raw_rows(connection, "projects", f"WHERE identifier = '{ident}'")[0][1:]
                for ident in (record.identifier, "core-" + record.identifier)
            )
            differ = [(a, b) for a, b in zip(ours, core, strict=True) if a != b]
            assert differ == [
                (record.identifier, "core-" + record.identifier),
                (record.identifier, "core-" + record.identifier),
            ]


def test_values_read_back_through_sqlalchemy(engine: Engine) -> None:
    with engine.begin() as connection:
        write_projects(connection, [full(), bare()])
    project = table(models.Project)
    with engine.connect() as connection:
        rows = {r.identifier: r for r in connection.execute(select(project)).mappings().fetchall()}
        got = rows["XM-1"]
        assert got["planned_start"] == dt.date(2019, 1, 31)
        assert got["actual_start"] == dt.date(1900, 1, 1)
        assert got["planned_end"] == dt.date(2100, 12, 31)
        assert got["actual_end"] is None
        assert got["extras"] == full().extras
        assert got["is_umbrella"] is True
        assert got["is_flagship"] is False
        assert got["recommended_for_aggregates"] is True
        assert got["content_hash"] == content_hash(full())
        assert rows["XM-2"]["extras"] is None
        assert rows["XM-2"]["is_umbrella"] is False
        pid = got["id"]

        def children(model: type[models.Base]) -> list[dict[str, Any]]:
            target = table(model)
            found = connection.execute(select(target).where(target.c.project_id == pid))
            return sorted(
                (
                    {k: v for k, v in r.items() if k not in ("id", "project_id")}
                    for r in found.mappings()
                ),
                key=repr,
            )

        assert children(models.ProjectCountry) == [
            {"iso3": "KEN", "percentage": 70.0},
            {"iso3": "TZA", "percentage": 30.0},
        ]
        assert children(models.ProjectRegion) == [
            {"vocabulary": "1", "code": "298", "percentage": 100.0}
        ]
        assert len(children(models.ProjectSector)) == 2
        assert sorted(p["role"] for p in children(models.Participation)) == ["1", "4"]
        transactions = sorted(children(models.Transaction), key=lambda t: t["type"])
        assert [t["date"] for t in transactions] == [dt.date(2019, 5, 2), None]
        assert [t["value"] for t in transactions] == [1.5e6, 250.25]
        assert transactions[0]["provider_org_id"] is not None
        assert transactions[1]["provider_org_id"] is None
        assert [t["is_synthetic"] for t in transactions] == [False, False]
        (loan,) = children(models.LoanTerms)
        assert loan | {} == {
            **dataclasses.asdict(full().loan_terms or LoanTermsRecord()),
        }
        assert loan["collateralised"] is True
        assert loan["insured"] is False
        (location,) = children(models.Location)
        assert location == dataclasses.asdict(full().locations[0])


def test_rewrite_changes_nothing_and_update_replaces_children(engine: Engine) -> None:
    records = [full(), bare()]
    with engine.begin() as connection:
        write_projects(connection, records)
    before = dump(engine)
    with engine.begin() as connection:
        counts = write_projects(connection, [full(), bare()])
    assert (counts.inserted, counts.updated, counts.unchanged) == (0, 0, 2)
    assert dump(engine) == before

    changed = full(transactions=(), locations=(), loan_terms=None, extras={})
    with engine.begin() as connection:
        counts = write_projects(connection, [changed, bare(), bare("XM-3")])
    assert (counts.inserted, counts.updated, counts.unchanged) == (1, 1, 1)
    after = dump(engine)
    assert after["transactions"] == after["loan_terms"] == after["locations"] == []
    assert len(after["participations"]) == 2
    with engine.connect() as connection:
        project = table(models.Project)
        extras = connection.execute(
            select(project.c.extras).where(project.c.identifier == "XM-1")
        ).scalar_one()
    assert extras is None

    parent = bare("XM-0")  # the parent full() names
    with engine.begin() as connection:
        write_projects(connection, [parent])
        assert writes.link_parents(connection, "test") == 1
        assert writes.link_parents(connection, "test") == 0  # unchanged links are not rewritten
    with engine.connect() as connection:
        rows = connection.execute(select(project.c.identifier, project.c.id, project.c.parent_id))
        links = {identifier: (id_, parent_id) for identifier, id_, parent_id in rows}
    assert links["XM-1"][1] == links["XM-0"][0]
    assert links["XM-2"][1] is None

    orphan = dataclasses.replace(changed, parent_identifier=None)  # an update drops the parent
    with engine.begin() as connection:
        write_projects(connection, [orphan])
        assert writes.link_parents(connection, "test") == 1
    with engine.connect() as connection:
        parent_id = connection.execute(
            select(project.c.parent_id).where(project.c.identifier == "XM-1")
        ).scalar_one()
    assert parent_id is None


def test_content_hash_follows_the_stored_values() -> None:
    """Equal content gives an equal hash whatever objects hold it; any stored change shows."""
    record = full()
    assert content_hash(record) == content_hash(full())
    assert content_hash(record).startswith("v3:")
    for changed in (
        full(title="A road"),
        full(planned_start=dt.date(2019, 2, 1)),
        full(extras={**record.extras, "n": 0}),
        full(transactions=record.transactions[:1]),
        full(transactions=(dataclasses.replace(record.transactions[1], date=dt.date(2020, 1, 1)),)),
        full(countries=(CountrySplit("KEN", 70.0), CountrySplit("TZA", 30.0), CountrySplit("UGA"))),
        full(participations=(Participation(AGENCY, "4"),)),
        full(extras={**record.extras, "when": dt.date(2020, 1, 1)}),
        full(extras={**record.extras, "big": 2**70}),  # beyond orjson: the repr
    ):
        assert content_hash(changed) != content_hash(record)
    # Extras with the same keys in another order are the same content.
    reordered = full(extras=dict(reversed(list({**record.extras, "z": 1}.items()))))
    assert content_hash(reordered) == content_hash(full(extras={**record.extras, "z": 1}))
    # What is stored is the same: repeated splits are summed, repeated roles kept once.
    same = full(
        countries=(CountrySplit("KEN", 70.0), CountrySplit("TZA", 30.0)),
        participations=(Participation(BANK, "1"), Participation(AGENCY, "4")),
    )
    assert content_hash(same) == content_hash(record)


@pytest.mark.parametrize("older", ["v2:" + "0" * 32, "ab" * 32, None])
def test_an_older_hash_is_rewritten_once(engine: Engine, older: str | None) -> None:
    """Hashes from before v3 (``v2:`` BLAKE2b, or an unprefixed SHA-256; migration 0011_split13
    clears them to NULL) are not recognised: the project is rewritten once with its v3 hash,
    and is unchanged from then on."""
    with engine.begin() as connection:
        write_projects(connection, [full(), bare()])
        project = table(models.Project)
        connection.execute(
            project.update().where(project.c.identifier == "XM-1").values(content_hash=older)
        )
    with engine.begin() as connection:
        counts = write_projects(connection, [full(), bare()])
    assert (counts.inserted, counts.updated, counts.unchanged) == (0, 1, 1)
    with engine.connect() as connection:
        stored = connection.execute(
            select(project.c.content_hash).where(project.c.identifier == "XM-1")
        ).scalar_one()
    assert stored == content_hash(full())
    with engine.begin() as connection:
        counts = write_projects(connection, [full(), bare()])
    assert (counts.inserted, counts.updated, counts.unchanged) == (0, 0, 2)


def test_record_dataset_stores_what_core_stores(engine: Engine) -> None:
    """record_dataset binds on the driver (SQLite): the stored row is Core's, byte for byte."""
    from beltroad.storage import inventory

    loaded = dt.datetime(2026, 11, 28, 3, 25, 1, 123456, tzinfo=dt.UTC)
    values: dict[str, Any] = {
        "title": "T ünï",
        "citation": None,
        "licence": "L",
        "is_synthetic": True,
        "records": 5,
        "parameters": {"kind": "iati", "file": "x é.xml", "n": [1, None]},
        "file_sha256": "ab" * 32,
        "loaded_at": loaded,
    }
    datasets = table(models.Dataset)
    with engine.begin() as connection:
        inventory.record_dataset(connection, name="a", **{**values, "records": 1})
        inventory.record_dataset(connection, name="a", **values)  # replaces the first
        connection.execute(datasets.insert().values(name="b", **values))
        rows = connection.exec_driver_sql(
            "SELECT title, citation, licence, file_sha256, parameters, is_synthetic, loaded_at, "
            "records FROM datasets ORDER BY name"
        ).fetchall()
        info = inventory.dataset(connection, "a")
    assert len(rows) == 2
    assert rows[0] == rows[1]
    assert info is not None
    assert info.parameters == values["parameters"]
    assert info.records == 5
    assert info.is_synthetic is True
    assert info.loaded_at.replace(tzinfo=None) == loaded.replace(tzinfo=None)


def test_parents_are_linked_in_any_order(engine: Engine) -> None:
    """A parent stored before (or earlier in the batch than) its child is linked as the child
    goes in on SQLite; any other order is linked by link_parents. Either way the result is the
    same on both databases."""

    def child(identifier: str, parent: str) -> ProjectRecord:
        return dataclasses.replace(bare(identifier), parent_identifier=parent)

    with engine.begin() as connection:
        write_projects(connection, [bare("XM-P1"), child("XM-C1", "XM-P1")])  # parent first
        write_projects(connection, [child("XM-C2", "XM-P2"), bare("XM-P2")])  # child first
        write_projects(connection, [child("XM-C3", "XM-P1")])  # parent stored earlier
        write_projects(connection, [child("XM-C4", "XM-NONE")])  # no such parent
        writes.link_parents(connection, "test")
        assert writes.link_parents(connection, "test") == 0
    project = table(models.Project)
    with engine.connect() as connection:
        rows = connection.execute(select(project.c.identifier, project.c.id, project.c.parent_id))
        ids = {identifier: (id_, parent_id) for identifier, id_, parent_id in rows}
    assert ids["XM-C1"][1] == ids["XM-P1"][0]
    assert ids["XM-C2"][1] == ids["XM-P2"][0]
    assert ids["XM-C3"][1] == ids["XM-P1"][0]
    assert ids["XM-C4"][1] is None


def test_columns_that_are_empty_in_every_row_are_left_out_but_stored_as_null() -> None:
    names = ["project_id", "type", "usd_constant", "base_year", "is_synthetic"]
    rows = [(1, 2, None, None, 0), (1, 3, None, None, 0)]
    kept, narrowed = write_driver.without_empty_columns("transactions", names, rows)
    assert kept == ["project_id", "type", "is_synthetic"]
    assert narrowed == [(1, 2, 0), (1, 3, 0)]
    one, single = write_driver.without_empty_columns(
        "transactions", ["type", "base_year"], [(2, None), (3, None)]
    )
    assert (one, single) == (["type"], [(2,), (3,)])
    # A column with a server default keeps its explicit NULLs (else the default would be stored)
    assert models.AnalyticsState.__table__.c.paused.server_default is not None
    with_default, _ = write_driver.without_empty_columns(
        "analytics_state", ["id", "paused"], [(1, None), (2, None)]
    )
    assert with_default == ["id", "paused"]
