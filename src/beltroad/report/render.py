"""The brief as HTML (Jinja2, inline SVG) and PDF (WeasyPrint, CJK font embedded).

Heavy imports (jinja2's environment, weasyprint) stay inside the functions: the CLI imports this
module only when ``beltroad report`` runs.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from beltroad.errors import MissingDependency
from beltroad.report import charts, worldmap
from beltroad.report.messages import MESSAGES, text
from beltroad.services.report import BriefContent

FIGURE_NAMES: dict[str, dict[str, str]] = {
    "partner_countries": {"en": "Partner countries", "zh": "合作伙伴国家"},
    "partner_organizations": {"en": "Partner organisations", "zh": "合作国际组织"},
    "overseas_enterprises": {"en": "Overseas enterprises", "zh": "境外企业"},
    "investment_stock_usd": {"en": "Investment stock", "zh": "投资存量"},
    "zone_local_jobs": {"en": "Local jobs in cooperation zones", "zh": "合作区当地就业"},
}

CJK_FONT_FILES = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),
)
CJK_PACKAGE = "fonts-noto-cjk"


class FontMissing(RuntimeError):
    """No CJK font to embed; names the Debian package that provides one."""


def find_cjk_font(fc_match: str | None = "fc-match") -> Path:
    """The Noto Sans CJK file: from fontconfig (``fc-match``), else Debian's known path."""
    exe = shutil.which(fc_match) if fc_match else None
    if exe:
        found = subprocess.run(
            [exe, "-f", "%{file}", "Noto Sans CJK SC:style=Regular"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        if found and "CJK" in found and Path(found).is_file():
            return Path(found)
    for path in CJK_FONT_FILES[:1]:
        if path.is_file():
            return path
    raise FontMissing(
        "no Noto Sans CJK font found (fontconfig has none, and "
        f"{CJK_FONT_FILES[0]} is missing): install the Debian package {CJK_PACKAGE} "
        f"(apt-get install {CJK_PACKAGE}) to render the PDF with Chinese text"
    )


def money(value: float | None, lang: str) -> str:
    """USD amounts as read aloud: 'USD 1.02 tn' or '10,200.0 亿美元'."""
    if value is None:
        return "–"
    if lang == "zh":
        if abs(value) >= 1e8:
            return f"{value / 1e8:,.1f} 亿美元"
        return f"{value / 1e4:,.1f} 万美元"
    for size, word in ((1e12, "tn"), (1e9, "bn"), (1e6, "m")):
        if abs(value) >= size:
            return f"USD {value / size:,.2f} {word}"
    return f"USD {value:,.0f}"


def number(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _map_svg(content: BriefContent, topology: Mapping[str, Any] | None) -> dict[str, Any] | None:
    portfolio = content.section("portfolio")
    if topology is None or not portfolio.ok:
        return None
    rows = portfolio.data["country"]["rows"]
    values = {str(r["country"]): float(r["amount"] or 0.0) for r in rows if r.get("country")}
    names = {code: content.country_names.get(code, code) for code in values}
    breaks = worldmap.quantile_breaks(list(values.values()))
    return {
        "svg": worldmap.choropleth(topology, values, names=names),
        "legend": [
            {"colour": c, "upto": money(b, content.lang)}
            for c, b in zip(worldmap.class_colours(breaks), breaks, strict=True)
        ],
        "countries": len([v for v in values.values() if v > 0]),
        "top": sorted(values.items(), key=lambda kv: -kv[1])[:10],
        "names": names,
        "measure": portfolio.data["country"]["measure"],
        "base_year": portfolio.data["country"]["base_year"],
    }


def _sector(content: BriefContent, code: Any) -> str:
    name = content.sector_names.get(str(code))
    return f"{name} ({code})" if name else str(code or "?")


def _charts(content: BriefContent) -> dict[str, str]:
    lang = content.lang
    out: dict[str, str] = {}
    portfolio = content.section("portfolio")
    if portfolio.ok:
        sectors = [r for r in portfolio.data["sector"]["rows"] if r.get("amount")]
        sectors.sort(key=lambda r: -float(r["amount"]))
        out["sectors"] = charts.bar_chart(
            [(_sector(content, r.get("sector")), float(r["amount"])) for r in sectors[:10]],
            value_format=lambda v: money(v, lang),
        )  # fmt: skip
    funnel = content.section("funnel")
    if funnel.ok:
        ladder = [r for r in funnel.data["rows"] if r["reached"] is not None]
        out["funnel"] = charts.funnel_chart([(str(r["stage"]), float(r["reached"] or 0))
                                             for r in ladder])  # fmt: skip
    risks = content.section("risks")
    if risks.ok:
        stress = risks.data["stress"]
        hist = stress.get("loss_histogram") or stress.get("histogram")
        if hist and hist.get("edges") and hist.get("counts"):
            markers = [
                (f"VaR {q}%", stress["var"][q]) for q in ("99", "99.9") if q in stress["var"]
            ]
            out["losses"] = charts.histogram(hist["edges"], hist["counts"], markers=markers,
                                             value_format=lambda v: money(v, lang))  # fmt: skip
        by_country = stress.get("by_country") or []
        if by_country:
            out["stress_countries"] = charts.bar_chart(
                [(content.country_names.get(str(c["country"]), str(c["country"])),
                  float(c.get("expected_loss") or 0.0)) for c in by_country[:10]],
                value_format=lambda v: money(v, lang), colour="#b22222",
            )  # fmt: skip
    return out


def load_topology(path: Path | None) -> dict[str, Any] | None:
    if path is None or not path.is_file():
        return None
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def render_html(
    content: BriefContent,
    *,
    topology: Mapping[str, Any] | None = None,
    font_path: Path | None = None,
) -> str:
    """The brief as one self-contained HTML document (inline SVG, no script)."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("beltroad", "report/templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    lang = content.lang
    env.globals.update(
        t=lambda key: text(lang, key),
        money=lambda v: money(v, lang),
        number=number,
        pct=pct,
        figure_name=lambda key: FIGURE_NAMES.get(key, {}).get(lang, key.replace("_", " ")),
    )
    template = env.get_template("brief.html")
    return template.render(
        brief=content,
        s=content.sections,
        lang=lang,
        map=_map_svg(content, topology),
        charts=_charts(content),
        font_url=font_path.as_uri() if font_path else None,
        messages=MESSAGES,
    )


def render_pdf(html: str, out: Path, *, base_url: str | None = None) -> int:
    """Write ``html`` as PDF to ``out``; returns the number of pages."""
    try:
        from weasyprint import HTML
    except ImportError as exc:  # the optional extra ``pdf``
        raise MissingDependency("weasyprint", "pdf", "the PDF brief") from exc
    document = HTML(string=html, base_url=base_url).render()
    document.write_pdf(out)
    return len(document.pages)


__all__ = ["FontMissing", "find_cjk_font", "load_topology", "money", "render_html", "render_pdf"]
