"""Staff log in with e-mail and password. Cardholders never log in."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from ..core.accounts import authenticate_user
from ..web import local_target

bp = Blueprint("auth", __name__)


def home_for(user) -> str:
    """Where a user lands after logging in."""
    return url_for("desk.index") if user.role == "venue" else url_for("public.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET" and current_user.is_authenticated:
        return redirect(home_for(current_user))
    error = None
    if request.method == "POST":
        user = authenticate_user(request.form.get("email"), request.form.get("password"))
        if user is not None:
            login_user(user)
            return redirect(local_target(home_for(user)))
        error = _l("The e-mail or password is wrong.")
    email = request.form.get("email", "")
    return render_template("auth/login.html", error=error, email=email), (422 if error else 200)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash(_l("You have logged out."), "info")
    return redirect(url_for("auth.login"))
