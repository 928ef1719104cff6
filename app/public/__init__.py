"""Pages anyone may open: the front page and the language switcher."""

from flask import Blueprint, redirect, render_template, url_for

from ..config import LANGUAGES
from ..core import wellbeing
from ..i18n import COOKIE
from ..web import local_target

bp = Blueprint("public", __name__)


@bp.get("/")
def index():
    return render_template("public/index.html")


@bp.get("/accessibility")
def accessibility():
    """The accessibility statement the Act on the Provision of Digital Services asks for."""
    return render_template("public/accessibility.html")


@bp.get("/privacy")
def privacy():
    """What the registry stores, and what it never stores."""
    return render_template("public/privacy.html", answer_days=wellbeing.ANSWER_DAYS)


@bp.get("/lang/<code>")
def set_language(code: str):
    """Remember the chosen language for a year and go back where the user was."""
    response = redirect(local_target(url_for("public.index")))
    if code in LANGUAGES:
        response.set_cookie(COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax")
    return response
