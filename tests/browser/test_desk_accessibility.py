"""axe-core: no WCAG 2.1 A/AA violations on the desk and each result, in fi, sv and en,
at 360 px."""

import pytest

from app.core import cards, numbers
from tests import factories
from tests.browser.conftest import desk_page, enter_code, run_axe, settle


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_desk_and_every_result_screen_pass_axe(live, launch, world, language):
    blocked = factories.active_card(world.area, world.issuer)
    cards.block_card(blocked)
    url, blocked_url = world.url, factories.url_of(blocked)
    number = factories.active_card(world.area, world.issuer).number
    settle()
    page = desk_page(launch(), live, language, bypass_csp=True)
    assert page.get_attribute("html", "lang") == language
    screens = {"desk": run_axe(page)}

    def save_offline():
        enter_code(page, numbers.display(number))  # typed: kept, checked when sent
        page.wait_for_selector('[data-result] [data-status="offline-unconfirmed"]')
        page.click("[data-result] [data-record-button]")

    def screen(name, status, action):
        action()
        page.wait_for_selector(f'[data-result] [data-status="{status}"]')
        screens[name] = run_axe(page)

    screen("valid", "valid", lambda: enter_code(page, url))
    screen("recorded", "recorded", lambda: page.click("[data-record-button]"))
    page.click("[data-next]")
    screen("already_used", "already_used", lambda: enter_code(page, url))
    page.click("[data-next]")
    screen("blocked", "blocked", lambda: enter_code(page, blocked_url))
    page.click("[data-next]")
    forged = url[:-5] + ("A" if url[-5] != "A" else "B") + url[-4:]
    screen("invalid", "invalid", lambda: enter_code(page, forged))
    page.click("[data-next]")
    enter_code(page, "K7Q-4MZ-R2X")  # a typo: asked to check, beside the field
    page.wait_for_selector("#code[aria-invalid=true]")
    screens["check the number"] = run_axe(page)
    page.route("**/desk/check", lambda route: route.abort("internetdisconnected"))
    screen("offline verdict", "offline-already_used", lambda: enter_code(page, url))
    page.click("[data-next]")
    screen("saved offline", "saved", save_offline)

    assert {name: found for name, found in screens.items() if found} == {}


def test_axe_really_reports_violations(live, launch):
    page = desk_page(launch(), live, bypass_csp=True)
    page.evaluate("() => document.querySelector('main').append(document.createElement('input'))")
    assert "label" in {violation["id"] for violation in run_axe(page)}
