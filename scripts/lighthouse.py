"""Run Lighthouse (mobile preset) against the built site and print the four scores per page.

Usage: python scripts/lighthouse.py [--site DIR] [PAGE ...]

Builds the bundled content into a temporary folder unless --site is given, serves it on
127.0.0.1 with gzip (as any static host would), installs Lighthouse 12.8.2 from the npm
registry into .cache/lighthouse on first use (the newest major needs Node 22), and runs it
with Debian's Chromium. Pages default to the home page, every comparison and one
technology page.
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache" / "lighthouse"
LIGHTHOUSE = "lighthouse@12.8.2"
CHROMIUM = "/usr/bin/chromium"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".xml", ".svg", ".txt")


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """A static server that compresses text, like the hosts the site is deployed to."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not accepts or path.suffix not in COMPRESSIBLE or not path.is_file():
            return super().send_head()
        if self.path.split("?")[0].endswith("/") is False and path.name == "index.html":
            return super().send_head()
        body = gzip.compress(path.read_bytes())
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        import io

        return io.BytesIO(body)


def install_lighthouse() -> Path:
    binary = CACHE / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        print(f"Installing {LIGHTHOUSE} into {CACHE} ...", file=sys.stderr)
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(CACHE), LIGHTHOUSE],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return binary


def default_pages(site: Path) -> list[str]:
    pages = [""]
    pages += sorted(f"compare/{p.parent.name}/" for p in (site / "compare").glob("*/index.html"))
    technologies = sorted((site / "technologies").glob("*/index.html"))
    if technologies:
        pages.append(f"technologies/{technologies[0].parent.name}/")
    return pages


def run_lighthouse(binary: Path, url: str) -> dict[str, int]:
    env = dict(os.environ, CHROME_PATH=CHROMIUM)
    result = subprocess.run(
        [
            str(binary),
            url,
            "--quiet",
            "--output=json",
            "--form-factor=mobile",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu "
            "--disable-background-networking --disable-component-update --disable-sync "
            "--no-first-run --disable-quic",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(result.stdout)
    return {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="a built site (default: build content/)")
    parser.add_argument("pages", nargs="*", help="paths such as compare/x/ (default: all)")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        subprocess.run([str(ROOT / "scripts" / "install-chromium")], check=True)
    binary = install_lighthouse()
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site
        if site is None:
            site = Path(tmp) / "site"
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "techcompare",
                    "build",
                    "--content",
                    str(ROOT / "content"),
                    "--out",
                    str(site),
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            )
        handler = partial(GzipHandler, directory=str(site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        print("| page | " + " | ".join(CATEGORIES) + " |")
        print("|---|" + "---|" * len(CATEGORIES))
        worst = 100
        for page in args.pages or default_pages(site):
            scores = run_lighthouse(binary, base + page)
            worst = min(worst, *scores.values())
            row = " | ".join(str(scores[c]) for c in CATEGORIES)
            print(f"| /{page} | {row} |", flush=True)
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
