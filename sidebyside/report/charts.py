"""The report's charts as inline SVG (no scripts, no external resources), each with a label."""

from __future__ import annotations

import html
import math

from sidebyside.report.tables import fmt
from sidebyside.results import Results

COLORS = {"django": "#0c4b33", "flask-sql": "#3b7dd8", "flask-mongo": "#4faa41"}


def bar_chart(title: str, bars: list[tuple[str, float | None]], unit: str) -> str:
    """A horizontal bar chart as inline SVG (no scripts, no external resources)."""
    values = [value for _, value in bars if value]
    if not values:
        return ""
    top = max(values)
    row, label_w, bar_w = 22, 230, 560
    height = row * len(bars) + 30
    parts = [
        f'<svg role="img" aria-label="{html.escape(title)}" width="{label_w + bar_w + 120}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg">',
        f'<text x="0" y="14" font-weight="bold">{html.escape(title)}</text>',
    ]
    for index, (label, value) in enumerate(bars):
        y = 24 + index * row
        width = 0 if not value else max(1, value / top * bar_w)
        color = next((c for name, c in COLORS.items() if label.startswith(name)), "#999")
        parts.append(f'<text x="0" y="{y + 13}">{html.escape(label)}</text>')
        parts.append(
            f'<rect x="{label_w}" y="{y}" width="{width:.1f}" height="{row - 6}" fill="{color}"/>'
        )
        parts.append(f'<text x="{label_w + width + 6:.1f}" y="{y + 13}">{fmt(value)} {unit}</text>')
    parts.append("</svg>")
    return "".join(parts)


# Colour families of the stacked bars; every layer keeps its own name in the tables.
LAYER_GROUPS = [
    ("database execution", "#8c2d04"),
    ("query building", "#d94801"),
    ("materialisation", "#fd8d3c"),
    ("serialization", "#6a51a3"),
    ("template rendering", "#9e9ac8"),
    ("negotiation and rendering", "#2171b5"),
    ("gzip", "#6baed6"),
    ("middleware", "#238b45"),
    ("hook", "#74c476"),
    ("sessions", "#a1d99b"),
    ("authentication", "#e7298a"),
    ("permissions", "#f768a1"),
    ("routing", "#fec44f"),
    ("WSGI", "#969696"),
    ("", "#cccccc"),  # DRF dispatch / view code and other
]


def layer_colour(layer: str) -> str:
    return next(colour for prefix, colour in LAYER_GROUPS if layer.startswith(prefix))


def layers_chart(results: Results) -> str:
    """One stacked bar per target and endpoint, each layer a segment (title = its name)."""
    section = results.get("layers") or {"targets": {}}
    bars = [
        (f"{target} {endpoint}", e["layers_ms"])
        for target, figures in section["targets"].items()
        for endpoint, e in figures.get("endpoints", {}).items()
    ]
    if not bars:
        return ""
    top = max(sum(layers.values()) for _, layers in bars) or 1
    row, label_w, bar_w = 20, 260, 640
    legend_y = 24 + row * len(bars) + 10
    height = legend_y + 20 * ((len(LAYER_GROUPS) + 3) // 4) + 10
    parts = [
        f'<svg role="img" aria-label="Time per layer, per target and endpoint (ms); the table '
        f'below has the figures" width="{label_w + bar_w + 90}" height="{height}" '
        'xmlns="http://www.w3.org/2000/svg">',
        '<text x="0" y="14" font-weight="bold">Time per layer (ms, in-process)</text>',
    ]
    for index, (label, layers) in enumerate(bars):
        y, x = 24 + index * row, float(label_w)
        parts.append(f'<text x="0" y="{y + 12}">{html.escape(label)}</text>')
        for layer, ms in layers.items():
            width = ms / top * bar_w
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{width:.2f}" height="{row - 5}" '
                f'fill="{layer_colour(layer)}"><title>{html.escape(layer)}: {ms:.3f} ms</title>'
                "</rect>"
            )
            x += width
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 12}">{sum(layers.values()):.2f}</text>')
    for index, (prefix, colour) in enumerate(LAYER_GROUPS):
        x, y = (index % 4) * 230, legend_y + (index // 4) * 20
        name = prefix or "view code, DRF dispatch, other"
        parts.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16}" y="{y + 11}">{html.escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def scaling_chart(results: Results) -> str:
    """ms against catalogue size (log scale), one line per target and endpoint."""
    section = results.get("scaling") or {}
    lines: dict[str, list[tuple[int, float]]] = {}
    for target, sizes in section.get("targets", {}).items():
        for size, figures in sizes.items():
            for endpoint, e in figures.get("endpoints", {}).items():
                lines.setdefault(f"{target} {endpoint}", []).append((int(size), e["ms"]))
    if not lines:
        return ""
    all_sizes = sorted({size for points in lines.values() for size, _ in points})
    top = max(ms for points in lines.values() for _, ms in points) or 1
    left, width, height = 50, 520, 260
    low, high = math.log10(all_sizes[0]), math.log10(all_sizes[-1]) or 1

    def x(size: int) -> float:
        return left + (0 if high == low else (math.log10(size) - low) / (high - low) * width)

    def y(ms: float) -> float:
        return 20 + height - ms / top * height

    dashes = {"list": "", "search": "6 3", "detail": "2 3", "stats": "10 3 2 3"}
    parts = [
        f'<svg role="img" aria-label="Latency (ms) against catalogue size; the table below has '
        f'the figures" width="{left + width + 230}" height="{height + 60}" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<line x1="{left}" y1="{20 + height}" x2="{left + width}" y2="{20 + height}" '
        'stroke="#333"/>',
        f'<line x1="{left}" y1="20" x2="{left}" y2="{20 + height}" stroke="#333"/>',
        f'<text x="0" y="14">{top:.0f} ms</text>',
    ]
    for size in all_sizes:
        parts.append(f'<text x="{x(size) - 15:.0f}" y="{height + 38}">{size}</text>')
    for index, (label, points) in enumerate(sorted(lines.items())):
        target, endpoint = label.split(" ", 1)
        colour = COLORS.get(target, "#999")
        path = " ".join(f"{x(size):.1f},{y(ms):.1f}" for size, ms in sorted(points))
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2" '
            f'stroke-dasharray="{dashes.get(endpoint, "")}"><title>{html.escape(label)}</title>'
            "</polyline>"
        )
        legend_y = 30 + index * 16
        parts.append(
            f'<line x1="{left + width + 20}" y1="{legend_y - 4}" x2="{left + width + 50}" '
            f'y2="{legend_y - 4}" stroke="{colour}" stroke-width="2" '
            f'stroke-dasharray="{dashes.get(endpoint, "")}"/>'
        )
        parts.append(f'<text x="{left + width + 56}" y="{legend_y}">{html.escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
