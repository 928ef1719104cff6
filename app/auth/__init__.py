"""Staff log in with e-mail and password. Cardholders never log in.

Attempts are counted before the password is checked (core/attempts.py).
"""

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from ..core import accounts, sessions
from ..core.exceptions import InvalidInput, KaikuError, TooManyAttempts
from ..web import SESSION_KEY, form_errors, local_target

bp = Blueprint("auth", __name__)
SIGNED_OUT = "signed-out"  # the flash category after a logout (see static/js/signed-out.js)


def home_for(user) -> str:
    """Where a user lands after logging in."""
    return url_for({"venue": "desk.index", "issuer": "issuer.index"}.get(user.role, "admin.index"))


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
                session.clear()  # nothing from before the login (its CSRF token) carries over
                session[SESSION_KEY] = sessions.start(user)
                login_user(user)
                return redirect(target)
            error, status = _l("The e-mail or password is wrong."), 422
    email = request.form.get("email") or request.args.get("email", "")
    return render_template("auth/login.html", error=error, email=email), status


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
