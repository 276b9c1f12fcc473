"""The report's charts as inline SVG (no scripts, no external resources), each with a label.

The geometry is computed here; the markup is in templates/charts.svg.j2.
"""

from __future__ import annotations

import math

from sidebyside.report.render import macro
from sidebyside.report.tables import fmt
from sidebyside.results import Figures, Results

COLORS = {"django": "#0c4b33", "flask-sql": "#3b7dd8", "flask-mongo": "#4faa41"}


def bar_chart(title: str, bars: list[tuple[str, float | None]], unit: str) -> str:
    """A horizontal bar chart as inline SVG (no scripts, no external resources)."""
    values = [value for _, value in bars if value]
    if not values:
        return ""
    top = max(values)
    row, label_w, bar_w = 22, 230, 560
    shapes = [
        {
            "label": label,
            "x": label_w,
            "y": 24 + index * row,
            "width": 0 if not value else max(1, value / top * bar_w),
            "height": row - 6,
            "colour": next((c for name, c in COLORS.items() if label.startswith(name)), "#999"),
            "value": fmt(value),
        }
        for index, (label, value) in enumerate(bars)
    ]
    return macro(
        "charts.svg.j2", "bar_chart", title=title, bars=shapes, unit=unit,
        width=label_w + bar_w + 120, height=row * len(bars) + 30,
    )  # fmt: skip


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
    section = results.get("layers")
    targets: dict[str, Figures] = section["targets"] if section else {}
    bars = [
        (f"{target} {endpoint}", e["layers_ms"])
        for target, figures in targets.items()
        for endpoint, e in figures.get("endpoints", {}).items()
    ]
    if not bars:
        return ""
    top = max(sum(layers.values()) for _, layers in bars) or 1
    row, label_w, bar_w = 20, 260, 640
    legend_y = 24 + row * len(bars) + 10
    shapes = []
    for index, (label, layers) in enumerate(bars):
        x, segments = float(label_w), []
        for layer, ms in layers.items():
            width = ms / top * bar_w
            segments.append(
                {"layer": layer, "ms": ms, "x": x, "width": width, "colour": layer_colour(layer)}
            )
            x += width
        shapes.append({
            "label": label, "y": 24 + index * row, "height": row - 5, "segments": segments,
            "end": x, "total": sum(layers.values()),
        })  # fmt: skip
    legend = [
        {
            "x": (index % 4) * 230,
            "y": legend_y + (index // 4) * 20,
            "colour": colour,
            "name": prefix or "view code, DRF dispatch, other",
        }
        for index, (prefix, colour) in enumerate(LAYER_GROUPS)
    ]
    return macro(
        "charts.svg.j2", "layers_chart", bars=shapes, legend=legend,
        width=label_w + bar_w + 90, height=legend_y + 20 * ((len(LAYER_GROUPS) + 3) // 4) + 10,
    )  # fmt: skip


def scaling_chart(results: Results) -> str:
    """ms (log scale) against catalogue size (log scale), one line per target and curve:
    a flat curve is level, and each decade up the page is ten times slower."""
    section = results.get("scaling") or {}
    lines: dict[str, list[tuple[int, float]]] = {}
    for target, sizes in section.get("targets", {}).items():
        for size, figures in sizes.items():
            for endpoint, e in figures.get("endpoints", {}).items():
                lines.setdefault(f"{target} {endpoint}", []).append((int(size), e["ms"]))
    if not lines:
        return ""
    all_sizes = sorted({size for points in lines.values() for size, _ in points})
    measured = [ms for points in lines.values() for _, ms in points if ms > 0] or [1.0]
    bottom = math.floor(math.log10(min(measured)))
    top = max(bottom + 1, math.ceil(math.log10(max(measured))))
    left, width, height = 60, 520, 260
    low, high = math.log10(all_sizes[0]), math.log10(all_sizes[-1]) or 1

    def x(size: int) -> float:
        return left + (0 if high == low else (math.log10(size) - low) / (high - low) * width)

    def y(ms: float) -> float:
        return 20 + height - (math.log10(max(ms, 10.0**bottom)) - bottom) / (top - bottom) * height

    dashes = {"list": "", "304 list": "1 3", "list by price": "8 2 2 2", "search": "6 3",
              "detail": "2 3", "stats": "10 3 2 3"}  # fmt: skip
    shapes = []
    for index, (label, points) in enumerate(sorted(lines.items())):
        target, endpoint = label.split(" ", 1)
        shapes.append({
            "label": label,
            "colour": COLORS.get(target, "#999"),
            "dashes": dashes.get(endpoint, ""),
            "points": " ".join(f"{x(size):.1f},{y(ms):.1f}" for size, ms in sorted(points)),
            "legend_y": 30 + index * 16,
        })  # fmt: skip
    ticks = [{"size": size, "x": x(size)} for size in all_sizes]
    levels = [{"ms": f"{10.0**power:g}", "y": y(10.0**power)} for power in range(bottom, top + 1)]
    return macro(
        "charts.svg.j2", "scaling_chart", left=left, width=width,
        height=max(height, 30 + 16 * len(shapes)), top=20 + height, ticks=ticks, levels=levels,
        lines=shapes,
    )  # fmt: skip
