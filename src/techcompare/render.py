"""Render pages through Jinja templates.

Autoescaping is on for every template whatever its name, undefined variables are errors, and
data embedded in `<script>` elements goes through `script_json`, which keeps `</script>` and
`<!--` inert.

Pages come out compact without a minifying pass over each one: `CompactTemplates` removes the
indentation and blank lines of the templates' own markup once, when a template is compiled.
That costs nothing per page, where minify-html took 2.7 ms for each 100 KB comparison page,
and the page is 3% larger once gzipped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError
from jinja2.compiler import CodeGenerator, Frame
from jinja2.ext import Extension
from jinja2.nodes import Expr
from markupsafe import Markup

from .assets import AssetMap
from .figures import human_date
from .pages import Page
from .prose import render_markdown
from .resolve import Site
from .structured_data import json_ld


def script_json(value: Any) -> Markup:
    """JSON safe inside a `<script>` element: `<`, `>` and `&` escaped, no NaN or Infinity."""
    text = json.dumps(
        value, separators=(",", ":"), sort_keys=True, allow_nan=False, ensure_ascii=False
    )
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)


# Elements whose text keeps its whitespace; their markup in a template is left as written.
_VERBATIM = re.compile(r"(<(pre|textarea|script)\b.*?</\2\s*>)", re.IGNORECASE | re.DOTALL)
_LINE_BREAK_AND_INDENT = re.compile(r"\n\s+")
# A quoted attribute value the template spells out, that HTML reads the same unquoted.
# (Only before whitespace or the end of the tag: a Jinja tag right after the value could
# write more of it.)
_QUOTED_VALUE = re.compile(r'(?<=\s)([a-z][a-z-]*)="([A-Za-z0-9_.:#-]+)"(?=[\s>])')
# Whitespace next to the tag of an element laid out as a block is not rendered: it goes.
_BLOCK = (
    r"(?:html|head|body|meta|link|title|main|header|footer|nav|section|article|aside|div|p"
    r"|ul|ol|li|dl|dt|dd|table|caption|thead|tbody|tfoot|tr|td|th|figure|figcaption|h[1-6]"
    r"|hr|blockquote|details|summary|form|fieldset|noscript)"
)
# A tag, or a Jinja tag or expression, on either side (what Jinja writes there is inline).
_AFTER_BLOCK_TAG = re.compile(rf"(</?{_BLOCK}\b[^<>]*>)\s+(?=<|\{{|$)")
_BEFORE_BLOCK_TAG = re.compile(rf"(?<=>|\}})\s+(?=</?{_BLOCK}\b)")


def compact_markup(source: str) -> str:
    """`source` with each line break and the whitespace after it (indentation, blank lines)
    read as a single line break, and whitespace between a block element's tag and another
    tag removed, and quotes around plain attribute values (`class="card"`) dropped: the same
    page to a browser. `<pre>`, `<textarea>` and `<script>` elements
    are kept as they are."""
    parts = _VERBATIM.split(source)
    # split() gives text, then per match the element and its tag name.
    for index in range(0, len(parts), 3):
        text = _LINE_BREAK_AND_INDENT.sub("\n", parts[index])
        text = _AFTER_BLOCK_TAG.sub(r"\1", text)
        text = _BEFORE_BLOCK_TAG.sub("", text)
        parts[index] = _QUOTED_VALUE.sub(r"\1=\2", text)
    return "".join(part for index, part in enumerate(parts) if index % 3 != 2)


class CompactTemplates(Extension):
    """Compacts every template's markup as it is compiled (see `compact_markup`)."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return compact_markup(source)


def escape_text(value: Any) -> str:
    """What markupsafe's `escape` writes for `value`, as a plain string: `&`, `<`, `>`, `"`
    and `'` as entities, HTML (anything with `__html__`) as it is. A page prints about a
    thousand values; `escape` wraps each in a new Markup object that is joined into the page
    at once, which was a fifth of rendering time."""
    if type(value) is str:
        if "&" in value or "<" in value or ">" in value or '"' in value or "'" in value:
            return (
                value.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace('"', "&#34;")
                .replace("'", "&#39;")
            )
        return value
    html = getattr(value, "__html__", None)
    if html is not None:
        return str(html())
    return escape_text(str(value))


class _TemplateCode(CodeGenerator):
    """Jinja's code generator, printing values through `escape_text` (bound to the
    environment) where autoescaping is on for the whole template, as it always is here."""

    def _output_child_pre(self, node: Expr, frame: Frame, finalize: Any) -> None:
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape:
            super()._output_child_pre(node, frame, finalize)
            return
        self.write("environment.escape_text(")
        if finalize.src is not None:
            self.write(finalize.src)


def make_environment(template_dirs: list[Path]) -> Environment:
    """A Jinja environment over `template_dirs` (first wins); compiled templates are cached
    in it, so a dev server keeps one while the templates do not change."""
    environment = Environment(
        loader=FileSystemLoader([str(d) for d in template_dirs]),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,
        extensions=[CompactTemplates],
    )
    environment.code_generator_class = _TemplateCode
    environment.extend(escape_text=escape_text)
    return environment


class Renderer:
    """A Jinja environment bound to one build: site settings, URLs and assets."""

    def __init__(
        self,
        site: Site,
        template_dirs: list[Path],
        assets: AssetMap,
        base_url: str,
        env: Environment | None = None,
    ) -> None:
        self.site_title = site.settings.title
        self.base_url = base_url
        self.base_path = urlsplit(base_url).path or "/"
        self.env = env or make_environment(template_dirs)
        self.env.filters["script_json"] = script_json
        self.env.filters["human_date"] = human_date
        self.env.globals.update(
            site=site.settings,
            footer_html=render_markdown(site.settings.footer),
            url=self.url,
            asset=lambda name: self.url(assets[name]),
            has_asset=lambda name: name in assets.paths,
        )

    def compile_templates(self) -> None:
        """Compile every page template and partial now rather than on first use."""
        for name in self.env.list_templates(extensions=["html"]):
            self.env.get_template(name)

    def url(self, path: str) -> str:
        """A link to `path` (relative to the site root) that works under the base URL."""
        return self.base_path + path.removeprefix("/")

    def absolute_url(self, path: str) -> str | None:
        """The public address of `path`, when the base URL names a host."""
        if not urlsplit(self.base_url).netloc:
            return None
        return self.base_url + path.removeprefix("/")

    def link_for_host(self) -> Callable[[str], str] | None:
        """A function giving absolute addresses, when the base URL names a host."""
        if not urlsplit(self.base_url).netloc:
            return None
        return lambda path: self.base_url + path.removeprefix("/")

    def public_url(self, path: str) -> str:
        """The absolute address when the base URL names a host, else the site-relative one."""
        return self.absolute_url(path) or self.url(path)

    def render(self, page: Page) -> str:
        template = self.env.get_template(page.template)
        page_path = page.path.removesuffix("index.html")
        try:
            html = template.render(
                page=page,
                page_url=self.url(page_path),
                canonical=self.absolute_url(page_path),
                json_ld=json_ld(page, self.public_url, self.site_title),
                **page.context,
            )
        except TemplateError:
            raise
        except Exception as exc:
            # A template override can fail in plain Python (`{{ 1 // 0 }}`): report it as a
            # template error naming the page, never as a traceback.
            raise TemplateError(
                f"{page.template} failed while rendering {page.path}: {type(exc).__name__}: {exc}"
            ) from exc
        return html
