"""Two-step verification (app/core/second_factor.py, app/auth): admins must, outside
development; issuers may; desk accounts never. A code is accepted once."""

import re

import pyotp
import pytest
from sqlalchemy import select

from app.auth import PENDING_SECONDS
from app.core import second_factor
from app.extensions import db
from app.models import AuditEntry, RecoveryCode, StaffSession, User
from tests import factories

ADMIN = "boss@kaiku.fi"
ISSUER = "staff@issuer.fi"
DESK = "desk@theatre.fi"


@pytest.fixture
def people(app, world):
    """An admin and an issuer without a second factor yet, and a desk."""
    from app.core import accounts

    accounts.create_user(ADMIN, role="admin", password=factories.PASSWORD)
    factories.user(ISSUER, "issuer", world.issuer)
    factories.user(DESK, "venue", world.venue)


def user(email) -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def password_step(client, email=ADMIN):
    return client.post("/login", data={"email": email, "password": factories.PASSWORD})


def shown_secret(page: str) -> str:
    return re.search(r'class="number secret"[^>]*>([A-Z2-7 ]+)<', page).group(1).replace(" ", "")


def set_up(client, path="/login/setup"):
    """Scan the QR code (read its key), type the app's code: the recovery codes page."""
    secret = shown_secret(client.get(path).text)
    answer = client.post(path, data={"code": factories.app_codes(secret)[0]})
    assert answer.status_code == 200, answer.text
    return secret, re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", answer.text)


def enrolled(app, email=ADMIN):
    """The user set up the app at their first login, then logged out: (secret, codes)."""
    client = app.test_client()
    password_step(client, email)
    set_up_there = "/login/setup" if email == ADMIN else "/account/two-step/setup"
    secret, recovery = set_up(client, set_up_there)
    client.post("/logout")
    return secret, recovery


def at_the_code_step(app, email=ADMIN):
    """A new browser that has given the right password."""
    client = app.test_client()
    assert password_step(client, email).location == "/login/code"
    return client


def is_in(client, path="/admin") -> bool:
    return client.get(path).status_code == 200


class TestAdminsMustUseIt:
    def test_the_first_login_sets_it_up_before_anything_opens(self, app, people):
        client = app.test_client()
        assert password_step(client).location == "/login/setup"
        page = client.get("/login/setup").text
        assert "<svg" in page and 'autocomplete="one-time-code"' in page
        assert not is_in(client)

        refused = client.post("/login/setup", data={"code": "000000"})
        assert refused.status_code == 422 and 'aria-invalid="true"' in refused.text
        assert user(ADMIN).totp_secret is None and not is_in(client)

        secret, recovery = set_up(client)
        assert user(ADMIN).totp_secret == secret
        assert len(set(recovery)) == second_factor.RECOVERY_CODES
        assert db.session.query(RecoveryCode).count() == second_factor.RECOVERY_CODES
        assert all(
            code.replace("-", "") not in row.code_hash
            for row in db.session.query(RecoveryCode)
            for code in recovery
        )
        assert is_in(client)
        assert db.session.scalar(
            select(AuditEntry.action).where(AuditEntry.action == "user.second_factor")
        )

    def test_then_every_login_asks_for_a_code_once(self, app, people):
        secret, _ = enrolled(app)

        again = at_the_code_step(app)
        page = again.get("/login/code").text
        assert 'autocomplete="one-time-code"' in page
        assert not is_in(again)
        assert again.post("/login/code", data={"code": "123456"}).status_code == 422
        used = factories.app_codes(secret)[0]  # the code the setup took
        assert again.post("/login/code", data={"code": used}).status_code == 422
        assert (
            again.post("/login/code", data={"code": factories.app_codes(secret)[1]}).location
            == "/admin"
        )
        assert is_in(again)

    def test_the_password_alone_opens_no_session(self, app, people):
        enrolled(app)
        before = db.session.query(StaffSession).count()
        half = at_the_code_step(app)
        assert db.session.query(StaffSession).count() == before
        assert not is_in(half) and half.get("/account/two-step").status_code == 302

    def test_in_development_an_admin_may_skip_it(self, app, people):
        app.config["DEV"] = True
        client = app.test_client()
        assert password_step(client).location == "/admin"
        assert is_in(client)

    def test_an_admin_cannot_turn_it_off(self, app, people):
        client = app.test_client()
        password_step(client)
        secret, _ = set_up(client)
        answer = client.post(
            "/account/two-step/off", data={"off-code": factories.app_codes(secret)[1]}
        )
        assert answer.status_code == 422
        assert user(ADMIN).totp_secret == secret


