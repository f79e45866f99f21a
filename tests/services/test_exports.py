"""One export path for every format, and one way to get a dataset: the settings' cache and mirror.

Issue #11: ``export iati`` ignored ``--country``, ``--status`` and ``--no-synthetic``, and
``export iati --validate`` failed offline unless BELTROAD_DATA_MIRROR was set.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from xml.etree import ElementTree

import pytest

from beltroad.cli.main import main
from beltroad.errors import DataUnavailable, InvalidInput
from beltroad.records import CountrySplit, Money, ProjectRecord, Provenance
from beltroad.services.data import available_file, dataset_files
from beltroad.services.exports import FORMATS, export_projects
from beltroad.services.tabular_export import project_filter
from beltroad.services.workspace import Workspace
from beltroad.settings import Settings, load_settings
from beltroad.storage import writes
from beltroad.storage.flat import ProjectFilter
from tests.conftest import SHARED_DATA

SCHEMA = "iati/schema-2.03/iati-activities-schema.xsd"


def _project(ident: str, iso3: str, status: int, *, synthetic: bool = False) -> ProjectRecord:
    return ProjectRecord(
        identifier=f"XE-EXAMPLE-{ident}",
        title=f"Project {ident}",
        provenance=Provenance(
            dataset="synthetic" if synthetic else "example",
            source_record_id=ident,
            is_synthetic=synthetic,
        ),
        status=status,
        commitment_year=2020,
        amount=Money(currency="USD", original=1e7, usd_nominal=1e7),
        countries=(CountrySplit(iso3),),
    )


@pytest.fixture
def portfolio(workspace: Workspace) -> Workspace:
    with workspace.writing() as connection:
        writes.write_projects(
            connection,
            [
                _project("1", "PAK", 2),
                _project("2", "PAK", 4),
                _project("3", "KEN", 2),
                _project("4", "PAK", 2, synthetic=True),
            ],
        )
    return workspace


def _identifiers(fmt: str, path: Path) -> set[str]:
    if fmt == "iati":
        root = ElementTree.parse(path).getroot()  # noqa: S314 (our own output)
        return {str(e.text) for e in root.iter("iati-identifier")}
    if fmt == "csv":
        with path.open(encoding="utf-8") as handle:
            return {row["identifier"] for row in csv.DictReader(handle)}
    raise AssertionError(fmt)


CASES = [
    (project_filter(country="Pakistan"), {"1", "2", "4"}),
    (project_filter(status=2), {"1", "3", "4"}),
    (project_filter(include_synthetic=False), {"1", "2", "3"}),
    (project_filter(country="PAK", status=2, include_synthetic=False), {"1"}),
    (project_filter(dataset="synthetic"), {"4"}),
]


@pytest.mark.parametrize("fmt", ["iati", "csv"])
@pytest.mark.parametrize(("flt", "expected"), CASES)
def test_every_filter_narrows_every_format_alike(
    portfolio: Workspace, tmp_path: Path, fmt: str, flt: ProjectFilter, expected: set[str]
) -> None:
    out = tmp_path / f"out.{fmt}"
    export_projects(portfolio, fmt, out, flt)
    assert _identifiers(fmt, out) == {f"XE-EXAMPLE-{i}" for i in expected}


def test_a_filter_or_option_a_format_cannot_apply_is_refused(
    portfolio: Workspace, tmp_path: Path
) -> None:
    assert FORMATS == ("iati", "csv", "xlsx", "parquet", "geojson")
    with pytest.raises(InvalidInput, match="only an IATI export is validated"):
        export_projects(portfolio, "csv", tmp_path / "x.csv", validate=True)
    with pytest.raises(InvalidInput, match="expected one of iati, csv"):
        export_projects(portfolio, "pdf", tmp_path / "x.pdf")
    with pytest.raises(InvalidInput) as caught:
        project_filter(status=9)
    assert caught.value.problems[0].field == "status"  # a field, never a flag
    assert not list(tmp_path.glob("x.*"))


def test_cli_export_iati_applies_country_status_and_no_synthetic(
    portfolio: Workspace, settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pak.xml"
    args = ["--db", settings.database_url, "export", "iati", str(out), "--country", "PAK"]
    assert main([*args, "--status", "2", "--no-synthetic", "-f", "json"]) == 0
    assert json.loads(capsys.readouterr()[0])["count"] == 1
    assert _identifiers("iati", out) == {"XE-EXAMPLE-1"}


@pytest.fixture
def offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No mirror in the environment; an empty data dir."""
    monkeypatch.delenv("BELTROAD_DATA_MIRROR", raising=False)
    return tmp_path / "data"


def test_a_dataset_comes_from_the_mirror_then_stays_in_the_cache(offline: Path) -> None:
    mirrored = load_settings(data_dir=offline, data_mirror=str(SHARED_DATA))
    if not (SHARED_DATA / SCHEMA).is_file():
        pytest.skip(f"{SHARED_DATA / SCHEMA} is not at hand")
    [schema, *_] = dataset_files(mirrored, "iati-schema-2.03", allow_download=False)
    assert schema == offline / "datasets" / SCHEMA
    # Later, with no mirror and downloads off, the cached copy serves every command.
    bare = load_settings(data_dir=offline)
    assert bare.data_mirror is None
    assert dataset_files(bare, "iati-schema-2.03", allow_download=False)[0] == schema
    assert available_file(bare, "iati-schema-2.03") == schema


def test_no_cache_no_mirror_no_download_says_what_to_do(offline: Path) -> None:
    bare = load_settings(data_dir=offline)
    assert available_file(bare, "iati-schema-2.03") is None
    with pytest.raises(DataUnavailable, match=r"dataset iati-schema-2\.03") as caught:
        dataset_files(bare, "iati-schema-2.03", allow_download=False)
    assert "no mirror is configured" in str(caught.value.hint)
    assert "beltroad data pull iati-schema-2.03" in str(caught.value.hint)


def test_cli_validate_uses_the_mirror_of_the_settings_file(
    portfolio: Workspace,
    settings: Settings,
    offline: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if not (SHARED_DATA / SCHEMA).is_file():
        pytest.skip(f"{SHARED_DATA / SCHEMA} is not at hand")
    config = tmp_path / "beltroad.toml"
    config.write_text(f'data_mirror = "{SHARED_DATA}"\n', encoding="utf-8")
    out = tmp_path / "all.xml"
    common = ["--db", settings.database_url, "--data-dir", str(offline)]
    code = main([*common, "--config", str(config), "export", "iati", str(out), "--validate"])
    payload = capsys.readouterr()[0]
    assert code == 0, payload
    assert "valid" in payload
    # The schema is now cached: the next validation needs neither mirror nor network.
    out.unlink()
    code = main([*common, "export", "iati", str(out), "--validate", "-f", "json"])
    assert code == 0
    assert json.loads(capsys.readouterr()[0])["valid"] is True
