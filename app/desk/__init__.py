"""The ticket desk: scan or type a code, see the verdict, record the use, undo.

Every action works as a plain form post. The page's script (static/js/desk.js)
posts the same forms with ``X-Requested-With: fetch`` and gets back only the
fragment to show, so the verdict is rendered in one place, on the server.
"""

import hashlib

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import event_pages, late_entries
from ..core import access, accounts, checkin, imports
from ..core.accounts import events_from
from ..core.clock import local_today
from ..core.exceptions import CardNotUsable, KaikuError
from ..labels import VERDICT_WORDS
from ..web import gather, role_required, scanner_headers

bp = Blueprint("desk", __name__, url_prefix="/desk")
DEVICE_USES = 10  # how many of this device's uses the undo list keeps


bp.after_request(scanner_headers)


@bp.context_processor
def desk_helpers():
    return {
        "can_undo": checkin.can_undo,
        "device_use_ids": session.get("device_uses", []),
        "offline_messages": checkin.offline_messages,
        "verdict_words": lambda: {status: str(word) for status, word in VERDICT_WORDS.items()},
    }


def _venue():
    return current_user.site


def _wants_fragment() -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def events_to_pick(venue):
    """(today's and coming events, the one this desk picked or None); forgets a stale pick."""
    events = events_from(venue, local_today())
    picked = next((event for event in events if str(event.id) == session.get("desk_event")), None)
    if picked is None:
        session.pop("desk_event", None)
    return events, picked


def _picked(name: str):
    """What this desk picked in its check form, kept in its session: the event, the kind
    of use, the category (None: no event, the venue's own kind and category)."""
    if name in request.form:
        session[f"desk_{name}"] = request.form[name] or None
    return session.get(f"desk_{name}")


def _category(venue):
    """The picked category, when the venue offers it (else the venue's default)."""
    picked = _picked("category")
    return picked if picked in venue.categories else None


def _forget_picks() -> None:
    for name in ("event", "kind", "category"):
        session.pop(f"desk_{name}", None)


def _device_uses():
    """This device's latest uses (their ids live in its session), newest first."""
    return checkin.recent_uses(_venue(), ids=session.get("device_uses", []))


def _remember_use(use) -> None:
    ids = [use.id] + [i for i in session.get("device_uses", []) if i != use.id]
    session["device_uses"] = ids[:DEVICE_USES]


def _respond(fragment: str | None, status: int = 200, **context):
    """The fragment alone for the page's script, else the whole desk page."""
    if fragment and _wants_fragment():
        return render_template(fragment, **context), status
    venue = _venue()
    events, picked = events_to_pick(venue)
    page = render_template(
        "desk/index.html",
        venue=venue,
        events=events,
        picked=picked,
        kind=session.get("desk_kind") or venue.use_kind,
        category=session.get("desk_category") or venue.category,
        today=local_today(),
        uses=_device_uses(),
        imported_cards=imports.any_imported(),
        fragment=fragment,
        **context,
    )
    return page, status


@bp.get("")
@role_required("venue")
def index():
    return _respond(None)


@bp.post("/check")
@role_required("venue")
def check():
    code = request.form.get("code", "")
    venue = _venue()
    try:
        verdict = checkin.check_code(code, venue, _picked("event"), _picked("kind"))
        _category(venue)  # kept for the use
    except KaikuError as error:
        _forget_picks()
        return _respond("desk/_error.html", 422, code=code, error=error.message)
    return _respond("desk/_verdict.html", code=code, verdict=verdict)


