"""The programme's rules on the screens: the desk picks what it gives (a course place has no
children) and counts a community card's clients; the issuer picks the holder's home
municipality (the site's own chosen for them) and registers a community card without a
person's data."""

from datetime import timedelta

from app.core import accounts, numbers
from app.extensions import db
from app.models import Card, Use
from tests import factories
from tests.browser.conftest import desk_page, enter_code, settle
from tests.browser.harness import log_in


def test_a_course_place_is_picked_and_recorded_for_the_holder_alone(live, launch, world):
    url = world.url
    settle()
    page = desk_page(launch(), live, "fi")
    assert page.input_value("#kind") == "ticket"
    page.select_option("#kind", "course_place")
    enter_code(page, url)
    page.wait_for_selector('[data-result] [data-status="valid"]')
    assert page.locator("[data-result] input[name=children][type=number]").count() == 0
    assert "kurssipaikkoja" in page.inner_text("[data-result] .tickets")
    page.click("[data-record-button]")
    page.wait_for_selector('[data-result] [data-status="recorded"]')
    assert "Kurssipaikka" in page.inner_text("[data-result]")
    settle()
    use = db.session.query(Use).one()
    assert (use.kind, use.children) == ("course_place", 0)
    settle()


def test_the_issuer_registers_a_holder_of_another_network_municipality(live, launch, world):
    factories.network(world.area, "837", "536")
    accounts.update_site(world.issuer, world.issuer.name, municipality="837")
    [card] = factories.stock(world.area, world.issuer)
    card_id, number = card.id, card.number
    settle()
    page = launch().new_context(viewport={"width": 360, "height": 740}).new_page()
    log_in(page, live, factories.Staff.issuer, factories.PASSWORD, "/issuer")
    page.goto(f"{live}/issuer/register")
    assert page.input_value("#municipality") == "837"  # the site's, chosen for them
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.fill("#number", numbers.display(number))
    page.fill("#birth_year", "1970")
    page.fill("#postcode", "37100")
    page.select_option("#municipality", "536")
    page.click("form[data-register] button[type=submit]")
    page.wait_for_url(f"{live}/issuer/cards/{number}")
    assert "Nokia" in page.inner_text("main")
    settle()
    assert db.session.get(Card, card_id).municipality_code == "536"
    settle()


def test_a_community_cards_clients_are_counted_at_the_desk(live, launch, world):
    [card] = factories.stock(world.area, world.issuer)
    factories.register(card, kind="community", organisation="Nuorisotalo", client_cap=5)
    url = factories.url_of(card)
    settle()
    page = desk_page(launch(), live, "fi")
    enter_code(page, url)
    page.wait_for_selector('[data-result] [data-status="valid"]')
    assert "16" in page.inner_text("[data-result] .tickets")
    more = page.locator('[data-result] [aria-controls="clients"][data-step="1"]')
    for _ in range(5):
        more.click()
    assert page.input_value("#clients") == "5"
    assert more.get_attribute("aria-disabled") == "true"  # the cap: no more
    page.click("[data-record-button]")
    page.wait_for_selector('[data-result] [data-status="recorded"]')
    settle()
    use = db.session.query(Use).one()
    assert (use.clients, use.children) == (5, 0)
    settle()


def test_the_issuer_registers_a_community_card_with_only_its_fields(live, launch, world):
    [card] = factories.stock(world.area, world.issuer)
    card_id, number = card.id, card.number
    settle()
    page = launch().new_context(viewport={"width": 360, "height": 740}).new_page()
    log_in(page, live, factories.Staff.issuer, factories.PASSWORD, "/issuer")
    page.goto(f"{live}/issuer/register")
    assert page.is_visible("#birth_year") and not page.is_visible("#organisation")
    page.select_option("#kind", "community")
    assert page.is_visible("#organisation") and not page.is_visible("#birth_year")
    page.fill("#number", numbers.display(number))
    page.fill("#organisation", "Tampereen Setlementti")
    page.click("form[data-register] button[type=submit]")
    page.wait_for_url(f"{live}/issuer/cards/{number}")
    settle()
    stored = db.session.get(Card, card_id)
    assert (stored.kind, stored.organisation, stored.client_cap, stored.birth_year) == (
        "community",
        "Tampereen Setlementti",
        10,
        None,
    )
    settle()


def test_a_late_entry_on_a_phone(live, launch, world, monkeypatch):
    factories.travel(monkeypatch, f"{factories.today() - timedelta(days=5)} 10:00")
    card = factories.active_card(world.area, world.issuer)
    factories.travel(monkeypatch, None)
    number = numbers.display(card.number)
    yesterday = factories.today() - timedelta(days=1)
    settle()
    page = desk_page(launch(), live, "fi")
    page.click("a[href='/desk/late']")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.fill("#date", yesterday.isoformat())
    page.fill("#code", number)
    page.click("main form.stack button[type=submit]")
    page.wait_for_selector(".flash-success")
    assert number in page.inner_text(".flash-success")
    settle()
    use = db.session.query(Use).one()
    assert (use.late, use.day) == (True, yesterday)
    settle()
