"""The holder's own page of the wellbeing questions, at a one-time link an issuer gave:
never the card's page, which every desk sees. No login: the link is the secret, and it
works once (core/wellbeing.py)."""

from flask import Blueprint, render_template, request

from ..core import wellbeing
from ..core.exceptions import KaikuError, NotFound
from ..web import form_errors
from . import NOT_CACHED

bp = Blueprint("questions", __name__, url_prefix="/questions")


@bp.route("/<secret>", methods=["GET", "POST"])
def answer(secret: str):
    try:
        invitation = wellbeing.invitation_for_link(secret)
    except NotFound:
        return render_template("cardholder/questions.html", state="closed"), 404, NOT_CACHED
    errors, state, answered = {}, "asking", 0
    if request.method == "POST":
        try:
            if request.form.get("skip"):
                wellbeing.decline(invitation)
                state = "skipped"
            else:
                answered = wellbeing.answer(invitation, wellbeing.choices_in(request.form))
                state = "answered"
        except KaikuError as error:
            errors = form_errors(error)
    page = render_template(
        "cardholder/questions.html",
        state=state,
        invitation=invitation,
        form=request.form,
        errors=errors,
        answered=answered,
    )
    return page, 422 if errors else 200, NOT_CACHED
