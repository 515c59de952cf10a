"""Print problems for people and machines: plain text, JSON, or GitHub Actions annotations."""

from __future__ import annotations

import json
from typing import Literal

from .problems import Problem

Format = Literal["text", "json", "github"]


def format_problems(errors: list[Problem], warnings: list[Problem], fmt: Format) -> str:
    """All problems in `fmt`, errors first; an empty string when there are none (text)."""
    if fmt == "json":
        return json.dumps(
            {
                "errors": [_as_dict(p) for p in errors],
                "warnings": [_as_dict(p) for p in warnings],
                "summary": {"errors": len(errors), "warnings": len(warnings)},
            },
            indent=2,
        )
    if fmt == "github":
        return (
            "\n".join(_annotation(p, "error") for p in errors)
            + ("\n" if errors and warnings else "")
            + "\n".join(_annotation(p, "warning") for p in warnings)
        )
    return "\n".join(str(p) for p in [*errors, *warnings])


def summary_line(errors: list[Problem], warnings: list[Problem]) -> str:
    return f"{len(errors)} error(s), {len(warnings)} warning(s)"


def _as_dict(problem: Problem) -> dict[str, object]:
    return {
        "file": problem.file,
        "line": problem.line,
        "column": problem.column,
        "field": problem.field,
        "message": problem.message,
        "severity": problem.severity.value,
    }


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _annotation(problem: Problem, level: str) -> str:
    """A workflow command GitHub shows on the line of the pull request's diff."""
    props = ",".join(
        [
            f"file={_escape_property(problem.file)}",
            f"line={problem.line}",
            f"col={problem.column}",
            f"title={_escape_property(problem.field or 'content')}",
        ]
    )
    return f"::{level} {props}::{_escape_data(problem.message)}"
