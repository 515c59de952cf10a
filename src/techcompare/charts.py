"""Chart specifications for Plotly, as plain data: the browser's plotly.js draws them.

The spec holds what the data decides (values, labels, colours, axis type and title); the
look shared by every chart (trace style, margins, fonts, theme colours) is applied by
`static/charts.js`, so it is sent once rather than with every chart.

A chart shows one metric on one axis with its unit. Each technology is a horizontal range
(a thick line from `min` to `max`, or a dot for a single value), so readers see spreads
instead of one invented number. Colours follow the technology's place in the comparison.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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
    rows: list[str] = []
    for entry in series:
        # One trace per technology; None breaks the line between its figures.
        xs: list[float | None] = []
        ys: list[str | None] = []
        for figure in entry.figures:
            name = entry.name if figure.subject is None else f"{entry.name} ({figure.subject})"
            label = _plotly_text(name)
            rows.append(label)
            ends = [figure.low] if figure.value is not None else [figure.low, figure.high]
            values += ends
            if xs:
                xs.append(None)
                ys.append(None)
            xs += ends
            ys += [label] * len(ends)
        data.append(
            {
                "name": entry.name,
                "x": [_compact(x) for x in xs],
                "y": ys,
                "line": {"color": entry.color},
                "marker": {"color": entry.color},
            }
        )
    positive = [v for v in values if v > 0]
    log_axis = (
        bool(positive) and len(positive) == len(values) and (max(positive) / min(positive) >= 100)
    )
    direction = {Better.higher: " (higher is better)", Better.lower: " (lower is better)"}
    axis_title = f"{metric.unit}{direction.get(metric.better, '')}"
    return {
        "unit": _plotly_text(metric.unit),
        "data": data,
        "layout": {
            "height": 90 + 44 * len(rows),
            "xaxis": {
                "title": {"text": axis_title},
                "type": "log" if log_axis else "linear",
                "rangemode": "normal" if log_axis else "tozero",
                # Label only the powers of ten on a log axis; the 2s and 5s between clutter it.
                **({"dtick": 1} if log_axis else {}),
            },
        },
    }


def _compact(number: float | None) -> float | int | None:
    """Whole numbers as ints, so the JSON reads `5000` rather than `5000.0`."""
    if number is not None and number == int(number):
        return int(number)
    return number


def _plotly_text(text: str) -> str:
    """Plotly reads a subset of HTML in labels and hover text: keep content text literal."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("%{", "%&#123;")
    )
