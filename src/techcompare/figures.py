"""How figures read as text: numbers with their unit, ranges, estimates and lower bounds."""

from __future__ import annotations

from datetime import date

from .models import Figure, Metric


def human_date(value: date | str) -> str:
    """`2025-06-01` -> `1 June 2025`."""
    day = value if isinstance(value, date) else date.fromisoformat(value)
    return f"{day.day} {day:%B %Y}"


def format_number(number: float) -> str:
    """`15000` -> `15,000`; `0.05` -> `0.05`; `2.0` -> `2`."""
    if number == int(number) and abs(number) < 1e15:
        return f"{int(number):,}"
    if abs(number) >= 100:
        return f"{number:,.0f}"
    return f"{number:.3g}"


def format_figure(figure: Figure, metric: Metric) -> str:
    """A figure as a reader sees it, such as `~5,000–15,000 requests/s`."""
    if figure.value is not None:
        amount = format_number(figure.value)
    else:
        amount = f"{format_number(figure.low)}–{format_number(figure.high)}"
    prefix = ("<" if figure.or_less else "") + ("~" if figure.approximate else "")
    suffix = "+" if figure.or_more else ""
    return f"{prefix}{amount}{suffix} {metric.unit}"
