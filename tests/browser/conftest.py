"""Browser tests: the real pages in Debian's Chromium, driven by Playwright.

A live server runs the test app in a thread; each test gets its own database.
A fake camera shows a Y4M video made from a QR code this app generated.
"""

from pathlib import Path

import pytest

from app.extensions import db
from tests import factories
from tests.browser.harness import CHROMIUM, launch_chromium, log_in, scene, serve, write_y4m

AXE = Path(__file__).resolve().parent.parent / "vendor" / "axe-core-4.14.1.min.js"

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def playwright_instance():
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (apt-get install chromium); browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture
def live(app, world):
    """The app served on a free localhost port, with every kind of staff: yields its base URL."""
    app.config["WTF_CSRF_ENABLED"] = True
    factories.staff(world)
    db.session.commit()
    with serve(app) as base_url:
        yield base_url


def settle():
    """End this thread's transaction so the server's requests can write (SQLite)."""
    db.session.rollback()


@pytest.fixture
def launch(playwright_instance, tmp_path):
    """launch(camera=None, scenes=None): a Chromium, with a fake camera showing that code's
    QR if given, or a looped film of (code or None, seconds) scenes."""
    browsers = []

    def start(camera: str | None = None, scenes: list[tuple[str | None, float]] | None = None):
        video = None
        if camera is not None:
            scenes = [(camera, 1)]
        if scenes:
            film = [(scene(code), round(seconds * 10)) for code, seconds in scenes]
            video = write_y4m(tmp_path / f"camera-{len(browsers)}.y4m", film)
        browsers.append(launch_chromium(playwright_instance, video))
        return browsers[-1]

    yield start
    for browser in browsers:
        browser.close()


def desk_page(browser, base_url: str, language: str = "en", **context_options):
    """A logged-in desk page at 360 x 740, camera allowed, in ``language``."""
    options = {
        "viewport": {"width": 360, "height": 740},
        "locale": language,
        "extra_http_headers": {"Accept-Language": language},
        "permissions": ["camera"],
        **context_options,
    }
    context = browser.new_context(**options)
    page = context.new_page()
    log_in(page, base_url, factories.Staff.desk, factories.PASSWORD)
    return page


def lines_of(page, selector: str) -> int:
    """How many lines the text of the element ``selector`` takes on screen."""
    return page.evaluate(
        """(selector) => {
            const range = document.createRange();
            range.selectNodeContents(document.querySelector(selector));
            return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
        }""",
        selector,
    )


def enter_code(page, code: str):
    """Type (or let a keyboard scanner type) a code into the desk and press Enter."""
    page.fill("#code", code)
    page.press("#code", "Enter")


def run_axe(page) -> list[dict]:
    """WCAG 2.1 A/AA violations on the page as it is now (needs bypass_csp)."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(content=AXE.read_text())
    return page.evaluate(
        """async () => (await axe.run(document, {runOnly: {type: 'tag',
              values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations
              .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target)}))"""
    )
