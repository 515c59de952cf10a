"""Problems found in content: one type for errors and warnings, collected, never raised alone.

A `Problem` carries everything an editor needs to fix a mistake: the file, the line and
column, the field path and what was expected. The build collects them all and the CLI prints
them; no stage prints anything itself.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path


class Severity(Enum):
    error = "error"
    warning = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    column: int
    field: str
    message: str
    severity: Severity = dataclasses.field(default=Severity.error, compare=False)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        subject = f" {self.field}:" if self.field else ""
        tag = "" if self.severity is Severity.error else " warning:"
        return f"{where}:{tag}{subject} {self.message}"


def field_path(loc: tuple[str | int, ...]) -> str:
    """Render a location such as ('pros', 2, 'text') as `pros[2].text`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


@dataclass
class Problems:
    """A collector of problems, shared by every stage of one run."""

    items: list[Problem] = field(default_factory=list)

    def add(
        self,
        file: Path | str,
        line: int,
        column: int,
        loc: tuple[str | int, ...] | str,
        message: str,
        severity: Severity = Severity.error,
    ) -> None:
        path = loc if isinstance(loc, str) else field_path(loc)
        self.items.append(Problem(str(file), line, column, path, message, severity))

    @property
    def errors(self) -> list[Problem]:
        return sorted(p for p in self.items if p.severity is Severity.error)

    @property
    def warnings(self) -> list[Problem]:
        return sorted(p for p in self.items if p.severity is Severity.warning)

    def __bool__(self) -> bool:
        return bool(self.items)


class ContentError(Exception):
    """Raised at the end of a stage when content had errors; carries all of them."""

    def __init__(self, problems: list[Problem], warnings: list[Problem] | None = None) -> None:
        super().__init__(f"{len(problems)} problem(s) in content")
        self.problems = problems
        self.warnings = warnings or []
