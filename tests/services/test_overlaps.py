"""Each project counts once across datasets; corridors by one rule; on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from beltroad.cli.main import app
from beltroad.errors import InvalidInput, NotFound
from beltroad.records import CountrySplit, LocationRecord, Money, ProjectRecord, Provenance
from beltroad.services.breakdown import breakdown
from beltroad.services.funnel import funnel
from beltroad.services.imports import import_file
from beltroad.services.overlaps import overlaps, refresh_overlaps, review
from beltroad.services.setup import initialise
from beltroad.services.stress import build_exposures
from beltroad.services.summary import portfolio_summary
from beltroad.services.workspace import Workspace, open_workspace
from beltroad.settings import Settings, load_settings
from beltroad.storage import exposures as money_store
from beltroad.storage.writes import write_projects
from tests.conftest import shared_file


def project(
    dataset: str,
    record_id: str,
    usd: float,
    iso3: str = "PAK",
    *,
    title: str = "Karachi port expansion",
    year: int = 2015,
    base_year: int = 2021,
    locations: tuple[LocationRecord, ...] = (),
) -> ProjectRecord:
    prefix = {"aiddata-gcof1": "GCOF1", "aiddata-gcdf3": "GCDF3"}.get(dataset, dataset + "-")
    return ProjectRecord(
        identifier=f"{prefix}{record_id}" if prefix.endswith("-") else f"{prefix}-{record_id}",
        title=title,
        provenance=Provenance(dataset=dataset, source_record_id=record_id),
        amount=Money(usd_constant=usd, base_year=base_year),
        countries=(CountrySplit(iso3),),
        commitment_year=year,
        locations=locations,
    )


OLD = project("aiddata-gcof1", "100", 90.0, base_year=2014)
NEW = project("aiddata-gcdf3", "100", 100.0)
ONLY_OLD = project("aiddata-gcof1", "200", 5.0, "KEN", title="Hospital", base_year=2014)
IATI = project("iati-xe", "XE-1", 101.0, title="Expansion of Karachi port", year=2016)


def load(workspace: Workspace, *records: ProjectRecord) -> None:
    with workspace.writing() as connection:
        write_projects(connection, list(records))
    refresh_overlaps(workspace)


def test_same_id_counts_once_newest_version_wins(workspace: Workspace) -> None:
    load(workspace, OLD, NEW, ONLY_OLD)
    result = breakdown(workspace, ["dataset"], measure="commitment").as_dict()
    assert {r["dataset"]: r["projects"] for r in result["rows"]} == {
        "aiddata-gcdf3": 1,
        "aiddata-gcof1": 1,
    }
    # Two price bases and no deflator: each basis totalled apart, never added (issue #11).
    assert result["total"]["amount"] is None
    by_basis = {t["basis"]: t["amount"] for t in result["totals_by_basis"]}
    assert by_basis == {"constant 2021 USD": 100.0, "constant 2014 USD": 5.0}
    assert result["set_aside"]["records"] == 1
    assert result["set_aside"]["precedence"].startswith("newest version first")
    # A filter that selects no set-aside record reports none.
    kenya = breakdown(workspace, ["dataset"], filters={"country": "KEN"}).as_dict()
    assert kenya["set_aside"]["records"] == 0
    listing = overlaps(workspace).as_dict()
    assert listing["counts"]["set_aside"] == 1
    assert listing["counts"]["linked"] == 1
    assert listing["set_aside"] == {"aiddata-gcof1": 1}
    aside = next(r for r in listing["rows"] if r["status"] == "set_aside")
    assert (aside["record"]["identifier"], aside["other"]["identifier"]) == (
        "GCOF1-100",
        "GCDF3-100",
    )
    summary = portfolio_summary(workspace)
    assert summary.projects_counted == 2
    assert summary.commitments_usd_constant == 100.0  # the newest basis, constant 2021 USD
    assert {b["basis"]: b["amount"] for b in summary.commitments_by_basis} == by_basis
    assert summary.set_aside["records"] == 1
    assert funnel(workspace, as_of="2024-01-01").as_dict()["set_aside"]["records"] == 1
    with workspace.reading() as connection:
        counted = money_store.project_money(connection, rule="all")
    assert sorted(p.amount for p in counted) == [5.0, 100.0]


def test_configured_precedence(workspace: Workspace, settings: Settings) -> None:
    custom = load_settings(
        db=settings.db,
        data_dir=settings.data_dir,
        overlap_precedence=("aiddata-gcof1", "aiddata-gcdf3"),
    )
    ws = open_workspace(custom)
    try:
        load(ws, OLD, NEW)
        result = breakdown(ws, ["dataset"]).as_dict()
        assert [r["dataset"] for r in result["rows"]] == ["aiddata-gcof1"]
        assert result["set_aside"]["precedence"].startswith("configured: aiddata-gcof1")
    finally:
        ws.close()


def test_candidate_is_listed_then_accepted_or_rejected(workspace: Workspace) -> None:
    load(workspace, NEW, IATI)
    listing = overlaps(workspace, status=["candidate"]).as_dict()
    [row] = listing["rows"]
    assert row["method"] == "similarity"
    assert row["score"] >= 0.8
    assert set(row["components"]) == {"title", "amount", "year"}
    assert breakdown(workspace, ["dataset"]).as_dict()["total"]["projects"] == 2  # not merged

    done = review(workspace, "iati-xe-XE-1", "GCDF3-100", "accept", note="same")
    assert done.set_aside == 1
    result = breakdown(workspace, ["dataset"]).as_dict()
    assert [r["dataset"] for r in result["rows"]] == ["aiddata-gcdf3"]  # listed precedence wins

    review(workspace, "iati-xe-XE-1", "GCDF3-100", "reject")
    assert breakdown(workspace, ["dataset"]).as_dict()["total"]["projects"] == 2
    assert overlaps(workspace).counts["rejected"] == 1


def test_review_errors_name_the_field(workspace: Workspace) -> None:
    load(workspace, NEW)
    with pytest.raises(NotFound, match="no project with identifier"):
        review(workspace, "GCDF3-100", "nope", "accept")
    with pytest.raises(InvalidInput, match="decision"):
        review(workspace, "GCDF3-100", "GCOF1-100", "maybe")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="status"):
        overlaps(workspace, status=["bogus"])


def test_import_recomputes_links(workspace: Workspace, tmp_path: object) -> None:
    load(workspace, NEW)
    with workspace.writing() as connection:
        write_projects(connection, [OLD])  # written behind the linker's back ...
    assert breakdown(workspace, ["dataset"]).as_dict()["total"]["projects"] == 2
    refresh_overlaps(workspace)  # ... until the links are recomputed (imports do it themselves)
    assert breakdown(workspace, ["dataset"]).as_dict()["total"]["projects"] == 1
    assert refresh_overlaps(workspace).changed is False  # nothing new: nothing written


def test_breakdown_by_corridor_puts_pakistan_under_cpec(workspace: Workspace) -> None:
    almaty = LocationRecord(lat=43.25, lon=76.9)
    load(
        workspace,
        NEW,
        project("manual", "K1", 10.0, "KAZ", title="Almaty ring road", locations=(almaty,)),
        project("manual", "K2", 10.0, "KAZ", title="Generic grant"),
        project("manual", "B1", 7.0, "BRA", title="Brazil"),
    )
    result = breakdown(workspace, ["corridor"]).as_dict()
    amounts = {r["corridor"]: r["amount"] for r in result["rows"]}
    assert amounts == {"CPEC": 100.0, "CCAWAEC": 15.0, "NELB": 5.0, None: 7.0}
    assert result["total"]["amount"] == 127.0
    assert "corridor_rule" in result
    cpec = breakdown(workspace, ["dataset"], filters={"corridor": "CPEC"}).as_dict()
    assert cpec["total"]["amount"] == 100.0


def test_stress_uses_the_same_corridor_rule(workspace: Workspace) -> None:
    from beltroad.engines.stress import StressParameters  # noqa: F401 (the engine is importable)
    from beltroad.services.stress import load_config

    almaty = LocationRecord(lat=43.25, lon=76.9)
    load(
        workspace,
        NEW,
        project("manual", "K1", 10.0, "KAZ", title="Almaty ring road", locations=(almaty,)),
    )
    with workspace.reading() as connection:
        projects = money_store.project_money(connection)
        members = money_store.corridor_members(connection)
        points = money_store.project_points(connection)
    exposures, _ = build_exposures(
        projects,
        load_config(None),
        pds={},
        regions={},
        corridors=members,
        dependence={},
        points=points,
    )
    assert sorted(e.corridors for e in exposures) == [("CCAWAEC",), ("CPEC",)]


def test_cli_lists_and_reviews(workspace: Workspace, settings: Settings) -> None:
    load(workspace, NEW, IATI, OLD)
    runner = CliRunner()
    base = ["--db", settings.database_url, "--data-dir", str(settings.data_dir)]
    out = runner.invoke(app, [*base, "data", "overlaps", "--format", "json"])
    assert out.exit_code == 0, out.output
    payload = json.loads(out.output)
    assert payload["counts"]["candidate"] == 1
    assert payload["counts"]["set_aside"] == 1
    table = runner.invoke(app, [*base, "data", "overlaps", "--status", "set_aside"])
    assert table.exit_code == 0
    assert "GCOF1-100" in table.output
    assert "precedence" in table.output
    bad = runner.invoke(app, [*base, "data", "overlaps", "--status", "bogus"])
    assert isinstance(bad.exception, InvalidInput)  # main() maps it to exit 2
    assert "--status" in str(bad.exception)
    ok = runner.invoke(
        app, [*base, "data", "overlap-review", "accept", "iati-xe-XE-1", "GCDF3-100"]
    )
    assert ok.exit_code == 0, ok.output
    assert (
        json.loads(runner.invoke(app, [*base, "data", "overlaps", "-f", "json"]).output)["counts"][
            "set_aside"
        ]
        == 2
    )


@pytest.fixture
def aiddata(workspace: Workspace) -> tuple[Workspace, dict[str, int]]:
    written = {}
    for kind, path in (
        ("gcdf3", "aiddata-gcdf3/df_filtered_gcdf3_ge10m.csv"),
        ("gcdf3-geo", "aiddata-gcdf3/geogcdf3_final_input.csv"),
    ):
        report = import_file(workspace, kind, shared_file(path), on_error="skip")
        written[report.dataset] = report.records_written
    return workspace, written


def test_real_gcdf3_subset_is_counted_once_with_geogcdf3(
    aiddata: tuple[Workspace, dict[str, int]],
) -> None:
    workspace, written = aiddata
    listing = overlaps(workspace).as_dict()
    # Every record of the >= USD 10 m file is in GeoGCDF 3.0 by AidData Record ID.
    assert listing["set_aside"] == {"aiddata-geogcdf3": 961}
    assert listing["counts"]["candidate"] == 0
    result = breakdown(workspace, ["dataset"], rule="all").as_dict()
    by = {r["dataset"]: r["projects"] for r in result["rows"]}
    assert by == {
        "aiddata-gcdf3": 961,
        "aiddata-geogcdf3": written["aiddata-geogcdf3"] - 961,
    }
    assert result["set_aside"]["records"] == 961
    pakistan = breakdown(workspace, ["corridor"], filters={"country": "PAK"}).as_dict()
    assert {r["corridor"] for r in pakistan["rows"]} == {"CPEC"}
    assert pakistan["rows"][0]["projects"] > 0


def test_setup_imports_nothing(tmp_path: object) -> None:
    # initialise() on a new database makes no links (no project yet).
    settings = load_settings(data_dir=str(tmp_path))
    initialise(settings)
    ws = open_workspace(settings)
    try:
        assert overlaps(ws).counts == {"set_aside": 0, "linked": 0, "candidate": 0, "rejected": 0}
    finally:
        ws.close()
