"""The desk on a small phone (360 x 640): the staff header stays small, and with a valid
card the verdict, the allowance, the steppers, Record and Next are all in view without
scrolling. Later work adds to this screen: this test says when it no longer fits."""

import pytest

from app.core import numbers
from tests import factories
from tests.browser.conftest import desk_page, enter_code, lines_of, settle

PHONE = {"width": 360, "height": 640}
MUST_SEE = [
    "#result-word",
    ".tickets",
    "#children",
    "#assistant",
    "[data-record-button]",
    "[data-next]",
]


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_a_valid_card_fits_a_small_phone(live, launch, world, language):
    card = factories.active_card(world.area, world.issuer, children=2)
    typed = numbers.display(card.number)  # typed: the longest answer (it says to compare)
    settle()
    page = desk_page(launch(), live, language, viewport=PHONE)
    header = page.locator("body > header").bounding_box()
    assert header["height"] <= PHONE["height"] / 4

    enter_code(page, typed)
    page.wait_for_selector('[data-result] [data-status="valid"]')
    out_of_view = []
    for selector in MUST_SEE:
        box = page.locator(selector).bounding_box()
        if box is None or box["y"] < 0 or box["y"] + box["height"] > PHONE["height"]:
            out_of_view.append((selector, box and round(box["y"] + box["height"])))
    assert out_of_view == []
    assert page.evaluate("document.querySelector('[data-result-area]').scrollTop") == 0


def test_an_open_result_is_all_a_screen_reader_meets(live, launch, world):
    url = world.url
    settle()
    page = desk_page(launch(), live, "fi")
    enter_code(page, url)
    page.click("[data-record-button]")
    page.click("[data-next]")
    enter_code(page, url)  # again: already used, with its "!" icon
    page.wait_for_selector('[data-result] [data-status="already_used"]')
    said = page.inner_text("[data-announce]")
    assert said.startswith("Jo käytetty") and "!" not in said
    reachable = page.evaluate(
        """() => [...document.querySelectorAll('a[href], button, input, select, summary')]
            .filter((element) => !element.closest('[inert]') && !element.closest('[hidden]')
                && !element.closest('[data-result-area]') && element.offsetParent !== null)
            .map((element) => element.outerHTML.slice(0, 60))"""
    )
    assert reachable == []  # Shift+Tab from the result finds nothing of the page behind it


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_with_text_at_200_percent_the_result_runs_off_no_side(live, launch, world, language):
    typed = numbers.display(world.card.number)
    settle()
    page = desk_page(launch(), live, language)
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    enter_code(page, typed)
    page.wait_for_selector('[data-result] [data-status="valid"]')
    area = "document.querySelector('[data-result-area]')"
    assert page.evaluate(f"{area}.scrollWidth <= {area}.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert lines_of(page, "#result-word") == 1  # the word whole, below its icon if need be
