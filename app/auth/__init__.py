"""Staff log in with e-mail and password, and those who must or chose to, with a code
from an authenticator app after it (core/second_factor.py). Cardholders never log in.

Attempts are counted before the password or code is checked (core/attempts.py).
"""

import time

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from ..core import access, accounts, second_factor, sessions
from ..core.exceptions import InvalidInput, KaikuError, TooManyAttempts
from ..extensions import db
from ..models import User
from ..web import SESSION_KEY, form_errors, local_target

bp = Blueprint("auth", __name__)
SIGNED_OUT = "signed-out"  # the flash category after a logout (see static/js/signed-out.js)
PENDING = "pending_login"  # the password was right; the second factor is still to come
PENDING_SECONDS = 5 * 60
SETUP_SECRET = "second_factor_setup"  # a secret shown for setting up, until confirmed


def home_for(user) -> str:
    """Where a user lands after logging in."""
    homes = {
        "venue": "desk.index",
        "issuer": "issuer.index",
        "municipality": "reports.municipality_index",
    }
    return url_for(homes.get(user.role, "admin.index"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET" and current_user.is_authenticated:
        return redirect(home_for(current_user))
    error, status = None, 200
    if request.method == "POST":
        try:
            user = accounts.log_in(
                request.form.get("email"), request.form.get("password"), request.remote_addr
            )
        except TooManyAttempts as refusal:
            error, status = refusal.message, 429
        else:
            if user is not None:
                target = local_target(home_for(user))
                if not user.totp_secret and not access.second_factor_required(user):
                    _start_session(user)
                    return redirect(target)
                session.clear()
                session[PENDING] = {"user": user.id, "next": target, "at": int(time.time())}
                return redirect(url_for("auth.code" if user.totp_secret else "auth.first_setup"))
            error, status = _l("The e-mail or password is wrong."), 422
    email = request.form.get("email") or request.args.get("email", "")
    return render_template("auth/login.html", error=error, email=email), status


@bp.route("/login/code", methods=["GET", "POST"])
def code():
    """The second step: a code from the authenticator app, or a recovery code."""
    user = _pending_user()
    if user is None or not user.totp_secret:
        return _start_again()
    errors, status = {}, 200
    if request.method == "POST":
        field = "recovery" if "recovery" in request.form else "code"
        try:
            second_factor.finish_login(user, request.form.get(field), request.remote_addr)
        except TooManyAttempts as refusal:
            errors, status = {field: refusal.message}, 429
        except KaikuError as refusal:
            db.session.rollback()
            errors, status = {field: refusal.message}, 422
        else:
            target = session[PENDING]["next"]
            _start_session(user)
            return redirect(target)
    return render_template("auth/code.html", errors=errors), status


@bp.route("/login/setup", methods=["GET", "POST"])
def first_setup():
    """An admin's first login: set up the app before going on."""
    user = _pending_user()
    if user is None or user.totp_secret:
        return _start_again()
    target = session[PENDING]["next"]
    recovery, page = _set_up(user, url_for("auth.first_setup"))
    if recovery is None:
        return page
    _start_session(user)
    return _recovery_codes_page(recovery, then=target)


@bp.get("/account/two-step")
@login_required
def two_step():
    _check_may_use()
    left = second_factor.recovery_codes_left(current_user) if current_user.totp_secret else 0
    return render_template(
        "auth/two_step.html",
        left=left,
        required=access.second_factor_required(current_user),
        errors={},
    )


@bp.route("/account/two-step/setup", methods=["GET", "POST"])
@login_required
def setup():
    _check_may_use()
    if current_user.totp_secret:
        return redirect(url_for("auth.two_step"))
    recovery, page = _set_up(current_user, url_for("auth.setup"), session.get(SESSION_KEY))
    if recovery is None:
        return page
    flash(_l("Two-step verification is on."), "success")
    return _recovery_codes_page(recovery)


@bp.post("/account/two-step/recovery-codes")
@login_required
def recovery_codes():
    _check_may_use()
    try:
        recovery = second_factor.new_recovery_codes(
            current_user, request.form.get("new-codes-code"), current_user
        )
    except KaikuError as error:
        return _two_step_refused(error, "new-codes")
    return _recovery_codes_page(recovery)


@bp.post("/account/two-step/off")
@login_required
def turn_off():
    _check_may_use()
    try:
        second_factor.disable(current_user, request.form.get("off-code"), current_user)
    except KaikuError as error:
        return _two_step_refused(error, "off")
    flash(_l("Two-step verification is off."), "success")
    return redirect(url_for("auth.two_step"))


def _recovery_codes_page(recovery: list[str], then: str | None = None):
    """The new recovery codes, shown once; then on to ``then`` (the settings)."""
    return render_template(
        "auth/recovery_codes.html", codes=recovery, next=then or url_for("auth.two_step")
    )


def _two_step_refused(error: KaikuError, form: str):
    db.session.rollback()
    return render_template(
        "auth/two_step.html",
        left=second_factor.recovery_codes_left(current_user),
        required=access.second_factor_required(current_user),
        errors={f"{form}-code": error.message},
    ), 422


def _set_up(user: User, action: str, keep_session: str | None = None):
    """(recovery codes, None) once the user's app gave a right code; else (None, the
    page that shows the QR code to scan)."""
    errors = {}
    if request.method == "POST":
        try:
            recovery = second_factor.enable(
                user, session.get(SETUP_SECRET), request.form.get("code"), user, keep_session
            )
        except KaikuError as error:
            db.session.rollback()
            errors = form_errors(error)
        else:
            session.pop(SETUP_SECRET, None)
            return recovery, None
    if request.method == "GET" or not session.get(SETUP_SECRET):
        session[SETUP_SECRET] = second_factor.new_secret()
    secret = session[SETUP_SECRET]
    page = render_template(
        "auth/setup.html",
        action=action,
        uri=second_factor.setup_uri(user, secret),
        secret=second_factor.grouped(secret),
        errors=errors,
    )
    return None, (page, 422 if errors else 200)


def _pending_user() -> User | None:
    """The user whose password was right a moment ago, still to give the second factor."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = db.session.get(User, pending.get("user"))
    return user if user is not None and user.may_log_in else None


def _start_again():
    session.pop(PENDING, None)
    flash(_l("Log in again: the time for the second step ran out."), "error")
    return redirect(url_for("auth.login"))


def _start_session(user: User) -> None:
    session.clear()  # nothing from before the login (its CSRF token) carries over
    session[SESSION_KEY] = sessions.start(user)
    login_user(user)


def _check_may_use() -> None:
    if not access.may_use_second_factor(current_user):
        abort(403)


@bp.post("/logout")
@login_required
def logout():
    sessions.end(session.get(SESSION_KEY))
    logout_user()
    session.pop(SESSION_KEY, None)
    flash(_l("You have logged out."), SIGNED_OUT)  # the login page then clears card copies
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    errors = {}
    if request.method == "POST":
        try:
            _check_repeat()
            accounts.change_password(
                current_user,
                request.form.get("current"),
                request.form.get("password"),
                session_key=session.get(SESSION_KEY),
            )
        except KaikuError as error:
            errors = form_errors(error)
        else:
            flash(_l("Your password was changed."), "success")
            return redirect(home_for(current_user))
    return render_template("auth/password.html", errors=errors, ask_current=True), (
        422 if errors else 200
    )


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    """The one-time link an admin gave: choose a password, then log in."""
    errors = {}
    try:
        accounts.user_for_reset_link(token)
    except KaikuError as error:
        return render_template("auth/password.html", errors=form_errors(error), expired=True), 404
    if request.method == "POST":
        try:
            _check_repeat()
            user = accounts.set_password_from_link(token, request.form.get("password"))
        except KaikuError as error:
            errors = form_errors(error)
        else:
            logout_user()
            flash(_l("Your password is set. Log in with it."), "success")
            return redirect(url_for("auth.login", email=user.email))
    return render_template("auth/password.html", errors=errors, ask_current=False), (
        422 if errors else 200
    )


def _check_repeat() -> None:
    if request.form.get("password") != request.form.get("repeat"):
        raise InvalidInput(_l("The passwords are not the same."), "repeat")
