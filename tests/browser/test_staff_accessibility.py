"""axe-core on every issuer, admin, desk, statistics and public page, in fi, sv and en,
at 360 px and at 200 % zoom."""

import pytest

from app.core import accounts, checkin, wellbeing
from tests import factories
from tests.browser.conftest import run_axe, settle
from tests.browser.harness import log_in

PUBLIC = ["/", "/login", "/accessibility", "/privacy", "/no-such-page"]
YEAR_2025 = "/reports?start=2025-01-01&end=2025-12-31"
ISSUER = [
    "/issuer",
    "/issuer?birth_year=19&postcode=x",  # the lost-card search, with its errors
    "/issuer/register",
    "/issuer/find",
    "/issuer/cards/{number}",
    "/issuer/cards/{number}/receipt",
    "/issuer/cards/{asked}/questions",
    "/account/password",
    "/account/two-step",
    "/account/two-step/setup",
    YEAR_2025,
]
ADMIN = [
    "/admin",
    "/admin/areas",
    "/admin/areas/PIR",
    "/admin/municipalities",
    "/admin/sites",
    "/admin/sites/theatre",
    "/admin/users",
    "/admin/sites/theatre/keys",
    "/admin/events",
    "/admin/events/{event}",
    "/admin/late",
    "/admin/import",
    "/admin/stock",
    "/admin/audit",
    "/admin/wellbeing",
    "/admin/wellbeing/1",
    "/admin/wellbeing/2",
    "/admin/wellbeing/2/questions/new",
    "/reports/wellbeing",
    YEAR_2025,
    "/reports/years",
    "/reports?start=2025-02-30",  # a period with an error
]
DESK = [YEAR_2025, "/desk/events", "/desk/events/{event}", "/desk/late"]


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_staff_and_public_pages_pass_axe(live, launch, world, history, language):
    checkin.record_use(world.url, world.venue, nonce="nonce-0001")
    event = accounts.create_event("theatre", "Premiere", date="2025-06-01", quota=50)
    factories.question_set()
    wellbeing.new_version()  # a draft
    asked = factories.active_card(world.area, world.issuer)
    questions_path = wellbeing.link_url(wellbeing.give_link(wellbeing.open_invitation(asked)))
    links = {"number": world.card.number, "event": event.id, "asked": asked.number}
    card_path = "/k/" + world.url.rsplit("/k/", 1)[1]
    settle()
    browser = launch()
    found = {}

    def visit(pages, email=None, lands_on=None):
        """Each page at 100 % and 200 % zoom, logged in once (a code is accepted once)."""
        context = browser.new_context(
            viewport={"width": 360, "height": 740},
            locale=language,
            extra_http_headers={"Accept-Language": language},
            bypass_csp=True,
        )
        page = context.new_page()
        if email:
            log_in(page, live, email, factories.PASSWORD, lands_on)
        for zoom in (None, "200%"):
            for path in pages:
                page.goto(live + path.format(**links))
                assert page.get_attribute("html", "lang") == language
                if zoom:
                    page.evaluate("z => { document.documentElement.style.zoom = z; }", zoom)
                found[f"{path} {zoom or ''}"] = run_axe(page)
        if email == factories.Staff.issuer:  # a form with errors, too
            page.goto(live + "/issuer/register")
            page.click("form button[type=submit].primary")
            found["/issuer/register (errors)"] = run_axe(page)
            assert page.evaluate("document.activeElement.className") == "error-summary"
        context.close()

    visit([*PUBLIC, card_path, questions_path.removeprefix("https://kaiku.test")])
    visit(ISSUER, factories.Staff.issuer, "/issuer")
    visit(ADMIN, factories.Staff.national, "/admin")
    visit(DESK, factories.Staff.desk, "/desk")
    assert {path: violations for path, violations in found.items() if violations} == {}
