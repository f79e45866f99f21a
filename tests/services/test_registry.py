"""The registry's own entities: templates, table imports, create/update/delete and the headline,
on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from beltroad.cli.main import main
from beltroad.entities import (
    COLUMNS,
    DocumentEntity,
    EnterpriseEntity,
    EntityKind,
    OrganisationEntity,
    ZoneEntity,
)
from beltroad.errors import Conflict, InvalidInput
from beltroad.reference.reported import ReportedFact
from beltroad.services import registry, users
from beltroad.services.headline import headline
from beltroad.services.imports import ImportRejected
from beltroad.services.registry_import import import_entities, write_template
from beltroad.services.reported import add_statistic, list_statistics
from beltroad.services.workspace import Workspace

TODAY = dt.date(2025, 6, 30)

ROWS: dict[EntityKind, list[dict[str, Any]]] = {
    EntityKind.ORGANISATION: [
        {
            "name": "Asian Infrastructure Investment Bank",
            "ref": "XI-AIIB",
            "org_type": 40,
            "international": "yes",
            "name_zh": "亚洲基础设施投资银行",
        },
        {
            "name": "China Road and Bridge Corporation",
            "org_type": "Private Sector",
            "country": "China",
            "parent": "XI-AIIB",
        },
    ],
    EntityKind.DOCUMENT: [
        {
            "source_id": "D1",
            "title": "MoU with Pakistan",
            "doc_type": "mou",
            "countries": "PAK",
            "signed_on": dt.date(2015, 4, 20),
            "source": "Xinhua",
        },
        {
            "source_id": "D2",
            "title": "MoU with the AIIB",
            "doc_type": "MoU",
            "organisations": "Asian Infrastructure Investment Bank; XI-AIIB",
            "signed_on": "2017-05-13",
        },
        {
            "source_id": "D3",
            "title": "MoU with Italy",
            "doc_type": "mou",
            "countries": "Italy",
            "signed_on": "2019-03-23",
            "expires_on": "2024-03-22",
            "status": "expired",
        },
    ],
    EntityKind.ZONE: [
        {
            "source_id": "Z1",
            "name": "Sihanoukville SEZ",
            "host_country": "KHM",
            "developer": "China Road and Bridge Corporation",
            "established_year": 2008,
            "area_km2": 11.13,
            "investment": 1.5e9,
            "investment_currency": "USD",
            "investment_price_basis": "nominal",
            "enterprises": 180,
            "jobs": 30000,
            "jobs_local": 28000,
            "lat": 10.63,
            "lon": 103.52,
        },
    ],
    EntityKind.ENTERPRISE: [
        {
            "source_id": "E1",
            "name": "Example Cement",
            "host_country": "PAK",
            "home_province": "江苏",
            "sector": 32140,
            "established_on": "2016-05-01",
            "stock": 25e6,
            "stock_currency": "USD",
            "stock_price_basis": "constant 2021",
            "employees": 850,
            "employees_local": 790,
        },
        {
            "source_id": "E2",
            "name": "Tyre plant",
            "host_country": "KH",
            "zone": "Z1",
            "parent": "China Road and Bridge Corporation",
            "established_on": "2018-01-01",
            "stock": 1e8,
            "stock_currency": "CNY",
            "stock_price_basis": "nominal",
        },
    ],
}
ORDER = (EntityKind.ORGANISATION, EntityKind.DOCUMENT, EntityKind.ZONE, EntityKind.ENTERPRISE)


def filled_template(kind: EntityKind, folder: Path, rows: list[dict[str, Any]]) -> Path:
    path = write_template(kind, folder / f"{kind.value}s.xlsx")
    book = openpyxl.load_workbook(path)
    header = [c.value for c in book.worksheets[0][1]]
    for row in rows:
        book.worksheets[0].append([row.get(name) for name in header])
    source = book["source"]
    source["B2"] = f"test-{kind.value}s"
    source["B3"] = f"Test {kind.value}s"
    source["B4"] = f"Ministry list of {kind.value}s, 2024"
    book.save(path)
    return path


def import_all(workspace: Workspace, folder: Path) -> None:
    for kind in ORDER:
        import_entities(workspace, kind, filled_template(kind, folder, ROWS[kind]))


def test_the_template_explains_every_column(tmp_path: Path) -> None:
    for kind in EntityKind:
        book = openpyxl.load_workbook(write_template(kind, tmp_path / f"{kind.value}.xlsx"))
        assert book.sheetnames == [f"{kind.value}s", "columns", "source"]
        header = [c.value for c in book.worksheets[0][1]]
        assert header == [c.field for c in COLUMNS[kind]]
        assert book.worksheets[0].max_row == 1  # no example row that would be imported
        explained = list(book["columns"].iter_rows(values_only=True))
        assert explained[0] == (
            "column",
            "meaning",
            "type",
            "required",
            "allowed values",
            "example",
        )
        assert [r[0] for r in explained[1:]] == header
        assert all(r[1] and r[2] and r[3] in ("yes", "no") for r in explained[1:])


def test_each_entity_round_trips_through_its_template(workspace: Workspace, tmp_path: Path) -> None:
    import_all(workspace, tmp_path)
    orgs = registry.list_entities(workspace, EntityKind.ORGANISATION)
    assert [(o["name"], o["international"], o["parent"]) for o in orgs] == [
        ("Asian Infrastructure Investment Bank", True, None),
        ("China Road and Bridge Corporation", False, "XI-AIIB"),
    ]
    assert orgs[1]["country"] == "CHN"
    assert orgs[1]["org_type"] == 70
    docs = {d["source_id"]: d for d in registry.list_entities(workspace, EntityKind.DOCUMENT)}
    assert docs["D1"]["countries"] == "PAK"
    assert docs["D1"]["signed_on"] == dt.date(2015, 4, 20)
    assert docs["D2"]["organisations"] == "XI-AIIB"  # both names of one party: one party
    assert docs["D3"]["expires_on"] == dt.date(2024, 3, 22)
    assert docs["D3"]["status"] == "expired"
    [zone] = registry.list_entities(workspace, EntityKind.ZONE)
    assert zone["developer"] == "China Road and Bridge Corporation"
    assert (zone["area_km2"], zone["jobs"], zone["jobs_local"]) == (11.13, 30000, 28000)
    assert (zone["investment"], zone["investment_currency"]) == (1.5e9, "USD")
    assert zone["investment_base_year"] is None  # nominal
    firms = {e["source_id"]: e for e in registry.list_entities(workspace, EntityKind.ENTERPRISE)}
    assert firms["E1"]["home_province"] == "Jiangsu"
    assert firms["E1"]["stock_base_year"] == 2021
    assert firms["E1"]["sector"] == "32140"
    assert firms["E2"]["zone"] == "Sihanoukville SEZ"
    assert firms["E2"]["host_country"] == "KHM"
    assert (firms["E2"]["stock"], firms["E2"]["stock_currency"]) == (1e8, "CNY")
    # a second import of the same files changes nothing
    for kind in ORDER:
        report = import_entities(workspace, kind, tmp_path / f"{kind.value}s.xlsx")
        assert (report.inserted, report.updated) == (0, 0), kind
        assert report.unchanged == len(ROWS[kind])


def test_csv_with_a_mapping_file(workspace: Workspace, tmp_path: Path) -> None:
    data = tmp_path / "zones.csv"
    data.write_text("Zone,Country,Local jobs\nTEDA Suez,Egypt,4500\n", encoding="utf-8")
    mapping = tmp_path / "zones.toml"
    mapping.write_text(
        '[table]\ndataset = "mofcom-zones"\ntitle = "Zones"\ncitation = "MOFCOM (2023)"\n'
        'licence = "public"\n\n[columns]\nname = "Zone"\nhost_country = "Country"\n'
        'jobs_local = "Local jobs"\n\n[defaults]\nsource_id = "suez"\n',
        encoding="utf-8",
    )
    report = import_entities(workspace, EntityKind.ZONE, data, mapping=mapping)
    assert report.inserted == 1
    assert report.dataset == "mofcom-zones"
    [zone] = registry.list_entities(workspace, EntityKind.ZONE)
    assert (zone["host_country"], zone["jobs_local"]) == ("EGY", 4500)


def test_bad_rows_are_rejected_with_the_closest_matches(
    workspace: Workspace, tmp_path: Path
) -> None:
    import_entities(
        workspace,
        EntityKind.ORGANISATION,
        filled_template(EntityKind.ORGANISATION, tmp_path, ROWS[EntityKind.ORGANISATION]),
    )
    bad = [
        {"source_id": "D1", "title": "ok", "doc_type": "mou", "countries": "PAK"},
        {"source_id": "D2", "title": "typo", "doc_type": "mou", "countries": "Pakistn"},
        {
            "source_id": "D3",
            "title": "typo",
            "doc_type": "mou",
            "organisations": "Asian Infrastructure Investmnt Bank",
        },
        {"source_id": "D1", "title": "again", "doc_type": "mou", "countries": "KEN"},
        {"source_id": "D5", "title": "no party", "doc_type": "treaty"},
    ]
    path = filled_template(EntityKind.DOCUMENT, tmp_path, bad)
    with pytest.raises(ImportRejected) as caught:
        import_entities(workspace, EntityKind.DOCUMENT, path)
    errors = {(e.row, e.field): e for e in caught.value.report.rejected}
    assert "closest: Pakistan (PAK)" in errors[(3, "countries")].reason
    assert errors[(3, "countries")].value == "Pakistn"
    assert "Asian Infrastructure Investment Bank (XI-AIIB)" in errors[(4, "organisations")].reason
    assert "duplicate" in errors[(5, "source_id")].reason
    assert "unknown document type" in errors[(6, "doc_type")].reason
    assert "needs a party" in errors[(6, "countries")].reason
    assert registry.list_entities(workspace, EntityKind.DOCUMENT) == []  # all or nothing
    dry = import_entities(workspace, EntityKind.DOCUMENT, path, dry_run=True)
    assert dry.records_valid == 1
    assert len(dry.rejected) == 5
    assert registry.list_entities(workspace, EntityKind.DOCUMENT) == []
    skipped = import_entities(workspace, EntityKind.DOCUMENT, path, on_error="skip")
    assert skipped.inserted == 1
    assert len(registry.list_entities(workspace, EntityKind.DOCUMENT)) == 1


def test_an_unknown_column_in_a_template_is_not_dropped_silently(
    workspace: Workspace, tmp_path: Path
) -> None:
    data = tmp_path / "zones.csv"
    data.write_text("source_id,name,host_country,jobz\nZ1,Zone,KHM,5\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="'jobz' \\(did you mean 'jobs'\\?\\)"):
        import_entities(workspace, EntityKind.ZONE, data)


def test_create_update_delete_with_validation(workspace: Workspace) -> None:
    admin = users.resolve_actor(workspace)
    aiib = registry.create(
        workspace, admin, OrganisationEntity(name="AIIB", ref="XI-AIIB", international=True)
    )
    zone_id = registry.create(
        workspace,
        admin,
        ZoneEntity(
            source_id="Z1",
            name="Zone One",
            host_country="KHM",
            developer="XI-AIIB",
            jobs=100,
            jobs_local=90,
        ),
    )
    with pytest.raises(Conflict):
        registry.create(
            workspace, admin, ZoneEntity(source_id="Z1", name="Again", host_country="KHM")
        )
    with pytest.raises(InvalidInput) as caught:
        registry.create(
            workspace,
            admin,
            EnterpriseEntity(
                source_id="E1", name="Firm", host_country="Atlantis", zone="Zone Onee"
            ),
        )
    fields = {p.field for p in caught.value.problems}
    assert fields == {"host_country", "zone"}
    assert "Zone One" in caught.value.problems[1].reason
    firm = registry.create(
        workspace,
        admin,
        EnterpriseEntity(source_id="E1", name="Firm", host_country="KHM", zone="Z1"),
    )
    with pytest.raises(InvalidInput) as caught:
        registry.update(workspace, admin, EntityKind.ZONE, zone_id, {"jobs_local": 500})
    assert caught.value.problems[0].field == "jobs_local"
    changed = registry.update(
        workspace, admin, EntityKind.ZONE, zone_id, {"jobs": 600, "jobs_local": 500}
    )
    assert isinstance(changed, ZoneEntity)
    assert registry.get(workspace, admin, EntityKind.ZONE, zone_id) == dataclasses.replace(
        changed, investment=None
    )
    with pytest.raises(Conflict, match="enterprises"):
        registry.delete(workspace, admin, EntityKind.ZONE, zone_id)
    with pytest.raises(Conflict, match="zones \\(developer\\)"):
        registry.delete(workspace, admin, EntityKind.ORGANISATION, aiib)
    registry.delete(workspace, admin, EntityKind.ENTERPRISE, firm)
    registry.delete(workspace, admin, EntityKind.ZONE, zone_id)
    assert registry.list_entities(workspace, EntityKind.ZONE) == []
    doc = registry.create(
        workspace,
        admin,
        DocumentEntity(source_id="D", title="MoU", doc_type="mou", organisations=("AIIB",)),
    )
    registry.update(workspace, admin, EntityKind.DOCUMENT, doc, {"countries": ("PAK",)})
    stored = registry.get(workspace, admin, EntityKind.DOCUMENT, doc)
    assert isinstance(stored, DocumentEntity)
    assert (stored.countries, stored.organisations) == (("PAK",), ("XI-AIIB",))


def test_parse_fields_names_the_field_at_fault() -> None:
    with pytest.raises(InvalidInput) as caught:
        registry.parse_fields(EntityKind.ENTERPRISE, {"employees": "many"})
    assert caught.value.problems[0].field == "employees"
    with pytest.raises(InvalidInput, match="closest: employees_local"):
        registry.parse_fields(EntityKind.ENTERPRISE, {"employes_local": "3"})


def test_the_headline_shows_imported_entities_with_provenance_and_the_series(
    workspace: Workspace, tmp_path: Path
) -> None:
    import_all(workspace, tmp_path)
    result = headline(workspace, "2023-12-31", today=TODAY)
    assert result.figures["partner_countries"] == 2  # PAK and ITA (in force until 2024-03-22)
    assert result.figures["partner_organizations"] == 1  # the AIIB: international, a party
    assert result.figures["overseas_enterprises"] == 2
    assert result.figures["investment_stock_usd"] == 25e6  # the constant-2021 USD one only
    assert result.figures["zone_local_jobs"] == 28000
    sources = result.sources["zone_local_jobs"]
    assert sources["datasets"] == {"test-zones": 1}
    assert sources["citations"] == {"test-zones": "Ministry list of zones, 2024"}
    assert result.sources["partner_countries"]["citations"] == {
        "test-documents": "Ministry list of documents, 2024"
    }
    jobs = result.series["zone_local_jobs"]
    assert [(p["as_of"], p["value"]) for p in jobs][:2] == [
        ("2017-04-13", 177_000.0),
        ("2018-11-30", 302_000.0),
    ]
    assert any(p["value"] == 421_000.0 and "partner countries" in p["scope"] for p in jobs)
    assert result.series["zone_investment_usd"][1]["value"] == 42.14e9
    assert result.series["cooperation_zones"][1]["value"] == 113.0
    # a figure with its own scope is shown, never the benchmark
    assert result.reported["zone_local_jobs"]["value"] == 530_000.0
    later = headline(workspace, "2024-06-30", today=TODAY)
    assert later.figures["partner_countries"] == 1  # the Italian MoU expired


def test_reported_statistics_are_added_and_checked(workspace: Workspace) -> None:
    fact = ReportedFact(
        "cooperation_zones",
        "Overseas cooperation zones",
        125.0,
        "exact",
        "zones",
        dt.date(2022, 12, 31),
        "Test source",
        dt.date(2023, 6, 1),
        "all zones",
    )
    add_statistic(workspace, fact)
    assert any(r["value"] == 125.0 for r in list_statistics(workspace, "cooperation_zones"))
    with pytest.raises(Conflict):
        add_statistic(workspace, fact)
    bad = dataclasses.replace(fact, qualifier="roughly", as_of=dt.date(2024, 1, 1))  # type: ignore[arg-type]
    with pytest.raises(InvalidInput) as caught:
        add_statistic(workspace, bad)
    assert {p.field for p in caught.value.problems} == {"qualifier", "as_of"}


def test_cli_template_import_registry_and_reported(
    workspace: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--db", workspace.settings.db] if workspace.settings.db else []
    base = ["--data-dir", str(workspace.settings.data_dir), *db]
    template = tmp_path / "zones.xlsx"
    assert main([*base, "template", "zone", str(template)]) == 0
    book = openpyxl.load_workbook(template)
    book.worksheets[0].append(["Z9", "Zone Nine", None, "KHM"])
    book.save(template)
    assert main([*base, "import", "table", str(template), "--entity", "zone", "-f", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["inserted"] == 1
    assert (
        main(
            [
                *base,
                "registry",
                "add",
                "zone",
                "--set",
                "source_id=Z10",
                "--set",
                "name=Ten",
                "--set",
                "host_country=Cambodja",
                "-f",
                "json",
            ]
        )
        == 2
    )
    assert "closest: Cambodia (KHM)" in capsys.readouterr().err
    assert main([*base, "registry", "list", "zone", "-f", "json"]) == 0
    [zone] = json.loads(capsys.readouterr().out)
    assert (
        main(
            [*base, "registry", "update", "zone", str(zone["id"]), "--set", "jobs=12", "-f", "json"]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out)["jobs"] == 12
    assert main([*base, "registry", "delete", "zone", str(zone["id"])]) == 0
    assert main([*base, "reported", "list", "--key", "zone_local_jobs", "-f", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) >= 5
