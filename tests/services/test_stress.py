"""The stress service: exposures from the registry (both back ends), runs, the CLI, real data."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from beltroad.cli.main import app, main
from beltroad.errors import InvalidInput
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
from beltroad.scenarios import example_files
from beltroad.services.imports import import_file
from beltroad.services.setup import initialise
from beltroad.services.stress import load_config, run_stress_test
from beltroad.services.workspace import Workspace, open_workspace
from beltroad.settings import Settings
from beltroad.storage.writes import write_projects
from tests.conftest import shared_file

BANK = OrgRef(name="Example Policy Bank", ref="XE-BANK")


def money(usd: float) -> Money:
    return Money(usd_constant=usd, base_year=2021)


def project(ident: str, usd: float, **more: object) -> ProjectRecord:
    return ProjectRecord(
        identifier=ident,
        title=ident,
        provenance=Provenance(dataset="test", source_record_id=ident),
        amount=money(usd),
        **more,  # type: ignore[arg-type]
    )


LOAN = project(
    "XE-1",
    1000.0,
    status=2,
    finance_type=421,
    countries=(CountrySplit("PAK", 60), CountrySplit("AFG", 40)),
    sectors=(SectorSplit("21020", "1", 100),),
    participations=(Participation(BANK, "funding"),),
    transactions=(
        TransactionRecord(2, None, money(1000.0)),
        TransactionRecord(3, None, money(400.0)),
        TransactionRecord(6, None, money(100.0)),
    ),
)
GRANT = project("XE-2", 50.0, status=4, finance_type=110, countries=(CountrySplit("KEN"),))
UMBRELLA = project("XE-3", 7000.0, countries=(CountrySplit("PAK"),), is_umbrella=True)
CANCELLED = project("XE-4", 80.0, status=5, countries=(CountrySplit("KEN"),))

SANCTIONS = """
[scenario]
name = "PAK frozen"
kind = "sanctions"

