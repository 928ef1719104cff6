"""/k/<token>: the card for anyone with the link, the verdict for a logged-in desk."""

import re

import pypdfium2
import pytest

from app.core import cards, numbers
from app.extensions import db
from app.models import Use
from tests import factories
from tests.scanning import decode_pdf, decode_svg_qr


def path_of(url: str) -> str:
    return "/k/" + url.rsplit("/k/", 1)[1]


def test_card_page_shows_a_qr_that_scans_to_the_card(client, world):
    page = client.get(path_of(world.url))
    assert page.status_code == 200
    assert decode_svg_qr(page.text) == world.url
    assert numbers.display(world.card.number) in page.text
    assert page.headers["Cache-Control"] == "no-store"
    assert "noindex" in page.headers["X-Robots-Tag"]


def test_card_page_shows_validity_children_and_status_but_nothing_else(client, world):
    world.card.birth_year, world.card.postcode = 1957, "33720"
    db.session.commit()
    page = client.get(path_of(world.url), headers={"Accept-Language": "en"})
    assert "Valid until" in page.text and "Children included" in page.text
    assert "<dd>Active</dd>" in page.text
    assert "1957" not in page.text and "33720" not in page.text
    assert 'action="/desk/uses"' not in page.text  # no desk controls for the public


@pytest.mark.parametrize("days_left, warned", [(31, False), (30, True), (0, True)])
def test_the_card_says_when_it_expires_from_30_days_before(client, world, days_left, warned):
    factories.shift_validity(
        world.card, days_left - (world.card.valid_until - factories.today()).days
    )
    assert (world.card.valid_until - factories.today()).days == days_left
    page = client.get(path_of(world.url), headers={"Accept-Language": "en"})
    assert ('class="card-notice"' in page.text) == warned
    assert ("can renew it for another year" in page.text) == warned
    assert '<svg class="qr"' in page.text and "data-qr hidden" not in page.text  # still valid


@pytest.mark.parametrize("change", ["block", "expire"])
def test_unusable_card_shows_why_and_no_qr(client, world, change):
    if change == "block":
        cards.block_card(world.card)
    else:
        factories.shift_validity(world.card, -400)
    page = client.get(path_of(world.url))
    assert page.status_code == 200
    assert '<svg class="qr"' not in page.text or "data-qr hidden" in page.text
    assert 'class="card-warning"' in page.text


@pytest.mark.parametrize(
    "path",
    ["/k/nonsense", "/k/K7Q4MZR23-1.forged", "/k/" + "A" * 400, "/k/%00%ff", "/k/a/b/c"],
)
def test_bad_links_get_a_friendly_404(client, world, path):
    page = client.get(path)
    assert page.status_code == 404
    assert "<h1>" in page.text and "Traceback" not in page.text


def test_old_generation_link_is_404(client, world):
    old = world.url
    cards.new_code(world.card)
    assert client.get(path_of(old)).status_code == 404
    assert client.get(path_of(factories.url_of(world.card))).status_code == 200


def test_a_logged_in_desk_sees_the_verdict_and_can_record(client, world):
    factories.user("desk@theatre.fi", "venue", world.venue)
    client.post("/login", data={"email": "desk@theatre.fi", "password": factories.PASSWORD})
    page = client.get(path_of(world.url))
    assert 'data-status="valid"' in page.text
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page.text))
    response = client.post("/desk/uses", data={**fields, "children": "1"})
    assert response.status_code == 302
    use = db.session.query(Use).one()
    assert (use.card_id, use.children, use.venue_id) == (world.card.id, 1, world.venue.id)
    assert 'data-status="already_used"' in client.get(path_of(world.url)).text


def test_viewing_a_card_sets_no_cookie(client, world):
    for suffix in ("", "?lang=sv", "/status", "/manifest.webmanifest"):
        response = client.get(path_of(world.url) + suffix)
        assert response.status_code == 200, suffix
        assert "Set-Cookie" not in response.headers, suffix


def test_the_language_switch_on_the_card_is_a_link_not_a_cookie(client, world):
    page = client.get(path_of(world.url) + "?lang=sv")
    assert '<html lang="sv">' in page.text
    assert f'href="{path_of(world.url)}?lang=en"' in page.text


