"""The desk in a real browser: camera, keyboard scanner, typing, network failure."""

import pytest
from sqlalchemy import select

from app.core import cards, numbers
from app.core.tokens import make_token
from app.extensions import db
from app.models import Use
from tests import factories
from tests.browser.conftest import desk_page, enter_code, settle
from tests.browser.harness import log_in

RESULT = "[data-result] [data-status]"


def wait_for_status(page, status: str, timeout: float = 15_000):
    page.wait_for_selector(f'[data-result] [data-status="{status}"]', timeout=timeout)


def desk_with_a_valid_card(live, launch, world):
    """A desk page showing the ``valid`` result for the world's card, typed in."""
    url = world.url
    settle()
    page = desk_page(launch(), live)
    enter_code(page, url)
    wait_for_status(page, "valid")
    return page


def live_uses():
    settle()
    uses = db.session.scalars(select(Use).where(Use.voided_at.is_(None))).all()
    result = [(use.card_id, use.children, use.assistant) for use in uses]
    settle()
    return result


def test_a_card_shown_to_the_camera_is_recorded_then_already_used(live, launch, world):
    url, card_id = world.url, world.card.id
    settle()
    page = desk_page(launch(camera=url), live)
    wait_for_status(page, "valid")
    assert "valid" in page.inner_text("[data-result]").lower()
    page.click('[data-step="1"][aria-controls="children"]')
    page.click('[data-step="1"][aria-controls="children"]')
    page.click('[data-step="1"][aria-controls="assistant"]')
    page.click("[data-record-button]")
    wait_for_status(page, "recorded")
    assert live_uses() == [(card_id, 2, 1)]

    page.click("[data-next]")  # the card stays in view: it is not read again
    page.wait_for_timeout(4000)
    assert page.locator(RESULT).count() == 0
    assert live_uses() == [(card_id, 2, 1)]
    assert page.locator("[data-uses] [data-use-id]").count() == 1


def test_a_card_shown_again_after_leaving_the_view_is_read_again(live, launch, world):
    url = world.url
    settle()
    page = desk_page(launch(scenes=[(url, 2), (None, 1.5)]), live)  # shown, taken away, ...
    wait_for_status(page, "valid")
    page.click("[data-record-button]")
    wait_for_status(page, "recorded")
    page.click("[data-next]")
    wait_for_status(page, "already_used")  # shown again once it had left the view


@pytest.mark.parametrize("kind", ["blocked", "forged"])
def test_blocked_and_forged_cards_get_their_screen_and_record_nothing(live, launch, world, kind):
    if kind == "blocked":
        cards.block_card(world.card)
        code, status = world.url, "blocked"
    else:
        code, status = (
            "https://kaiku.test/k/" + make_token(world.card.number, 1, ["evil"]),
            "invalid",
        )
    settle()
    page = desk_page(launch(camera=code), live)
    wait_for_status(page, status)
    assert page.locator("[data-record-button]").count() == 0
    assert live_uses() == []


def test_keyboard_scanner_types_the_url_and_enter(live, launch, world):
    url = world.url
    settle()
    page = desk_page(launch(), live)
    page.locator("#code").focus()
    page.keyboard.type(url)
    page.keyboard.press("Enter")
    wait_for_status(page, "valid")
    page.click("[data-record-button]")
    wait_for_status(page, "recorded")
    # The scanner types the next code while the result is still on screen.
    page.keyboard.type(url)
    page.keyboard.press("Enter")
    wait_for_status(page, "already_used")


def test_typed_number_with_a_typo_is_flagged_before_sending(live, launch, world):
    number = numbers.display(world.card.number)
    settle()
    typo = number[:-1] + ("0" if number[-1] != "0" else "1")
    page = desk_page(launch(), live)
    page.fill("#code", typo)
    page.wait_for_selector(".hint-bad")
    page.fill("#code", number.lower())
    page.wait_for_selector(".hint-ok")
    enter_code(page, typo)  # sent anyway: the server's answer comes under the field too
    page.wait_for_selector("#code[aria-invalid=true]")
    assert "mistyped" in page.inner_text("[data-code-hint]")


def test_browser_and_server_agree_on_check_symbols(live, launch):
    page = desk_page(launch(), live)
    samples = [numbers.generate() for _ in range(200)]
    typos = [n[:4] + ("0" if n[4] != "0" else "1") + n[5:] for n in samples]
    verdicts = page.evaluate("list => list.map(kaikuNumbers.isValid)", samples + typos)
    assert verdicts == [numbers.is_valid(n) for n in samples + typos]


def test_network_failure_during_record_keeps_it_and_records_once(live, launch, world):
    url, card_id = world.url, world.card.id
    settle()
    page = desk_page(launch(), live)
    lost = []

    def lose_first_answer(route):
        if not lost:
            lost.append(route.fetch())  # the server records it, but the answer never arrives
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route("**/desk/uses", lose_first_answer)
    enter_code(page, url)
    wait_for_status(page, "valid")
    page.click("[data-record-button]")
    wait_for_status(page, "saved")  # kept on the device, never shown as recorded
    assert page.locator('[data-status="valid"], [data-status="recorded"]').count() == 0
    # The outbox sends it again with the same nonce: the registry answers with the use
    # it recorded the first time.
    page.wait_for_selector('[data-outbox-list] [data-state="confirmed"]', timeout=20_000)
    assert lost[0].status == 201
    assert live_uses() == [(card_id, 0, 0)]


