"""Words people read for the fixed vocabularies (the vocabularies themselves never change)."""

from flask_babel import lazy_gettext as _l

from .core.checkin import card_state

__all__ = [
    "VERDICT_WORDS",
    "VERDICT_ICONS",
    "CARD_STATUS_WORDS",
    "card_status_today",
    "CHILDREN_CHOICES",
    "CARD_KIND_WORDS",
    "CATEGORY_WORDS",
    "USE_KIND_WORDS",
    "GENDER_WORDS",
    "LIFE_SITUATION_WORDS",
    "ROLE_WORDS",
    "SITE_KIND_WORDS",
    "IMPORT_COLUMN_WORDS",
    "IMPORT_KIND_WORDS",
    "IMPORT_STATUS_WORDS",
    "VERSION_STATE_WORDS",
    "OCCASION_WORDS",
]

VERDICT_WORDS = {
    "valid": _l("Valid"),
    "invalid": _l("Not valid"),
    "unregistered": _l("Not registered"),
    "not_yet_valid": _l("Not yet valid"),
    "expired": _l("Expired"),
    "blocked": _l("Blocked"),
    "replaced": _l("Replaced"),
    "already_used": _l("Already used"),
    "quota_full": _l("No tickets left"),
}
# A symbol beside the word, so that meaning never rests on colour alone.
VERDICT_ICONS = {"valid": "✓", "already_used": "!", "quota_full": "!"}
CARD_STATUS_WORDS = {
    "unregistered": _l("Not registered yet"),
    "active": _l("Active"),
    "blocked": _l("Blocked"),
    "replaced": _l("Replaced by a new card"),
}


def card_status_today(card) -> str:
    """A card's status as of today, in words: an active card past its last day is expired."""
    state = card_state(card)
    return (
        CARD_STATUS_WORDS["active"]
        if state == "valid"
        else (CARD_STATUS_WORDS.get(state) or VERDICT_WORDS[state])
    )


CHILDREN_CHOICES = [(n, str(n)) for n in range(10)]  # children a card may include
CARD_KIND_WORDS = {"personal": _l("Personal card"), "community": _l("Community card")}
CATEGORY_WORDS = {
    "culture": _l("Culture"),
    "education": _l("Education"),
    "science": _l("Science"),
    "sport": _l("Sport"),
}
USE_KIND_WORDS = {
    "ticket": _l("Ticket"),
    "course_place": _l("Course place"),
    "season_pass": _l("Season pass"),
}
GENDER_WORDS = {"female": _l("Woman"), "male": _l("Man"), "other": _l("Other")}
LIFE_SITUATION_WORDS = {
    "employed": _l("Working"),
    "unemployed": _l("Unemployed"),
    "student": _l("Student"),
    "retired": _l("Retired"),
    "disability": _l("On disability benefit"),
    "other": _l("Other"),
}
ROLE_WORDS = {
    "admin": _l("Coordinator (admin)"),
    "issuer": _l("Issuer"),
    "venue": _l("Venue desk"),
    "municipality": _l("Municipality's coordinator (statistics)"),
}
SITE_KIND_WORDS = {"issuer": _l("Issuing site"), "venue": _l("Venue")}
VERSION_STATE_WORDS = {  # a version of the wellbeing questions
    "draft": _l("Draft"),
    "in_use": _l("In use"),
    "replaced": _l("Replaced"),
}
OCCASION_WORDS = {"registration": _l("First registration"), "renewal": _l("Renewal")}

IMPORT_STATUS_WORDS = {  # the import format's statuses (docs/import-format.md)
    "active": _l("Valid"),
    "blocked": _l("Blocked"),
    "expired": _l("Expired"),
}
IMPORT_KIND_WORDS = {"sites": _l("Sites"), "cards": _l("Cards"), "uses": _l("Past uses")}
_DAY = _l("as 2024-05-31 or 31.5.2024")
IMPORT_COLUMN_WORDS = {  # Kaiku's import format (docs/import-format.md), per file
    "sites": {
        "slug": _l("the site's short name in web addresses: a-z, 0-9 and dashes"),
        "name": _l("the site's name"),
        "kind": _l("issuer or venue"),
        "area": _l("the area's code in Kaiku"),
        "category": _l("a venue's: culture, education, science or sport"),
        "municipality": _l("the municipality's code or name (optional)"),
    },
    "cards": {
        "id": _l("the card's ID in the earlier registry, as printed on the card"),
        "status": _l("active, blocked or expired"),
        "registered": _l("the day the card was given, %(as)s", **{"as": _DAY}),
        "valid_until": _l("the card's last valid day"),
        "children": _l("children under 16 who may come along, 0 to 9"),
        "birth_year": _l("the holder's year of birth"),
        "postcode": _l("the holder's postcode, five digits"),
        "municipality": _l(
            "the holder's home municipality: its code or name (if empty, the site's)"
        ),
        "site": _l("the issuing site, by its short name or name in Kaiku"),
        "area": _l("the home area's code in Kaiku"),
        "gender": _l("female, male or other (optional)"),
        "life_situation": _l(
            "employed, unemployed, student, retired, disability or other (optional)"
        ),
    },
    "uses": {
        "date": _l("the day of the visit, %(as)s", **{"as": _DAY}),
        "card": _l("the card's number or ID"),
        "venue": _l("the venue, by its short name or name in Kaiku"),
        "category": _l("culture, education, science or sport (if empty, the venue's)"),
        "adults": _l("always 1: the holder"),
        "children": _l("children under 16 who came along, 0 to 9"),
    },
}
