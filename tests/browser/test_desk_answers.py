"""What the desk says, in a browser: a typo is corrected in place, a code not to trust
lets staff type the printed number from the result itself."""

from app.core import numbers
from tests.browser.conftest import desk_page, enter_code, settle


def overlay_open(page) -> bool:
    return page.evaluate("document.querySelector('[data-result-area]').classList.contains('open')")


def test_a_typo_is_corrected_in_place_not_refused(live, launch, world):
    number = numbers.display(world.card.number)
    typo = number[:-1] + ("0" if number[-1] != "0" else "1")
    settle()
    page = desk_page(launch(), live, "fi")
    enter_code(page, typo)
    page.wait_for_selector("[data-code-hint]:has-text('Tarkista numero')")  # under the field
    assert not overlay_open(page)  # nothing in front of the customer
    assert page.input_value("#code") == typo and page.get_attribute("#code", "aria-invalid")
    assert page.evaluate("document.activeElement.id") == "code"
    assert page.get_attribute("[data-code-hint]", "aria-live") == "polite"
    colour = page.eval_on_selector("[data-code-hint]", "e => getComputedStyle(e).color")
    assert colour != "rgb(164, 22, 26)"  # not the red of a refusal

    page.fill("#code", number)  # corrected: the field's hint follows what is typed
    assert page.get_attribute("#code", "aria-invalid") is None
    page.press("#code", "Enter")
    page.wait_for_selector('[data-result] [data-status="valid"]')
    assert overlay_open(page)


def test_a_forged_code_lets_staff_type_the_printed_number_there(live, launch, world):
    url, number = world.url, numbers.display(world.card.number)
    forged = url[:-5] + ("A" if url[-5] != "A" else "B") + url[-4:]  # one character changed
    settle()
    page = desk_page(launch(), live, "fi")
    enter_code(page, forged)
    page.wait_for_selector('[data-result] [data-reason="forged"]')
    assert overlay_open(page)
    page.fill("#printed-number", number)
    page.press("#printed-number", "Enter")
    page.wait_for_selector('[data-result] [data-status="valid"]')
    assert page.is_visible("[data-record-button]")
