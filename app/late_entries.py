"""The page where uses noted on paper are entered afterwards with their real day: the
same for a venue's users (desk blueprint) and coordinators (admin blueprint)."""

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .core import access, accounts, checkin
from .core.clock import local_today
from .core.exceptions import CardNotUsable, KaikuError, NotFound
from .web import form_errors

# Why a visit on a past day can't be entered: said to staff, about that day.
REFUSED_ON = {
    "unregistered": lambda day: _("The card was not registered yet on %(day)s.", day=day),
    "blocked": lambda day: _("The card was blocked on %(day)s.", day=day),
    "replaced": lambda day: _("By %(day)s the card had been replaced by a new one.", day=day),
    "not_yet_valid": lambda day: _("The card was not valid yet on %(day)s.", day=day),
    "expired": lambda day: _("The card was not valid on %(day)s: it had expired.", day=day),
    "already_used": lambda day: _(
        "A use of this card here on %(day)s is recorded already.", day=day
    ),
    "quota_full": lambda day: _("The free tickets of that day's event had run out."),
}


def page():
    venues = access.late_entry_venues(current_user)
    today = local_today()
    first = today - timedelta(days=checkin.LATE_ENTRY_DAYS)
    form = request.form if request.method == "POST" else request.args
    errors = {}
    if request.method == "POST":
        try:
            use = _record(venues, form)
        except CardNotUsable as refusal:
            errors = {"code": _refused_on(refusal.verdict, form.get("date"))}
        except KaikuError as error:
            errors = form_errors(error)
        else:
            flash(
                _l(
                    "Late entry recorded: card %(number)s, %(day)s at %(venue)s.",
                    number=use.card.display_number,
                    day=format_date(use.day),
                    venue=use.venue.name,
                ),
                "success",
            )
            kept = {"venue": use.venue.slug, "date": use.day.isoformat()}
            return redirect(url_for(request.endpoint, **kept))
    return render_template(
        "late.html",
        venues=venues,
        events=accounts.events_between(venues, first, today),
        form=form,
        errors=errors,
        first=first,
        today=today,
    ), (422 if errors else 200)


def _record(venues, form):
    venue = _venue(venues, form.get("venue"))
    use, _ = checkin.record_use(
        form.get("code", ""),
        venue,
        nonce=form.get("nonce"),
        on=checkin.check_late_day(form.get("date")),  # required here: blank is no "today"
        event_id=form.get("event") or None,
        kind=form.get("kind"),
        children=form.get("children") or 0,
        clients=form.get("clients") or 0,
        assistant=form.get("assistant") or "0",
        user=current_user._get_current_object(),
    )
    return use


def _venue(venues, slug):
    """The venue chosen (a venue's user has only their own)."""
    if len(venues) == 1:
        return venues[0]
    for venue in venues:
        if venue.slug == slug:
            return venue
    raise NotFound(_l("Choose a venue."), "venue")


def _refused_on(verdict, day: str) -> str:
    """A refusal about the visit's day (a number that can't be read: as at the desk)."""
    if verdict.status not in REFUSED_ON:
        return verdict.message()
    return REFUSED_ON[verdict.status](format_date(checkin.check_late_day(day)))
