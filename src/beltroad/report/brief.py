"""Gather, render and write the brief: the one call the CLI and the web application make."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from beltroad.report.render import find_cjk_font, load_topology, render_html, render_pdf
from beltroad.services.report import BRIEF_STRESS_SCENARIOS, check_language, gather_brief
from beltroad.services.workspace import open_workspace
from beltroad.settings import Settings


@dataclass
class BriefResult:
    path: Path
    lang: str
    pages: int | None
    gather_s: float
    render_s: float
    missing: dict[str, str] = field(default_factory=dict)


def _topology_file(settings: Settings) -> Path | None:
    from beltroad.services.data import available_file

    return available_file(settings, "naturalearth-110m")


def build_html(
    settings: Settings,
    *,
    lang: str = "en",
    pdf: bool = False,
    stress_scenarios: int = BRIEF_STRESS_SCENARIOS,
    seed: int | None = None,
) -> tuple[str, dict[str, str], float, float]:
    """The brief's HTML, the sections not computed (key -> why), gather and render seconds."""
    check_language(lang)
    # Fail before the minutes of gathering when the PDF cannot carry Chinese text.
    font = find_cjk_font() if pdf else None
    start = time.perf_counter()
    workspace = open_workspace(settings)
    try:
        content = gather_brief(workspace, lang=lang, stress_scenarios=stress_scenarios, seed=seed)
    finally:
        workspace.close()
    gathered = time.perf_counter()
    html = render_html(content, topology=load_topology(_topology_file(settings)), font_path=font)
    missing = {k: s.missing for k, s in content.sections.items() if s.missing is not None}
    return html, missing, gathered - start, time.perf_counter() - gathered


def write_brief(
    settings: Settings,
    out: Path,
    *,
    lang: str = "en",
    pdf: bool = False,
    stress_scenarios: int = BRIEF_STRESS_SCENARIOS,
    seed: int | None = None,
) -> BriefResult:
    """Write the brief to ``out`` as HTML, or as PDF when ``pdf``; nothing is half written."""
    html, missing, gather_s, render_s = build_html(
        settings, lang=lang, pdf=pdf, stress_scenarios=stress_scenarios, seed=seed
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".part")
    start = time.perf_counter()
    pages = None
    try:
        if pdf:
            pages = render_pdf(html, partial)
        else:
            partial.write_text(html, encoding="utf-8")
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return BriefResult(out, lang, pages, gather_s, render_s + time.perf_counter() - start, missing)


__all__ = ["BriefResult", "build_html", "write_brief"]
