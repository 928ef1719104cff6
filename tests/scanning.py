"""Read QR codes back the way a phone would, to prove that what we draw really scans.

Only the kind of QR code the cards carry (model 2): a reader of every format finds, now
and then, an ITF bar code in the bars of a QR's rows, or a Micro QR code in a corner of a
QR on a page of many (a few digits, about once in 1,000 card QRs, whatever the encoder)."""

import re

import pypdfium2
import zxingcpp
from PIL import Image

QR = zxingcpp.BarcodeFormat.QRCodeModel2


def decode_pdf(data: bytes, dpi: int = 300) -> list[str]:
    """Every QR code on every page of a PDF, as text."""
    found = []
    document = pypdfium2.PdfDocument(data)
    for page in document:
        image = page.render(scale=dpi / 72).to_pil()
        found += [result.text for result in zxingcpp.read_barcodes(image, formats=QR)]
    document.close()  # now, not at exit, where pypdfium2 warns of every page left open
    return found


def decode_svg_qr(page_text: str) -> str:
    """Rasterise a page's inline SVG QR (one square per module) and read it."""
    svg = re.search(r'<svg class="qr" viewBox="0 0 (\d+) \d+".*?</svg>', page_text, re.S)
    size = int(svg.group(1))
    image = Image.new("L", (size, size), 255)
    for x, y, length in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", svg.group(0)):
        for column in range(int(x), int(x) + int(length)):
            image.putpixel((column, int(y)), 0)
    image = image.resize((size * 8, size * 8), Image.NEAREST)
    [result] = zxingcpp.read_barcodes(image, formats=QR)
    return result.text
