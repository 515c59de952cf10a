"""Serve a built site on 127.0.0.1 and screenshot a page in Debian's Chromium.

Usage: python scripts/screenshot.py SITE_DIR PATH OUT.png [--width 1280] [--dark] [--full]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import threading

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("site")
    parser.add_argument("path")
    parser.add_argument("out")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--dark", action="store_true")
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--scroll-to", default=None, help="CSS selector to scroll into view")
    args = parser.parse_args()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=args.site)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/{args.path.lstrip('/')}"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(
            viewport={"width": args.width, "height": args.height},
            color_scheme="dark" if args.dark else "light",
        )
        page.on("console", lambda m: print("console:", m.type, m.text))
        page.goto(url, wait_until="networkidle")
        if args.full:
            for el in page.query_selector_all(".chart"):
                el.scroll_into_view_if_needed()
            page.wait_for_timeout(800)
            page.evaluate("window.scrollTo(0, 0)")
        if args.scroll_to:
            page.locator(args.scroll_to).first.scroll_into_view_if_needed()
            page.wait_for_timeout(800)
        page.screenshot(path=args.out, full_page=args.full)
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
