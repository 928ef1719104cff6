"""CSRF on every form, hashed passwords, safe headers, no stack traces."""

import re

import pytest

from app.extensions import db
from app.models import Use, User
from tests import factories


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return app


def token_from(page) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def log_in(client):
    token = token_from(client.get("/login"))
    form = {"email": "desk@theatre.fi", "password": factories.PASSWORD, "csrf_token": token}
    assert client.post("/login", data=form).status_code == 302


@pytest.fixture
def desk_user(world):
    return factories.user("desk@theatre.fi", "venue", world.venue)


def test_forms_without_a_csrf_token_are_refused(csrf_on, client, desk_user, world):
    refused = client.post("/login", data={"email": "desk@theatre.fi", "password": factories.PASSWORD})
    assert refused.status_code == 400 and "<h1>" in refused.text
    log_in(client)
    for path, data in (
        ("/desk/check", {"code": world.url}),
        ("/desk/uses", {"code": world.url, "nonce": "nonce-0001", "children": "0"}),
        ("/logout", {}),
    ):
        assert client.post(path, data=data).status_code == 400, path
    assert db.session.query(Use).count() == 0


def test_the_desk_works_with_its_tokens(csrf_on, client, desk_user, world):
    log_in(client)
    page = client.post("/desk/check", data={"code": world.url, "csrf_token": token_from(client.get("/desk"))})
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page.text))
    assert client.post("/desk/uses", data={**fields, "children": "1"}).status_code == 302
    assert db.session.query(Use).count() == 1


def test_a_browser_session_on_the_api_needs_the_csrf_header(csrf_on, client, desk_user, world):
    log_in(client)
    refused = client.post("/api/v1/verify", json={"code": world.url})
    assert refused.status_code == 400 and refused.get_json()["error"] == "csrf"
    token = token_from(client.get("/desk"))
    allowed = client.post("/api/v1/verify", json={"code": world.url}, headers={"X-CSRFToken": token})
    assert allowed.get_json()["status"] == "valid"


def test_passwords_are_hashed(desk_user):
    stored = db.session.get(User, desk_user.id).password_hash
    assert factories.PASSWORD not in stored and stored.startswith(("scrypt:", "pbkdf2:"))


def test_pages_send_protective_headers(client):
    headers = client.get("/login").headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"  # card tokens never leak onwards


def test_an_unexpected_error_gets_a_friendly_page_and_json(app):
    def broken():
        raise RuntimeError("boom")

    app.add_url_rule("/broken", view_func=broken)
    app.add_url_rule("/api/v1/broken", view_func=broken)
    client = app.test_client()
    page = client.get("/broken")
    assert page.status_code == 500 and "boom" not in page.text and "<h1>" in page.text
    api = client.get("/api/v1/broken")
    assert api.status_code == 500 and api.get_json()["error"] == "internal_error"


def test_unknown_pages_are_friendly(client):
    page = client.get("/no/such/page")
    assert page.status_code == 404 and "<h1>" in page.text
