"""Input no database or parser can take is refused with a clear answer (JSON for the API,
a friendly page for people), never a 500, and changes nothing."""

import json
import re

import pytest
from werkzeug.routing import IntegerConverter

from app.core import accounts
from app.extensions import db
from app.models import ApiKey, Use
from tests import factories
from tests.test_roles import sample_url

TOO_BIG = str(2**64)


@pytest.fixture
def national(app, client, world):
    factories.staff(world)
    factories.log_in(client, factories.Staff.national)
    return client


@pytest.fixture
def key(world):
    return accounts.create_api_key(world.venue.slug)[1]


def test_ids_beyond_64_bits_are_not_found(app, national, world):
    """Every route with an id in its path, as the national admin (who may open them all)."""
    answered = {}
    for rule in app.url_map.iter_rules():
        ids = [n for n, c in rule._converters.items() if isinstance(c, IntegerConverter)]
        if not ids:
            continue
        path = sample_url(rule, world).replace("999999", TOO_BIG)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            answered[(method, path)] = national.open(path, method=method).status_code
    assert len(answered) >= 6 and set(answered.values()) == {404}, answered


def test_a_query_parameter_named_like_a_path_part_is_ignored(national, world):
    for _ in range(26):  # more than a page
        accounts.create_api_key(world.venue.slug)
    page = national.get(f"/admin/sites/{world.venue.slug}/keys?slug=x")
    assert page.status_code == 200
    assert f"/admin/sites/{world.venue.slug}/keys?page=2" in page.text.replace("&amp;", "&")


def test_every_page_ignores_query_parameters_named_like_its_path(app, national, world):
    failed = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or not rule.arguments:
            continue
        query = "&".join(f"{name}=x" for name in sorted(rule.arguments))
        response = national.get(f"{sample_url(rule, world)}?{query}")
        if response.status_code >= 500:
            failed.append(rule.rule)
    assert failed == []


@pytest.mark.parametrize("path", ["/api/v1/verify", "/api/v1/uses"])
def test_deeply_nested_json_is_a_bad_request(client, key, path):
    body = "[" * 100_000 + "]" * 100_000
    response = client.post(
        path,
        data=body,
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    assert response.status_code == 400 and response.get_json()["error"] == "bad_request"
    assert db.session.query(Use).count() == 0


def test_a_body_over_a_megabyte_is_refused_unread(client, key, world):
    code = factories.url_of(world.card)
    body = json.dumps({"code": code, "nonce": "n" * 32, "padding": "x" * 2_000_000})
    response = client.post(
        "/api/v1/uses",
        data=body,
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.get_json()["error"] == "request_entity_too_large"
    assert db.session.query(Use).count() == 0


def test_a_form_over_a_megabyte_gets_a_friendly_page(client, world):
    factories.user("desk@theatre.fi", "venue", world.venue)
    factories.log_in(client, "desk@theatre.fi")
    page = client.post("/desk/check", data={"code": "x" * 2_000_000})
    assert page.status_code == 413 and "<h1>" in page.text
    assert re.search(r"1\s*Mt|1 MB", page.text)


def test_an_api_key_that_is_not_a_key_is_unauthorised(ctx, client):
    response = client.post(
        "/api/v1/verify", json={"code": "x"}, headers={"Authorization": "Bearer " + "k" * 10_000}
    )
    assert response.status_code == 401
    assert db.session.query(ApiKey).count() == 0


def test_a_missing_page_talks_about_card_links_only_at_a_card_link(client):
    card = client.get("/k/not-a-card-token")
    staff = client.get("/admin/no-such-page")
    assert card.status_code == staff.status_code == 404
    assert "Kortin linkki on kopioitava kokonaan" in card.text
    assert "Kortin linkki" not in staff.text and "Tarkista osoite" in staff.text
