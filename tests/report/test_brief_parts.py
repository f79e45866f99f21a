"""The brief's pure parts: message catalogue, SVG charts, the choropleth map, number formats."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from beltroad.report import charts, worldmap
from beltroad.report.messages import MESSAGES
from beltroad.report.render import FIGURE_NAMES, money
from tests.conftest import shared_file

SVG = "{http://www.w3.org/2000/svg}"


def test_every_message_has_both_languages_and_chinese_is_chinese() -> None:
    for key, entry in MESSAGES.items():
        assert set(entry) == {"en", "zh"}, key
        if entry["en"]:
            assert entry["zh"], key
            assert entry["zh"] != entry["en"] or entry["en"].isupper(), key
    for entry in FIGURE_NAMES.values():
        assert any("\u4e00" <= ch <= "\u9fff" for ch in entry["zh"])


def test_bar_chart_is_well_formed_svg_scaled_to_the_largest_value() -> None:
    svg = charts.bar_chart([("Energy & <power>", 100.0), ("Transport", 50.0)], width=400)
    root = ET.fromstring(svg)  # noqa: S314 (our own SVG)
    widths = [float(r.get("width", 0)) for r in root.iter(f"{SVG}rect")]
    assert widths[0] == pytest.approx(2 * widths[1])
    assert "Energy &amp; &lt;power&gt;" in svg


def test_histogram_checks_its_bins_and_draws_markers() -> None:
    svg = charts.histogram([0, 1, 2, 3], [5, 3, 1], markers=[("VaR 99%", 2.5)])
    root = ET.fromstring(svg)  # noqa: S314 (our own SVG)
    assert len(list(root.iter(f"{SVG}rect"))) == 3
    assert "VaR 99%" in svg
    with pytest.raises(ValueError, match="edges"):
        charts.histogram([0, 1], [1, 2])


def test_funnel_chart_narrows_with_the_stages() -> None:
    root = ET.fromstring(charts.funnel_chart([("pipeline", 100), ("implementation", 40)]))  # noqa: S314 (our own SVG)
    widths = [float(r.get("width", 0)) for r in root.iter(f"{SVG}rect")]
    assert widths[0] > widths[1] > 0


def test_quantile_classes_and_colours() -> None:
    breaks = worldmap.quantile_breaks([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    assert breaks[-1] == 10
    assert worldmap.colour_of(10, breaks) == worldmap.PALETTE[-1]
    assert worldmap.colour_of(1, breaks) == worldmap.PALETTE[0]
    assert worldmap.class_colours([3.0]) == [worldmap.PALETTE[-1]]
    assert worldmap.colour_of(None, breaks) == worldmap.NO_DATA
    assert worldmap.colour_of(0.0, breaks) == worldmap.NO_DATA


def test_natural_earth_map_draws_every_country_projected_on_the_page() -> None:
    path = shared_file("naturalearth-110m-admin0/ne_110m_admin_0_countries.topojson")
    topology = json.loads(path.read_text(encoding="utf-8"))
    svg = worldmap.choropleth(topology, {"CHN": 10.0, "PAK": 5.0, "FRA": 1.0}, width=360)
    root = ET.fromstring(svg)  # noqa: S314 (our own SVG)
    paths = list(root.iter(f"{SVG}path"))
    assert len(paths) >= 170  # 177 geometries less Antarctica
    titles = {p.find(f"{SVG}title").text for p in paths}  # type: ignore[union-attr]
    assert any(t and t.endswith("(FRA)") for t in titles)  # ISO_A3 -99: found by ADM0_A3
    fills = {p.find(f"{SVG}title").text: p.get("fill") for p in paths}  # type: ignore[union-attr]
    assert fills["CHN (CHN)"] == worldmap.PALETTE[-1]
    assert fills["IND (IND)"] == worldmap.NO_DATA
    numbers = [float(x) for p in paths for pt in p.get("d", "")[1:-1].replace("M", "L").replace(
        "Z", "").split("L") if pt for x in pt.split(",")]  # fmt: skip
    assert min(numbers) >= 0
    assert max(numbers) <= 360


def test_money_in_both_languages() -> None:
    assert money(1.02e12, "en") == "USD 1.02 tn"
    assert money(5.547e11, "zh") == "5,547.0 亿美元"
    assert money(None, "en") == "–"


def test_a_missing_cjk_font_names_the_debian_package(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from beltroad.report import render

    monkeypatch.setattr(render, "CJK_FONT_FILES", (tmp_path / "none.ttc",))
    with pytest.raises(render.FontMissing, match="fonts-noto-cjk"):
        render.find_cjk_font(fc_match=None)
