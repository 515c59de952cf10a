"""Hostile and broken content, through the real command line: a message, never a traceback.

Each case in `tests/hostile/` is a folder laid over a copy of the `databases` fixture site
(see `tests/hostile/README.md`). `refused/` cases must make both `techcompare check` and
`techcompare build` exit 1 with every line of the case's `expected.txt` in their output;
`accepted/` cases must build, and `expected.txt` names text the built pages must contain.
Cases that cannot be stored as files (symbolic links, a named pipe, files of a megabyte)
are made by `GENERATED` below.

Every run is a child process whose CPU time and peak memory are measured (`os.wait4`), so a
hang, a crash or an alias bomb shows up here as a failure rather than as a stuck suite.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from testkit import DATABASES, copy_site, load_and_resolve

from techcompare.plan import generated_pairs
from techcompare.yaml_source import (
    MAX_FILE_BYTES,
    MAX_VALUES,
    YamlError,
    expand_tab_indentation,
    parse_yaml,
)

CORPUS = Path(__file__).resolve().parent / "hostile"
REFUSED = sorted(p for p in (CORPUS / "refused").iterdir() if p.is_dir())
ACCEPTED = sorted(p for p in (CORPUS / "accepted").iterdir() if p.is_dir())

# CPU seconds, not wall-clock seconds: the limit must hold on a busy machine too. A child that
# is still running after HANG_SECONDS of wall-clock time is killed and reported as a hang.
CPU_SECONDS_LIMIT = 2.0
PEAK_MEMORY_LIMIT_MB = 300
HANG_SECONDS = 60


# --- running the command line -------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    args: tuple[str, ...]
    returncode: int
    output: str
    cpu_seconds: float
    peak_memory_mb: float
    hung: bool

    def describe(self) -> str:
        return (
            f"techcompare {' '.join(self.args)} exited {self.returncode} "
            f"({self.cpu_seconds:.2f} s CPU, {self.peak_memory_mb:.0f} MB):\n{self.output}"
        )


def run_techcompare(commands: list[list[str]], cwd: Path) -> list[Run]:
    """Run each command as `python -m techcompare ...` at once, and measure each child."""
    started = []
    for index, args in enumerate(commands):
        log = cwd / f".run-{index}.log"
        with log.open("wb") as sink:
            process = subprocess.Popen(
                [sys.executable, "-m", "techcompare", *args],
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        hung = threading.Event()

        def kill(process: subprocess.Popen[bytes] = process, hung: threading.Event = hung) -> None:
            hung.set()
            process.send_signal(signal.SIGKILL)

        timer = threading.Timer(HANG_SECONDS, kill)
        timer.start()
        started.append((args, process, log, timer, hung))
    runs = []
    for args, process, log, timer, hung in started:
        # wait4 reports the resources of this one child (getrusage(RUSAGE_CHILDREN) would
        # give the largest of all children so far).
        _, status, usage = os.wait4(process.pid, 0)
        timer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
        runs.append(
            Run(
                tuple(args),
                process.returncode,
                log.read_bytes().decode("utf-8", "replace"),
                usage.ru_utime + usage.ru_stime,
                usage.ru_maxrss / 1024,
                hung.is_set(),
            )
        )
        log.unlink()
    return runs


def assert_well_behaved(run: Run) -> None:
    assert not run.hung, f"killed after {HANG_SECONDS} s: " + run.describe()
    assert run.returncode >= 0, f"died of signal {-run.returncode}: " + run.describe()
    assert "Traceback" not in run.output, run.describe()
    assert run.cpu_seconds < CPU_SECONDS_LIMIT, run.describe()
    assert run.peak_memory_mb < PEAK_MEMORY_LIMIT_MB, run.describe()


# --- the corpus ---------------------------------------------------------------------------

HOSTILE = "technologies/hostile.yaml"


def _deep_flow_nesting(content: Path) -> None:
    (content / HOSTILE).write_text("[" * 40_000)


def _one_byte_too_many(content: Path) -> None:
    start = b"name: Huge\n# "
    filler = b"x" * (MAX_FILE_BYTES + 1 - len(start) - 1)
    (content / HOSTILE).write_bytes(start + filler + b"\n")


def _numbers_as_pros(count: int) -> Callable[[Path], None]:
    def generate(content: Path) -> None:
        sqlite = (content / "technologies/sqlite.yaml").read_text()
        pros = "pros:\n  - text: Zero configuration, one file per database.\n"
        numbers = "pros: [" + "1, " * (count - 1) + "1]\n"
        (content / HOSTILE).write_text(sqlite.replace(pros, numbers))
        assert (content / HOSTILE).stat().st_size <= MAX_FILE_BYTES

    return generate


def _link_file_outside(content: Path) -> None:
    outside = content.parent / "outside.yaml"
    shutil.copy(content / "technologies/sqlite.yaml", outside)
    (content / "technologies/leak.yaml").symlink_to(outside)


def _link_site_yaml_outside(content: Path) -> None:
    outside = content.parent / "private-settings.yaml"
    (content / "site.yaml").rename(outside)
    (content / "site.yaml").symlink_to(outside)


def _link_folder_outside(content: Path) -> None:
    outside = content.parent / "elsewhere"
    (content / "technologies").rename(outside)
    (content / "technologies").symlink_to(outside, target_is_directory=True)


def _link_yaml_to_root_folder(content: Path) -> None:
    (content / "technologies/root.yaml").symlink_to("/", target_is_directory=True)


def _named_pipe(content: Path) -> None:
    (content / "site.yaml").unlink()
    os.mkfifo(content / "site.yaml")


GENERATED: dict[str, Callable[[Path], None]] = {
    "deep-nesting-flow": _deep_flow_nesting,
    "huge-file": _one_byte_too_many,
    "many-values": _numbers_as_pros((MAX_FILE_BYTES - 2000) // 3),
    "many-errors": _numbers_as_pros(2000),
    "symlink-to-file-outside": _link_file_outside,
    "symlink-site-yaml-outside": _link_site_yaml_outside,
    "symlink-to-folder-outside": _link_folder_outside,
    "symlink-yaml-to-folder": _link_yaml_to_root_folder,
    "fifo-site-yaml": _named_pipe,
}


def expected_lines(case: Path) -> list[str]:
    """The non-comment lines of the case's expected.txt, with `\\n` and `\\t` decoded."""
    text = (case / "expected.txt").read_text(encoding="utf-8")
    return [
        line.replace("\\n", "\n").replace("\\t", "\t")
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    ]


