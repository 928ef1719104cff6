"""QR codes of card URLs: one encoder for the phone card's inline SVG (crisp at any size,
no image request, no JS) and the printed card stock (core/printing.py)."""

import zxingcpp
from markupsafe import Markup, escape

MAX_VERSION = 6  # small modules stay readable on worn cardboard and old phones
QUIET_ZONE = 4  # light modules on each side: to_image() adds them, as the standard asks


def qr_matrix(data: str) -> list[list[bool]]:
    """Dark (True) and light modules at level M, with the quiet zone around them.

    The encoder is zxing-cpp's (zint, in C): like qrcode's, it scores all eight masks to
    pick the best one, but over 15 times as fast; in pure Python that search was nearly
    90 % of the time to encode a code, and most of the time to print a batch of cards."""
    symbol = zxingcpp.create_barcode(data, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = memoryview(symbol.to_image(add_quiet_zones=True))  # a byte a module, dark 0
    size = image.shape[0]
    version = (size - 2 * QUIET_ZONE - 17) // 4
    if version > MAX_VERSION:
        raise ValueError(f"QR version {version} exceeds {MAX_VERSION}: shorten BASE_URL")
    pixels = image.tobytes()
    return [
        [pixel == 0 for pixel in pixels[row : row + size]] for row in range(0, size * size, size)
    ]


def dark_runs(matrix: list[list[bool]]):
    """(row, first column, length) of each horizontal run of dark modules."""
    for y, row in enumerate(matrix):
        start = None
        for x, dark in enumerate([*row, False]):
            if dark and start is None:
                start = x
            elif not dark and start is not None:
                yield y, start, x - start
                start = None


def qr_svg(data: str, label: str) -> Markup:
    matrix = qr_matrix(data)
    size = len(matrix)
    dark = "".join(f"M{x} {y}h{length}v1h-{length}z" for y, x, length in dark_runs(matrix))
    return Markup(
        f'<svg class="qr" viewBox="0 0 {size} {size}" role="img" aria-label="{escape(label)}" '
        f'shape-rendering="crispEdges" xmlns="http://www.w3.org/2000/svg">'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path d="{dark}" fill="#000"/></svg>'
    )
