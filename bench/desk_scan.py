"""Desk scanner speed, measured in headless Chromium with a fake camera.

Prints
- frame to result: median and p95 milliseconds from the camera frame whose QR code
  was read to the verdict on screen (the "kaiku-scan" performance measure that
  static/js/desk.js records), over --scans different cards shown one after another;
- page weight: bytes transferred for the desk page (HTML, CSS, JS, wasm and the
  rest), from a cold cache and on a repeat load.

Usage: .venv/bin/python bench/desk_scan.py [--scans 20]   (or `make bench`)
"""

import argparse
import logging
import statistics
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from app import create_app, database  # noqa: E402
from app.extensions import db  # noqa: E402
from tests import factories  # noqa: E402
from tests.browser.harness import launch_chromium, log_in, scene, serve, write_y4m  # noqa: E402


def bench_app(folder: Path):
    """The app on a throw-away SQLite database in ``folder``."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "SIGNING_KEYS": ["bench"],
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.sqlite3'}",
        }
    )


def build_registry(app, count: int) -> list[str]:
    """A venue with a desk user and ``count`` active cards; their QR URLs."""
    with app.test_request_context():
        database.upgrade()
        world = factories.world()
        factories.user("desk@theatre.fi", "venue", world.venue)
        urls = [
            factories.url_of(factories.active_card(world.area, world.issuer)) for _ in range(count)
        ]
        db.session.commit()
        db.session.remove()
    return urls


class Transfer:
    """Bytes on the wire per resource type, from Chrome's network events."""

    def __init__(self, page):
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.types, self.bytes = {}, Counter()
        self.cdp.on("Network.responseReceived", self._response)
        self.cdp.on("Network.loadingFinished", self._finished)

    def _response(self, event):
        url = event["response"]["url"].split("?")[0]
        if url.endswith("/desk/check"):
            return  # a scan, not part of the page
        kind = "wasm" if url.endswith(".wasm") else event["type"].lower()
        self.types[event["requestId"]] = kind

    def _finished(self, event):
        if event["requestId"] in self.types:
            self.bytes[self.types[event["requestId"]]] += event["encodedDataLength"]

    def measure(self, action) -> Counter:
        self.bytes = Counter()
        action()
        return self.bytes


def load_desk(page, base_url):
    page.goto("about:blank")  # a new visit, not a reload (which revalidates everything)
    page.goto(f"{base_url}/desk")
    page.wait_for_function("() => !document.querySelector('[data-viewfinder]').hidden")
    page.wait_for_load_state("networkidle")


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main():
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scans", type=int, default=20)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        app = bench_app(folder)
        urls = build_registry(app, options.scans)
        video = write_y4m(
            folder / "cards.y4m",
            [pair for url in urls for pair in ((scene(None), 5), (scene(url), 10))],
        )
        with serve(app) as base_url, sync_playwright() as playwright:
            browser = launch_chromium(playwright, video)
            context = browser.new_context(
                viewport={"width": 360, "height": 740}, permissions=["camera"]
            )
            page = context.new_page()
            log_in(page, base_url, "desk@theatre.fi", factories.PASSWORD)
            transfer = Transfer(page)
            transfer.cdp.send("Network.clearBrowserCache")
            first = transfer.measure(lambda: load_desk(page, base_url))
            repeat = transfer.measure(lambda: load_desk(page, base_url))

            for _ in range(options.scans):
                page.wait_for_selector("[data-result] [data-status]", timeout=30_000)
                page.click("[data-next]")
            times = page.evaluate(
                "() => performance.getEntriesByName('kaiku-scan').map(m => m.duration)"
            )
            detector = page.evaluate(
                "() => window.BarcodeDetector === window.BarcodeDetectionAPI.BarcodeDetector"
                " ? 'zxing-wasm polyfill' : 'native BarcodeDetector'"
            )
            browser.close()

    print(f"desk scan, headless Chromium ({detector}), {len(times)} scans of different cards")
    print(
        f"  frame to result on screen: median {statistics.median(times):.1f} ms, "
        f"p95 {percentile(times, 0.95):.1f} ms, max {max(times):.1f} ms"
    )
    for label, sizes in (("first load (cold cache)", first), ("repeat load", repeat)):
        parts = ", ".join(f"{kind} {size:,}" for kind, size in sorted(sizes.items()))
        print(f"  {label}: {sum(sizes.values()):,} bytes ({parts})")


if __name__ == "__main__":
    main()
