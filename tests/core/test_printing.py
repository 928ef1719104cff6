"""Printed card stock: every QR of a batch reads back as its own card's URL, on A4 sheets
and on card pages, up to the longest URL a card can carry."""

import pytest

from app.core.printing import LAYOUTS, cards_pdf
from app.core.qr import MAX_VERSION, qr_matrix
from tests import factories
from tests.scanning import decode_pdf

# With the longest token (generation 999999) a URL of 106 bytes: all that a QR of
# version 6 at level M holds.
LONG_BASE_URL = "https://kaikukortti.kulttuuriyhdistys.local"


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_qr_of_a_batch_reads_back_as_its_cards_url(app, world, layout):
    app.config["BASE_URL"] = LONG_BASE_URL
    batch = factories.stock(world.area, world.issuer, 11)  # a full A4 sheet and one more
    batch[-1].generation = 999_999
    urls = [factories.url_of(card) for card in batch]
    assert len(urls[-1]) == 106
    assert len(qr_matrix(urls[-1])) == 17 + 4 * MAX_VERSION + 2 * 4
    assert sorted(decode_pdf(cards_pdf(batch, layout))) == sorted(urls)