def test_status_fragment_follows_the_registry(client, world):
    status = client.get(path_of(world.url) + "/status")
    assert 'data-usable="yes"' in status.text and "data-checked-at" in status.text
    cards.block_card(world.card)
    status = client.get(path_of(world.url) + "/status")
    assert 'data-usable="no"' in status.text and 'class="card-warning"' in status.text


def test_print_at_home_pdf_scans_to_the_card(client, world):
    response = client.get(path_of(world.url) + "/card.pdf")
    assert response.mimetype == "application/pdf"
    assert decode_pdf(response.data) == [world.url]
    until = world.card.valid_until
    for language, step in [("fi", "Leikkaa kortti irti"), ("sv", "Klipp ut kortet")]:
        pdf = client.get(path_of(world.url) + f"/card.pdf?lang={language}").data
        text = " ".join(pypdfium2.PdfDocument(pdf)[0].get_textpage().get_text_bounded().split())
        assert step in text and f"{until.day}.{until.month}.{until.year}" in text
        assert "?" not in text  # every character printable
    cards.block_card(world.card)
    assert client.get(path_of(world.url) + "/card.pdf").status_code == 404


def test_manifest_and_service_worker_make_it_an_app(client, world):
    manifest = client.get(path_of(world.url) + "/manifest.webmanifest").get_json()
    assert manifest["start_url"] == path_of(world.url)
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200
    worker = client.get("/k/sw.js")
    assert worker.mimetype == "text/javascript"
    assert "/static/css/kaiku.css?v=" in worker.text and "caches.open" in worker.text


def test_replaced_card_tells_the_holder_to_ask_for_the_new_one(client, world):
    [new] = factories.stock(world.area, world.issuer)
    cards.replace_card(world.card, new)
    page = client.get(path_of(world.url))
    assert "data-qr" not in page.text
    assert new.number not in page.text and numbers.display(new.number) not in page.text


@pytest.mark.parametrize("path", ["/", "/accessibility", "/privacy"])
def test_public_pages_in_three_languages(client, path):
    for language, word in (
        ("fi", "Saavutettavuus"),
        ("sv", "Tillgänglighet"),
        ("en", "Accessibility"),
    ):
        page = client.get(path, headers={"Accept-Language": language})
        assert page.status_code == 200 and f'<html lang="{language}">' in page.text
        assert word in page.text  # the footer's link, at least


def test_accessibility_statement_names_the_feedback_channel_and_authority(client):
    page = client.get("/accessibility", headers={"Accept-Language": "en"}).text
    assert "mailto:" in page and "Traficom" in page and "WCAG 2.1" in page


def test_only_the_holders_own_page_is_marked_for_offline_use(app, client, world):
    """The service worker keeps only what carries the mark: never a desk's view."""
    path = "/k/" + world.url.rsplit("/k/", 1)[1]
    assert client.get(path).headers.get("Kaiku-Offline") == "holder-card"
    factories.user("desk@theatre.fi", "venue", world.venue)
    desk = app.test_client()
    factories.log_in(desk, "desk@theatre.fi")
    assert "Kaiku-Offline" not in desk.get(path).headers


def test_an_unchanged_card_costs_a_304_to_the_phone_that_holds_it(client, world):
    first = client.get(path_of(world.url))
    version = first.headers["ETag"]
    again = client.get(path_of(world.url), headers={"If-None-Match": version})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["Kaiku-Offline"] == "holder-card"  # the kept copy stays valid
    cards.block_card(world.card)
    changed = client.get(path_of(world.url), headers={"If-None-Match": version})
    assert changed.status_code == 200 and changed.headers["ETag"] != version
    swedish = client.get(path_of(world.url) + "?lang=sv", headers={"If-None-Match": version})
    assert swedish.status_code == 200


def test_a_desk_never_gets_a_304_for_a_card(client, world):
    version = client.get(path_of(world.url)).headers["ETag"]
    factories.user("desk@theatre.fi", "venue", world.venue)
    factories.log_in(client, "desk@theatre.fi")
    page = client.get(path_of(world.url), headers={"If-None-Match": version})
    assert page.status_code == 200 and "ETag" not in page.headers
