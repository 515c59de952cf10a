"""Syntax highlighting of code samples at build time, with Pygments.

The page gets plain HTML spans with short class names; the colours come from a stylesheet
generated once per build (`highlight_css`) for the light and the dark theme.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from io import StringIO

from markupsafe import Markup, escape
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.token import Name, Operator, Punctuation, Text, _TokenType
from pygments.util import ClassNotFound

LIGHT_STYLE = "vs"
DARK_STYLE = "github-dark"


def has_lexer(language: str) -> bool:
    """Whether Pygments knows the language name."""
    try:
        get_lexer_by_name(language)
    except ClassNotFound:
        return False
    return True


@lru_cache(maxsize=1)
def _formatter() -> HtmlFormatter:
    return HtmlFormatter(nowrap=True)


# Tokens drawn in the text colour. Colouring every name, operator and bracket adds a <span>
# per token (most of a sample's weight) and little meaning; keywords, strings, numbers,
# comments, functions and types keep their colours.
_PLAIN = (Text, Punctuation, Operator, Name, Name.Other, Name.Variable, Name.Attribute)


def _plain_tokens(tokens: Iterator[tuple[_TokenType, str]]) -> Iterator[tuple[_TokenType, str]]:
    for kind, value in tokens:
        yield (Text if kind in _PLAIN or kind in Text else kind), value


def highlight_code(code: str, language: str) -> Markup:
    """Return highlighted HTML for `code` (inner HTML of a <code> element)."""
    try:
        lexer = get_lexer_by_name(language, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return escape(code)
    out = StringIO()
    _formatter().format(_plain_tokens(lexer.get_tokens(code)), out)
    return Markup(out.getvalue())


def highlight_css() -> str:
    """Stylesheet for highlighted code: the light style, the dark one under the dark scheme."""
    light = HtmlFormatter(style=LIGHT_STYLE).get_style_defs(".code")
    dark = HtmlFormatter(style=DARK_STYLE).get_style_defs(".code")
    light = _without_background(light)
    dark = _without_background(dark)
    return f"{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"


def _without_background(css: str) -> str:
    """Drop Pygments' block background and line-number rules: the site's CSS sets those."""
    keep = []
    for line in css.splitlines():
        if line.startswith(
            (
                ".code  {",
                ".code {",
                "pre {",
                "td.linenos",
                "span.linenos",
                ".code .hll",
                "td.",
                "span.",
            )
        ):
            continue
        keep.append(line)
    return "\n".join(keep)
