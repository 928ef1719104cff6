"""Cards of the earlier registry at the desk: their Code 39 barcode shown to the camera,
their ID typed or sent by a USB scanner, and their phone card's QR."""

from sqlalchemy import select

from app.core import imports
from app.core.tokens import card_url
from app.extensions import db
from app.models import Card, Use
from tests.browser.conftest import desk_page, enter_code, settle
from tests.browser.harness import Code39

EXPORT = (
    "id;status;registered;valid_until;children;birth_year;postcode;municipality;site;area\n"
    "KK-0001234;active;2025-03-14;2030-03-13;2;1984;33100;;issuer;PIR\n"
    "KK-0001235;blocked;2025-03-14;2030-03-13;0;1960;33200;;issuer;PIR\n"
)


def import_export() -> str:
    """Import the two cards; the phone card link of the active one."""
    imports.import_cards(EXPORT.encode())
    card = db.session.scalar(select(Card).where(Card.number == "KK0001234"))
    url = card_url(card.number, card.generation)
    settle()
    return url


def status_of(page) -> str:
    page.wait_for_selector("[data-result] [data-status]")
    return page.get_attribute("[data-result] [data-status]", "data-status")


def recorded() -> list[tuple[str, bool]]:
    settle()
    uses = db.session.scalars(select(Use)).all()
    found = [(use.card.legacy_id, use.typed) for use in uses]
    settle()
    return found


def test_a_code_39_card_shown_to_the_camera_gets_the_usual_verdict(live, launch, world):
    import_export()
    page = desk_page(launch(camera=Code39("KK-0001234")), live)

    assert status_of(page) == "valid"
    assert page.inner_text(".facts .number") == "KK-0001234"
    assert page.is_visible("#typed-note")  # unsigned: staff compare it with the card
    page.click("[data-record-button]")
    page.wait_for_selector('[data-result] [data-status="recorded"]')
    assert recorded() == [("KK-0001234", True)]


def test_a_blocked_old_card_is_refused_from_its_barcode(live, launch, world):
    import_export()
    page = desk_page(launch(camera=Code39("KK-0001235")), live)
    assert status_of(page) == "blocked"
    assert recorded() == []


def test_a_usb_scanner_or_a_typed_id_in_any_spelling(live, launch, world):
    import_export()
    page = desk_page(launch(), live)
    page.fill("#code", "KK0001234")  # the live hint does not call an old ID a typo
    hint = page.inner_text("[data-code-hint]")
    assert "earlier registry" in hint
    page.locator("#code").fill("")
    page.locator("#code").focus()
    page.keyboard.type("KK-0001234")  # a USB scanner reading the barcode: keys, then Enter
    page.keyboard.press("Enter")
    assert status_of(page) == "valid"
    page.click("[data-next]")
    enter_code(page, "kk 000 1234")
    assert status_of(page) == "valid"


def test_the_phone_card_of_an_old_card_is_signed(live, launch, world):
    url = import_export()
    page = desk_page(launch(camera=url), live)

    assert status_of(page) == "valid"
    assert not page.is_visible("#typed-note")
    assert page.inner_text(".facts .number") == "KK-0001234"
    holder = page.context.new_page()
    holder.goto(live + "/k/" + url.rsplit("/k/", 1)[1])
    assert "KK-0001234" in holder.inner_text(".card-number")


def test_an_old_cards_qr_holding_its_id_is_read_like_its_barcode(live, launch, world):
    import_export()
    page = desk_page(launch(camera="KK-0001234"), live)  # the QR's text is the ID itself

    assert status_of(page) == "valid"
    assert page.is_visible("#typed-note")
