"""The holder's phone card: offline after one visit, refreshed when online, live, scannable."""

import io

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import Error as PlaywrightError

from app.core import cards
from app.extensions import db
from app.models import Card
from tests import factories
from tests.browser.conftest import settle
from tests.browser.harness import log_in


def open_card(browser, live, url, **options):
    """The holder opens the card's link once, and keeps the page open until it is kept."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        locale="en",
        extra_http_headers={"Accept-Language": "en"},
        **options,
    )
    page = context.new_page()
    page.goto(live + "/k/" + url.rsplit("/k/", 1)[1])
    for _ in range(100):  # this page, and the same in each language
        if len(kept_card_pages(page)) == 4:
            break
        page.wait_for_timeout(100)
    return context, page


def test_card_opens_offline_and_refreshes_when_back_online(live, launch, world):
    url, card_id = world.url, world.card.id
    settle()
    context, page = open_card(launch(), live, url)
    assert page.is_visible("[data-qr] svg")

    context.set_offline(True)
    page.reload()
    assert page.is_visible("[data-qr] svg")
    assert page.inner_text(".card-number") != ""
    page.wait_for_selector("[data-offline-note]:not([hidden])")

    cards.block_card(db.session.get(Card, card_id))  # the issuer blocks it meanwhile
    settle()
    context.set_offline(False)
    page.wait_for_selector('[data-usable="no"]')
    assert not page.is_visible("[data-qr] svg")
    assert "blocked" in page.inner_text("[data-card-status]").lower()
    assert page.is_hidden("[data-offline-note]")


def test_offline_the_language_links_open_the_card_in_that_language(live, launch, world):
    url = world.url
    settle()
    context, page = open_card(launch(), live, url)
    context.set_offline(True)
    page.click(".languages a[lang=sv]")
    assert page.get_attribute("html", "lang") == "sv"
    assert page.is_visible("[data-qr] svg") and "Giltigt till" in page.inner_text("main")


def test_the_qr_on_screen_scans_to_the_card(live, launch, world):
    url = world.url
    settle()
    _, page = open_card(launch(), live, url)
    shot = Image.open(io.BytesIO(page.locator("[data-qr]").screenshot()))
    assert [result.text for result in zxingcpp.read_barcodes(shot)] == [url]


def test_the_live_element_ticks_and_respects_reduced_motion(live, launch, world):
    url = world.url
    settle()
    browser = launch()
    _, moving = open_card(browser, live, url)
    assert (
        moving.eval_on_selector(".live-band", "e => getComputedStyle(e).animationName")
        == "live-sweep"
    )
    _, still = open_card(browser, live, url, reduced_motion="reduce")
    assert still.eval_on_selector(".live-band", "e => getComputedStyle(e).animationName") == "none"
    first = still.inner_text("[data-clock]")
    still.wait_for_function(
        "t => document.querySelector('[data-clock]').textContent !== t", arg=first
    )
    colours = {still.eval_on_selector(".live", "e => getComputedStyle(e).backgroundColor")}
    still.wait_for_timeout(1100)
    colours.add(still.eval_on_selector(".live", "e => getComputedStyle(e).backgroundColor"))
    assert len(colours) == 2  # a colour beat each second instead of motion
    assert "rgb(11, 107, 47)" not in colours  # never the green that means valid


def kept_card_pages(page) -> list[str]:
    """The card pages the service worker keeps on this device (path and query)."""
    return page.evaluate(
        """async () => {
            const cache = await caches.open("kaiku-cards");
            return (await cache.keys()).map((request) => {
                const url = new URL(request.url);
                return url.pathname + url.search;
            });
        }"""
    )


def test_a_desks_view_of_a_card_is_never_kept_for_offline_use(live, launch, world):
    url, path = world.url, "/k/" + world.url.rsplit("/k/", 1)[1]
    settle()
    context, page = open_card(launch(), live, url)  # the holder's page, as anyone sees it
    assert sorted(kept_card_pages(page)) == [
        path,
        *(f"{path}?lang={x}" for x in "en fi sv".split()),
    ]
    log_in(page, live, factories.Staff.desk, factories.PASSWORD)
    page.goto(live + path)  # through the service worker: now with the desk's record form
    assert page.is_visible("#result[data-status=valid]")
    assert kept_card_pages(page) == []  # and the holder's copy is gone with it
    context.set_offline(True)
    with pytest.raises(PlaywrightError):
        page.reload()  # nothing of the desk's view opens without the network


def test_logout_forgets_the_card_pages_kept_on_the_device(live, launch, world):
    url = world.url
    settle()
    _, page = open_card(launch(), live, url)
    assert len(kept_card_pages(page)) == 4
    log_in(page, live, factories.Staff.desk, factories.PASSWORD)
    page.click("form.logout button")
    page.wait_for_url(f"{live}/login")
    page.wait_for_function(
        "async () => (await (await caches.open('kaiku-cards')).keys()).length === 0"
    )
