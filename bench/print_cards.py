"""Card stock printing speed: batches of 1,000 and 5,000 cards to PDF, beside bare qrcode.make.

For each batch size, prints seconds to generate the batch (numbers and rows), to encode its
QR codes alone (app.core.qr, as the PDFs do), to render it as A4 sheets and as card-printer
pages, and, for the same payloads, a loop of bare `qrcode.make(url)` calls (the library's
default, which scores all eight masks). With --decode, also reads every QR of both PDFs
back (as the tests do, minutes for 5,000 cards) and counts those that carry their card's URL.

Usage: .venv/bin/python bench/print_cards.py [--cards 1000 5000] [--decode]
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import qrcode  # noqa: E402
from desk_scan import bench_app  # noqa: E402

from app.core import cards, printing  # noqa: E402
from app.core.qr import qr_matrix  # noqa: E402
from app.core.tokens import card_url  # noqa: E402
from app.extensions import db  # noqa: E402
from tests import factories  # noqa: E402
from tests.scanning import decode_pdf  # noqa: E402


def timed(action):
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


def bench(world, count: int, decode: bool) -> None:
    batch, issue_s = timed(lambda: cards.issue_cards(world.area, world.issuer, count))
    urls = [card_url(card.number, card.generation) for card in batch]
    _, encode_s = timed(lambda: [qr_matrix(url) for url in urls])
    a4, a4_s = timed(lambda: printing.cards_pdf(batch, "a4"))
    single, single_s = timed(lambda: printing.cards_pdf(batch, "card"))
    _, bare_s = timed(lambda: [qrcode.make(url) for url in urls])
    print(f"{count:,} cards")
    print(f"  generate the batch (numbers, rows, audit): {issue_s:6.2f} s")
    print(f"  encode the QR codes alone (app.core.qr):   {encode_s:6.2f} s")
    print(f"  render as A4 sheets with crop marks:       {a4_s:6.2f} s  ({len(a4):,} bytes)")
    print(
        f"  render one card a page:                    {single_s:6.2f} s  ({len(single):,} bytes)"
    )
    print(f"  bare qrcode.make loop, same payloads:      {bare_s:6.2f} s")
    if decode:
        for name, pdf in (("A4 sheets", a4), ("one card a page", single)):
            found = decode_pdf(pdf)
            right = len(set(urls).intersection(found))
            print(f"  read back from the {name}: {len(found):,} QR codes, {right:,} card URLs")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--decode", action="store_true", help="read every QR back (slow)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = bench_app(folder)
        with app.test_request_context():
            db.create_all()
            world = factories.world()
            for count in options.cards:
                bench(world, count, options.decode)


if __name__ == "__main__":
    main()
