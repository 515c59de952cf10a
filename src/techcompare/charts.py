"""Chart specifications for Plotly, as plain data: the browser's plotly.js draws them.

A chart shows one metric on one axis with its unit. Each technology is a horizontal range
(a thick line from `min` to `max`, or a dot for a single value), so readers see spreads
instead of one invented number. Colours follow the technology's place in the comparison.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .figures import format_figure
from .models import Better, Figure, Metric

# Okabe-Ito: distinguishable with the common forms of colour blindness, on light and dark.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")


@dataclass(frozen=True)
class Series:
    name: str
    color: str
    figures: tuple[Figure, ...]


def range_chart(metric: Metric, series: list[Series]) -> dict[str, Any]:
    """A Plotly figure (data and layout) comparing the technologies' figures for `metric`."""
    data: list[dict[str, Any]] = []
    values: list[float] = []
    for entry in series:
        for figure in entry.figures:
            label = entry.name if figure.subject is None else f"{entry.name} ({figure.subject})"
            xs = [figure.low] if figure.value is not None else [figure.low, figure.high]
            values += xs
            text = format_figure(figure, metric)
            data.append({
                "type": "scatter",
                "mode": "lines+markers",
                "orientation": "h",
                "name": label,
                "x": xs,
                "y": [label] * len(xs),
                "line": {"color": entry.color, "width": 14},
                "marker": {"color": entry.color, "size": 16, "symbol": "line-ns-open"
                           if len(xs) > 1 else "circle"},
                "hovertemplate": f"{_hover_escape(label)}: {_hover_escape(text)}<extra></extra>",
                "showlegend": False,
            })
    positive = [v for v in values if v > 0]
    log_axis = bool(positive) and len(positive) == len(values) and (
        max(positive) / min(positive) >= 100
    )
    direction = {Better.higher: " (higher is better)", Better.lower: " (lower is better)"}
    axis_title = f"{metric.unit}{direction.get(metric.better, '')}"
    rows = len({trace["name"] for trace in data})
    return {
        "data": data,
        "layout": {
            "height": 90 + 44 * rows,
            "margin": {"l": 10, "r": 20, "t": 10, "b": 50},
            "xaxis": {
                "title": {"text": axis_title},
                "type": "log" if log_axis else "linear",
                "rangemode": "tozero" if not log_axis else "normal",
                "zeroline": False,
                "automargin": True,
            },
            "yaxis": {"automargin": True, "autorange": "reversed", "fixedrange": True},
            "paper_bgcolor": "rgba(0,0,0,0)",
            "plot_bgcolor": "rgba(0,0,0,0)",
            "font": {"family": "system-ui, sans-serif", "size": 14},
            "showlegend": False,
        },
    }


def _hover_escape(text: str) -> str:
    """Plotly renders a subset of HTML in hover text; keep content text literal."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("%{", "%&#123;"))
