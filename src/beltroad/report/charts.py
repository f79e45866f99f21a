"""Vector charts as inline SVG strings: horizontal bars, a histogram, a funnel.

Pure: numbers and labels in, SVG text out (no JavaScript, no raster), so the HTML and the PDF
draw the same vectors and their labels stay searchable text.

>>> svg = bar_chart([("A", 3.0), ("B", 1.0)], width=300)
>>> svg.startswith("<svg") and ">A</text>" in svg
True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from xml.sax.saxutils import escape

FONT = "font-family=\"'Noto Sans CJK SC', 'Noto Sans', sans-serif\""
BAR = "#2b6f9e"
AXIS = "#555555"


def _fmt(value: float) -> str:
    return f"{value:,.0f}"


def bar_chart(
    items: Sequence[tuple[str, float]],
    *,
    width: int = 640,
    bar_height: int = 18,
    label_width: int = 200,
    value_format: Callable[[float], str] = _fmt,
    colour: str = BAR,
) -> str:
    """Horizontal bars, one per (label, value), longest value to scale; negatives drawn as 0."""
    rows = list(items)
    height = max(1, len(rows)) * (bar_height + 6) + 8
    top = max((v for _l, v in rows), default=0.0)
    span = width - label_width - 90
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" {FONT} font-size="11">'
    ]
    for i, (label, value) in enumerate(rows):
        y = 4 + i * (bar_height + 6)
        length = 0.0 if top <= 0 else max(0.0, value) / top * span
        parts.append(
            f'<text x="{label_width - 6}" y="{y + bar_height - 5}" text-anchor="end" '
            f'fill="{AXIS}">{escape(label)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" '
            f'fill="{colour}"/>'
            f'<text x="{label_width + length + 4:.1f}" y="{y + bar_height - 5}" '
            f'fill="{AXIS}">{escape(value_format(value))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def histogram(
    edges: Sequence[float],
    counts: Sequence[float],
    *,
    width: int = 640,
    height: int = 200,
    markers: Sequence[tuple[str, float]] = (),
    value_format: Callable[[float], str] = _fmt,
) -> str:
    """Bars over ``edges`` (len(counts) + 1), with labelled vertical markers (VaR, ES)."""
    if len(edges) != len(counts) + 1 or not counts:
        raise ValueError("a histogram needs len(counts) + 1 edges and at least one bin")
    left, bottom, plot_h = 10, 30, height - 50
    lo, hi = float(edges[0]), float(edges[-1])
    scale = (width - 2 * left) / (hi - lo) if hi > lo else 0.0
    peak = max(max(counts), 1e-12)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" {FONT} font-size="10">'
    ]
    base = height - bottom
    for i, c in enumerate(counts):
        x0 = left + (float(edges[i]) - lo) * scale
        x1 = left + (float(edges[i + 1]) - lo) * scale
        h = float(c) / peak * plot_h
        parts.append(
            f'<rect x="{x0:.1f}" y="{base - h:.1f}" width="{max(x1 - x0 - 0.5, 0.5):.1f}" '
            f'height="{h:.1f}" fill="{BAR}"/>'
        )
    parts.append(
        f'<line x1="{left}" y1="{base}" x2="{width - left}" y2="{base}" stroke="{AXIS}"/>'
        f'<text x="{left}" y="{base + 14}" fill="{AXIS}">{escape(value_format(lo))}</text>'
        f'<text x="{width - left}" y="{base + 14}" text-anchor="end" fill="{AXIS}">'
        f"{escape(value_format(hi))}</text>"
    )
    for i, (label, at) in enumerate(markers):
        x = left + (min(max(float(at), lo), hi) - lo) * scale
        parts.append(
            f'<line x1="{x:.1f}" y1="{base}" x2="{x:.1f}" y2="{12 + 12 * i}" stroke="#b22222" '
            f'stroke-dasharray="3,2"/><text x="{x + 3:.1f}" y="{20 + 12 * i}" fill="#b22222">'
            f"{escape(label)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def funnel_chart(stages: Sequence[tuple[str, float]], *, width: int = 640) -> str:
    """Centred bars narrowing with the stages' values (projects reaching each stage)."""
    rows = list(stages)
    bar_h = 22
    height = max(1, len(rows)) * (bar_h + 4) + 6
    top = max((v for _l, v in rows), default=0.0)
    centre = width * 0.62
    span = width * 0.72
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" {FONT} font-size="11">'
    ]
    for i, (label, value) in enumerate(rows):
        w = 0.0 if top <= 0 else max(0.0, value) / top * span
        y = 3 + i * (bar_h + 4)
        w = min(w, 2 * (width - centre))
        parts.append(
            f'<rect x="{centre - w / 2:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" '
            f'fill="{BAR}" opacity="{1 - 0.07 * i:.2f}"/>'
            f'<text x="4" y="{y + bar_h - 7}" fill="{AXIS}">{escape(label)}: '
            f"{escape(_fmt(value))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


__all__ = ["bar_chart", "funnel_chart", "histogram"]
