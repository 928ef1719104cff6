"""Links and keys to hand on have a copy button (static/js/copy.js)."""

from urllib.parse import unquote

from tests import factories
from tests.browser.conftest import settle
from tests.browser.harness import log_in


def test_the_issuer_copies_the_phone_card_link(live, launch, world):
    number, url = world.card.number, world.url
    settle()
    context = launch().new_context(locale="fi", permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    log_in(page, live, factories.Staff.issuer, factories.PASSWORD, "/issuer")
    page.goto(f"{live}/issuer/cards/{number}")
    page.click("[data-copy=card-link]")
    page.wait_for_selector("[data-copied]:has-text('Kopioitu.')")
    assert page.evaluate("navigator.clipboard.readText()") == url
    sms = page.get_attribute("a[href^='sms:']", "href")
    assert unquote(sms.split("body=", 1)[1]) == url  # a text message with the link in it
