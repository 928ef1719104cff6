"""Staff sessions end on the server: at logout, after a working day idle, and everywhere
when the password is set or reset or the account is closed (app/core/sessions.py)."""

import pytest

from app.extensions import db
from app.models import StaffSession, User
from tests import factories

DESK = "desk@theatre.fi"


@pytest.fixture
def desk(app, world):
    user = factories.user(DESK, "venue", world.venue)
    db.session.commit()
    return user


def logged_in(app, email=DESK):
    client = app.test_client()
    factories.log_in(client, email)
    return client


def with_cookie_of(app, client):
    """Another browser holding a copy of ``client``'s session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def is_in(client) -> bool:
    return client.get("/desk").status_code == 200


def test_a_cookie_copied_before_logout_opens_nothing_after(app, desk, world):
    client = logged_in(app)
    copy = with_cookie_of(app, client)
    assert is_in(copy)
    client.post("/logout")
    assert not is_in(copy)
    answer = copy.post("/api/v1/verify", json={"code": factories.url_of(world.card)})
    assert answer.status_code == 401
    assert db.session.query(StaffSession).filter(StaffSession.ended_at.is_(None)).count() == 0


def test_the_server_keeps_only_a_hash_of_the_cookies_key(app, desk):
    client = logged_in(app)
    with client.session_transaction() as session:
        key = session["staff_session"]
    stored = db.session.query(StaffSession).one()
    assert key not in (stored.key_hash,) and len(stored.key_hash) == 64
    assert stored.user_id == desk.id and stored.ended_at is None


def test_a_session_ends_after_a_working_day_idle(app, desk, monkeypatch):
    factories.travel(monkeypatch, "2026-03-02 08:00")
    client = logged_in(app)
    factories.travel(monkeypatch, "2026-03-02 17:55")  # 9 h 55 min later: still in
    assert is_in(client)
    factories.travel(monkeypatch, "2026-03-03 03:56")  # 10 h 1 min after the last request
    assert not is_in(client)
    factories.travel(monkeypatch, "2026-03-03 03:57")
    assert not is_in(client)  # and it stays ended


def test_the_idle_time_is_configurable(app, desk, monkeypatch):
    app.config["STAFF_IDLE_MINUTES"] = 30
    factories.travel(monkeypatch, "2026-03-02 08:00")
    client = logged_in(app)
    factories.travel(monkeypatch, "2026-03-02 08:31")
    assert not is_in(client)


@pytest.fixture
def admin(app, world):
    """The national admin, logged in; the staff include the desk user."""
    factories.staff(world)
    db.session.commit()
    return logged_in(app, factories.Staff.national)


def desk_id() -> int:
    return db.session.scalar(db.select(User.id).where(User.email == DESK))


def test_a_password_reset_signs_the_user_out_everywhere(app, admin):
    phones = [logged_in(app), logged_in(app)]
    admin.post(f"/admin/users/{desk_id()}/reset")
    assert [is_in(phone) for phone in phones] == [False, False]
    assert is_in_admin(admin)


def test_closing_an_account_signs_it_out_everywhere(app, admin):
    phones = [logged_in(app), logged_in(app)]
    admin.post(f"/admin/users/{desk_id()}/active", data={"active": "0"})
    assert [is_in(phone) for phone in phones] == [False, False]


def test_changing_ones_own_password_ends_ones_other_sessions(app, desk):
    here, elsewhere = logged_in(app), logged_in(app)
    changed = here.post(
        "/account/password",
        data={
            "current": factories.PASSWORD,
            "password": "a new long passphrase",
            "repeat": "a new long passphrase",
        },
    )
    assert changed.status_code == 302
    assert is_in(here) and not is_in(elsewhere)


def is_in_admin(client) -> bool:
    return client.get("/admin").status_code == 200
