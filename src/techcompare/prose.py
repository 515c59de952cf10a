"""Markdown to safe HTML: prose fields of content files are untrusted.

Raw HTML in Markdown is escaped, never passed through, and links may only point to http(s),
mailto, in-page anchors or paths inside the site (no `javascript:` or `data:`).

markdown-it-py defines the output. A large site renders megabytes of prose, and
markdown-it-py takes about 6 ms for one comparison page's worth, so text goes first through
markdown-it-pyrs, the Rust port of the same parser with the same rules (about 15 times
faster). Its result is kept only where it matches markdown-it-py's by construction:

- every link passes our stricter link rule (the port allows any scheme but `javascript:`,
  `vbscript:`, `file:` and most `data:`);
- every straight double quote became a curly one (the port curls some stray `"` that
  markdown-it-py leaves straight);
- the text holds no whitespace but ASCII's (markdown-it-py strips a leading no-break space);
- an inline field, parsed as a document, made exactly one paragraph.

Anything else is rendered by markdown-it-py itself. A test renders the bundled, fixture,
hostile and synthetic corpora both ways and finds no difference.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import Any

import markdown_it_pyrs
from markdown_it import MarkdownIt
from markupsafe import Markup

_SAFE_LINK = re.compile(r"^(?:https?:|mailto:|#|/(?!/)|\./|\.\./|[a-z0-9][^:]*$)", re.IGNORECASE)
_HREF = re.compile(r'<a href="([^"]*)"')
_UNICODE_SPACE = re.compile(r"[^\S\t\n\r ]")
# The rules of markdown-it's default preset with the typographer on, less raw HTML, images
# (content images would need hosting and alt text review) and linkify.
_FAST_RULES: list[Any] = [
    *("blockquote", "code", "fence", "heading", "hr", "lheading", "list", "paragraph"),
    *("reference", "table", "autolink", "backticks", "emphasis", "entity", "escape"),
    *("link", "newline", "strikethrough", "replacements", "smartquotes"),
]


def _validate_link(url: str) -> bool:
    return bool(_SAFE_LINK.match(url.strip()))


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    md = MarkdownIt("js-default", {"html": False, "linkify": False, "typographer": True})
    md.disable("image")
    md.validateLink = _validate_link  # type: ignore[method-assign]
    return md


@lru_cache(maxsize=1)
def _fast_markdown() -> markdown_it_pyrs.MarkdownIt:
    return markdown_it_pyrs.MarkdownIt("zero").enable_many(_FAST_RULES)


def _links_allowed(rendered: str) -> bool:
    """Whether every link in `rendered` passes `_validate_link`, as markdown-it-py checks it
    (the normalised address, which the port writes HTML-escaped into `href`)."""
    if "<a " not in rendered:
        return True
    return all(_validate_link(html.unescape(href)) for href in _HREF.findall(rendered))


def _fast_render(text: str) -> str | None:
    """The port's HTML for `text`, or None where it may differ from markdown-it-py's."""
    if _UNICODE_SPACE.search(text):
        return None
    rendered = _fast_markdown().render(text, xhtml=False)
    if not _links_allowed(rendered):
        return None
    if '"' in text and "&quot;" in rendered:
        return None
    return rendered


def render_markdown(text: str | None) -> Markup:
    """Render block Markdown (paragraphs, lists, tables) to HTML."""
    if not text:
        return Markup("")
    rendered = _fast_render(text)
    return Markup(_markdown().render(text) if rendered is None else rendered)


def render_inline(text: str | None) -> Markup:
    """Render one line of Markdown (emphasis, code, links) without a wrapping paragraph."""
    if not text:
        return Markup("")
    if "\n" not in text and text == text.strip():
        rendered = _fast_render(text)
        if rendered and rendered.startswith("<p>") and rendered.endswith("</p>\n"):
            inner = rendered[3:-5]
            if "<p>" not in inner:
                return Markup(inner)
    return Markup(_markdown().renderInline(text))
