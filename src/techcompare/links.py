"""Find broken links in a built site: every internal `href`, `src` and `srcset` of every HTML
page, `url(...)` in stylesheets, and `#fragment` anchors.

Input: the output folder, and the base URL it was built for (`--base-url`): a path such as
`/sub/` or a full URL such as `https://example.org/sub/`. Output: one line per broken link,
`page: attribute="link": what is wrong`, sorted; an empty list when every link resolves.

A link is internal when it is relative (`../assets/x.css`), root-relative (`/sub/x/`) or, with
a full base URL, an absolute URL under it. Root-relative links must stay under the base path:
on a host serving the site at `/sub/`, `/x/` is another site's page. A link to a folder needs
its `index.html`. A fragment needs an element with that `id` (or an `<a name>`) on the target
page. Other links (other hosts, `mailto:`, `data:`) are not checked.

From a shell: `python -m techcompare.links site https://example.org/sub/` prints the broken
links and exits 1 when there are any.
"""

from __future__ import annotations

import argparse
import posixpath
import re
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

LINK_ATTRIBUTES = ("href", "src", "srcset", "poster")
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)""")


@dataclass
class _Page:
    """What the checker needs from one HTML file: its links and the anchors it offers."""

    links: list[tuple[str, str]] = field(default_factory=list)  # (attribute, value)
    anchors: set[str] = field(default_factory=set)
    base_href: str | None = None


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = _Page()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value for name, value in attrs if value is not None}
        if "id" in values:
            self.page.anchors.add(values["id"])
        if tag == "a" and "name" in values:
            self.page.anchors.add(values["name"])
        if tag == "base" and "href" in values and self.page.base_href is None:
            self.page.base_href = values["href"]
            return
        for name in LINK_ATTRIBUTES:
            value = values.get(name)
            if value is None:
                continue
            if name == "srcset":
                for candidate in value.split(","):
                    url = candidate.strip().split(" ")[0]
                    if url:
                        self.page.links.append((name, url))
            else:
                self.page.links.append((name, value.strip()))

    handle_startendtag = handle_starttag


class LinkChecker:
    """Checks the links of one built site; pages are parsed once and remembered."""

    def __init__(self, site_dir: Path, base_url: str = "/") -> None:
        self.site_dir = site_dir
        parts = urlsplit(base_url)
        self.origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme else None
        self.base_path = "/" + parts.path.strip("/") + "/" if parts.path.strip("/") else "/"
        self.pages: dict[str, _Page] = {}

    def page(self, relative: str) -> _Page:
        """The parsed HTML file at `relative` (a path inside the site)."""
        if relative not in self.pages:
            parser = _PageParser()
            parser.feed((self.site_dir / relative).read_text(encoding="utf-8", errors="replace"))
            parser.close()
            self.pages[relative] = parser.page
        return self.pages[relative]

    def broken_links(self) -> list[str]:
        problems: set[str] = set()
        for path in sorted(self.site_dir.rglob("*")):
            if not path.is_file():
                continue
            relative = path.relative_to(self.site_dir).as_posix()
            if path.suffix == ".html":
                page = self.page(relative)
                base = page.base_href or ""
                for attribute, link in page.links:
                    problem = self.check(relative, link, base)
                    if problem:
                        problems.add(f'{relative}: {attribute}="{link}": {problem}')
            elif path.suffix == ".css":
                text = path.read_text(encoding="utf-8", errors="replace")
                for match in _CSS_URL.finditer(text):
                    link = next(group for group in match.groups() if group is not None)
                    problem = self.check(relative, link, "", fragments=False)
                    if problem:
                        problems.add(f'{relative}: url("{link}"): {problem}')
        return sorted(problems)

    def check(self, page: str, link: str, base: str = "", fragments: bool = True) -> str | None:
        """What is wrong with `link` on `page` (a path inside the site), or None."""
        target = self.resolve(page, base, link)
        if target is None or isinstance(target, str):  # elsewhere, or a problem
            return target
        path, fragment = target
        file = self.file_for(path)
        if file is None:
            return "no such file in the site"
        checked = fragments and fragment and file.endswith(".html")
        if checked and fragment not in self.page(file).anchors:
            return f"{file} has no element with id `{fragment}`"
        return None

    def resolve(self, page: str, base: str, link: str) -> tuple[str, str] | str | None:
        """`link` as (path inside the site, fragment); None for a link elsewhere; a string
        saying what is wrong when it leaves the site or the base path."""
        if base and not urlsplit(link).scheme and not link.startswith("/"):
            link = base + link if link.startswith("#") else posixpath.join(base, link)
        parts = urlsplit(link)
        if parts.scheme or parts.netloc:
            own = self.origin is not None and f"{parts.scheme}://{parts.netloc}" == self.origin
            if parts.scheme not in ("http", "https", "") or not own:
                return None
        path, fragment = unquote(parts.path), unquote(parts.fragment)
        if not path:
            return (page, fragment)
        if path.startswith("/"):
            if not (path + "/").startswith(self.base_path):
                return f"outside the base path {self.base_path}"
            inside = path[len(self.base_path) :]
        else:
            inside = posixpath.join(posixpath.dirname(page), path)
        normal = posixpath.normpath(inside) if inside else "."
        if normal == ".." or normal.startswith("../"):
            return "leads outside the site"
        if normal == ".":
            return ("", fragment)
        return (normal + ("/" if path.endswith("/") else ""), fragment)

    def file_for(self, path: str) -> str | None:
        """The file a host serves for `path` inside the site, or None when there is none."""
        candidates = [path + "index.html"] if path == "" or path.endswith("/") else [path]
        if not path.endswith("/") and path:
            candidates.append(path + "/index.html")  # hosts redirect /x to /x/
        for candidate in candidates:
            if (self.site_dir / candidate).is_file():
                return candidate
        return None


def find_broken_links(site_dir: Path, base_url: str = "/") -> list[str]:
    """Every broken internal link and anchor in the site at `site_dir`, built for
    `base_url` (a path such as `/sub/` or a full URL); an empty list when there are none."""
    return LinkChecker(site_dir, base_url).broken_links()


def main(argv: list[str] | None = None) -> int:
    """`python -m techcompare.links SITE [BASE_URL]`: print broken links; exit 1 if any."""
    parser = argparse.ArgumentParser(
        prog="python -m techcompare.links", description="Find broken links in a built site."
    )
    parser.add_argument("site", type=Path, help="the output folder of `techcompare build`")
    parser.add_argument(
        "base_url", nargs="?", default="/", help="the --base-url it was built for (default /)"
    )
    args = parser.parse_args(argv)
    if not args.site.is_dir():
        parser.error(f"{args.site} is not a folder")
    problems = find_broken_links(args.site, args.base_url)
    for problem in problems:
        print(problem)
    print(f"{len(problems)} broken link(s)", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
