"""Issue #11 through the CLI: import --strict, data quality, data verify's exit code, shipped
scenario names."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from beltroad import datasets
from beltroad.cli import main
from beltroad.services.stress import resolve_scenario
from tests.ingest.aiddata_support import write_csv
from tests.ingest.test_aiddata_geo import COLUMNS, END, project


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, " ".join(err.split())  # messages wrap at the console width


def test_import_keeps_flagged_rows_and_data_quality_lists_them(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = str(tmp_path / "d")
    assert run(capsys, "--data-dir", data, "init", "-f", "json")[0] == 0
    path = write_csv(tmp_path / "p.csv", COLUMNS, [project(1), project(2, **{END: "2012-12-31"})])
    code, out, err = run(capsys, "--data-dir", data, "import", "gcdf3-geo", str(path), "--strict")
    assert code == 2
    assert "1 row(s) rejected" in err
    assert "without --strict" in err

    code, out, _ = run(capsys, "--data-dir", data, "import", "gcdf3-geo", str(path))
    assert code == 0
    assert "flagged: date_order" in out
    assert "beltroad data quality --dataset aiddata-geogcdf3" in " ".join(out.split())

    code, out, _ = run(capsys, "--data-dir", data, "data", "quality", "--format", "csv")
    assert code == 0
    [row] = list(csv.DictReader(io.StringIO(out)))
    assert (row["dataset"], row["kind"], row["identifier"]) == (
        "aiddata-geogcdf3",
        "date_order",
        "AidData-GeoGCDF3-2",
    )
    assert (row["field"], row["value"]) == (END, "2012-12-31")

    code, out, _ = run(
        capsys, "--data-dir", data, "data", "quality", "--kind", "date_order", "-f", "json"
    )
    assert json.loads(out)["flagged_records"] == 1
    code, out, _ = run(capsys, "--data-dir", data, "data", "quality")
    assert code == 0
    assert "AidData-GeoGCDF3-2" in out

    code, _, err = run(capsys, "--data-dir", data, "data", "quality", "--dataset", "aiddata-geo")
    assert code == 1
    assert "closest: aiddata-geogcdf3" in err


def test_data_verify_exits_1_on_a_corrupt_cached_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = tmp_path / "d"
    code, _, _ = run(capsys, "--data-dir", str(data), "data", "verify", "-f", "json")
    assert code == 0  # nothing cached: nothing corrupt
    entry = datasets.entry("gfdc-bri-countries")
    cached = data / "datasets" / entry.files[0].path
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"not the published workbook")
    code, out, _ = run(capsys, "--data-dir", str(data), "data", "verify", "-f", "json")
    assert code == 1
    states = {r["file"]: r["cached"] for r in json.loads(out)}
    assert states[entry.files[0].path] == "corrupt"


def test_stress_takes_a_shipped_scenario_name(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert resolve_scenario(Path("red_sea_closure")).name == "red_sea_closure.toml"
    assert resolve_scenario(Path("red_sea_closure.toml")).is_file()
    assert run(capsys, "--data-dir", str(tmp_path / "d"), "init", "-f", "json")[0] == 0
    code, _, err = run(
        capsys, "--data-dir", str(tmp_path / "d"), "risk", "stress", "red_sea_closer", "-n", "10"
    )
    assert code == 1
    assert "no shipped scenario named 'red_sea_closer'" in err
    assert "red_sea_closure, regional_conflict, sanctions_round" in err
