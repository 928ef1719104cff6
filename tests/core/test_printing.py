"""Printed card stock: every QR of a batch reads back as its own card's URL, on A4 sheets
and on card pages, up to the longest URL a card can carry."""

import pypdfium2 as pdfium
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


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_card_names_the_programmes_help_line_never_the_issuing_site(app, world, layout):
    """Every desk sees the card: the issuing site would tell it which social service the
    holder uses."""
    world.issuer.name, world.issuer.contact = "Tampereen sosiaalipalvelut", "03 5656 7000"
    app.config["CARD_HELP"] = "kaikukortti.fi, 09 123 4567"
    text = pdf_text(cards_pdf([world.card], layout))
    assert "kaikukortti.fi, 09 123 4567" in text
    assert "sosiaalipalvelut" not in text and "5656" not in text


def pdf_text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    return "\n".join(page.get_textpage().get_text_bounded() for page in document)
