"""The fast Markdown path (markdown-it-pyrs) gives exactly what markdown-it-py gives.

`prose.render_markdown` and `prose.render_inline` keep the port's output only where it is
known to match; these tests render every text of the bundled content, the fixture sites, the
hostile corpus and a generated benchmark site, plus hand-picked edge cases, both ways.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from testkit import BUNDLED_CONTENT, REPO, TESTS

from techcompare.prose import _markdown, render_inline, render_markdown
from techcompare.yaml_source import YamlError, read_yaml_file

EDGE_CASES = [
    "[x](javascript:alert(1)) [y](JavaScript:x) [z](vbscript:x) [d](data:text/html,x)",
    "[protocol-relative](//evil.example) [ftp](ftp://files.example) [ok](https://ok.example)",
    "[ref][1]\n\n[1]: ftp://files.example",
    "[ref][1]\n\n[1]: https://ok.example",
    "<https://autolink.example/a?b=c&d=e> <ftp://autolink.example>",
    "[a](/path) [b](../up) [c](./here) [d](relative/page) [e](#anchor) [f](mailto:a@b.example)",
    '[titled](https://x.example "a title") [spaced](<a b>)',
    "<script>alert(1)</script> <b onclick=x>bold</b> <!-- comment -->",
    "<div>\nraw block\n</div>",
    "![image](https://img.example/x.png)",
    "# heading",
    "- a list item",
    "1. numbered",
    "> quoted",
    "---",
    "    indented code",
    "```py\nif a < b:\n    pass\n```",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "line  \nbreak",
    "two\n\nparagraphs",
    "`code` *em* **strong** ~~gone~~ _under_ __init__ snake_case_name",
    "\"quotes\" 'single' -- en --- em ... (c) (tm) (r) +- 1 -- 2",
    "&amp; &copy; &#x27; &bogus; & < > \" '",
    "été — “curly” ✓ 😀",
    " leading space",
    "trailing space ",
    "\u00a0non-breaking",
    "",
]


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def corpus_texts(*folders: Path) -> set[str]:
    texts: set[str] = set()
    for folder in folders:
        for path in folder.rglob("*.yaml"):
            try:
                document = read_yaml_file(path)
            except (YamlError, OSError):
                continue  # the hostile corpus holds files that are not YAML on purpose
            texts.update(strings(document.data))
    return texts


@pytest.fixture(scope="module")
def generated_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("generated") / "content"
    generator = REPO / "bench" / "generate.py"
    command = [sys.executable, str(generator), "--comparisons", "12", "--technologies", "8"]
    subprocess.run([*command, "--seed", "3", "--out", str(out)], check=True, capture_output=True)
    return out


def test_block_and_inline_markdown_match_markdown_it_py(generated_site: Path) -> None:
    texts = corpus_texts(BUNDLED_CONTENT, TESTS / "sites", TESTS / "hostile", generated_site)
    texts.update(EDGE_CASES)
    assert len(texts) > 1000
    reference = _markdown()
    block = [t for t in texts if str(render_markdown(t)) != reference.render(t)]
    inline = [t for t in texts if str(render_inline(t)) != reference.renderInline(t)]
    assert block == []
    assert inline == []


def test_refused_links_stay_text() -> None:
    html = str(render_markdown("[x](javascript:alert(1)) and [y](//evil.example)"))
    assert "<a " not in html
    assert "[y](//evil.example)" in html
    assert str(render_inline("[ok](https://ok.example)")) == '<a href="https://ok.example">ok</a>'
