"""The patched snapshot equals a full rebuild after every kind of write (issue #14).

A Hypothesis state machine writes through beltroad (inserts and updates, paused like an import
or not), with raw SQL from another connection (updates, deletes, record links, a reference
table), rolls a write back, and forgets the process's memory (a new worker that starts from the
snapshot on disk). After every step the snapshot the service returns must equal one built from
scratch, compared project by project; on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import Engine, text

from beltroad.analytics import snapshot as snapshots
from beltroad.analytics.money import project_amounts
from beltroad.analytics.snapshot import Snapshot, build
from beltroad.records import (
    CountrySplit,
    Money,
    OrgRef,
    Participation,
    ProjectRecord,
    Provenance,
    SectorSplit,
    TransactionRecord,
)
from beltroad.services import money
from beltroad.services.portfolio import portfolio_snapshot
from beltroad.services.workspace import Workspace
from beltroad.storage import facts
from beltroad.storage.database import make_engine
from beltroad.storage.generation import paused_triggers
from beltroad.storage.writes import write_projects

COUNTRIES = ("PAK", "KEN", "LKA", "KAZ")
SECTORS = ("21020", "23210", "14010")
FUNDERS = ("China Development Bank", "Export-Import Bank of China", "ICBC")


def _plain(value: Any) -> Any:
    value = value.item() if isinstance(value, np.generic) else value
    return None if isinstance(value, float) and math.isnan(value) else value


def canonical(snapshot: Snapshot) -> dict[int, Any]:
    """Every project's facts, decoded, with its split and money rows as sorted tuples."""
    ids = [int(i) for i in snapshot.project_ids]
    out: dict[int, Any] = {}
    arrays = [name for name in snapshot.__dataclass_fields__ if name.startswith(("amount", "base"))]
    arrays += ["keep_aiddata", "counted", "synthetic", "disbursed", "disbursed_base_year"]
    arrays += ["planned_start", "actual_start", "planned_end", "actual_end", "last_event"]
    arrays += ["has_commitment"]
    for row, pid in enumerate(ids):
        fields = tuple(_plain(getattr(snapshot, name)[row]) for name in arrays)
        columns = tuple(
            (name, coded.value(int(coded.codes[row])))
            for name, coded in sorted(snapshot.project_columns.items())
        )
        out[pid] = [fields, columns]
    for source, split in sorted(snapshot.splits.items()):
        rows: dict[int, list[Any]] = {pid: [] for pid in ids}
        for i, prow in enumerate(split.prow):
            decoded = tuple(
                coded.value(int(coded.codes[i])) for _, coded in sorted(split.columns.items())
            )
            rows[ids[int(prow)]].append((round(float(split.share[i]), 12), decoded))
        for pid in ids:
            out[pid].append((source, sorted(rows[pid], key=repr)))
    money: dict[int, list[Any]] = {pid: [] for pid in ids}
    for i, prow in enumerate(snapshot.money_prow):
        money[ids[int(prow)]].append(
            (
                int(snapshot.money_type[i]),
                int(snapshot.money_day[i]),
                _plain(snapshot.money_value[i]),
                _plain(snapshot.money_usd[i]),
                _plain(snapshot.money_constant[i]),
                _plain(snapshot.money_base_year[i]),
                snapshot.money_currency.value(int(snapshot.money_currency.codes[i])),
            )
        )
    for pid in ids:
        out[pid].append(("money", money[pid]))  # in transaction order, as the rebuild reads
    return out


def amounts_view(amounts: Any, snapshot: Snapshot) -> Any:
    """Per project id: value, status and basis label; and the counts beside them."""
    per_project = {
        int(pid): (
            _plain(amounts.values[row]),
            int(amounts.status[row]),
            amounts.basis.value(int(amounts.basis.codes[row])),
        )
        for row, pid in enumerate(snapshot.project_ids)
    }
    counts = (amounts.missing_years, amounts.without_rate, amounts.exchanged, amounts.deflated)
    return per_project, counts, amounts.target


def full_rebuild(workspace: Workspace) -> Snapshot:
    with workspace.reading() as connection:
        return build(facts.read_facts(connection))


moneys = st.builds(
    Money,
    currency=st.sampled_from(["USD", "CNY", None]),
    original=st.one_of(st.none(), st.floats(1, 1e9)),
    usd_constant=st.one_of(st.none(), st.floats(1, 1e9)),
    base_year=st.sampled_from([2017, 2021]),
)
transactions = st.lists(
    st.builds(
        TransactionRecord,
        type=st.sampled_from([1, 2, 3, 4]),
        date=st.one_of(st.none(), st.dates(dt.date(2010, 1, 1), dt.date(2024, 12, 31))),
        money=moneys,
    ),
    max_size=3,
)


