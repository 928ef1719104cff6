"""Browser tests: the real pages in Debian's Chromium, driven by Playwright.

A live server runs the test app in a thread; each test gets its own database.
A fake camera shows a Y4M video made from a QR code this app generated.
"""

import shutil
import threading
from pathlib import Path

import pytest
from PIL import Image
from werkzeug.serving import make_server

from app.core.qr import qr_matrix
from app.extensions import db
from tests import factories

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).resolve().parent.parent / "vendor" / "axe-core-4.14.1.min.js"
BASE_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--autoplay-policy=no-user-gesture-required",
]

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
    """The app served on a free localhost port: yields its base URL."""
    app.config["WTF_CSRF_ENABLED"] = True
    factories.user("desk@theatre.fi", "venue", world.venue)
    db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def settle():
    """End this thread's transaction so the server's requests can write (SQLite)."""
    db.session.rollback()


@pytest.fixture
def launch(playwright_instance, tmp_path):
    """launch(camera=None): a Chromium, with a fake camera showing ``camera`` if given."""
    browsers = []

    def start(camera: str | None = None):
        args = list(BASE_ARGS)
        if camera is not None:
            video = tmp_path / f"camera-{len(browsers)}.y4m"
            write_y4m(video, camera)
            args += ["--use-fake-device-for-media-stream", f"--use-file-for-fake-video-capture={video}"]
        browser = playwright_instance.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=args
        )
        browsers.append(browser)
        return browser

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
    page.goto(f"{base_url}/login")
    page.fill("#email", "desk@theatre.fi")
    page.fill("#password", factories.PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base_url}/desk")
    return page


def write_y4m(path: Path, text: str | None, frames: int = 10, size=(640, 480)) -> None:
    """A Y4M video of a QR code (or an empty scene when text is None)."""
    scene = Image.new("RGB", size, (180, 180, 170))
    if text:
        matrix = qr_matrix(text)
        module = min(size) * 8 // 10 // len(matrix)
        code = Image.new("L", (len(matrix), len(matrix)), 255)
        code.putdata([0 if dark else 255 for row in matrix for dark in row])
        code = code.resize((len(matrix) * module,) * 2, Image.NEAREST).convert("RGB")
        scene.paste(code, ((size[0] - code.width) // 2, (size[1] - code.height) // 2))
    y, cb, cr = scene.convert("YCbCr").split()
    half = (size[0] // 2, size[1] // 2)
    frame = b"FRAME\n" + y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()
    with open(path, "wb") as video:
        video.write(f"YUV4MPEG2 W{size[0]} H{size[1]} F10:1 Ip A1:1 C420jpeg\n".encode())
        video.write(frame * frames)


def run_axe(page) -> list[dict]:
    """WCAG 2.1 A/AA violations on the page as it is now (needs bypass_csp)."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(content=AXE.read_text())
    return page.evaluate(
        """async () => (await axe.run(document, {runOnly: {type: 'tag',
              values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations
              .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target)}))"""
    )