def make_case_site(case: Path, tmp_path: Path) -> Path:
    """The base fixture site with the case's files laid over it, at tmp_path/content."""
    content = copy_site(tmp_path)
    for source in sorted(case.rglob("*")):
        relative = source.relative_to(case)
        if source.is_dir() or relative.as_posix() == "expected.txt":
            continue
        (content / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, content / relative)
    if case.name in GENERATED:
        GENERATED[case.name](content)
    return content


def test_corpus_is_complete() -> None:
    """Every case says what it expects; every generator has its case folder."""
    for case in REFUSED:
        assert expected_lines(case), f"{case.name}/expected.txt names no message"
        extra = [p for p in case.rglob("*") if p.is_file() and p.name != "expected.txt"]
        assert extra or case.name in GENERATED, f"{case.name} holds no content file"
    for case in ACCEPTED:
        assert all(": " in line for line in expected_lines(case)), case.name
    assert set(GENERATED) <= {case.name for case in REFUSED + ACCEPTED}


@pytest.mark.parametrize("case", REFUSED, ids=[case.name for case in REFUSED])
def test_refused_case_gives_its_message_and_exit_1(case: Path, tmp_path: Path) -> None:
    make_case_site(case, tmp_path)
    runs = run_techcompare(
        [["check", "--content", "content"], ["build", "--content", "content", "--out", "site"]],
        tmp_path,
    )
    for run in runs:
        assert_well_behaved(run)
        assert run.returncode == 1, run.describe()
        for expected in expected_lines(case):
            assert expected in run.output, f"`{expected}` not in output of " + run.describe()
    assert not (tmp_path / "site").exists()
    assert not [p.name for p in tmp_path.rglob("pwned")]


@pytest.mark.parametrize("case", ACCEPTED, ids=[case.name for case in ACCEPTED])
def test_accepted_case_builds(case: Path, tmp_path: Path) -> None:
    make_case_site(case, tmp_path)
    runs = run_techcompare(
        [["check", "--content", "content"], ["build", "--content", "content", "--out", "site"]],
        tmp_path,
    )
    for run in runs:
        assert_well_behaved(run)
        assert run.returncode == 0, run.describe()
    for line in expected_lines(case):
        page, expected = line.split(": ", 1)
        html = (tmp_path / "site" / page).read_text(encoding="utf-8")
        assert expected in html, f"`{expected}` not in {page}"


def test_usage_errors_exit_2_without_a_traceback(tmp_path: Path) -> None:
    runs = run_techcompare(
        [
            ["check", "--format", "xml"],
            ["build", "--content", str(DATABASES), "--templates", "no-such-folder"],
            ["build", "--no-such-option"],
        ],
        tmp_path,
    )
    for run in runs:
        assert_well_behaved(run)
        assert run.returncode == 2, run.describe()


# --- the reader's defences, one by one ----------------------------------------------------


def refused(text: str) -> YamlError:
    with pytest.raises(YamlError) as info:
        parse_yaml(text)
    return info.value


def test_a_tab_indented_file_reads_like_a_space_indented_one() -> None:
    # Both ways of indenting a list item's second key with tabs: tab and two spaces, or two tabs.
    tabs = (
        "site:\n\ttitle: T\n\tlinks:\n"
        "\t\t- label: a\n\t\t  url: /a/\n"
        "\t\t- label: b\n\t\t\turl: /b/\n"
    )
    spaces = (
        "site:\n  title: T\n  links:\n"
        "    - label: a\n      url: /a/\n"
        "    - label: b\n      url: /b/\n"
    )
    assert parse_yaml(tabs).data == parse_yaml(spaces).data