def test_undo_from_the_result_screen(live, launch, world):
    page = desk_with_a_valid_card(live, launch, world)
    page.click("[data-record-button]")
    wait_for_status(page, "recorded")
    page.click("[data-result] [data-undo] button")
    page.wait_for_selector("[data-uses] .tag")
    assert live_uses() == []


def test_without_a_camera_typing_still_works(live, launch, world):
    url = world.url
    settle()
    browser = launch()  # no fake camera device at all
    page = desk_page(browser, live, permissions=[])
    page.wait_for_function(
        "() => document.querySelector('[data-camera-status]').textContent.length > 30"
    )
    status = page.inner_text("[data-camera-status]")
    assert "type" in status.lower()  # denied or missing: both point to typing
    enter_code(page, url)
    wait_for_status(page, "valid")


def test_event_choice_is_remembered_on_this_device(live, launch, world):
    from app.core import accounts

    event = accounts.create_event("theatre", "Gala", date=factories.today())
    event_id = str(event.id)
    settle()
    page = desk_page(launch(), live)
    page.select_option("#event", event_id)
    page.reload()
    assert page.input_value("#event") == event_id


def test_the_scanning_desk_requests_nothing_from_other_hosts(live, launch, world):
    url = world.url
    settle()
    page = desk_page(launch(camera=url), live)
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.reload()
    wait_for_status(page, "valid")
    assert requested and all(address.startswith(live + "/") for address in requested), requested
    assert any(
        address.endswith(".wasm") or ".wasm?" in address for address in requested
    ) or page.evaluate(
        "() => window.BarcodeDetector !== window.BarcodeDetectionAPI.BarcodeDetector"
    )


def test_record_at_once_setting_records_the_holder_on_scan(live, launch, world):
    url, card_id = world.url, world.card.id
    settle()
    page = desk_page(launch(), live)
    page.click("[data-settings] summary")
    page.check("#instant")
    page.reload()
    assert page.is_checked("#instant")  # remembered on this device
    enter_code(page, url)
    wait_for_status(page, "recorded")
    assert live_uses() == [(card_id, 0, 0)]


def test_already_used_says_when_and_by_which_desk(live, launch, world):
    url = world.url
    settle()
    page = desk_page(launch(), live)
    for _ in range(2):
        enter_code(page, url)
        page.wait_for_selector("[data-result] [data-status]")
        if page.locator("[data-record-button]").count():
            page.click("[data-record-button]")
            wait_for_status(page, "recorded")
        page.click("[data-next]")
    enter_code(page, url)
    wait_for_status(page, "already_used")
    assert "desk@theatre.fi" in page.inner_text("[data-result]")


def test_record_at_once_never_records_a_typed_number(live, launch, world):
    number = numbers.display(world.card.number)
    settle()
    page = desk_page(launch(), live)
    page.click("[data-settings] summary")
    page.check("#instant")
    enter_code(page, number)
    wait_for_status(page, "valid")
    assert live_uses() == []


def test_a_late_answer_never_replaces_a_newer_scan(live, launch, world):
    blocked = factories.active_card(world.area, world.issuer)
    cards.block_card(blocked)
    url, blocked_url = world.url, factories.url_of(blocked)
    settle()
    page = desk_page(launch(), live)
    page.click("[data-settings] summary")
    page.check("#instant")
    held = []
    page.route("**/desk/check", lambda route: held.append(route) if not held else route.continue_())
    enter_code(page, url)
    page.wait_for_timeout(200)
    page.keyboard.press("Escape")
    enter_code(page, blocked_url)
    wait_for_status(page, "blocked")
    held[0].continue_()  # the first card's answer arrives late
    page.wait_for_timeout(500)
    assert page.get_attribute("[data-result] [data-status]", "data-status") == "blocked"
    assert live_uses() == []


def test_space_on_the_record_button_records(live, launch, world):
    page = desk_with_a_valid_card(live, launch, world)
    page.focus("[data-record-button]")
    page.keyboard.press("Space")
    wait_for_status(page, "recorded")


def test_while_the_camera_starts_its_button_stops_it(live, launch, world):
    url = world.url
    settle()
    browser = launch(camera=url)
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="en", permissions=["camera"]
    )
    context.add_init_script(
        """const slow = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
        navigator.mediaDevices.getUserMedia = (constraints) =>
            new Promise((done) => setTimeout(() => done(slow(constraints)), 1500));"""
    )
    page = context.new_page()
    log_in(page, live, factories.Staff.desk, factories.PASSWORD)
    toggle = page.locator("[data-camera-toggle]")
    assert toggle.inner_text() == "Stop camera"  # starting: a tap stops it
    toggle.click()
    page.wait_for_timeout(2500)  # the camera would have started by now
    assert toggle.inner_text() == "Start camera"
    assert page.is_hidden("[data-scanner] video") or page.evaluate(
        "document.querySelector('[data-scanner] video').srcObject === null"
    )
    assert page.locator(RESULT).count() == 0  # and it read nothing
