"""The holder's phone card: offline after one visit, refreshed when online, live, scannable."""

import io

import zxingcpp
from PIL import Image

from app.core import cards
from app.extensions import db
from app.models import Card
from tests.browser.conftest import settle


def open_card(browser, live, url, **options):
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        locale="en",
        extra_http_headers={"Accept-Language": "en"},
        **options,
    )
    page = context.new_page()
    page.goto(live + "/k/" + url.rsplit("/k/", 1)[1])
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    page.reload()  # now through the service worker, which keeps a copy
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
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
