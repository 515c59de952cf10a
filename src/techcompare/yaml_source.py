"""Read one YAML file into plain Python values, remembering where every value came from.

Content files may come from strangers, so this reader is stricter than `yaml.safe_load`:

- files over `MAX_FILE_BYTES` are refused before they are parsed;
- the text must be UTF-8 (a byte order mark and CRLF line ends are fine);
- duplicate keys in a mapping are errors (PyYAML silently keeps the last one);
- anchors' aliases, tags and nesting deeper than `MAX_DEPTH` are refused, which rules out
  alias bombs and the C parser's crash on very deep nesting;
- plain scalars follow the YAML 1.2 core schema with no surprises: `NO`, `on` and `2025-01-01`
  stay strings, `012` and `1_000` stay strings, only `true`/`false` are booleans.

The tree is built from the parser's event stream (libyaml when available), so positions are
exact and nothing recurses deeper than `MAX_DEPTH`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 40

Loc = tuple[str | int, ...]
Position = tuple[int, int]

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|(?:0|[1-9][0-9]*)(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_SPECIAL_FLOAT = {
    ".inf": float("inf"),
    ".Inf": float("inf"),
    ".INF": float("inf"),
    "+.inf": float("inf"),
    "-.inf": float("-inf"),
    "-.Inf": float("-inf"),
    ".nan": float("nan"),
    ".NaN": float("nan"),
    ".NAN": float("nan"),
}
_STR_TAG = "tag:yaml.org,2002:str"


class YamlError(Exception):
    """A file that cannot be read as content YAML, with the 1-based position of the fault."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


@dataclass(frozen=True)
class YamlDocument:
    """The values of one file and the position of each, keyed by its path in the tree."""

    data: Any
    positions: dict[Loc, Position]

    def position(self, loc: Loc) -> Position:
        """Where `loc` is, or its nearest enclosing value when it is absent (a missing field)."""
        for end in range(len(loc), -1, -1):
            found = self.positions.get(tuple(loc[:end]))
            if found is not None:
                return found
        return (1, 1)


def resolve_plain(text: str) -> Any:
    """Give a plain (unquoted) scalar its type under our strict core schema."""
    if _NULL.match(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    if text in _SPECIAL_FLOAT:
        return _SPECIAL_FLOAT[text]
    return text


def decode_text(raw: bytes) -> str:
    """Decode UTF-8 (with or without a BOM) or raise YamlError at the first bad byte."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise YamlError("the file is not valid UTF-8 text", line, column) from None


def read_yaml_file(path: Path) -> YamlDocument:
    """Read `path` into a YamlDocument, or raise YamlError."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise YamlError(
            f"the file is {size:,} bytes; content files may be at most {MAX_FILE_BYTES:,} bytes"
        )
    return parse_yaml(decode_text(path.read_bytes()))


def parse_yaml(text: str) -> YamlDocument:
    """Parse one YAML document from `text` into a YamlDocument, or raise YamlError."""
    if "\x00" in text:
        raise YamlError("the file contains a NUL character; it is not a text file")
    builder = _Builder(yaml.parse(text, Loader=_Loader))
    try:
        data = builder.document()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlError(f"invalid YAML: {problem}", line, column) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {exc}") from None
    return YamlDocument(data, builder.positions)


class _Builder:
    def __init__(self, events: Iterator[yaml.Event]) -> None:
        self.events = events
        self.positions: dict[Loc, Position] = {}

    def next(self) -> yaml.Event:
        return next(self.events)

    def document(self) -> Any:
        self.expect(self.next(), yaml.StreamStartEvent)
        event = self.next()
        if isinstance(event, yaml.StreamEndEvent):
            raise YamlError("the file is empty")
        self.expect(event, yaml.DocumentStartEvent)
        data = self.node(self.next(), (), 0)
        self.expect(self.next(), yaml.DocumentEndEvent)
        event = self.next()
        if not isinstance(event, yaml.StreamEndEvent):
            line, column = _where(event)
            raise YamlError("a content file holds one YAML document, found another", line, column)
        if data is None:
            raise YamlError("the file is empty")
        return data

    @staticmethod
    def expect(event: yaml.Event, kind: type[yaml.Event]) -> None:
        if not isinstance(event, kind):  # pragma: no cover - the parser guarantees the order
            raise YamlError(f"unexpected {type(event).__name__}", *_where(event))

    def node(self, event: yaml.Event, loc: Loc, depth: int) -> Any:
        where = _where(event)
        self.positions.setdefault(loc, where)
        if isinstance(event, yaml.AliasEvent):
            raise YamlError("aliases (*name) are not allowed in content files", *where)
        tag = getattr(event, "tag", None)
        if isinstance(event, yaml.ScalarEvent):
            if tag not in (None, "!", _STR_TAG):
                raise YamlError(f"YAML tags such as {tag} are not allowed in content", *where)
            if tag == _STR_TAG or not event.implicit[0]:
                return event.value
            return resolve_plain(event.value)
        if tag is not None:
            raise YamlError(f"YAML tags such as {tag} are not allowed in content", *where)
        if depth >= MAX_DEPTH:
            raise YamlError(f"nesting is deeper than {MAX_DEPTH} levels", *where)
        if isinstance(event, yaml.SequenceStartEvent):
            items: list[Any] = []
            while not isinstance(event := self.next(), yaml.SequenceEndEvent):
                items.append(self.node(event, (*loc, len(items)), depth + 1))
            return items
        if isinstance(event, yaml.MappingStartEvent):
            mapping: dict[str, Any] = {}
            key_lines: dict[str, int] = {}
            while not isinstance(event := self.next(), yaml.MappingEndEvent):
                key_where = _where(event)
                if not isinstance(event, yaml.ScalarEvent):
                    raise YamlError("mapping keys must be plain text", *key_where)
                if event.tag not in (None, "!", _STR_TAG):
                    raise YamlError(
                        f"YAML tags such as {event.tag} are not allowed in content", *key_where
                    )
                key = event.value
                if key in mapping:
                    raise YamlError(
                        f"duplicate key `{key}` (first given on line {key_lines[key]})",
                        *key_where,
                    )
                key_lines[key] = key_where[0]
                self.positions[(*loc, key)] = key_where
                mapping[key] = self.node(self.next(), (*loc, key), depth + 1)
                self.positions[(*loc, key)] = key_where
            return mapping
        raise YamlError(f"unexpected {type(event).__name__}", *where)  # pragma: no cover


def _where(event: yaml.Event) -> Position:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
