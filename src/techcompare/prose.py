"""Markdown to safe HTML: prose fields of content files are untrusted.

Raw HTML in Markdown is escaped, never passed through, and links may only point to http(s),
mailto, in-page anchors or paths inside the site (no `javascript:` or `data:`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markupsafe import Markup

_SAFE_LINK = re.compile(r"^(?:https?:|mailto:|#|/(?!/)|\./|\.\./|[a-z0-9][^:]*$)", re.IGNORECASE)


def _validate_link(url: str) -> bool:
    return bool(_SAFE_LINK.match(url.strip()))


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    md = MarkdownIt("js-default", {"html": False, "linkify": False, "typographer": True})
    md.disable("image")  # content images would need hosting and alt text review
    md.validateLink = _validate_link  # type: ignore[method-assign]
    return md


def render_markdown(text: str | None) -> Markup:
    """Render block Markdown (paragraphs, lists, tables) to HTML."""
    if not text:
        return Markup("")
    return Markup(_markdown().render(text))


def render_inline(text: str | None) -> Markup:
    """Render one line of Markdown (emphasis, code, links) without a wrapping paragraph."""
    if not text:
        return Markup("")
    return Markup(_markdown().renderInline(text))
