"""Phone card page weight: bytes that cross the network on the first and on a repeat visit.

Drives /k/<token> in headless Chromium (360 px wide) and counts, at the server, every
byte it sends (status lines, headers and bodies) by kind of request: the first visit
from a cold cache, then a repeat visit. Counted at the server, the service worker's
own requests are in it too (the page's network log doesn't see them).

Usage: .venv/bin/python bench/card_page.py
"""

import logging
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from desk_scan import bench_app  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from app import database  # noqa: E402
from app.extensions import db  # noqa: E402
from tests import factories  # noqa: E402
from tests.browser.harness import launch_chromium, serve  # noqa: E402


class Wire:
    """WSGI middleware: the bytes the server sends, by kind of request."""

    def __init__(self, app):
        self.inner, app.wsgi_app = app.wsgi_app, self
        self.sent = Counter()

    def __call__(self, environ, start_response):
        kind = _kind(environ["PATH_INFO"])

        def start(status, headers, exc_info=None):
            self.sent[kind] += len(status) + sum(len(k) + len(v) + 4 for k, v in headers) + 13
            return start_response(status, headers, exc_info)

        for chunk in self.inner(environ, start):
            self.sent[kind] += len(chunk)
            yield chunk

    def measure(self, action) -> Counter:
        self.sent = Counter()
        action()
        return self.sent


def _kind(path: str) -> str:
    if path.startswith("/static/"):
        return "static"
    if path.endswith("/status"):
        return "status"
    if path.endswith(("sw.js", ".webmanifest")):
        return "worker"
    return "page"


def main():
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as folder:
        app = bench_app(folder)
        with app.test_request_context():
            database.upgrade()
            path = "/k/" + factories.world().url.rsplit("/k/", 1)[1]
            db.session.remove()
        wire = Wire(app)
        with serve(app) as base_url, sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_context(viewport={"width": 360, "height": 740}).new_page()

            def visit():
                page.goto("about:blank")
                page.goto(base_url + path)
                page.wait_for_load_state("networkidle")

            first = wire.measure(visit)
            page.evaluate("async () => { await navigator.serviceWorker.ready; }")
            page.wait_for_timeout(1000)  # the worker keeps the page in each language
            repeat = wire.measure(visit)
            browser.close()
    for label, sizes in (("first visit (cold cache)", first), ("repeat visit", repeat)):
        parts = ", ".join(f"{kind} {size:,}" for kind, size in sorted(sizes.items()))
        print(f"card page, {label}: {sum(sizes.values()):,} bytes ({parts})")


if __name__ == "__main__":
    main()
