"""CSRF on every form, hashed passwords, safe headers, no stack traces."""

import re
import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from app import create_app
from app.core import accounts
from app.extensions import db
from app.models import Card, Use, User
from tests import factories
from tests.conftest import config


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
    refused = client.post(
        "/login", data={"email": "desk@theatre.fi", "password": factories.PASSWORD}
    )
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
    page = client.post(
        "/desk/check", data={"code": world.url, "csrf_token": token_from(client.get("/desk"))}
    )
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page.text))
    assert client.post("/desk/uses", data={**fields, "children": "1"}).status_code == 302
    assert db.session.query(Use).count() == 1


def test_a_browser_session_on_the_api_needs_the_csrf_header(csrf_on, client, desk_user, world):
    log_in(client)
    refused = client.post("/api/v1/verify", json={"code": world.url})
    assert refused.status_code == 400 and refused.get_json()["error"] == "csrf"
    token = token_from(client.get("/desk"))
    allowed = client.post(
        "/api/v1/verify", json={"code": world.url}, headers={"X-CSRFToken": token}
    )
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


def test_login_attempts_are_counted_before_the_password_is_checked(app, world, monkeypatch):
    """25 guesses sent at once: five are checked, the others refused unchecked."""
    factories.user("desk@theatre.fi", "venue", world.venue)
    db.session.commit()
    checked = count_password_checks(monkeypatch)
    wrong = {"email": "desk@theatre.fi", "password": "not the password"}
    start = threading.Barrier(25)

    def guess(_):
        client = app.test_client()
        start.wait()
        return client.post("/login", data=wrong).status_code

    with ThreadPoolExecutor(25) as pool:
        statuses = Counter(pool.map(guess, range(25)))
    assert statuses == {422: 5, 429: 20} and len(checked) == 5


