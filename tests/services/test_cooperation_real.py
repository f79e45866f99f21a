"""Issue #17 on real data: AidData GCDF 3.0 (projects of USD 10 m and more) and the real WGI,
GPR, ND-GAIN and IMF debt indicators of a few countries (SQLite; the services' SQL is covered on
both back ends by the other tests)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from beltroad.services import debt, green, selection
from beltroad.services.imports import import_file
from beltroad.services.setup import initialise
from beltroad.services.workspace import Workspace, open_workspace
from beltroad.settings import Settings
from tests.conftest import shared_file
from tests.services.risk_data import load_real_indicators


@pytest.fixture
def real(sqlite_settings: Settings) -> Iterator[Workspace]:
    initialise(sqlite_settings)
    ws = open_workspace(sqlite_settings)
    try:
        import_file(ws, "gcdf3", shared_file("aiddata-gcdf3/df_filtered_gcdf3_ge10m.csv"))
        load_real_indicators(ws)
        yield ws
    finally:
        ws.close()


def test_real_portfolio_green_debt_and_selection(real: Workspace) -> None:
    report = green.classify(real)
    port = report.shares()["portfolio"]
    assert port["projects"] == 961
    assert sum(port["by_count"].values()) == 961
    coal = [a for a in report.assessments if "coal_power" in a.rules]
    assert coal, "GCDF 3.0 holds coal-fired power plants"
    # GCDF 3.0 ends with 2021 commitments: nothing after the pledge is committed coal power.
    assert all(a.policy_flag != "POLICY_EXCLUDED" for a in coal)
    assert all(a.green_class == "red" for a in coal)

    signals = {s.iso3: s for s in debt.debt_report(real).signals}
    assert signals["PAK"].signal in ("high", "below_thresholds")
    assert "pv_external_gdp" in signals["PAK"].missing  # no such data loaded: said, not guessed
    assert signals["AGO"].signal == "no_data"  # a portfolio country without indicators here

    total = sum(float(r["amount_usd_constant"]) for r in report.basis.priced)
    chosen = selection.select(
        real,
        selection.SelectionRequest(
            budget=0.02 * total, min_green_share=0.1, country_caps={"PAK": 0.005 * total}
        ),
    )
    assert chosen.result.status == "optimal"
    picked = chosen.chosen()
    assert picked
    assert sum(d["amount"] for d in picked) <= 0.02 * total * (1 + 1e-9)
    green_amount = sum(d["amount"] for d in picked if d["green_class"] == "green")
    assert green_amount >= 0.1 * sum(d["amount"] for d in picked) * (1 - 1e-9)
    risk = next(c for c in chosen.ranking.criteria if c.key == "risk")
    assert risk.dropped is None
    assert risk.missing > 0
