"""Read one YAML file into plain Python values, remembering where every value came from.

Content files may come from strangers, so this reader is stricter than `yaml.safe_load`:

- files over `MAX_FILE_BYTES` are refused before they are parsed;
- the text must be UTF-8 (a byte order mark and CRLF line ends are fine);
- duplicate keys in a mapping are errors (PyYAML silently keeps the last one);
- anchors' aliases, tags, nesting deeper than `MAX_DEPTH` and files of more than `MAX_VALUES`
  values are refused, which rules out alias bombs, the C parser's crash on very deep nesting,
  and small files that cost seconds and gigabytes to validate;
- plain scalars follow the YAML 1.2 core schema with no surprises: `NO`, `on` and `2025-01-01`
  stay strings, `012` and `1_000` stay strings, only `true`/`false` are booleans;
- control characters are refused in values even when written as escapes (`"\\e"`), as YAML
  refuses them raw: they are invalid in HTML and XML; keys must be one line of printable text,
  so an error message naming a key cannot rewrite the terminal it is printed on.

Tabs may indent a file although YAML forbids them (see `expand_tab_indentation`): when a file
fails to parse and tabs start some of its lines, it is parsed again with each tab in a line's
indentation read as `TAB_WIDTH` spaces; tabs inside the text of a block scalar (`|`, `>`),
such as the indentation of Go code or a Makefile, stay tabs.

The tree is built from the parser's event stream (libyaml when available), so positions are
exact and nothing recurses deeper than `MAX_DEPTH`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 40
# Real content files hold a few hundred values; half a million one-digit numbers fit in the
# size limit and would take seconds to read and gigabytes to report on.
MAX_VALUES = 20_000
TAB_WIDTH = 2

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
# Characters YAML allows in a file (libyaml refuses the others raw); escapes may produce any.
_UNPRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Keys also may not hold tabs or line breaks (U+2028 and U+2029 included).
_UNPRINTABLE_IN_KEY = re.compile(
    "[^\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
_SURROGATE = re.compile("[\ud800-\udfff]")
_TAB_INDENTED = re.compile(r"^[ \t]*\t", re.MULTILINE)
# The end of a line that starts a block scalar: `key: |`, `- >-`, `key: &anchor |2 # note`.
_BLOCK_HEADER = re.compile(
    r"(?:^|[-:?][ \t]+)(?:[&!][^ \t]*[ \t]+)*[|>](?:[1-9][-+]?|[-+][1-9]?)?[ \t]*(?:#.*)?$"
)


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
    positions: Mapping[Loc, Position]

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
    return parse_yaml(decode_text(read_yaml_bytes(path)))


def read_yaml_bytes(path: Path) -> bytes:
    """The bytes of `path`, or YamlError when there are too many for a content file."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise YamlError(
            f"the file is {size:,} bytes; content files may be at most {MAX_FILE_BYTES:,} bytes"
        )
    return path.read_bytes()


def parse_yaml(text: str) -> YamlDocument:
    """Parse one YAML document from `text` into a YamlDocument, or raise YamlError.

    A file that fails to parse and has tabs in the indentation of some line is parsed once
    more with those tabs expanded (`expand_tab_indentation`); positions, in values and in
    errors, always refer to the text as written.
    """
    if "\x00" in text:
        raise YamlError("the file contains a NUL character; it is not a text file")
    if surrogate := _SURROGATE.search(text):
        raise YamlError(
            f"the text holds U+{ord(surrogate.group()):04X}, half of a surrogate pair, "
            "which is not a character",
            *_offset_position(text, surrogate.start()),
        )
    try:
        return _parse(text)
    except _SyntaxError as exc:
        if not _TAB_INDENTED.search(text):
            raise YamlError(exc.message, exc.line, exc.column) from None
    expanded, shifts = expand_tab_indentation(text)
    try:
        document = _parse(expanded)
    except _SyntaxError as exc:
        line, column = _unshift(shifts, exc.line, exc.column)
        raise YamlError(exc.message, line, column) from None
    except YamlError as exc:
        exc.line, exc.column = _unshift(shifts, exc.line, exc.column)
        raise
    positions = {loc: _unshift(shifts, *where) for loc, where in document.positions.items()}
    return YamlDocument(document.data, positions)


