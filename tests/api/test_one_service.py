"""Issue #13, done when: the CLI, ``beltroad.open()`` and a FastAPI route call one breakdown and
one export service with the same typed arguments and get the same result.

Each skin's call into the service is recorded (the service is wrapped, not replaced), so the
test sees the arguments as the service received them, not as each skin spelled them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

import beltroad
from beltroad.cli.main import main
from beltroad.records import CountrySplit, Money, ProjectRecord, Provenance, SectorSplit
from beltroad.services import breakdown as breakdown_service
from beltroad.services import exports as export_service
from beltroad.services.exports import ProjectFilter
from beltroad.services.workspace import Workspace
from beltroad.storage.writes import write_projects


def project(ident: str, usd: float, iso3: str, year: int) -> ProjectRecord:
    return ProjectRecord(
        identifier=ident,
        title=ident,
        provenance=Provenance(dataset="test", source_record_id=ident),
        amount=Money(usd_constant=usd, base_year=2021),
        countries=(CountrySplit(iso3, 60), CountrySplit("AFG", 40)),
        sectors=(SectorSplit("21020", "1"),),
        commitment_year=year,
    )


@pytest.fixture
def filled(workspace: Workspace) -> Workspace:
    with workspace.writing() as connection:
        write_projects(
            connection,
            [
                project("XE-1", 100.0, "PAK", 2015),
                project("XE-2", 50.0, "KEN", 2016),
                project("XE-3", 70.0, "PAK", 2016),
            ],
        )
    return workspace


def recorded(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[Any]:
    """Wrap ``module.name`` so that every call's arguments are kept (the call still runs)."""
    calls: list[Any] = []
    real: Callable[..., Any] = getattr(module, name)

    def spy(workspace: Workspace, *args: Any, **kwargs: Any) -> Any:
        calls.append((args, kwargs))
        return real(workspace, *args, **kwargs)

    monkeypatch.setattr(module, name, spy)
    return calls


def web_app(workspace: Workspace) -> FastAPI:
    """Two routes over the services, as the web layer would write them (typed query values)."""
    app = FastAPI()

    @app.get("/breakdown")
    def breakdown_route(by: str, year: int | None = None) -> dict[str, Any]:
        filters = {"year": year} if year is not None else {}
        result = breakdown_service.breakdown(workspace, by.split(","), filters=filters)
        return json.loads(json.dumps(result.as_dict(), default=str))

    @app.post("/export/{kind}")
    def export_route(kind: str, path: str, country: str | None = None) -> dict[str, Any]:
        flt = ProjectFilter(country=country)
        return export_service.export(workspace, kind, Path(path), flt).as_dict()

    return app


def test_one_breakdown_service(
    filled: Workspace, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls = recorded(monkeypatch, breakdown_service, "breakdown")
    settings = filled.settings
    base = ["--db", settings.database_url, "--data-dir", str(settings.data_dir)]
    argv = [*base, "breakdown", "--by", "country", "--filter", "year=2016", "--format", "json"]
    assert main(argv) == 0
    from_cli = json.loads(capsys.readouterr().out)
    with beltroad.open(settings.database_url, data_dir=settings.data_dir) as portfolio:
        frame = portfolio.breakdown("country", filters={"year": 2016})
    from_web = TestClient(web_app(filled)).get("/breakdown?by=country&year=2016").json()

    assert len(calls) == 3
    typed = [(list(args[0]), kwargs["filters"]) for args, kwargs in calls]
    assert typed == [(["country"], {"year": 2016})] * 3
    assert from_cli["rows"] == from_web["rows"] == frame.to_dict("records")
    assert from_cli["total"] == from_web["total"] == frame.attrs["total"]
    assert from_cli["total"]["projects"] == 2
    assert {row["country"] for row in from_cli["rows"]} == {"PAK", "KEN", "AFG"}


def test_the_total_row_belongs_to_the_result(filled: Workspace) -> None:
    result = breakdown_service.breakdown(filled, ["country"])
    assert result.table()[-1] == {"country": "TOTAL", **result.total}
    assert result.table()[:-1] == result.rows


def test_one_export_service(
    filled: Workspace,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    calls = recorded(monkeypatch, export_service, "export")
    settings = filled.settings
    base = ["--db", settings.database_url, "--data-dir", str(settings.data_dir)]
    out = {skin: tmp_path / f"{skin}.csv" for skin in ("cli", "api", "web")}
    assert main([*base, "export", "csv", str(out["cli"]), "--country", "PAK"]) == 0
    capsys.readouterr()
    with beltroad.open(settings.database_url, data_dir=settings.data_dir) as portfolio:
        from_api = portfolio.export("csv", out["api"], ProjectFilter(country="PAK"))
    client = TestClient(web_app(filled))
    from_web = client.post("/export/csv", params={"path": str(out["web"]), "country": "PAK"})

    assert len(calls) == 3
    kinds_and_filters = [(args[0], args[2]) for args, _ in calls]
    assert kinds_and_filters == [("csv", ProjectFilter(country="PAK"))] * 3
    assert from_api["records"] == from_web.json()["records"] == 2
    texts = {skin: path.read_text(encoding="utf-8") for skin, path in out.items()}
    assert texts["cli"] == texts["api"] == texts["web"]
    assert "XE-1" in texts["cli"]
    assert "XE-3" in texts["cli"]
    assert "XE-2" not in texts["cli"]


def test_strings_are_not_filters(filled: Workspace) -> None:
    from beltroad.errors import InvalidInput

    with pytest.raises(InvalidInput, match=r"field filters.*mapping of dimension to value"):
        breakdown_service.breakdown(filled, ["country"], filters=["year=2015"])  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match=r"field filters.*whole number for year"):
        breakdown_service.breakdown(filled, ["country"], filters={"year": "2015"})
