"""The symposium brief end to end (issue #18 part 4): on a demo portfolio, the HTML has every
section in both languages; the PDF's every page renders (pdftoppm), its text layer holds the
headline figures in English and Chinese (pdftotext), and its fonts are embedded (pdffonts)."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from beltroad.cli import main
from beltroad.report.render import find_cjk_font, money, number, render_html, render_pdf
from beltroad.services.demo import run_demo
from beltroad.services.report import BriefContent, gather_brief
from beltroad.services.workspace import open_workspace
from beltroad.settings import Settings
from tests.conftest import shared_file

SECTIONS = ("headline", "map", "funnel", "risks", "red-sea", "green", "sources")
POPPLER = all(shutil.which(tool) for tool in ("pdftoppm", "pdftotext", "pdffonts"))


def _poppler(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def _headline_texts(content: BriefContent, lang: str) -> list[str]:
    rows = content.section("headline").data["rows"]
    stock = "investment_stock_usd"
    return [
        money(r["registry"], lang) if r["figure"] == stock else number(r["registry"]) for r in rows
    ]


@pytest.fixture
def brief(settings: Settings) -> BriefContent:
    run_demo(settings, allow_download=False)
    workspace = open_workspace(settings)
    try:
        return gather_brief(workspace, lang="en", stress_scenarios=2_000, seed=7)
    finally:
        workspace.close()


def test_the_brief_in_both_languages_html_and_pdf(brief: BriefContent, tmp_path: Path) -> None:
    # Every section was computed from its service on the demo portfolio, or says why not.
    for key in ("headline", "portfolio", "funnel", "risks", "green"):
        assert brief.section(key).ok, (key, brief.section(key).missing)
    stress = brief.section("risks").data["stress"]
    assert stress["scenarios"] == 2_000
    assert sum(stress["loss_histogram"]["counts"]) == 2_000
    assert brief.synthetic  # the offline demo is synthetic, and the brief says so
    topology = json.loads(
        shared_file("naturalearth-110m-admin0/ne_110m_admin_0_countries.topojson").read_text(
            encoding="utf-8"
        )
    )
    font = find_cjk_font()
    for lang in ("en", "zh"):
        content = dataclasses.replace(brief, lang=lang)
        html = render_html(content, topology=topology, font_path=font)
        for anchor in SECTIONS:
            assert f'id="{anchor}"' in html
            assert f'href="#{anchor}"' in html  # in the table of contents
        assert "<script" not in html
        assert html.count("<svg") >= 3  # the map and the charts, inline vectors
        assert ("研讨会简报" in html) == (lang == "zh")
        if not POPPLER:
            continue
        pdf = tmp_path / f"brief-{lang}.pdf"
        pages = render_pdf(html, pdf)
        assert pages >= len(SECTIONS)
        _poppler("pdftoppm", "-r", "20", "-png", str(pdf), str(tmp_path / f"page-{lang}"))
        assert len(list(tmp_path.glob(f"page-{lang}-*.png"))) == pages
        text = _poppler("pdftotext", "-layout", str(pdf), "-")
        for figure in _headline_texts(content, lang):
            assert figure in text, (lang, figure)
        assert money(stress["expected_loss"], lang) in text
        assert ("主要数字及核对" in text) == (lang == "zh")
        assert f"{pages}" in text  # numbered pages
        fonts = _poppler("pdffonts", str(pdf)).splitlines()[2:]
        assert fonts
        assert all(line.split()[-5] == "yes" for line in fonts), fonts  # emb column
        if lang == "zh":
            assert any("Brief-CJK" in line for line in fonts)


def test_cli_writes_html_and_names_what_it_could_not_compute(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = str(tmp_path / "d")
    assert main(["--data-dir", data, "init"]) == 0
    out = tmp_path / "brief.html"
    code = main(["--data-dir", data, "report", "--lang", "zh", "--out", str(out),
                 "--stress-scenarios", "100"])  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "wrote" in captured.out
    html = out.read_text(encoding="utf-8")
    assert "目录" in html
    assert "未计算" in html  # an empty registry: sections say why they are missing
    assert not list(tmp_path.glob("*.part"))
    code = main(["--data-dir", data, "report", "--lang", "fr", "--out", str(out)])
    assert code == 2
    assert "--lang" in capsys.readouterr().err
