"""The issuer registers a card by showing its QR to the camera: the same scanner as the desk."""

from app.core import numbers
from app.extensions import db
from app.models import Card
from tests import factories
from tests.browser.conftest import settle
from tests.browser.harness import log_in


def test_register_a_card_scanned_with_the_camera(live, launch, world):
    [card] = factories.stock(world.area, world.issuer)
    card_id, url, number = card.id, factories.url_of(card), card.number
    settle()
    page = (
        launch(camera=url)
        .new_context(viewport={"width": 360, "height": 740}, permissions=["camera"])
        .new_page()
    )
    log_in(page, live, factories.Staff.issuer, factories.PASSWORD, "/issuer")
    page.goto(f"{live}/issuer/register")
    page.wait_for_function("() => document.querySelector('#number').value.length > 0")
    assert page.input_value("#number") == numbers.display(number)
    assert page.evaluate("() => document.activeElement.id") == "birth_year"
    page.fill("#birth_year", "1968")
    page.fill("#postcode", "33500")
    page.select_option("#children", "1")
    page.click("form[data-register] button[type=submit]")
    page.wait_for_url(f"{live}/issuer/cards/{number}")
    settle()
    stored = db.session.get(Card, card_id)
    assert (stored.status, stored.birth_year, stored.children) == ("active", 1968, 1)
    settle()
