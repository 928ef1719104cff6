"""The card itself, at the URL its QR carries: /k/<token>.

Anyone holding the link sees the card (the token is the secret); a logged-in
venue user also sees the desk's verdict and can record the use right here.
"""

from flask import Blueprint, abort, render_template
from flask_login import current_user

from ..core import checkin
from ..core.clock import local_today
from ..core.tokens import card_url
from ..desk import todays_events

bp = Blueprint("cardholder", __name__)


@bp.get("/k/<path:token>")
def card(token: str):
    card, _ = checkin.card_for_token(token)
    if card is None:
        abort(404)
    verdict = None
    if current_user.is_authenticated and current_user.role == "venue":
        _, picked = todays_events(current_user.site)
        verdict = checkin.judge(card, current_user.site, picked)
    expired = card.status == "active" and card.valid_until < local_today()
    page = render_template(
        "cardholder/card.html",
        card=card,
        expired=expired,
        usable=card.status == "active" and not expired,
        url=card_url(card.number, card.generation),
        token=token,
        verdict=verdict,
    )
    return page, 200, {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}