class _SyntaxError(YamlError):
    """What the YAML parser itself refused (as opposed to what this reader refuses)."""


def _parse(text: str) -> YamlDocument:
    loader = None
    try:
        # The parser's events one by one, without `yaml.parse`'s generator around each.
        loader = _Loader(text)
        builder = _Builder(loader.get_event)
        data = builder.document()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        if "maximum nesting depth" in problem:
            # PyYAML 6.0.4 refuses deep flow nesting (`[[[[…`) while scanning ahead, before
            # the builder sees the depth: report it as the builder does, where it starts.
            where = _flow_too_deep(text) or (line, column)
            raise YamlError(f"nesting is deeper than {MAX_DEPTH} levels", *where) from None
        raise _SyntaxError(f"invalid YAML: {problem}", line, column) from None
    except yaml.reader.ReaderError as exc:
        # A character YAML refuses raw, such as a control character; libyaml counts bytes.
        offset = len(text.encode("utf-8")[: exc.position].decode("utf-8", "ignore"))
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise _SyntaxError(
            f"invalid YAML: the character U+{code:04X} is not allowed ({exc.reason})",
            *_offset_position(text, offset),
        ) from None
    except yaml.YAMLError as exc:
        raise _SyntaxError(f"invalid YAML: {' '.join(str(exc).split())}") from None
    finally:
        if loader is not None:
            loader.dispose()
    return YamlDocument(data, builder.positions)


# Per changed line (1-based): how many characters of indentation it had, and how many now.
Shifts = dict[int, tuple[int, int]]


def expand_tab_indentation(text: str) -> tuple[str, Shifts]:
    """Read tabs in indentation as `TAB_WIDTH` spaces each, except inside block scalars.

    The rule, line by line: the leading spaces and tabs of a line are its indentation and
    each tab in them becomes `TAB_WIDTH` spaces, so one tab is one level and `- key` lines up
    with a key one tab deeper. A block scalar (a line ending in `|` or `>`) takes the
    indentation of its first line of text, as YAML does; every later line that starts with
    that much indentation keeps the rest of its characters as they are, tabs included, and the
    first line indented less ends the scalar. Returns the new text and, per changed line,
    the length of its indentation before and after, to map columns back.
    """
    shifts: Shifts = {}
    out: list[str] = []
    block_parent: int | None = None  # width a block scalar's text must exceed, when in one
    block_width: int | None = None  # width of that text's indentation, once known
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        body = line.rstrip("\r\n")
        rest = body.lstrip(" \t")
        indent = body[: len(body) - len(rest)]
        new: str | None = None
        if block_parent is not None:
            if block_width is None and rest and _width(indent) > block_parent:
                block_width = _width(indent)
            kept = _beyond(indent, block_width)
            if kept is not None:
                new = " " * (block_width or 0) + kept
            elif not rest:  # a blank line shallower than the text does not end the scalar
                new = ""
            else:
                block_parent = block_width = None
        if new is None:
            new = " " * _width(indent)
            if _BLOCK_HEADER.search(rest) and not rest.startswith("#"):
                dashes = rest[: len(rest) - len(rest.lstrip("- \t"))]
                block_parent = len(new) + _width(dashes)
        out.append(new + line[len(indent) :])
        if new != indent:
            shifts[number] = (len(indent), len(new))
    return "".join(out), shifts


def _width(whitespace: str) -> int:
    return len(whitespace) + whitespace.count("\t") * (TAB_WIDTH - 1)


def _beyond(indent: str, width: int | None) -> str | None:
    """What follows the first `width` columns of `indent`, or None when it is narrower (or a
    tab straddles the boundary): the line is then not part of the block scalar."""
    if width is None:
        return None
    seen = 0
    for index, char in enumerate(indent):
        if seen == width:
            return indent[index:]
        seen += TAB_WIDTH if char == "\t" else 1
    return "" if seen == width else None


def _unshift(shifts: Shifts, line: int, column: int) -> Position:
    """A position in the expanded text as a position in the text as written."""
    if line not in shifts:
        return (line, column)
    before, after = shifts[line]
    if column - 1 >= after:
        return (line, column - after + before)
    return (line, min(column, before + 1))


