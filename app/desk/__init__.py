"""The ticket desk: type or paste a code, see the verdict, record the use, undo."""

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..core import checkin
from ..core.accounts import events_on
from ..core.clock import local_today
from ..core.exceptions import CardNotUsable, KaikuError
from ..web import role_required

bp = Blueprint("desk", __name__, url_prefix="/desk")


def _venue():
    return current_user.site


def _event_id():
    """The event picked on this desk (kept in the session), or None."""
    if "event" in request.form:
        session["desk_event"] = request.form["event"] or None
    return session.get("desk_event")


def todays_events(venue):
    """(today's events, the one this desk picked or None); forgets a stale pick."""
    events = events_on(venue, local_today())
    picked = next((event for event in events if str(event.id) == session.get("desk_event")), None)
    if picked is None:
        session.pop("desk_event", None)
    return events, picked


def render_desk(verdict=None, code="", error=None, status=200):
    venue = _venue()
    events, picked = todays_events(venue)
    return (
        render_template(
            "desk/index.html",
            venue=venue,
            events=events,
            picked=picked,
            verdict=verdict,
            code=code,
            error=error,
            uses=checkin.recent_uses(venue),
            can_undo=checkin.can_undo,
        ),
        status,
    )


@bp.get("")
@role_required("venue")
def index():
    return render_desk()


@bp.post("/check")
@role_required("venue")
def check():
    code = request.form.get("code", "")
    try:
        verdict = checkin.check_code(code, _venue(), _event_id())
    except KaikuError as error:
        session.pop("desk_event", None)
        return render_desk(code=code, error=error.message, status=422)
    return render_desk(verdict, code=code)


@bp.post("/uses")
@role_required("venue")
def record():
    code = request.form.get("code", "")
    try:
        use, _ = checkin.record_use(
            code,
            _venue(),
            nonce=request.form.get("nonce"),
            children=request.form.get("children", "0"),
            assistant=request.form.get("assistant") == "1",
            event_id=_event_id(),
            user=current_user._get_current_object(),
        )
    except CardNotUsable as refusal:
        return render_desk(refusal.verdict, code=code, status=409)
    except KaikuError as error:
        return render_desk(code=code, error=error.message, status=422)
    flash(
        _l(
            "Recorded. Tickets: adults %(adults)d, children %(children)d, assistant %(assistant)d.",
            adults=use.adults,
            children=use.children,
            assistant=use.assistant,
        ),
        "success",
    )
    return redirect(url_for("desk.index"))


@bp.post("/uses/<int:use_id>/undo")
@role_required("venue")
def undo(use_id: int):
    try:
        checkin.void_use(use_id, _venue())
    except KaikuError as error:
        flash(error.message, "error")
    else:
        flash(_l("The use was undone. It no longer counts."), "success")
    return redirect(url_for("desk.index"))
