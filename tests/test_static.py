"""Static files: pinned vendored code, content-hashed URLs, long caching, nothing third-party."""

import hashlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VENDORED = [  # (file, SHA-256): the pinned versions, see static/vendor/README.md
    (
        "static/vendor/barcode-detector-3.2.2.js",
        "5a86966a3ccac0b17097306b1227d22746341334b8d67b75e1d802d1e6ae51f9",
    ),
    (
        "static/vendor/zxing-wasm-3.1.3-reader.wasm",
        "2ebda08a93eea3efcd8399cda6b276e6a0b1de4fec60b4d8988a047de4c6d1ba",
    ),
    (
        "tests/vendor/axe-core-4.14.1.min.js",
        "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c",
    ),
]


@pytest.mark.parametrize("path, digest", VENDORED)
def test_vendored_files_are_the_pinned_versions(path, digest):
    assert hashlib.sha256((ROOT / path).read_bytes()).hexdigest() == digest


def test_our_pages_and_scripts_load_nothing_from_another_host():
    """Links people may follow are fine; nothing may be fetched from elsewhere."""
    fetched = re.compile(
        r"""(?:src=|<link[^>]*href=|url\(|fetch\(|import |register\()\s*["']?(https?:)?//""", re.I
    )
    for path in [
        *ROOT.glob("templates/**/*.html"),
        *ROOT.glob("templates/**/*.js"),
        *ROOT.glob("static/js/*.js"),
        *ROOT.glob("static/css/*.css"),
    ]:
        assert not fetched.search(path.read_text()), path


def test_static_urls_carry_a_content_hash_and_are_cached_for_a_year(client):
    page = client.get("/login").text
    css = re.search(r'href="(/static/css/kaiku.css\?v=([0-9a-f]{12}))"', page)
    assert css, "stylesheet URL without a content hash"
    expected = hashlib.sha256((ROOT / "static/css/kaiku.css").read_bytes()).hexdigest()[:12]
    assert css.group(2) == expected
    response = client.get(css.group(1))
    assert response.status_code == 200
    assert "immutable" in response.headers["Cache-Control"]
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert "no-cache" not in response.headers["Cache-Control"]


def test_an_old_hash_is_not_cached_for_long(client):
    response = client.get("/static/css/kaiku.css?v=000000000000")
    assert "immutable" not in response.headers.get("Cache-Control", "")


def test_wasm_is_served_as_wasm(client):
    response = client.get("/static/vendor/zxing-wasm-3.1.3-reader.wasm")
    assert response.mimetype == "application/wasm"
