"""The card itself, at the URL its QR carries: /k/<token>.

Anyone holding the link sees the card (the token is the secret); no login and
no cookie is needed. The page works without JavaScript; with it, a service
worker keeps the card for offline use and the status is refreshed when online.
A logged-in venue user also sees the desk's verdict and can record the use.
"""

import hashlib
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user

from ..core import cards, checkin
from ..core.clock import local_today, utcnow
from ..core.printing import home_pdf
from ..core.tokens import card_url
from ..desk import events_to_pick

bp = Blueprint("cardholder", __name__, url_prefix="/k")
NOT_CACHED = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}
# The one response the service worker may keep for offline use: the holder's own card
# page, as anyone without a login sees it. A desk's view of a card never is.
OFFLINE_COPY = {"Kaiku-Offline": "holder-card"}
SHELL = ("css/kaiku.css", "js/card.js", "icons/icon-192.png", "favicon.svg")  # kept offline


def _card_or_404(token: str):
    card, _ = checkin.card_for_token(token)
    if card is None:
        abort(404)
    return card


def _status(card) -> dict:
    """What the holder's page says about the card now."""
    state = checkin.card_state(card)
    return {
        "card": card,
        "state": state,
        "usable": state == "valid",
        "expires_soon": cards.expires_soon(card),
        "checked_at": utcnow(),
    }


@bp.get("/<token>")
def card(token: str):
    card = _card_or_404(token)
    verdict = None
    if current_user.is_authenticated and current_user.role == "venue":
        _, picked = events_to_pick(current_user.site)
        verdict = checkin.judge(card, current_user.site, picked)
    anonymous = not current_user.is_authenticated
    version = f'"{_page_version(card)}"'
    if anonymous and request.if_none_match.contains(version.strip('"')):
        # The holder's phone holds this very page: the service worker asked (If-None-Match).
        return "", 304, {**NOT_CACHED, **OFFLINE_COPY, "ETag": version}
    page = render_template(
        "cardholder/card.html",
        url=card_url(card.number, card.generation),
        token=token,
        verdict=verdict,
        **_status(card),
    )
    return page, 200, {**NOT_CACHED, **({**OFFLINE_COPY, "ETag": version} if anonymous else {})}


def _page_version(card) -> str:
    """Everything the holder's page shows but its clock, which the page's script sets at
    once: the same version, the same page. Today is part of it (the status is as of
    today), and so are the templates, translations and files of this release."""
    shown = (
        card.number,
        card.generation,
        card.status,
        card.kind,
        card.children,
        card.valid_from,
        card.valid_until,
        local_today(),
        str(get_locale()),
        request.args.get("lang"),
        _release(),
    )
    return hashlib.sha256(repr(shown).encode()).hexdigest()[:24]


def _release() -> str:
    """A fingerprint of what renders the card page in this release (once per process)."""
    found = current_app.extensions.get("kaiku_card_release")
    if found is None:
        env = current_app.jinja_env
        sources = [
            env.loader.get_source(env, name)[0]
            for name in ("base.html", "cardholder/card.html", "cardholder/_status.html")
        ]
        catalogues = sorted(Path(current_app.root_path, "..", "translations").glob("*/*/*.mo"))
        sources += [path.read_bytes().hex() for path in catalogues]
        sources += [url_for("static", filename=name) for name in SHELL]
        found = hashlib.sha256("\n".join(sources).encode()).hexdigest()
        current_app.extensions["kaiku_card_release"] = found
    return found


@bp.get("/<token>/status")
def status(token: str):
    """The status part of the card page, for the page's script to refresh."""
    return (
        render_template("cardholder/_status.html", **_status(_card_or_404(token))),
        200,
        NOT_CACHED,
    )


@bp.get("/<token>/card.pdf")
def print_card(token: str):
    """The card on an A4 page with crop marks and how to use it, to print at home."""
    card = _card_or_404(token)
    if checkin.card_state(card) != "valid":
        abort(404)
    return (
        home_pdf(card),
        200,
        {
            **NOT_CACHED,
            "Content-Type": "application/pdf",
            "Content-Disposition": f'inline; filename="kaikukortti-{card.number}.pdf"',
        },
    )


@bp.get("/<token>/manifest.webmanifest")
def manifest(token: str):
    """Lets the holder add this card to the home screen as an app."""
    card = _card_or_404(token)
    icons = [
        {
            "src": url_for("static", filename=f"icons/{name}"),
            "sizes": size,
            "type": "image/png",
            **({"purpose": "maskable"} if "maskable" in name else {}),
        }
        for name, size in (
            ("icon-192.png", "192x192"),
            ("icon-512.png", "512x512"),
            ("icon-maskable-512.png", "512x512"),
        )
    ]
    return (
        {
            "name": f"Kaikukortti {card.display_number}",
            "short_name": "Kaikukortti",
            "start_url": url_for("cardholder.card", token=token),
            "scope": url_for("cardholder.card", token=token),
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#00527a",
            "icons": icons,
        },
        200,
        {"Content-Type": "application/manifest+json", **NOT_CACHED},
    )


@bp.get("/sw.js")
def service_worker():
    """Keeps the shell (CSS, script, icons) and each card page the server marks as the
    holder's own (OFFLINE_COPY) for offline use."""
    shell = [url_for("static", filename=name) for name in SHELL]
    version = hashlib.sha256(" ".join(shell).encode()).hexdigest()[:12]
    script = render_template(
        "cardholder/sw.js", shell=shell, version=version, marker=next(iter(OFFLINE_COPY.items()))
    )
    return script, 200, {"Content-Type": "text/javascript", "Cache-Control": "no-cache"}


from . import questions  # noqa: E402,F401  (the holder's page of the wellbeing questions)
