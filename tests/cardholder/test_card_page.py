"""/k/<token>: the card for anyone with the link, the verdict for a logged-in desk."""

import re

import pytest

from app.core import cards, numbers
from app.extensions import db
from app.models import Use
from tests import factories
from tests.scanning import decode_svg_qr


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
    assert "Active" in page.text
    assert "1957" not in page.text and "33720" not in page.text
    assert 'action="/desk/uses"' not in page.text  # no desk controls for the public


@pytest.mark.parametrize("change", ["block", "expire"])
def test_unusable_card_shows_why_and_no_qr(client, world, change):
    if change == "block":
        cards.block_card(world.card)
    else:
        factories.shift_validity(world.card, -400)
    page = client.get(path_of(world.url))
    assert page.status_code == 200
    assert '<svg class="qr"' not in page.text
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
