"""The page where an event is changed or deleted: the same for a venue's own users
(desk blueprint) and for coordinators (admin blueprint), each with its way back."""

from flask import flash, redirect, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .core import accounts, checkin
from .core.exceptions import KaikuError
from .models import Event
from .web import gather

FIELDS = ("name", "date", "quota", "offline_quota")


def event_form(form) -> dict:
    return {name: form.get(name) for name in FIELDS}


def edit(event: Event, back: str, delete_action: str):
    errors, form = {}, request.form
    if request.method == "POST":
        gather(errors, lambda: accounts.update_event(event, **event_form(form), actor=current_user))
        if not errors:
            flash(_l("Event %(name)s saved.", name=event.name), "success")
            return redirect(back)
    return render_template(
        "event.html",
        event=event,
        form=form,
        errors=errors,
        back=back,
        delete_action=delete_action,
        tickets_given=checkin.tickets_given,
    ), (422 if errors else 200)


def delete(event: Event, back: str, here: str):
    name = event.name
    try:
        accounts.delete_event(event, actor=current_user)
    except KaikuError as error:
        flash(error.message, "error")
        return redirect(here)
    flash(_l("Event %(name)s deleted.", name=name), "success")
    return redirect(back)
