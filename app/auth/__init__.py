"""Staff log in with e-mail and password. Cardholders never log in.

Failed logins are limited per account and per address (Flask-Limiter; set
RATELIMIT_STORAGE_URI=redis://... when several server processes share the work).
"""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from ..core import accounts
from ..core.exceptions import InvalidInput, KaikuError
from ..extensions import limiter
from ..web import form_errors, local_target

bp = Blueprint("auth", __name__)
FAILED_LOGINS_PER_ACCOUNT = "5 per 15 minutes"
FAILED_LOGINS_PER_ADDRESS = "20 per 15 minutes"


def home_for(user) -> str:
    """Where a user lands after logging in."""
    return url_for({"venue": "desk.index", "issuer": "issuer.index"}.get(user.role, "admin.index"))


def _account() -> str:
    return "account:" + str(request.form.get("email", "")).strip().lower()


def _failed(response) -> bool:
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(FAILED_LOGINS_PER_ACCOUNT, key_func=_account, methods=["POST"], deduct_when=_failed)
@limiter.limit(FAILED_LOGINS_PER_ADDRESS, methods=["POST"], deduct_when=_failed)
def login():
    if request.method == "GET" and current_user.is_authenticated:
        return redirect(home_for(current_user))
    error = None
    if request.method == "POST":
        user = accounts.authenticate_user(request.form.get("email"), request.form.get("password"))
        if user is not None:
            login_user(user)
            return redirect(local_target(home_for(user)))
        error = _l("The e-mail or password is wrong.")
    email = request.form.get("email") or request.args.get("email", "")
    return render_template("auth/login.html", error=error, email=email), (422 if error else 200)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash(_l("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    errors = {}
    if request.method == "POST":
        try:
            _check_repeat()
            accounts.change_password(
                current_user, request.form.get("current"), request.form.get("password")
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
