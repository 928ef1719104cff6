"""The desk with its network cut (context.set_offline) at each step: verdicts from the
snapshot, uses kept in the outbox through a reload, and reconciled when it returns."""

from sqlalchemy import select

from app.core import accounts, cards, numbers
from app.extensions import db
from app.models import Use
from tests import factories
from tests.browser.conftest import desk_page, enter_code, settle
from tests.browser.test_desk_scanner import wait_for_status


def ready_desk(launch, live):
    """A desk page that has its snapshot and its service worker (the page kept)."""
    page = desk_page(launch(), live)
    page.wait_for_function("() => KaikuOffline.snapshot() !== null")
    page.wait_for_function("async () => (await navigator.serviceWorker.ready).active !== null")
    return page


def uses():
    settle()
    found = db.session.scalars(select(Use).where(Use.voided_at.is_(None))).all()
    rows = [(use.card_id, use.late, use.device_id is not None) for use in found]
    settle()
    return rows


def record_offline(page, code):
    enter_code(page, code)
    wait_for_status(page, "offline-valid")
    page.click("[data-result] [data-record-button]")
    wait_for_status(page, "saved")
    page.click("[data-next]")


def test_offline_verdicts_come_from_the_snapshot(live, launch, world):
    url = world.url
    blocked = factories.url_of(cards.block_card(factories.active_card(world.area, world.issuer)))
    settle()
    page = ready_desk(launch, live)
    page.context.set_offline(True)
    newer = factories.url_of(factories.active_card(world.area, world.issuer))  # after the copy
    settle()
    forged = url[:-5] + ("A" if url[-5] != "A" else "B") + url[-4:]
    for code, status in (
        (url, "offline-valid"),
        (forged, "offline-invalid"),
        (blocked, "offline-blocked"),
        (newer, "offline-unconfirmed"),
        (numbers.display(world.card.number), "offline-unconfirmed"),  # typed: can't check
    ):
        enter_code(page, code)
        wait_for_status(page, status)
        page.click("[data-next]")
    assert page.inner_text("[data-snapshot-status]") == (
        "Offline copy of the registry: checked just now."
    )
    assert uses() == []


def test_a_use_kept_offline_survives_a_reload_and_lands_exactly_once(live, launch, world):
    url, card_id = world.url, world.card.id
    settle()
    page = ready_desk(launch, live)
    page.context.set_offline(True)
    record_offline(page, url)
    page.reload()  # still offline: the page comes from the service worker
    page.wait_for_selector('[data-outbox-list] [data-state="waiting"]')
    assert "not yet confirmed" in page.inner_text("[data-outbox]")
    assert uses() == []

    page.context.set_offline(False)
    page.wait_for_selector('[data-outbox-list] [data-state="confirmed"]', timeout=20_000)
    assert uses() == [(card_id, True, True)]
    page.reload()  # sent once: nothing is sent again
    page.wait_for_selector('[data-outbox-list] [data-state="confirmed"]')
    assert uses() == [(card_id, True, True)]


def test_two_desks_offline_with_one_card_one_confirmed_one_refused(live, launch, world):
    url, card_id = world.url, world.card.id
    settle()
    first, second = ready_desk(launch, live), ready_desk(launch, live)
    for page in (first, second):
        page.context.set_offline(True)
        record_offline(page, url)
    first.context.set_offline(False)
    first.wait_for_selector('[data-outbox-list] [data-state="confirmed"]', timeout=20_000)
    second.context.set_offline(False)
    refused = second.wait_for_selector('[data-outbox-list] [data-state="refused"]', timeout=20_000)
    assert "already used" in refused.inner_text().lower()
    assert uses() == [(card_id, True, True)]


def test_a_card_blocked_while_the_desk_was_offline_is_refused_when_it_returns(live, launch, world):
    url, card = world.url, world.card
    settle()
    page = ready_desk(launch, live)
    page.context.set_offline(True)
    cards.block_card(card)  # the copy on the device still says valid
    settle()
    record_offline(page, url)
    page.context.set_offline(False)
    refused = page.wait_for_selector('[data-outbox-list] [data-state="refused"]', timeout=20_000)
    assert "blocked" in refused.inner_text().lower()
    assert uses() == []


def test_a_snapshot_older_than_its_age_limit_says_no_valid(live, launch, world, app):
    app.config["OFFLINE_MAX_AGE_HOURS"] = 0  # every copy is too old at once
    url = world.url
    settle()
    page = ready_desk(launch, live)
    page.context.set_offline(True)
    enter_code(page, url)
    wait_for_status(page, "offline-stale")
    assert page.locator('[data-status="offline-valid"]').count() == 0
    assert "too old" in page.inner_text("[data-snapshot-status]")


def test_a_device_counts_down_its_offline_quota_of_an_event(live, launch, world):
    event = accounts.create_event(
        "theatre", "Gala", date=factories.today(), quota=10, offline_quota=1
    )
    event_id = str(event.id)
    first, second = world.url, factories.url_of(factories.active_card(world.area, world.issuer))
    settle()
    page = ready_desk(launch, live)
    page.select_option("#event", event_id)
    page.context.set_offline(True)
    record_offline(page, first)
    enter_code(page, second)
    wait_for_status(page, "offline-quota_full")


KEPT_SNAPSHOT = """() => new Promise((resolve) => {
    const request = indexedDB.open("kaiku-desk", 1);
    request.onsuccess = () => {
        const read = request.result.transaction("kept").objectStore("kept").get("snapshot");
        read.onsuccess = () => resolve(read.result !== undefined);
    };
})"""


def test_logging_out_forgets_the_snapshot_once_nothing_waits(live, launch, world):
    url = world.url
    settle()
    page = ready_desk(launch, live)
    page.context.set_offline(True)
    record_offline(page, url)
    page.route("**/api/v1/uses", lambda route: route.abort("internetdisconnected"))
    page.context.set_offline(False)  # back online, but the use can't be sent yet
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.click("form.logout button")
    page.wait_for_timeout(500)
    assert dialogs and page.url.endswith("/desk")  # something waits: asked, and stayed
    assert page.evaluate(KEPT_SNAPSHOT)

    page.unroute("**/api/v1/uses")
    page.wait_for_selector('[data-outbox-list] [data-state="confirmed"]', timeout=20_000)
    page.click("form.logout button")
    page.wait_for_url(lambda address: "/desk" not in address)
    assert page.evaluate(KEPT_SNAPSHOT) is False
    assert len(dialogs) == 1