class TestRecoveryCodes:
    def test_a_recovery_code_logs_in_once(self, app, people):
        _, recovery = enrolled(app)

        for expected in ("/admin", None):
            again = at_the_code_step(app)
            answer = again.post("/login/code", data={"recovery": recovery[0].upper()})
            assert answer.location == expected
        assert second_factor.recovery_codes_left(user(ADMIN)) == 9
        assert (
            db.session.scalar(
                select(AuditEntry.after).where(AuditEntry.action == "user.recovery_code_used")
            )
            == '{"left": 9}'
        )

    def test_new_codes_replace_the_old_ones(self, app, people):
        client = app.test_client()
        password_step(client)
        secret, old = set_up(client)
        answer = client.post(
            "/account/two-step/recovery-codes",
            data={"new-codes-code": factories.app_codes(secret)[1]},
        )
        new = re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", answer.text)
        assert len(new) == 10 and not set(new) & set(old)
        client.post("/logout")
        again = at_the_code_step(app)
        assert again.post("/login/code", data={"recovery": old[0]}).status_code == 422
        assert again.post("/login/code", data={"recovery": new[0]}).location == "/admin"


class TestLimits:
    def test_codes_count_as_login_attempts(self, app, people):
        secret, _ = enrolled(app)
        again = at_the_code_step(app)
        wrong = [again.post("/login/code", data={"code": "000000"}).status_code for _ in range(4)]
        assert wrong == [422] * 4  # with the password: five attempts
        right = factories.app_codes(secret)[1]
        assert again.post("/login/code", data={"code": right}).status_code == 429
        assert not is_in(again)

    def test_the_second_step_waits_five_minutes(self, app, people, monkeypatch):
        secret, _ = enrolled(app)
        again = at_the_code_step(app)
        import app.auth as auth

        later = auth.time.time() + PENDING_SECONDS + 1
        monkeypatch.setattr(auth.time, "time", lambda: later)
        answer = again.post("/login/code", data={"code": factories.app_codes(secret)[1]})
        assert answer.location == "/login" and not is_in(again)


class TestIssuersMayAndDesksNot:
    def test_an_issuer_turns_it_on_and_off(self, app, people):
        client = app.test_client()
        assert password_step(client, ISSUER).location == "/issuer"
        assert "Kaksivaiheinen" in client.get("/account/password").text
        other = app.test_client()
        password_step(other, ISSUER)

        secret, _ = set_up(client, "/account/two-step/setup")
        assert user(ISSUER).totp_secret == secret
        assert not is_in(other, "/issuer")  # sessions opened without it end
        assert is_in(client, "/issuer")

        wrong = client.post("/account/two-step/off", data={"off-code": "000000"})
        assert wrong.status_code == 422 and user(ISSUER).totp_secret == secret
        off = client.post(
            "/account/two-step/off", data={"off-code": factories.app_codes(secret)[1]}
        )
        assert off.location == "/account/two-step"
        assert user(ISSUER).totp_secret is None
        assert db.session.query(RecoveryCode).count() == 0

    def test_a_desk_account_has_none(self, app, people):
        client = app.test_client()
        password_step(client, DESK)
        assert client.get("/account/two-step").status_code == 403
        assert client.get("/account/two-step/setup").status_code == 403
        assert "Kaksivaiheinen" not in client.get("/account/password").text


class TestTheOperatorsCommand:
    def test_users_totp_prints_the_uri_and_working_recovery_codes(self, app, people, runner):
        client = app.test_client()
        password_step(client, ISSUER)
        result = runner.invoke(args=["users", "totp", ISSUER])
        assert result.exit_code == 0, result.output
        uri = re.search(r"otpauth://\S+", result.output).group(0)
        totp = pyotp.parse_uri(uri)
        assert totp.secret == user(ISSUER).totp_secret and totp.issuer == "Kaiku"
        assert not is_in(client, "/issuer")  # the user's sessions end
        recovery = re.findall(r"^  ([a-z2-9]{5}-[a-z2-9]{5})$", result.output, re.M)
        again = at_the_code_step(app, ISSUER)
        assert again.post("/login/code", data={"recovery": recovery[3]}).location == "/issuer"

    def test_a_desk_account_is_refused(self, app, people, runner):
        result = runner.invoke(args=["users", "totp", DESK])
        assert result.exit_code == 1 and "salasanalla" in result.output
        assert user(DESK).totp_secret is None
        assert runner.invoke(args=["users", "totp", "nobody@x.fi"]).exit_code == 1
