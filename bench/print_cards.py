"""Card stock printing speed: 1,000 cards to PDF, beside a loop of bare qrcode.make calls.

Prints seconds to generate the batch (numbers and rows), to render it as A4 sheets and as
card-printer pages, and, for the same QR payloads, a plain `qrcode.make(url)` loop.

Usage: .venv/bin/python bench/print_cards.py [--cards 1000]
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
from app.core.tokens import card_url  # noqa: E402
from app.extensions import db  # noqa: E402
from tests import factories  # noqa: E402


def timed(action):
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=1000)
    count = parser.parse_args().cards
    with tempfile.TemporaryDirectory() as folder:
        app = bench_app(folder)
        with app.test_request_context():
            db.create_all()
            world = factories.world()
            batch, issue_s = timed(lambda: cards.issue_cards(world.area, world.issuer, count))
            a4, a4_s = timed(lambda: printing.cards_pdf(batch, "a4"))
            single, single_s = timed(lambda: printing.cards_pdf(batch, "card"))
            urls = [card_url(card.number, card.generation) for card in batch]
            _, bare_s = timed(lambda: [qrcode.make(url) for url in urls])
    print(f"{count:,} cards")
    print(f"  generate the batch (numbers, rows, audit): {issue_s:6.2f} s")
    print(f"  render as A4 sheets with crop marks:       {a4_s:6.2f} s  ({len(a4):,} bytes)")
    print(
        f"  render one card a page:                    {single_s:6.2f} s  ({len(single):,} bytes)"
    )
    print(f"  bare qrcode.make loop, same payloads:      {bare_s:6.2f} s")


if __name__ == "__main__":
    main()