[[sanctions]]
countries = ["PAK"]
severity = 1.0
"""


@pytest.fixture
def portfolio(workspace: Workspace) -> Workspace:
    with workspace.writing() as connection:
        write_projects(connection, [LOAN, GRANT, UMBRELLA, CANCELLED])
    return workspace


def scenario_file(tmp_path: Path, text: str = SANCTIONS) -> Path:
    path = tmp_path / "scenario.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_exposures_follow_ead_splits_and_the_aggregation_rule(
    portfolio: Workspace, tmp_path: Path
) -> None:
    run = run_stress_test(portfolio, scenario_file(tmp_path), scenarios=2000, seed=3)
    result = run.as_dict()
    # EAD = (400 disbursed - 100 repaid) + CCF 1.0 x (1000 - 400) undrawn = 900, split 60/40;
    # the grant's 50 counts (LGD 0); the umbrella and the cancelled project do not.
    assert result["exposure"] == pytest.approx(950.0)
    by_country = {row["country"]: row for row in result["by_country"]}
    assert by_country["PAK"]["exposure"] == pytest.approx(540.0)
    assert by_country["AFG"]["exposure"] == pytest.approx(360.0)
    assert by_country["KEN"]["expected_loss"] == 0.0  # a grant has no credit loss
    # PAK is frozen whole: its 540 is lost in every scenario, so every quantile is at least that.
    assert result["deterministic_loss"] == pytest.approx(540.0)
    assert by_country["PAK"]["expected_loss"] == pytest.approx(540.0)
    assert result["var"]["95"] >= 540.0
    assert result["delayed_by"] == {"sanctions": 1}  # the loan is active (status 2)
    assert {row["financier"] for row in result["by_financier"]} == {
        "Example Policy Bank",
        "unspecified",
    }
    assert {row["sector"] for row in result["by_sector"]} == {"210", "unspecified"}
    assert result["base_year"] == 2021
    assert result["config_version"] == load_config().version
    assert result["rule"] == "aiddata"
    assert any("default PD" in note for note in result["notes"])
    assert run.run_id is not None
    again = run_stress_test(portfolio, scenario_file(tmp_path), scenarios=2000, seed=3)
    assert again.run_id != run.run_id
    assert again.result.var == run.result.var  # same seed, same result


def test_everything_counts_under_the_all_rule(portfolio: Workspace, tmp_path: Path) -> None:
    run = run_stress_test(
        portfolio, scenario_file(tmp_path), scenarios=500, rule="all", store_run=False
    )
    assert run.result.exposure == pytest.approx(950.0 + 7000.0)


def test_bad_input_is_refused(portfolio: Workspace, tmp_path: Path) -> None:
    bad = scenario_file(tmp_path, '[scenario]\nname = "x"\n[[sanctions]]\ncountries = ["ZZZ"]\n')
    with pytest.raises(InvalidInput, match=r"sanctions\[0\]\.countries.*'ZZZ'.*unknown country"):
        run_stress_test(portfolio, bad, scenarios=10)
    with pytest.raises(InvalidInput, match=r"field scenarios"):
        run_stress_test(portfolio, scenario_file(tmp_path), scenarios=0)
    with pytest.raises(InvalidInput, match=r"not valid TOML"):
        run_stress_test(portfolio, scenario_file(tmp_path, "[scenario"), scenarios=10)


def test_cli_json_shape_and_exit_codes(
    portfolio: Workspace, settings: Settings, tmp_path: Path
) -> None:
    db = str(settings.db)
    path = str(scenario_file(tmp_path))
    runner = CliRunner()
    args = ["--db", db, "risk", "stress", path, "--scenarios", "1000", "--seed", "9"]
    result = runner.invoke(app, [*args, "--format", "json", "--no-store"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert {"scenarios", "seed", "expected_loss", "var", "es", "by_country", "elapsed_s"} <= set(
        payload
    )
    assert set(payload["var"]) == set(payload["es"]) == {"95", "99", "99.9"}
    assert (payload["scenarios"], payload["seed"]) == (1000, 9)
    table = runner.invoke(app, [*args, "--executor", "local"])
    assert table.exit_code == 0, table.output
    assert "PAK frozen" in table.stdout
    csv = runner.invoke(app, [*args, "--format", "csv", "--no-store"])
    assert csv.stdout.splitlines()[0].startswith("scenario,seed,scenarios,by,name")
    assert main(["--db", db, "risk", "stress", path, "--executor", "threads"]) == 2
    assert main(["--db", db, "risk", "stress", str(tmp_path / "missing.toml")]) == 1


def test_the_example_scenarios_parse(portfolio: Workspace) -> None:
    names = []
    for item in example_files():
        with item.open("rb"):  # a packaged resource, readable
            pass
        run = run_stress_test(portfolio, Path(str(item)), scenarios=300, store_run=False)
        names.append(run.scenario.name)
    assert len(names) == 3
    assert any("Red Sea" in name for name in names)


# --- real data from the mirror (SQLite) -------------------------------------------------------


@pytest.fixture
def geo_workspace(sqlite_settings: Settings) -> Iterator[Workspace]:
    initialise(sqlite_settings)
    ws = open_workspace(sqlite_settings)
    try:
        import_file(
            ws,
            "naturalearth",
            shared_file("naturalearth-110m-admin0/ne_110m_admin_0_countries.topojson"),
            on_error="skip",
        )
        import_file(
            ws, "gcdf3-geo", shared_file("aiddata-gcdf3/geogcdf3_final_input.csv"), on_error="skip"
        )
        yield ws
    finally:
        ws.close()


def test_regional_conflict_on_geogcdf(geo_workspace: Workspace) -> None:
    path = next(Path(str(f)) for f in example_files() if f.name == "regional_conflict.toml")
    run = run_stress_test(geo_workspace, path, scenarios=5000, seed=1)
    result = run.as_dict()
    assert result["projects"] > 5000  # GeoGCDF 3.0 projects with an amount
    assert result["groups"] < result["exposures"] / 1.5  # exchangeable groups, not projects
    assert result["expected_loss"] == pytest.approx(result["expected_loss_analytic"], rel=0.05)
    assert result["expected_loss"] <= result["var"]["99"] <= result["es"]["99"]
    assert result["var"]["95"] <= result["var"]["99"] <= result["var"]["99.9"]
    countries = {row["country"]: row for row in result["by_country"]}
    total_el = sum(row["expected_loss"] for row in result["by_country"])
    assert total_el == pytest.approx(result["expected_loss"], rel=1e-9)
    # The conflict region loses the most relative to its exposure.
    assert (
        countries["IRQ"]["expected_loss"] / countries["IRQ"]["exposure"]
        > countries["PAK"]["expected_loss"] / countries["PAK"]["exposure"]
    )
    assert result["delayed_by"].get("conflict", 0) > 0
    assert result["data"][0]["name"] in {"aiddata-geogcdf3", "naturalearth-110m"}


def test_dask_and_process_pool_runs_equal_the_local_run(
    portfolio: Workspace, tmp_path: Path
) -> None:
    distributed = pytest.importorskip("dask.distributed")
    from beltroad.executors import DaskExecutor

    path = scenario_file(tmp_path)
    local = run_stress_test(portfolio, path, scenarios=3000, seed=8, store_run=False)
    pool = run_stress_test(
        portfolio, path, scenarios=3000, seed=8, executor_kind="process", workers=2,
        store_run=False,
    )  # fmt: skip
    with (
        distributed.LocalCluster(
            processes=False, n_workers=1, threads_per_worker=2, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster, set_as_default=False) as client,
    ):
        dask = run_stress_test(
            portfolio, path, scenarios=3000, seed=8, executor=DaskExecutor(client=client),
            store_run=False,
        )  # fmt: skip
    for run in (pool, dask):
        assert run.result.var == local.result.var
        assert run.result.es == local.result.es
        assert run.result.breakdowns == local.result.breakdowns
    assert pool.executor == "process pool of 2"
    assert dask.executor.startswith("dask ")


def test_an_unreachable_scheduler_is_an_error_naming_it(
    portfolio: Workspace, settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("dask.distributed")
    path = str(scenario_file(tmp_path))
    args = ["--db", str(settings.db), "risk", "stress", path, "--scenarios", "100"]
    assert main([*args, "--scheduler", "tcp://127.0.0.1:9", "--timeout", "1"]) == 1
    assert "tcp://127.0.0.1:9 did not answer within 1 s" in capsys.readouterr().err
    assert main([*args, "--scheduler", "127.0.0.1:9"]) == 2
