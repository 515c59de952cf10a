"""Stage 1: reading one YAML file into values and positions, strictly."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest

from techcompare.yaml_source import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    YamlError,
    parse_yaml,
    read_yaml_file,
)


def refused(text: str) -> YamlError:
    with pytest.raises(YamlError) as info:
        parse_yaml(text)
    return info.value


# --- scalars ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("plain", "expected"),
    [
        ("NO", "NO"),
        ("no", "no"),
        ("on", "on"),
        ("yes", "yes"),
        ("012", "012"),
        ("00", "00"),
        ("0x1F", "0x1F"),
        ("0o17", "0o17"),
        ("1_000", "1_000"),
        ("2025-01-01", "2025-01-01"),
        ("12:30", "12:30"),
        ("true", True),
        ("false", False),
        ("True", True),
        ("1.5", 1.5),
        ("-3", -3),
        ("0", 0),
        ("1e3", 1000.0),
        (".inf", math.inf),
        ("-.inf", -math.inf),
        ("~", None),
        ("null", None),
    ],
)
def test_plain_scalars_follow_the_strict_core_schema(plain: str, expected: object) -> None:
    value = parse_yaml(f"key: {plain}\n").data["key"]
    assert value == expected
    assert type(value) is type(expected)


def test_nan_is_a_float_nan() -> None:
    value = parse_yaml("key: .nan\n").data["key"]
    assert isinstance(value, float)
    assert math.isnan(value)


def test_quoted_scalars_stay_strings() -> None:
    data = parse_yaml("a: 'true'\nb: \"12\"\nc: !!str 1.5\n").data
    assert data == {"a": "true", "b": "12", "c": "1.5"}


def test_block_scalars_keep_their_text() -> None:
    assert parse_yaml("code: |\n  x = 1\n  y = 2\n").data == {"code": "x = 1\ny = 2\n"}


# --- refused constructs -------------------------------------------------------------------


def test_duplicate_key_is_refused_at_the_second_key_naming_the_first_line() -> None:
    error = refused("name: one\nother: 1\n\nname: two\n")
    assert (error.line, error.column) == (4, 1)
    assert "duplicate key `name`" in error.message
    assert "line 1" in error.message


def test_duplicate_key_in_a_nested_flow_mapping_is_refused() -> None:
    error = refused("outer:\n  inner: {a: 1, b: 2, a: 3}\n")
    assert (error.line, error.column) == (2, 23)
    assert "duplicate key `a`" in error.message
    assert "line 2" in error.message


def test_same_key_in_different_mappings_is_fine() -> None:
    data = parse_yaml("- name: a\n- name: b\n").data
    assert data == [{"name": "a"}, {"name": "b"}]


def test_aliases_are_refused() -> None:
    error = refused("base: &b {x: 1}\ncopy: *b\n")
    assert "alias" in error.message
    assert (error.line, error.column) == (2, 7)


def test_alias_bomb_is_refused_at_the_first_alias() -> None:
    bomb = 'a: &a ["x", "x"]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: &d [*c, *c]\n'
    error = refused(bomb)
    assert "alias" in error.message
    assert error.line == 2


@pytest.mark.parametrize(
    "text",
    [
        "a: !!python/object:os.system 1\n",
        "a: !!python/object/apply:os.system [echo]\n",
        "a: !!python/name:os.system\n",
        "a: !custom value\n",
        "a: !!set {x: null}\n",
        "--- !!map\na: 1\n",
    ],
)
def test_tags_are_refused(text: str) -> None:
    error = refused(text)
    assert "tags" in error.message
    assert error.line == 1


def test_tags_on_mapping_keys_are_refused() -> None:
    error = refused("!!python/object:os.system key: 1\n")
    assert "tags" in error.message


def test_nesting_up_to_max_depth_is_accepted() -> None:
    # MAX_DEPTH collections, one inside the other.
    text = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    data = parse_yaml(text).data
    for _ in range(MAX_DEPTH - 1):
        data = data[0]
    assert data == []


def test_nesting_deeper_than_max_depth_is_refused_with_its_position() -> None:
    text = "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)
    error = refused(text)
    assert f"deeper than {MAX_DEPTH}" in error.message
    assert (error.line, error.column) == (1, MAX_DEPTH + 1)


def test_deep_block_mappings_are_refused() -> None:
    text = "".join("  " * i + f"k{i}:\n" for i in range(MAX_DEPTH + 5)) + "  " * 50 + "x\n"
    error = refused(text)
    assert "deeper" in error.message
    assert error.line == MAX_DEPTH + 1


def test_forty_thousand_open_brackets_do_not_crash_the_process(tmp_path: Path) -> None:
    # libyaml's C parser recurses per level; a child process shows a crash as a signal.
    path = tmp_path / "deep.yaml"
    path.write_text("[" * 40_000)
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from techcompare.yaml_source import YamlError, read_yaml_file\n"
        "try:\n"
        "    read_yaml_file(Path(sys.argv[1]))\n"
        "except YamlError as exc:\n"
        "    print('refused:', exc.message)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("refused:")
    assert "deeper" in result.stdout


def test_several_documents_are_refused_at_the_second() -> None:
    error = refused("a: 1\n---\nb: 2\n")
    assert "one YAML document" in error.message
    assert error.line == 2


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n", "~\n"])
def test_empty_file_is_refused(text: str) -> None:
    assert "empty" in refused(text).message


def test_nul_character_is_refused() -> None:
    assert "NUL" in refused("a: b\x00c\n").message


def test_invalid_yaml_reports_the_parser_position() -> None:
    error = refused("a: 1\nb: [1, 2\nc: 3\n")
    assert error.message.startswith("invalid YAML")
    assert error.line >= 2


def test_non_scalar_keys_are_refused() -> None:
    error = refused("? [a, b]\n: 1\n")
    assert "keys" in error.message
    assert error.line == 1


# --- files --------------------------------------------------------------------------------


def test_invalid_utf8_reports_the_line_and_column_of_the_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(b"a: 1\nb: 2\nc: caf\xe9!\n")
    with pytest.raises(YamlError) as info:
        read_yaml_file(path)
    assert "UTF-8" in info.value.message
    assert (info.value.line, info.value.column) == (3, 7)


def test_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "windows.yaml"
    path.write_bytes(b"\xef\xbb\xbfname: x\r\nitems:\r\n  - one\r\n  - two\r\n")
    document = read_yaml_file(path)
    assert document.data == {"name": "x", "items": ["one", "two"]}
    assert document.position(("items", 1)) == (4, 5)


def test_file_over_the_size_limit_is_refused_before_parsing(tmp_path: Path) -> None:
    # Invalid YAML past the limit: a parse would report a syntax error instead of the size.
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"a: [" + b"x" * MAX_FILE_BYTES)
    with pytest.raises(YamlError) as info:
        read_yaml_file(path)
    assert f"{MAX_FILE_BYTES:,}" in info.value.message
    assert "invalid YAML" not in info.value.message


def test_file_at_the_size_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    prefix = b"a: '"
    path.write_bytes(prefix + b"x" * (MAX_FILE_BYTES - len(prefix) - 2) + b"'\n")
    assert path.stat().st_size == MAX_FILE_BYTES
    assert len(read_yaml_file(path).data["a"]) == MAX_FILE_BYTES - len(prefix) - 2


# --- positions ----------------------------------------------------------------------------


POSITIONS_TEXT = """\
title: Example
top:
  nested: value
  list:
    - first
    - name: second
      deep: [a, b]
"""


@pytest.mark.parametrize(
    ("loc", "position"),
    [
        (("title",), (1, 1)),
        (("top",), (2, 1)),
        (("top", "nested"), (3, 3)),
        (("top", "list"), (4, 3)),
        (("top", "list", 0), (5, 7)),
        (("top", "list", 1), (6, 7)),
        (("top", "list", 1, "name"), (6, 7)),
        (("top", "list", 1, "deep"), (7, 7)),
        (("top", "list", 1, "deep", 1), (7, 17)),
    ],
)
def test_positions_are_one_based_lines_and_columns(
    loc: tuple[str | int, ...], position: tuple[int, int]
) -> None:
    assert parse_yaml(POSITIONS_TEXT).position(loc) == position


def test_position_of_a_missing_field_is_its_nearest_enclosing_value() -> None:
    document = parse_yaml(POSITIONS_TEXT)
    assert document.position(("top", "list", 1, "absent")) == (6, 7)
    assert document.position(("nowhere",)) == (1, 1)
