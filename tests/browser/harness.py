"""What the browser tests and bench/desk_scan.py share: Chromium, a fake camera, a live server."""

import shutil
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import zxingcpp
from PIL import Image
from werkzeug.serving import make_server

from app.core.qr import qr_matrix
from tests.factories import app_codes

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--autoplay-policy=no-user-gesture-required",
]


def launch_chromium(playwright, camera_video: Path | None = None):
    """Debian's Chromium; with a fake camera playing ``camera_video`` when given."""
    args = list(CHROMIUM_ARGS)
    if camera_video is not None:
        args += [
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={camera_video}",
        ]
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)


@contextmanager
def serve(app):
    """Serve ``app`` on a free localhost port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


def log_in(page, base_url: str, email: str, password: str, lands_on: str = "/desk") -> None:
    """Log in through the form (with the app's code where two-step verification asks)."""
    page.goto(f"{base_url}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit].primary")
    page.wait_for_url(lambda url: url.endswith((lands_on, "/login/code")))
    if page.url.endswith("/login/code"):
        for code in app_codes():  # a code is accepted once: a second login takes the next
            page.fill("#code", code)
            page.click("button[type=submit].primary")
            page.wait_for_load_state()
            if page.url == f"{base_url}{lands_on}":
                break
        page.wait_for_url(f"{base_url}{lands_on}")


@dataclass(frozen=True)
class Code39:
    """A Code 39 barcode of ``text`` for a fake camera (cards of the earlier registry)."""

    text: str

    def image(self, width: int) -> Image.Image:
        symbol = memoryview(
            zxingcpp.create_barcode(self.text, zxingcpp.BarcodeFormat.Code39).to_image(
                add_quiet_zones=True
            )
        )
        bars = Image.frombytes("L", (symbol.shape[1], symbol.shape[0]), symbol.tobytes())
        scale = width // bars.width
        return bars.resize((bars.width * scale, width // 4), Image.NEAREST).convert("RGB")


def scene(text: "str | Code39 | None", size=(640, 480)) -> Image.Image:
    """A grey scene with the QR code of ``text`` (or a Code 39 barcode) in the middle, or
    nothing."""
    image = Image.new("RGB", size, (180, 180, 170))
    if isinstance(text, Code39):
        code = text.image(size[0] * 9 // 10)
        image.paste(code, ((size[0] - code.width) // 2, (size[1] - code.height) // 2))
    elif text:
        matrix = qr_matrix(text)
        module = min(size) * 8 // 10 // len(matrix)
        code = Image.new("L", (len(matrix), len(matrix)), 255)
        code.putdata([0 if dark else 255 for row in matrix for dark in row])
        code = code.resize((len(matrix) * module,) * 2, Image.NEAREST).convert("RGB")
        image.paste(code, ((size[0] - code.width) // 2, (size[1] - code.height) // 2))
    return image


def write_y4m(path: Path, scenes: list[tuple[Image.Image, int]], fps: int = 10) -> Path:
    """A Y4M video: each (image, frames) pair shown for that many frames."""
    width, height = scenes[0][0].size
    with open(path, "wb") as video:
        video.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for image, frames in scenes:
            y, cb, cr = image.convert("YCbCr").split()
            half = (width // 2, height // 2)
            frame = b"FRAME\n" + y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()
            video.write(frame * frames)
    return path