@st.composite
def records(draw: st.DrawFn, identifiers: list[str]) -> ProjectRecord:
    ident = draw(st.sampled_from(identifiers))
    countries = draw(st.lists(st.sampled_from(COUNTRIES), max_size=2, unique=True))
    sectors = draw(st.lists(st.sampled_from(SECTORS), max_size=2, unique=True))
    funders = draw(st.lists(st.sampled_from(FUNDERS), max_size=2, unique=True))
    return ProjectRecord(
        identifier=ident,
        title=ident,
        provenance=Provenance(
            dataset=draw(st.sampled_from(["test", "other"])), source_record_id=ident
        ),
        commitment_year=draw(st.one_of(st.none(), st.integers(2013, 2023))),
        status=draw(st.one_of(st.none(), st.integers(1, 5))),
        amount=draw(moneys),
        countries=tuple(CountrySplit(c, 100.0 / len(countries)) for c in countries),
        sectors=tuple(SectorSplit(s) for s in sectors),
        participations=tuple(Participation(OrgRef(name), "1") for name in funders),
        transactions=tuple(draw(transactions)),
        actual_start=draw(st.one_of(st.none(), st.dates(dt.date(2012, 1, 1)))),
    )


_examples = itertools.count()


class IncrementalEqualsRebuild(RuleBasedStateMachine):
    workspace: Workspace
    other: Engine  # another connection pool: raw SQL the way another program would write

    def __init__(self) -> None:
        super().__init__()
        prefix = f"E{next(_examples)}-"
        self.identifiers = [f"{prefix}{i}" for i in range(6)]

    def _pick(self, data: st.DataObject) -> int | None:
        """A project of this example (drawn the same way whatever the database holds)."""
        i = data.draw(st.integers(0, 5))
        ids = self._ids()
        return ids[i % len(ids)] if ids else None

    def _ids(self) -> list[int]:
        with self.other.connect() as connection:
            found = connection.execute(
                text("SELECT id FROM projects WHERE identifier LIKE :p ORDER BY id"),
                {"p": self.identifiers[0][:-1] + "%"},
            )
            return [int(r[0]) for r in found]

    @rule(data=st.data(), paused=st.booleans())
    def write(self, data: st.DataObject, paused: bool) -> None:
        batch = data.draw(st.lists(records(self.identifiers), min_size=1, max_size=3))
        unique = list({r.identifier: r for r in batch}.values())
        with self.workspace.writing() as connection:
            if paused:  # as an import writes
                with paused_triggers(connection):
                    write_projects(connection, unique)
            else:
                write_projects(connection, unique)

    @rule(data=st.data(), value=st.floats(0, 1e9))
    def raw_update(self, data: st.DataObject, value: float) -> None:
        pid = self._pick(data)
        statement = data.draw(
            st.sampled_from(
                [
                    "UPDATE projects SET amount_usd_constant = :v WHERE id = :id",
                    "UPDATE transactions SET usd_constant = :v WHERE project_id = :id",
                    "UPDATE project_countries SET percentage = :v / 1e7 WHERE project_id = :id",
                    "UPDATE projects SET stage = 'construction' WHERE id = :id AND :v >= 0",
                ]
            )
        )
        if pid is not None:
            with self.other.begin() as connection:
                connection.execute(text(statement), {"v": value, "id": pid})

    @rule(data=st.data())
    def raw_delete(self, data: st.DataObject) -> None:
        pid = self._pick(data)
        table, column = data.draw(
            st.sampled_from(
                [
                    ("projects", "id"),
                    ("transactions", "project_id"),
                    ("participations", "project_id"),
                ]
            )
        )
        if pid is not None:
            with self.other.begin() as connection:
                sql = f"DELETE FROM {table} WHERE {column} = :id"  # noqa: S608 - our names
                connection.execute(text(sql), {"id": pid})

    @rule(data=st.data())
    def set_aside(self, data: st.DataObject) -> None:
        first, second = self._pick(data), self._pick(data)
        if first is not None and first != second:
            with self.other.begin() as connection:
                connection.execute(
                    text(
                        "INSERT INTO record_links (project_id, other_id, status, method, reason) "
                        "VALUES (:a, :b, 'set_aside', 'review', 'test')"
                    ),
                    {"a": first, "b": second},
                )

    @rule()
    def unlink(self) -> None:
        with self.other.begin() as connection:
            connection.execute(text("DELETE FROM record_links WHERE reason = 'test'"))

    @rule(income=st.sampled_from(["HIC", "LMC", None]))
    def reference_change(self, income: str | None) -> None:
        with self.other.begin() as connection:  # not located: the next read rebuilds
            connection.execute(
                text("UPDATE countries SET income_group = :i WHERE iso3 = 'PAK'"), {"i": income}
            )

    @rule(data=st.data())
    def rolled_back(self, data: st.DataObject) -> None:
        batch = data.draw(st.lists(records(self.identifiers), min_size=1, max_size=2))
        with self.workspace.engine.connect() as connection, connection.begin() as transaction:
            write_projects(connection, list({r.identifier: r for r in batch}.values()))
            connection.execute(text("DELETE FROM transactions"))
            transaction.rollback()

    @rule()
    def new_worker(self) -> None:
        self.workspace.snapshots = None  # a process that starts from the snapshot saved on disk

    @invariant()
    def equals_rebuild(self) -> None:
        patched = portfolio_snapshot(self.workspace)
        rebuilt = full_rebuild(self.workspace)
        assert patched.generation == rebuilt.generation
        assert canonical(patched) == canonical(rebuilt)
        # The converted amounts too: patched from the previous snapshot's where it had them.
        with self.workspace.reading() as connection:
            data = money.load_conversion_data(connection)
        target = money.default_base_year(rebuilt)
        if target is None:
            return
        conversion = money.conversion_for(data, target, None)
        for measure in ("commitment", "disbursement"):
            ours = money.amounts_for(patched, measure, conversion)
            assert amounts_view(ours, patched) == amounts_view(
                project_amounts(rebuilt, measure, conversion), rebuilt
            )


