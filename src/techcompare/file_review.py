"""Content-quality warnings about one file alone, found as the file is read.

Input: a content file's data as read and the model it validated to. Output: its notes,
(where, message) pairs that `quality.py` reports as warnings: placeholders left in, and the
parts of a comparison page that are empty. They are found in the loading worker, while the
whole file is at hand, so that a loaded site need not unpack its comparisons (`packed.py`)
to review them. Warnings that weigh a file against others, or against the date, are
`quality.py`'s own.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .models import Comparison
from .yaml_source import Loc

# Values left by `techcompare new` that must not reach a published page.
PLACEHOLDERS = ("TODO", "example.com")

# Optional parts of a comparison page, by field, with the words a warning uses for them.
COMPARISON_SECTIONS = {
    "intro": "the introduction",
    "benchmark_context": "the benchmark context",
    "community_insights": "the community insights",
    "cost_summary": "the cost summary",
    "industry_metrics": "the industry metrics",
    "side_by_side": "the side-by-side task",
    "analysis": "the analysis",
    "decision_guide": "the decision guide",
    "recommendation": "the recommendation",
    "bottom_line": "the bottom line",
    "faq": "the FAQ",
    "related": "the related comparisons",
}


def file_notes(data: dict[str, Any], model: object) -> tuple[tuple[Loc, str], ...]:
    """The notes on a file whose top-level mapping is `data`, validated to `model`."""
    notes = [
        (loc, f"placeholder `{found}` left in; replace it") for loc, found in _placeholders(data)
    ]
    if isinstance(model, Comparison):
        notes += _comparison_notes(model)
    return tuple(notes)


def _placeholders(data: dict[str, Any]) -> list[tuple[Loc, str]]:
    """Where `data` holds a placeholder, in text outside code samples (which may use
    example.com on purpose), and which placeholder."""
    found: list[tuple[Loc, str]] = []
    _find_placeholders(data, [], found)
    return found


def _find_placeholders(value: Any, path: list[str | int], found: list[tuple[Loc, str]]) -> None:
    # Every value of every file passes here: a path is made only for a placeholder found, and
    # text is looked at where its mapping or list is walked. (Nesting is at most
    # `yaml_source.MAX_DEPTH` deep.)
    items: Any = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        if key == "code":
            continue
        if isinstance(item, str):
            for placeholder in PLACEHOLDERS:
                if placeholder in item:
                    found.append(((*path, key), placeholder))
                    break
        elif isinstance(item, (dict, list)):
            path.append(key)
            _find_placeholders(item, path, found)
            path.pop()


def _comparison_notes(comparison: Comparison) -> Iterator[tuple[Loc, str]]:
    for name, words in COMPARISON_SECTIONS.items():
        if not getattr(comparison, name):
            yield (name,), f"{words} is empty; the page will skip that section"
    if comparison.decision_guide:
        for slug in comparison.technologies:
            if slug not in comparison.decision_guide:
                yield ("decision_guide",), f"no `Choose … if` situations for `{slug}`"
