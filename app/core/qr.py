"""QR codes of card URLs: one encoder for the phone card's inline SVG (crisp at any size,
no image request, no JS) and the printed card stock (core/printing.py)."""

import qrcode
from markupsafe import Markup, escape
from qrcode.constants import ERROR_CORRECT_M

MAX_VERSION = 6  # small modules stay readable on worn cardboard and old phones
# Readers read any of the eight masks. qrcode's default scores all eight to pick one: that
# was nearly 90 % of the time to encode a code, and most of the time to print a batch of
# cards. So the mask is fixed: mask 2 (every third column) is the one that search picks
# most often for card URLs, its penalty score is on average within 7 % of the best's, and
# blurred low-resolution images of card QRs read as often with it as with the best mask.
MASK = 2


def qr_matrix(data: str) -> list[list[bool]]:
    """Dark (True) and light modules, with the 4-module quiet zone around them."""
    # version=1: make() then fits the data from version 1 up once (None fits it twice).
    code = qrcode.QRCode(version=1, error_correction=ERROR_CORRECT_M, border=4, mask_pattern=MASK)
    code.add_data(data)
    code.make(fit=True)
    if code.version > MAX_VERSION:
        raise ValueError(f"QR version {code.version} exceeds {MAX_VERSION}: shorten BASE_URL")
    return code.get_matrix()


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