@pytest.fixture
def machine_workspace(workspace: Workspace) -> Iterator[Workspace]:
    workspace.snapshots = None
    with workspace.writing() as connection:  # PAK with an income group to change
        found = connection.execute(text("SELECT COUNT(*) FROM countries WHERE iso3 = 'PAK'"))
        if not found.scalar():
            connection.execute(
                text(
                    "INSERT INTO countries (iso3, iso2, name_en, region, income_group) "
                    "VALUES ('PAK', 'PK', 'Pakistan', 'SAS', 'LMC')"
                )
            )
    yield workspace
    workspace.snapshots = None


def test_incremental_snapshot_equals_a_full_rebuild(machine_workspace: Workspace) -> None:
    other = make_engine(machine_workspace.settings.database_url)  # its own pool
    IncrementalEqualsRebuild.workspace = machine_workspace
    IncrementalEqualsRebuild.other = other
    try:
        run_state_machine_as_test(
            IncrementalEqualsRebuild,
            settings=settings(
                max_examples=12,
                stateful_step_count=12,
                deadline=None,
                suppress_health_check=list(HealthCheck),
            ),
        )
    finally:
        other.dispose()


def test_an_edit_is_patched_not_rebuilt(
    machine_workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = machine_workspace
    with workspace.writing() as connection:
        write_projects(
            connection,
            [
                ProjectRecord(
                    identifier=f"XE-{i}",
                    title="x",
                    provenance=Provenance(dataset="test"),
                    amount=Money(usd_constant=float(i), base_year=2021),
                    countries=(CountrySplit(COUNTRIES[i % 4]),),
                )
                for i in range(50)
            ],
        )
    before = portfolio_snapshot(workspace)
    reads: list[Any] = []
    real = facts.read_facts

    def spy(connection: Any, only: Any = None) -> Any:
        reads.append(only)
        return real(connection, only)

    monkeypatch.setattr(snapshots, "read_facts", spy)
    with workspace.writing() as connection:
        connection.execute(text("UPDATE projects SET amount_usd_constant = 1e6 WHERE id = 7"))
    after = portfolio_snapshot(workspace)
    assert reads == [(7,)]  # one project re-read, nothing else
    assert after.generation != before.generation
    assert float(after.amount_constant[list(after.project_ids).index(7)]) == 1e6
    workspace.snapshots = None  # a new worker: the saved snapshot plus the same one project
    assert canonical(portfolio_snapshot(workspace)) == canonical(full_rebuild(workspace))
    assert reads[-1] == (7,)


def test_another_process_write_is_seen_by_the_next_read(machine_workspace: Workspace) -> None:
    workspace = machine_workspace
    with workspace.writing() as connection:
        write_projects(
            connection,
            [
                ProjectRecord(
                    identifier="XP-1",
                    title="x",
                    provenance=Provenance(dataset="test"),
                    amount=Money(usd_constant=5.0, base_year=2021),
                    countries=(CountrySplit("KEN"),),
                )
            ],
        )
    first = portfolio_snapshot(workspace)
    code = (
        "import sys; from sqlalchemy import create_engine, text\n"
        "e = create_engine(sys.argv[1])\n"
        "with e.begin() as c:\n"
        '    c.execute(text("UPDATE projects SET amount_usd_constant = 99 "\n'
        "                   \"WHERE identifier = 'XP-1'\"))\n"
    )
    subprocess.run(
        [sys.executable, "-c", code, workspace.settings.database_url], check=True, timeout=120
    )
    second = portfolio_snapshot(workspace)
    assert second.generation != first.generation
    assert float(second.amount_constant[0]) == 99.0
    assert canonical(second) == canonical(full_rebuild(workspace))