@bp.post("/uses")
@role_required("venue")
def record():
    code = request.form.get("code", "")
    venue = _venue()
    try:
        use, _ = checkin.record_use(
            code,
            venue,
            nonce=request.form.get("nonce"),
            children=request.form.get("children", "0"),
            clients=request.form.get("clients", "0"),
            assistant=request.form.get("assistant", "0"),
            event_id=_picked("event"),
            kind=_picked("kind"),
            category=_category(venue),
            user=current_user._get_current_object(),
        )
    except CardNotUsable as refusal:
        return _respond("desk/_verdict.html", 409, code=code, verdict=refusal.verdict)
    except KaikuError as error:
        return _respond("desk/_error.html", 422, code=code, error=error.message)
    _remember_use(use)
    if _wants_fragment():
        return render_template("desk/_recorded.html", use=use), 201
    flash(_recorded_message(use), "success")
    return redirect(url_for("desk.index"))


def _recorded_message(use):
    if use.clients:
        return _l(
            "Recorded. Tickets: adults %(adults)d, clients under 16 %(clients)d, "
            "assistant %(assistant)d.",
            adults=use.adults,
            clients=use.clients,
            assistant=use.assistant,
        )
    return _l(
        "Recorded. Tickets: adults %(adults)d, children %(children)d, assistant %(assistant)d.",
        adults=use.adults,
        children=use.children,
        assistant=use.assistant,
    )


@bp.get("/uses")
@role_required("venue")
def device_uses():
    """The undo list alone, for the page's script to refresh."""
    return render_template("desk/_uses.html", uses=_device_uses())


@bp.post("/uses/<int:use_id>/undo")
@role_required("venue")
def undo(use_id: int):
    try:
        checkin.void_use(use_id, _venue())
    except KaikuError as error:
        message, category = error.message, "error"
    else:
        message, category = _l("The use was undone. It no longer counts."), "success"
    if _wants_fragment():
        return render_template("desk/_uses.html", uses=_device_uses(), notice=message)
    flash(message, category)
    return redirect(url_for("desk.index"))


@bp.get("/sw.js")
@role_required("venue")
def service_worker():
    """Keeps the desk page and its scripts, so that the desk opens without network once
    it has been opened with it (static/js/desk-sw.js; served from here for its scope)."""
    shell = [
        url_for("static", filename=name)
        for name in (
            "css/kaiku.css",
            "favicon.svg",
            "vendor/barcode-detector-3.2.2.js",
            "vendor/zxing-wasm-3.1.3-reader.wasm",
            "js/numbers.js",
            "js/scanner.js",
            "js/offline.js",
            "js/desk.js",
        )
    ]
    version = hashlib.sha256(" ".join(shell).encode()).hexdigest()[:12]
    script = render_template("desk/sw.js", shell=shell, version=version, page=url_for("desk.index"))
    headers = {"Content-Type": "text/javascript", "Cache-Control": "no-cache"}
    return script, 200, {**headers, "Service-Worker-Allowed": url_for("desk.index")}


@bp.route("/late", methods=["GET", "POST"])
@role_required("venue")
def late():
    """Uses noted on paper, entered with their real day."""
    return late_entries.page()


@bp.route("/events", methods=["GET", "POST"])
@role_required("venue")
def events():
    """The venue's own coming events: add one, or pick one to change its quota or date."""
    errors, form = {}, request.form
    if request.method == "POST":
        event = gather(
            errors,
            lambda: accounts.create_event(
                _venue().slug, **event_pages.event_form(form), actor=current_user
            ),
        )
        if not errors:
            flash(_l("Event %(name)s added.", name=event.name), "success")
            return redirect(url_for("desk.events"))
    coming = events_from(_venue(), local_today())
    return render_template("desk/events.html", events=coming, form=form, errors=errors), (
        422 if errors else 200
    )


@bp.route("/events/<int:event_id>", methods=["GET", "POST"])
@role_required("venue")
def edit_event(event_id: int):
    return event_pages.edit(
        access.event_for(current_user, event_id),
        back=url_for("desk.events"),
        delete_action=url_for("desk.delete_event", event_id=event_id),
    )


@bp.post("/events/<int:event_id>/delete")
@role_required("venue")
def delete_event(event_id: int):
    return event_pages.delete(
        access.event_for(current_user, event_id),
        back=url_for("desk.events"),
        here=url_for("desk.edit_event", event_id=event_id),
    )
