"""The debt report on a database: capacity from the composite indicator where its data are
loaded, the default (with what is missing named) elsewhere; on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import insert

from beltroad.services import debt
from beltroad.services.workspace import Workspace
from beltroad.storage import models
from beltroad.storage.models import table
from tests.services.cooperation_data import add_project

CI = {
    "ci.cpia": 2.5,
    "ci.real_gdp_growth": 0.05,
    "ci.reserves_import_coverage": 0.4,
    "ci.remittances_gdp": 0.05,
    "ci.world_real_gdp_growth": 0.035,
}


def test_capacity_from_the_composite_indicator(workspace: Workspace) -> None:
    add_project(workspace, "P-ROAD", "Highway", "KEN", 200.0)
    add_project(workspace, "P-PORT", "Port", "PAK", 100.0)
    rows = [
        {"iso3": iso3, "indicator": "imf.ggxwdg_ngdp", "period": "2024", "value": 40.0}
        for iso3 in ("KEN", "PAK")
    ]
    rows += [
        {"iso3": "KEN", "indicator": name, "period": str(year), "value": value}
        for name, value in CI.items()
        for year in range(2020, 2030)
    ]
    with workspace.writing() as c:
        c.execute(
            insert(table(models.CountryIndicator)),
            [r | {"vintage": "test", "dataset": "test"} for r in rows],
        )
    report = debt.debt_report(workspace, year=2024)
    by = {s.iso3: s for s in report.signals}
    kenya, pakistan = by["KEN"], by["PAK"]
    assert kenya.ci is not None
    assert kenya.ci.score is not None
    assert kenya.ci.score < 2.69
    assert kenya.capacity == "weak"
    assert kenya.capacity_source.startswith(
        "composite indicator 2.66 (2020-2029)"
    )  # 0.9625 + 0.1360 + 0.9824 + 0.1011 + 0.4732
    # weak capacity: PV of public debt 40 % breaches its benchmark of 35
    public = next(r for r in kenya.ratios if r.ratio == "pv_public_gdp")
    assert (public.threshold, public.breached, kenya.signal) == (35.0, True, "high")
    assert pakistan.capacity == "medium"
    assert "composite indicator data missing: cpia (0 of 10 years" in pakistan.capacity_source
    assert pakistan.signal == "below_thresholds"
    shown = report.as_dict()["countries"]
    assert next(c for c in shown if c["iso3"] == "KEN")["composite_indicator"]["capacity"] == "weak"
    assert "1 from the composite indicator, 1 the default medium" in report.note()