def _flow_too_deep(text: str) -> Position | None:
    """Where flow brackets (`[`, `{`) first nest deeper than `MAX_DEPTH`, if they do."""
    depth = 0
    for offset, char in enumerate(text):
        if char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return _offset_position(text, offset)
        elif char in "]}":
            depth = max(0, depth - 1)
    return None


def _offset_position(text: str, offset: int) -> Position:
    line = text.count("\n", 0, offset) + 1
    return (line, offset - (text.rfind("\n", 0, offset) + 1) + 1)


class _Builder:
    def __init__(self, next_event: Callable[[], yaml.Event]) -> None:
        # The document is read up to its stream's end event and never past it.
        self.next = next_event
        self.positions: dict[Loc, Position] = {}
        self.values = 0

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
        # Called for every value of every file: the common cases come first, and the
        # position is read off the event here rather than through `_where`.
        mark = event.start_mark
        where = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        self.positions.setdefault(loc, where)
        self.values += 1
        if self.values > MAX_VALUES:
            raise YamlError(
                f"the file holds more than {MAX_VALUES:,} values; content files are smaller",
                *where,
            )
        if type(event) is yaml.ScalarEvent:
            tag = event.tag
            if tag not in (None, "!", _STR_TAG):
                raise _tag_refused(tag, where)
            # Only an escape, and only a double-quoted scalar has them, can give a character
            # that YAML refuses raw: the parser has refused those in the rest of the text.
            if event.style == '"' and (bad := _UNPRINTABLE.search(event.value)):
                raise YamlError(
                    f"the text holds the unprintable character U+{ord(bad.group()):04X} "
                    "(a control character or a noncharacter), which content may not hold",
                    *where,
                )
            if tag == _STR_TAG or not event.implicit[0]:
                return event.value
            try:
                return resolve_plain(event.value)
            except ValueError:  # more digits than int() converts (sys.get_int_max_str_digits)
                raise YamlError(
                    f"the number has {len(event.value):,} digits; write it shorter", *where
                ) from None
        kind = type(event)
        if kind is yaml.AliasEvent:
            raise YamlError("aliases (*name) are not allowed in content files", *where)
        tag = getattr(event, "tag", None)
        if tag is not None:
            raise _tag_refused(tag, where)
        if depth >= MAX_DEPTH:
            raise YamlError(f"nesting is deeper than {MAX_DEPTH} levels", *where)
        next_event = self.next
        if kind is yaml.SequenceStartEvent:
            items: list[Any] = []
            while type(event := next_event()) is not yaml.SequenceEndEvent:
                items.append(self.node(event, (*loc, len(items)), depth + 1))
            return items
        if kind is yaml.MappingStartEvent:
            return self.mapping(loc, depth)
        raise YamlError(f"unexpected {kind.__name__}", *where)  # pragma: no cover

    def mapping(self, loc: Loc, depth: int) -> dict[str, Any]:
        """The mapping whose start event was just read, at `loc`."""
        mapping: dict[str, Any] = {}
        key_lines: dict[str, int] = {}
        positions, next_event = self.positions, self.next
        while type(event := next_event()) is not yaml.MappingEndEvent:
            key_where = _where(event)
            if type(event) is not yaml.ScalarEvent:
                raise YamlError("mapping keys must be plain text", *key_where)
            if event.tag not in (None, "!", _STR_TAG):
                raise _tag_refused(event.tag, key_where)
            key = event.value
            if bad := _UNPRINTABLE_IN_KEY.search(key):
                raise YamlError(
                    "mapping keys must be one line of printable text "
                    f"(found U+{ord(bad.group()):04X})",
                    *key_where,
                )
            if key in mapping:
                raise YamlError(
                    f"duplicate key `{key}` (first given on line {key_lines[key]})",
                    *key_where,
                )
            key_lines[key] = key_where[0]
            key_loc = (*loc, key)
            positions[key_loc] = key_where
            mapping[key] = self.node(next_event(), key_loc, depth + 1)
        return mapping


def _tag_refused(tag: str, where: Position) -> YamlError:
    return YamlError(f"YAML tags such as {tag} are not allowed in content", *where)


def _where(event: yaml.Event) -> Position:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