def test_positions_in_a_tab_indented_file_count_a_tab_as_one_column() -> None:
    document = parse_yaml("a:\n\tb:\n\t\tc: 1\n")
    assert document.position(("a", "b", "c")) == (3, 3)
    error = refused("a:\n\tb: 1\n\tb: 2\n")
    assert "duplicate key `b`" in error.message
    assert (error.line, error.column) == (3, 2)


def test_tabs_inside_block_scalar_text_stay_tabs() -> None:
    text = "code: |\n\tfunc main() {\n\t\tprintln()\n\n\t}\nnext: x\n"
    assert parse_yaml(text).data == {"code": "func main() {\n\tprintln()\n\n}\n", "next": "x"}


def test_a_shallower_line_ends_a_block_scalar_in_a_tab_indented_file() -> None:
    text = "items:\n\t- code: |-\n\t\t\tall:\n\t\t\t\tmake\n\t\tlang: make\n\t- code: x\n"
    assert parse_yaml(text).data == {
        "items": [{"code": "all:\n\tmake", "lang": "make"}, {"code": "x"}]
    }


def test_a_space_indented_file_with_tabs_in_its_code_is_read_as_yaml_says() -> None:
    # No retry here: the first parse succeeds and the tabs are text.
    text = "code: |\n  if x:\n  \treturn\nnote: a\tb\n"
    assert parse_yaml(text).data == {"code": "if x:\n\treturn\n", "note": "a\tb"}


def test_expanding_tabs_changes_nothing_else() -> None:
    text = "a: 1\r\nb:\r\n  - c\r\n"
    assert expand_tab_indentation(text) == (text, {})
    expanded, shifts = expand_tab_indentation("a:\n\tb: '\t'\n")
    assert expanded == "a:\n  b: '\t'\n"
    assert shifts == {2: (1, 2)}


def test_a_broken_tab_indented_file_reports_the_real_mistake() -> None:
    error = refused("a:\n\tb: [1, 2\n\tc: 3\n")
    assert error.message.startswith("invalid YAML")
    assert "tab" not in error.message


def test_too_many_values_are_refused_at_the_first_one_too_many() -> None:
    assert len(parse_yaml("[" + "1," * (MAX_VALUES - 2) + "1]").data) == MAX_VALUES - 1
    error = refused("[" + "1," * (MAX_VALUES - 1) + "1]")
    assert f"more than {MAX_VALUES:,} values" in error.message
    assert error.column == 2 * MAX_VALUES


@pytest.mark.parametrize("escape", ["\\e", "\\0", "\\x7f", "\\x9b", "\\a", "\\uFFFE"])
def test_escaped_control_characters_are_refused_in_values(escape: str) -> None:
    error = refused(f'a: ok\nb: "x{escape}y"\n')
    assert "unprintable character" in error.message
    assert (error.line, error.column) == (2, 4)


def test_tabs_and_line_breaks_are_fine_in_values_but_not_in_keys() -> None:
    assert parse_yaml('a: "x\\ty\\nz"\n').data == {"a": "x\ty\nz"}
    for key in ('"a\\nb"', '"a\\tb"', '"a\\rb"', '"a\\eb"'):
        error = refused(f"ok: 1\n{key}: 1\n")
        assert "one line of printable text" in error.message
        assert error.line == 2


def test_a_number_with_thousands_of_digits_is_an_error_not_a_crash() -> None:
    error = refused("a: 1\nb: -" + "7" * 5000 + "\n")
    assert "5,001 digits" in error.message
    assert (error.line, error.column) == (2, 4)


def test_a_lone_surrogate_in_the_text_is_an_error_not_a_crash() -> None:
    error = refused("a: 1\nb: x\ud800\n")
    assert "surrogate" in error.message
    assert (error.line, error.column) == (2, 5)


# --- slugs that collide -------------------------------------------------------------------


def test_every_pair_sharing_a_category_gets_its_own_generated_page(tmp_path: Path) -> None:
    content = copy_site(tmp_path)
    sqlite = (content / "technologies/sqlite.yaml").read_text()
    for slug in ("a", "a-vs", "b", "vs-b"):
        text = sqlite.replace("name: SQLite", f"name: Tech {slug}")
        (content / f"technologies/{slug}.yaml").write_text(text)
    _, site = load_and_resolve(content)
    assert site is not None

    generated = {frozenset((pair.first, pair.second)) for pair in generated_pairs(site)}

    slugs = ["a", "a-vs", "b", "vs-b"]
    expected = {frozenset((x, y)) for x in slugs for y in slugs if x < y}
    assert expected <= generated


def test_a_protocol_relative_base_url_is_refused(tmp_path: Path) -> None:
    content = copy_site(tmp_path)
    site = content / "site.yaml"
    site.write_text(site.read_text() + "base_url: //evil.example/\n")
    loaded, _ = load_and_resolve(content)
    assert [p.field for p in loaded.problems.errors] == ["base_url"]
