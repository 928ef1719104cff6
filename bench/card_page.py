"""Phone card page weight: bytes transferred on the first and on a repeat visit.

Drives /k/<token> in headless Chromium (360 px wide) and counts what crossed the
network by resource type: the first visit from a cold cache, then a repeat visit
(served by the service worker and the browser cache where it can).

Usage: .venv/bin/python bench/card_page.py
"""

import logging
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from desk_scan import Transfer, bench_app  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from app import database  # noqa: E402
from app.extensions import db  # noqa: E402
from tests import factories  # noqa: E402
from tests.browser.harness import launch_chromium, serve  # noqa: E402


def main():
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as folder:
        app = bench_app(folder)
        with app.test_request_context():
            database.upgrade()
            path = "/k/" + factories.world().url.rsplit("/k/", 1)[1]
            db.session.remove()
        with serve(app) as base_url, sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
            transfer = Transfer(page)

            def visit():
                page.goto("about:blank")
                page.goto(base_url + path)
                page.wait_for_load_state("networkidle")

            first = transfer.measure(visit)
            page.evaluate("async () => { await navigator.serviceWorker.ready; }")
            repeat = transfer.measure(visit)
            browser.close()
    for label, sizes in (("first visit (cold cache)", first), ("repeat visit", repeat)):
        parts = ", ".join(f"{kind} {size:,}" for kind, size in sorted(sizes.items()))
        print(f"card page, {label}: {sum(sizes.values()):,} bytes ({parts})")


if __name__ == "__main__":
    main()
