"""The audit trail as people read it: actions and targets in words, and each entry's
change as "what: before → after" lines instead of raw JSON."""

import json
from datetime import date

from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from ..core.audit import API_KEY, COMMAND_LINE, HOLDER_DATA_CHANGED
from ..core.validation import field_name
from ..labels import (
    CARD_KIND_WORDS,
    CARD_STATUS_WORDS,
    CATEGORY_WORDS,
    ROLE_WORDS,
    SITE_KIND_WORDS,
)

ACTION_WORDS = {
    "api_key.create": _l("API key created"),
    "api_key.revoke": _l("API key revoked"),
    "area.create": _l("Area added"),
    "card.block": _l("Card blocked"),
    "card.children": _l("Children on a card changed"),
    "card.correct": _l("Holder's data corrected"),
    "card.new_code": _l("Card given a new code"),
    "card.register": _l("Card registered"),
    "card.remove_data": _l("Holder's data removed"),
    "card.renew": _l("Card renewed"),
    "card.replace": _l("Card replaced"),
    "card.unblock": _l("Card unblocked"),
    "card.wellbeing_answers": _l("Holder's wellbeing answers given to them"),
    "card.wellbeing_forgotten": _l("Holder's wellbeing answers detached"),
    "card.uses_printout": _l("Holder's uses printed"),
    "cards.issue": _l("Card stock generated"),
    "cards.retention": _l("Expired cards' holder data removed"),
    "event.create": _l("Event added"),
    "event.update": _l("Event changed"),
    "site.create": _l("Site added"),
    "user.active": _l("Account closed or opened"),
    "user.create": _l("User added"),
    "user.password": _l("Password set"),
    "user.recovery_code_used": _l("Recovery code used"),
    "user.recovery_codes": _l("New recovery codes"),
    "user.reset": _l("Password link made"),
    "user.second_factor": _l("Two-step verification changed"),
    "wellbeing.draft": _l("New version of the wellbeing questions"),
    "wellbeing.draft_deleted": _l("Draft of the wellbeing questions deleted"),
    "wellbeing.publish": _l("Wellbeing questions put in use"),
    "wellbeing.question": _l("Wellbeing question saved"),
    "wellbeing.question_deleted": _l("Wellbeing question deleted"),
}
TARGET_WORDS = {  # the first word(s) of a target: "card 7KX...", "api key 3"
    "api key": _l("API key"),
    "area": _l("Area"),
    "batch": _l("Batch"),
    "card": _l("Card"),
    "event": _l("Event"),
    "holder data": _l("Holder data"),
    "site": _l("Site"),
    "user": _l("User"),
    "wellbeing questions": _l("Wellbeing questions, version"),
}
KEY_WORDS = {
    "active": _l("Account open"),
    "cards": _l("Cards"),
    "copied": _l("Made from version"),
    "count": _l("Number of cards"),
    "generation": _l("Code generation"),
    HOLDER_DATA_CHANGED: _l("Holder's data changed"),
    "left": _l("Recovery codes left"),
    "on": _l("Two-step verification"),
    "replaced": _l("Replaces version"),
    "replaced_by": _l("Replaced by"),
    "replaces": _l("Replaces"),
    "reset": _l("Set up again"),
    "site": _l("Site"),
    "area": _l("Area"),
    "status": _l("Status"),
    "uses": _l("Uses"),
    "valid_from": _l("Valid from"),
    "valid_until": _l("Valid until"),
    "venue": _l("Venue"),
}
_VALUE_WORDS = {
    "status": CARD_STATUS_WORDS,
    "category": CATEGORY_WORDS,
    "role": ROLE_WORDS,
    "kind": {**SITE_KIND_WORDS, **CARD_KIND_WORDS},
}
_DATES = ("valid_from", "valid_until", "date")


def actor_words(actor: str):
    """An e-mail, the operator's command line or a venue's API key, in words."""
    if actor == COMMAND_LINE:
        return _l("the command line (an operator)")
    if actor.startswith(API_KEY + " "):
        number, site = actor.removeprefix(API_KEY + " ").split(" ", 1)
        return _l("the ticketing system of %(site)s (API key %(number)s)", site=site, number=number)
    return actor


def action_words(action: str):
    return ACTION_WORDS.get(action, action)


def target_words(target: str) -> str:
    for prefix, words in TARGET_WORDS.items():
        if target == prefix or target.startswith(prefix + " "):
            return f"{words}{target[len(prefix) :]}"
    return target


def changes(entry) -> list[tuple]:
    """(what, before, after) for each value the entry records, changed ones first."""
    before, after = _load(entry.before), _load(entry.after)
    keys = list(dict.fromkeys([*after, *before]))
    rows = [(key, before.get(key), after.get(key)) for key in keys]
    rows.sort(key=lambda row: row[1] == row[2])  # what changed, then what stayed
    return [(_key(key), _value(key, old), _value(key, new)) for key, old, new in rows]


def _load(text) -> dict:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {"": text}
    return value if isinstance(value, dict) else {"": value}


def _key(key: str):
    return KEY_WORDS.get(key) or field_name(key)


def _value(key: str, value) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return str(_l("yes") if value else _l("no"))
    if isinstance(value, list):
        return (
            ", ".join(
                str(_key(item)) if key == HOLDER_DATA_CHANGED else str(item) for item in value
            )
            or "–"
        )
    if key in _DATES and isinstance(value, str):
        try:
            return format_date(date.fromisoformat(value))
        except ValueError:
            return value
    words = _VALUE_WORDS.get(key, {})
    return str(words.get(value, value))
