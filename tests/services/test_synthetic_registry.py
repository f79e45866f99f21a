"""The synthetic portfolio stores its registry: the headline has figures, labelled synthetic."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, insert, select

from beltroad.engines.synthetic import default_calibration
from beltroad.engines.synthetic_registry import generate_registry
from beltroad.services.headline import FIGURES, headline
from beltroad.services.synthetic import DATASET, build_synthetic_portfolio
from beltroad.services.workspace import Workspace
from beltroad.storage import inventory, models

CAL = default_calibration()
AS_OF = dt.date(2024, 12, 3)
REGISTRY_MODELS = (
    models.Partnership,
    models.CooperationDocument,
    models.OverseasEnterprise,
    models.CooperationZone,
)


def build(workspace: Workspace, projects: int = 300, seed: int = 9) -> dict[str, int]:
    report = build_synthetic_portfolio(workspace, projects=projects, seed=seed, calibration=CAL)
    return report.written


def registry_counts(workspace: Workspace) -> dict[str, int]:
    with workspace.reading() as connection:
        counts = {
            m.__tablename__: int(
                connection.execute(select(func.count()).select_from(m)).scalar_one()
            )
            for m in (*REGISTRY_MODELS, models.DocumentParty, models.Organisation)
        }
    return counts


def test_the_registry_is_written_with_the_portfolio(workspace: Workspace) -> None:
    written = build(workspace)
    expected = generate_registry(
        300, seed=9, calibration=CAL, base_year=workspace.settings.base_year
    )
    assert written["partnerships"] == len(expected.partnerships.country_iso3)
    assert written["cooperation_documents"] == len(expected.documents.title)
    assert written["document_parties"] == len(expected.parties.document)
    assert written["cooperation_zones"] == len(expected.zones.name)
    assert written["overseas_enterprises"] == len(expected.enterprises.name)
    counts = registry_counts(workspace)
    for table in ("partnerships", "cooperation_documents", "overseas_enterprises"):
        assert counts[table] == written[table]
    with workspace.reading() as connection:
        for model in REGISTRY_MODELS:
            flags = connection.execute(
                select(model.is_synthetic, model.dataset, func.count()).group_by(
                    model.is_synthetic, model.dataset
                )
            ).all()
            assert [(bool(f), d) for f, d, _ in flags] == [(True, DATASET)], model.__tablename__
        in_zones = connection.execute(
            select(func.count()).where(models.OverseasEnterprise.zone_id.is_not(None))
        ).scalar_one()
        hosted = connection.execute(
            select(func.sum(models.CooperationZone.enterprises_hosted))
        ).scalar_one()
        assert in_zones == hosted > 0  # tenants found their zones by id


def test_the_headline_has_figures_and_says_synthetic(workspace: Workspace) -> None:
    build(workspace)
    result = headline(workspace, AS_OF, today=AS_OF)
    assert not result.empty
    assert result.synthetic
    assert result.label is not None
    assert "SYNTHETIC" in result.label.upper()
    for key in FIGURES:
        assert result.figures[key] > 0, key
        source = result.sources[key]
        assert source["datasets"] == {DATASET: source["records"]}, key
        assert source["synthetic_records"] == source["records"] > 0, key
    assert result.figures["partner_countries"] > 150
    assert result.figures["partner_organizations"] > 30
    for key in FIGURES:
        # Generated figures near the official ones prove nothing: never called consistent.
        reconciliation = result.reconciliation[key]
        assert reconciliation["consistent"] is None, key
        assert reconciliation["verdict"].startswith("SYNTHETIC registry"), key
        assert "consistent" not in reconciliation["verdict"], key
    assert result.base_years == (workspace.settings.base_year,)


def test_a_second_run_changes_nothing(workspace: Workspace) -> None:
    build(workspace)
    with workspace.reading() as connection:
        before = inventory.table_fingerprint(connection)
    report = build_synthetic_portfolio(workspace, projects=300, seed=9, calibration=CAL)
    assert report.skipped
    with workspace.reading() as connection:
        assert inventory.table_fingerprint(connection) == before


def test_a_new_size_replaces_the_registry_without_duplicates(workspace: Workspace) -> None:
    build(workspace, projects=300)
    written = build(workspace, projects=450)
    counts = registry_counts(workspace)
    for table in (
        "partnerships",
        "cooperation_documents",
        "document_parties",
        "cooperation_zones",
        "overseas_enterprises",
    ):
        assert counts[table] == written[table], table
    expected = generate_registry(450, seed=9, calibration=CAL)
    financiers = 6
    assert counts["organisations"] == len(expected.organisations.key) + financiers
    result = headline(workspace, AS_OF, today=AS_OF)
    assert result.figures["overseas_enterprises"] <= len(expected.enterprises.name)


def test_a_portfolio_stored_before_the_registry_existed_is_rebuilt(workspace: Workspace) -> None:
    build(workspace)
    with workspace.writing() as connection:
        stored = inventory.dataset(connection, DATASET)
        assert stored is not None
        assert stored.parameters is not None
        old = {k: v for k, v in stored.parameters.items() if k != "registry"}
        for model in (models.DocumentParty, *REGISTRY_MODELS):
            connection.execute(model.__table__.delete())
        inventory.record_dataset(
            connection,
            name=DATASET,
            title=stored.title,
            citation=stored.citation,
            licence=None,
            is_synthetic=True,
            records=stored.records,
            parameters=old,
        )
    report = build_synthetic_portfolio(workspace, projects=300, seed=9, calibration=CAL)
    assert not report.skipped
    assert (
        registry_counts(workspace)["overseas_enterprises"] == report.written["overseas_enterprises"]
    )


def test_enterprise_figures_over_several_datasets_and_base_years(workspace: Workspace) -> None:
    # The headline's one-pass enterprise query: per-dataset counts, a dataset whose enterprises
    # are all closed left out, enterprises without stock noted, every base year listed.
    def firm(name: str, dataset: str, **values: object) -> dict[str, object]:
        return {
            "name": name,
            "host_iso3": "KEN",
            "established_on": dt.date(2015, 1, 1),
            "closed_on": None,  # every row names every column: executemany takes the first's
            "stock_usd_constant": 1e9,
            "stock_base_year": 2021,
            "dataset": dataset,
            "is_synthetic": False,
            **values,
        }

    with workspace.writing() as connection:
        connection.execute(
            insert(models.OverseasEnterprise),
            [
                firm("A", "one"),
                firm("B", "one", stock_usd_constant=None, stock_base_year=None),
                firm("C", "two", stock_base_year=2017, is_synthetic=True),
                firm("D", "gone", closed_on=dt.date(2020, 1, 1)),
                firm("E", "one", established_on=dt.date(2024, 1, 1)),
            ],
        )
    result = headline(workspace, AS_OF - dt.timedelta(days=400), today=AS_OF)
    assert result.figures["overseas_enterprises"] == 3
    # Two base years and no deflator: the 2017 stock is named and left out, never added to the
    # 2021 one as it stands (issue #11).
    assert result.figures["investment_stock_usd"] == 1e9
    assert result.base_years == (2021,)
    assert result.sources["overseas_enterprises"]["datasets"] == {"one": 2, "two": 1}
    assert result.sources["overseas_enterprises"]["synthetic_records"] == 1
    stock = result.sources["investment_stock_usd"]
    assert stock["datasets"] == {"one": 1, "two": 1}
    assert stock["records"] == 2
    assert stock["notes"][0] == "1 enterprises have no constant-USD stock"
    assert stock["notes"][1].startswith("USD 1,000,000,000 in constant 2017 USD left out")


def test_deleting_the_dataset_leaves_no_registry_rows(workspace: Workspace) -> None:
    build(workspace)
    with workspace.writing() as connection:
        inventory.delete_dataset_records(connection, DATASET)
    assert set(registry_counts(workspace).values()) == {0}
