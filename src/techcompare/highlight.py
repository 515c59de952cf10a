"""Syntax highlighting of code samples at build time, with Pygments.

The page gets plain HTML spans with short class names; the colours come from a stylesheet
generated once per build (`highlight_css`) for the light and the dark theme.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from markupsafe import Markup, escape
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.token import Name, Operator, Punctuation, Text, _TokenType
from pygments.util import ClassNotFound

LIGHT_STYLE = "vs"
DARK_STYLE = "github-dark"


def has_lexer(language: str) -> bool:
    """Whether Pygments knows the language name."""
    return lexer_for(language) is not None


@cache
def lexer_for(language: str) -> Lexer | None:
    """The Pygments lexer for `language`, made once: finding a lexer by name reads the
    registry of every lexer, and its first instance compiles its regular expressions (a
    millisecond or more each time, as long as lexing a sample). A lexer keeps no state
    between texts. Made before workers fork, it is made once per build."""
    try:
        return get_lexer_by_name(language, stripnl=False, ensurenl=False)
    except ClassNotFound:
        return None


@lru_cache(maxsize=1)
def _formatter() -> HtmlFormatter:
    return HtmlFormatter(nowrap=True)


# Tokens drawn in the text colour. Colouring every name, operator and bracket adds a <span>
# per token (most of a sample's weight) and little meaning; keywords, strings, numbers,
# comments, functions and types keep their colours.
_PLAIN = (Text, Punctuation, Operator, Name, Name.Other, Name.Variable, Name.Attribute)


def colour_of(kind: _TokenType) -> _TokenType:
    """The token type whose colour a token of `kind` is drawn in (`Text` for `_PLAIN`)."""
    return Text if kind in _PLAIN or kind in Text else kind


# Pygments writes `<span class="k">`; the same HTML is shorter as `<span class=k>`, and code is
# most of a page's weight.
_BARE_CLASS = re.compile(r"[\w-]+")


@cache
def _opener(kind: _TokenType) -> str:
    """The tag that opens a token's span: the CSS classes of Pygments' HTML formatter (none for
    a token drawn in the text colour)."""
    classes: str = _formatter()._get_css_classes(colour_of(kind))
    if not classes:
        return ""
    return (
        f"<span class={classes}>" if _BARE_CLASS.fullmatch(classes) else f'<span class="{classes}">'
    )


def _escape(text: str) -> str:
    # Element text: quotes need no escape (nor does Pygments escape them).
    if "&" in text or "<" in text or ">" in text:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


def _spanned(opener: str, text: str) -> str:
    """`text` escaped, each of its lines in a span opened by `opener` (empty lines bare)."""
    text = _escape(text)
    if not opener:
        return text
    if "\n" not in text:
        return f"{opener}{text}</span>"
    return "\n".join(f"{opener}{line}</span>" if line else "" for line in text.split("\n"))


def highlight_code(code: str, language: str) -> Markup:
    """Return highlighted HTML for `code` (inner HTML of a <code> element).

    The HTML is the one Pygments' HTML formatter writes (`nowrap`), shortened: consecutive
    tokens of the same colour share a span, a span never crosses a line break, and the text
    ends with one. The formatter escapes, splits and joins each token apart, and most tokens
    are a word or a space: written here, a 1,900-character sample takes 1.7 ms instead of 2.0
    (most of what is left is Pygments' lexer)."""
    lexer = lexer_for(language)
    if lexer is None:
        return escape(code)
    pieces: list[str] = []
    run: list[str] = []
    run_opener = ""
    for kind, value in lexer.get_tokens(code):
        if not value:
            continue
        opener = _opener(kind)
        if opener != run_opener:
            if run:
                pieces.append(_spanned(run_opener, "".join(run)))
            run_opener, run = opener, [value]
        else:
            run.append(value)
    if run:
        pieces.append(_spanned(run_opener, "".join(run)))
    html = "".join(pieces)
    if html and not html.endswith("\n"):
        html += "\n"
    return Markup(html)


# Code block backgrounds of the theme (site.css `--code-bg`), light and dark.
LIGHT_BACKGROUND = "#f6f8fa"
DARK_BACKGROUND = "#0d1117"
MIN_CONTRAST = 4.5  # WCAG AA for normal text

_HEX_COLOR = re.compile(r"color: #([0-9a-fA-F]{6})\b")


def highlight_css() -> str:
    """Stylesheet for highlighted code: the light style, the dark one under the dark scheme.

    Token colours are nudged towards the text colour until they meet WCAG AA contrast on
    the theme's code background: Pygments styles do not all do so.
    """
    light = _readable(HtmlFormatter(style=LIGHT_STYLE).get_style_defs(".code"), LIGHT_BACKGROUND)
    dark = _readable(HtmlFormatter(style=DARK_STYLE).get_style_defs(".code"), DARK_BACKGROUND)
    light = _without_background(light)
    dark = _without_background(dark)
    return f"{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"


def _luminance(hex_color: str) -> float:
    channels = [int(hex_color[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two `rrggbb` colours."""
    a, b = _luminance(foreground), _luminance(background)
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


def _readable(css: str, background: str) -> str:
    back = background.lstrip("#")
    toward = "000000" if _luminance(back) > 0.5 else "ffffff"

    def mix(color: str, share: float) -> str:
        channels = [
            int(color[i : i + 2], 16) * (1 - share) + int(toward[i : i + 2], 16) * share
            for i in (0, 2, 4)
        ]
        return "".join(f"{round(c):02x}" for c in channels)

    def fix(match: re.Match[str]) -> str:
        original = match.group(1).lower()
        color, share = original, 0.0
        while contrast(color, back) < MIN_CONTRAST and share < 1:
            share += 0.05
            color = mix(original, share)
        return f"color: #{color}"

    return _HEX_COLOR.sub(fix, css)


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
