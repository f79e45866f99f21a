"""``beltroad routes`` and ``beltroad exposure`` through the command line, in-process."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from beltroad.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def data_dir(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> str:
    data = str(tmp_path / "d")
    assert run(capsys, "--data-dir", data, "init")[0] == 0
    return data


def test_routes_prints_the_json_contract(capsys: pytest.CaptureFixture[str], data_dir: str) -> None:
    code, out, _ = run(capsys, "--data-dir", data_dir, "routes", "CNSHA", "NLRTM",
                       "--close", "suez", "--speed", "12", "--format", "json")  # fmt: skip
    assert code == 0
    payload = json.loads(out)
    assert payload["from"] == "CNSHA"
    assert payload["closed"] == ["suez"]
    assert payload["passages"] == ["panama"]
    assert payload["days"] == pytest.approx(payload["distance_nm"] / (24 * 12), abs=0.01)
    assert payload["assumptions"]["speed_kn"] == 12.0


def test_routes_table_and_csv(capsys: pytest.CaptureFixture[str], data_dir: str) -> None:
    code, out, _ = run(capsys, "--data-dir", data_dir, "routes", "SGSIN", "NLRTM")
    assert code == 0
    assert "distance_km" in out
    code, out, _ = run(capsys, "--data-dir", data_dir, "routes", "SGSIN", "NLRTM", "-f", "csv")
    assert code == 0
    assert out.splitlines()[0].startswith("from,to,reachable,distance_km")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("routes", "CNSHA", "NLRTX"), "NLRTM"),
        (("routes", "CNSHA", "NLRTM", "--close", "suze"), "did you mean suez"),
        (("routes", "CNSHA", "91,0"), "latitude out of range"),
        (("exposure", "--close", "panamax"), "expected one of"),
        (("exposure", "--pairs", "lots"), "--pairs: 'lots': expected a whole number of pairs"),
    ],
)
def test_bad_input_is_one_clear_message(
    capsys: pytest.CaptureFixture[str], data_dir: str, args: tuple[str, ...], expected: str
) -> None:
    code, out, err = run(capsys, "--data-dir", data_dir, *args)
    assert code in (1, 2)
    assert out == ""
    assert expected in " ".join(err.split())
    assert "Traceback" not in err


def test_exposure_json_and_table(capsys: pytest.CaptureFixture[str], data_dir: str) -> None:
    code, out, _ = run(capsys, "--data-dir", data_dir, "exposure", "--ports", "QADOH,NLRTM",
                       "--close", "ormuz", "--close", "red_sea", "--format", "json")  # fmt: skip
    assert code == 0
    payload = json.loads(out)
    ormuz, red_sea = payload["scenarios"]
    assert ormuz["name"] == "ormuz"
    assert ormuz["single_points_of_failure"][0]["port"] == "QADOH"
    assert red_sea["closed"] == ["babalmandab", "suez"]
    code, out, _ = run(capsys, "--data-dir", data_dir, "exposure", "--ports", "QADOH",
                       "--close", "ormuz", "-f", "csv")  # fmt: skip
    assert code == 0
    assert out.splitlines()[0].startswith("scenario,pairs,using,longer,unreachable")


def test_exposure_lists_pairs_in_the_json(
    capsys: pytest.CaptureFixture[str], data_dir: str
) -> None:
    base = ("--data-dir", data_dir, "exposure", "--ports", "QADOH", "--close", "ormuz",
            "-f", "json")  # fmt: skip
    code, out, _ = run(capsys, *base, "--pairs", "2")
    assert code == 0
    (scenario,) = json.loads(out)["scenarios"]
    assert scenario["pairs_unreachable"] == 6  # the counts stay as they were
    lost = scenario["pair_lists"]["pairs_unreachable"]
    assert [set(p) for p in lost] == [{"from", "to", "open_km"}] * 2
    assert all("QADOH" in (p["from"], p["to"]) for p in lost)
    code, out, _ = run(capsys, *base, "--pairs", "0")
    lists = json.loads(out)["scenarios"][0]["pair_lists"]
    assert (lists["pairs_using"], lists["pairs_longer"], lists["pairs_unreachable"]) == ([], [], [])
    code, out, _ = run(capsys, *base, "--pairs", "-1")
    assert len(json.loads(out)["scenarios"][0]["pair_lists"]["pairs_unreachable"]) == 6


@pytest.mark.skipif(
    importlib.util.find_spec("scgraph_data") is None,
    reason="scgraph-data is not installed (pip install 'beltroad[rail]')",
)
def test_rail_route_with_a_closed_crossing(
    capsys: pytest.CaptureFixture[str], data_dir: str
) -> None:
    code, out, _ = run(capsys, "--data-dir", data_dir, "routes", "Chongqing", "Duisburg",
                       "--mode", "rail", "--close", "alashankou", "-f", "json")  # fmt: skip
    assert code == 0
    payload = json.loads(out)
    assert payload["mode"] == "rail"
    assert payload["reachable"] is True
    assert payload["extra_km"] > 0
    assert "alashankou" not in payload["crossings"]
    code, _, err = run(capsys, "--data-dir", data_dir, "routes", "Chongqing", "Duisburg",
                       "--mode", "rail", "--close", "alashankow")  # fmt: skip
    assert code == 2
    assert "did you mean alashankou" in " ".join(err.split())