def test_a_strangers_guesses_do_not_lock_the_desk_out(app, world):
    factories.user("desk@theatre.fi", "venue", world.venue)
    stranger = {"REMOTE_ADDR": "203.0.113.9"}
    wrong = {"email": "desk@theatre.fi", "password": "not the password"}
    client = app.test_client()
    assert [
        client.post("/login", data=wrong, environ_base=stranger).status_code for _ in range(5)
    ] == [422] * 5
    right = {**wrong, "password": factories.PASSWORD}
    refused = client.post("/login", data=right, environ_base=stranger)
    assert refused.status_code == 429 and "Yritä uudelleen 15 minuutin kuluttua" in refused.text
    assert "_user_id" not in session_of(client)
    desk = app.test_client()
    assert (
        desk.post("/login", data=right, environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code
        == 302
    )


def test_a_good_login_clears_the_count_for_its_account(app, world):
    factories.user("desk@theatre.fi", "venue", world.venue)
    client = app.test_client()
    wrong = {"email": "desk@theatre.fi", "password": "not the password"}
    for _ in range(2):
        assert [client.post("/login", data=wrong).status_code for _ in range(4)] == [422] * 4
        factories.log_in(client, "desk@theatre.fi")
        client.post("/logout")


def test_logins_from_one_address_are_limited_across_accounts(app, world):
    client = app.test_client()
    statuses = [
        client.post("/login", data={"email": f"guess{n}@x.fi", "password": "x"}).status_code
        for n in range(31)
    ]
    assert statuses[:30] == [422] * 30 and statuses[30] == 429


def test_login_takes_one_password_check_whether_or_not_the_account_exists(app, world, monkeypatch):
    """The time a login takes doesn't tell which e-mails have accounts."""
    factories.user("desk@theatre.fi", "venue", world.venue)
    closed = factories.user("closed@theatre.fi", "venue", world.venue)
    closed.active = False
    db.session.commit()
    checked = count_password_checks(monkeypatch)
    for email in ("desk@theatre.fi", "nobody@theatre.fi", "closed@theatre.fi"):
        before = len(checked)
        response = app.test_client().post("/login", data={"email": email, "password": "wrong"})
        assert response.status_code == 422 and len(checked) == before + 1, email


def test_a_login_starts_a_fresh_session(csrf_on, client, desk_user, world):
    before = token_from(client.get("/login"))
    form = {"email": "desk@theatre.fi", "password": factories.PASSWORD, "csrf_token": before}
    assert client.post("/login", data=form).status_code == 302
    stale = client.post("/desk/check", data={"code": world.url, "csrf_token": before})
    assert stale.status_code == 400
    fresh = token_from(client.get("/desk"))
    assert fresh != before
    assert (
        client.post("/desk/check", data={"code": world.url, "csrf_token": fresh}).status_code == 200
    )


def count_password_checks(monkeypatch) -> list:
    checked = []
    real = accounts.check_password_hash

    def counting(*args):
        checked.append(args)
        return real(*args)

    monkeypatch.setattr(accounts, "check_password_hash", counting)
    return checked


def session_of(client) -> dict:
    with client.session_transaction() as session:
        return dict(session)


def test_servers_sharing_redis_count_failed_logins_together(app, world):
    """Two servers (apps) behind one proxy: the guesses sent to each add up."""
    redis = pytest.importorskip("redis")
    store = redis.Redis(host="127.0.0.1", port=6379, socket_timeout=1)
    try:
        store.ping()
    except redis.RedisError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    factories.user("desk@theatre.fi", "venue", world.venue)
    db.session.commit()
    shared = {
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379",
        "RATELIMIT_KEY_PREFIX": f"kaiku-test-{uuid.uuid4().hex}",
    }
    servers = [
        create_app({**config(app.config["SQLALCHEMY_DATABASE_URI"]), **shared}) for _ in "ab"
    ]
    wrong = {"email": "desk@theatre.fi", "password": "not the password"}
    statuses = [
        servers[n % 2].test_client().post("/login", data=wrong).status_code for n in range(5)
    ]
    assert statuses == [422] * 5
    for server in servers:
        right = {**wrong, "password": factories.PASSWORD}
        assert server.test_client().post("/login", data=right).status_code == 429
        with server.app_context():
            db.engine.dispose()
    store.delete(*store.scan_iter(f"*{shared['RATELIMIT_KEY_PREFIX']}*"))


def test_a_good_login_does_not_count_against_the_limit(app, world):
    factories.user("desk@theatre.fi", "venue", world.venue)
    client = app.test_client()
    for _ in range(8):
        factories.log_in(client, "desk@theatre.fi")
        client.post("/logout")


def test_admin_and_issuer_forms_refuse_a_missing_csrf_token(csrf_on, client, world):
    factories.staff(world)
    token = token_from(client.get("/login"))
    client.post(
        "/login",
        data={
            "email": factories.Staff.national,
            "password": factories.PASSWORD,
            "csrf_token": token,
        },
    )
    assert client.post("/admin/stock", data={"site": "issuer", "count": "5"}).status_code == 400
    assert db.session.query(Card).count() == 1


def change_password(client, current: str, new: str, repeat: str | None = None):
    form = {"current": current, "password": new, "repeat": new if repeat is None else repeat}
    return client.post("/account/password", data=form)


def test_password_change_needs_the_current_password(client, world):
    factories.user("desk@theatre.fi", "venue", world.venue)
    factories.log_in(client, "desk@theatre.fi")
    wrong = change_password(client, "nope", "new secret words")
    assert wrong.status_code == 422 and 'id="current-error"' in wrong.text
    mismatch = change_password(client, factories.PASSWORD, "new secret words", "other words")
    assert mismatch.status_code == 422 and 'id="repeat-error"' in mismatch.text
    assert change_password(client, factories.PASSWORD, "new secret words").status_code == 302
    client.post("/logout")
    again = client.post("/login", data={"email": "desk@theatre.fi", "password": "new secret words"})
    assert again.status_code == 302
