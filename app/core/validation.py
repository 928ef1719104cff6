"""check_* helpers: each returns the clean value or raises InvalidInput naming the field.
Messages name a field as people know it (FIELD_NAMES), never by the code's name for it;
check_all runs several checks so that a form shows every mistake at once."""

import re
from collections.abc import Callable
from datetime import date, datetime, timezone

from flask_babel import lazy_gettext as _l

from .clock import local_today
from .exceptions import InvalidInput, InvalidInputs, NotFound

FIELD_NAMES = {
    "adults": _l("Adults"),
    "area": _l("Area"),
    "assistant": _l("Assistant"),
    "birth_year": _l("Year of birth"),
    "card": _l("Card"),
    "category": _l("Category"),
    "children": _l("Children"),
    "client_cap": _l("Clients under 16 at most"),
    "clients": _l("Clients under 16"),
    "code": _l("Code"),
    "columns": _l("Columns"),
    "contact": _l("Contact"),
    "count": _l("Number of cards"),
    "default_use": _l("Usually gives"),
    "device": _l("Device"),
    "date": _l("Date"),
    "end": _l("To"),
    "event": _l("Event"),
    "gender": _l("Gender"),
    "file": _l("File"),
    "id": _l("Number"),
    "joined_on": _l("Joined on"),
    "kind": _l("Kind"),
    "life_situation": _l("Life situation"),
    "mapping": _l("Mapping"),
    "municipality": _l("Municipality"),
    "name": _l("Name"),
    "offers": _l("Also offers"),
    "offline_quota": _l("Tickets per device offline"),
    "options_en": _l("Answers in English"),
    "options_fi": _l("Answers in Finnish"),
    "options_sv": _l("Answers in Swedish"),
    "organisation": _l("Organisation"),
    "population": _l("Population"),
    "postcode": _l("Postcode"),
    "question": _l("Question"),
    "quota": _l("Quota"),
    "recorded_at": _l("Recorded at"),
    "registered": _l("Registered"),
    "registered_on": _l("Registered on"),
    "role": _l("Role"),
    "site": _l("Site"),
    "start": _l("From"),
    "status": _l("Status"),
    "statuses": _l("Status words"),
    "text_en": _l("Question in English"),
    "text_fi": _l("Question in Finnish"),
    "text_sv": _l("Question in Swedish"),
    "valid_days": _l("Days of validity"),
    "valid_until": _l("Valid until"),
    "venue": _l("Venue"),
    "version": _l("Version"),
    "year": _l("Year"),
}


def field_name(field: str):
    return FIELD_NAMES.get(field, field)


def check_all(**checks: Callable[[], object]) -> dict:
    """Run every check (the form's field name: a function returning the clean value): the
    clean values, or InvalidInputs with the message of each field that failed."""
    values, errors = {}, {}
    for name, check in checks.items():
        try:
            values[name] = check()
        except InvalidInputs as error:
            errors.update(error.errors)
        except (InvalidInput, NotFound) as error:  # (a site or area that isn't there)
            errors[name] = error.message  # named as the caller's form names it
    if errors:
        raise InvalidInputs(errors)
    return values


_POSTCODE = re.compile(r"[0-9]{5}")
_NONCE = re.compile(r"[A-Za-z0-9_.:-]{8,64}")
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{1,62}")
_EMAIL = re.compile(r"[^@\s\x00]+@[^@\s\x00]+\.[^@\s\x00]+")


def check_int(field: str, value, low: int, high: int) -> int:
    whole = _l("%(field)s: give a whole number.", field=field_name(field))
    if isinstance(value, bool) or value is None:
        raise InvalidInput(whole, field)
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,12}\s*", value):
        value = int(value)
    if not isinstance(value, int):
        raise InvalidInput(whole, field)
    if not low <= value <= high:
        raise InvalidInput(
            _l(
                "%(field)s: give a number from %(low)d to %(high)d.",
                field=field_name(field),
                low=low,
                high=high,
            ),
            field,
        )
    return value


def check_flag(field: str, value) -> bool:
    """A yes/no value: JSON true/false, 0/1, or a form's "0"/"1"."""
    if value in ("0", "1"):
        return value == "1"
    if value in (True, False, 0, 1) and not isinstance(value, float):
        return bool(value)
    raise InvalidInput(_l("%(field)s: answer yes or no.", field=field_name(field)), field)


def check_choice(field: str, value, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise InvalidInput(
            _l("%(field)s: choose one of the options.", field=field_name(field)), field
        )
    return value


def check_text(field: str, value, max_length: int) -> str:
    if not isinstance(value, str) or not value.strip() or "\x00" in value:
        raise InvalidInput(_l("%(field)s: this is required.", field=field_name(field)), field)
    value = value.strip()
    if len(value) > max_length:
        raise InvalidInput(
            _l("%(field)s: at most %(max)d characters.", field=field_name(field), max=max_length),
            field,
        )
    return value


def check_date(field: str, value) -> date:
    """An ISO date (YYYY-MM-DD), as a date input sends it."""
    if isinstance(value, date):
        return value
    try:
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            return date.fromisoformat(value.strip())
    except ValueError:
        pass
    raise InvalidInput(
        _l("%(field)s: give the date as YYYY-MM-DD.", field=field_name(field)), field
    )


HOLDER_MIN_AGE = 16  # the programme's terms: at least 16, or turning 16 this calendar year


def latest_birth_year() -> int:
    """The youngest holder's year of birth: 16 this calendar year (Finnish time)."""
    return local_today().year - HOLDER_MIN_AGE


def check_birth_year(value) -> int:
    year = check_int("birth_year", value, 0, 9999)
    if year > latest_birth_year():
        raise InvalidInput(
            _l(
                "Year of birth: a holder is at least 16 or turns 16 this year (born in "
                "%(year)d or earlier).",
                year=latest_birth_year(),
            ),
            "birth_year",
        )
    return check_int("birth_year", year, 1900, latest_birth_year())


def check_postcode(value) -> str:
    if not isinstance(value, str) or not _POSTCODE.fullmatch(value.strip()):
        raise InvalidInput(_l("Postcode: give five digits."), "postcode")
    return value.strip()


_DEVICE = re.compile(r"[0-9A-Za-z-]{8,36}")


def check_device(value) -> str:
    if not isinstance(value, str) or not _DEVICE.fullmatch(value):
        raise InvalidInput(_l("device must be 8-36 letters, digits or dashes (a UUID)."), "device")
    return value


def check_moment(field: str, value) -> datetime:
    """An ISO 8601 time with its offset (2026-12-07T10:15:00+02:00, or Z), as naive UTC."""
    try:
        moment = datetime.fromisoformat(value)
    except (AttributeError, TypeError, ValueError):
        moment = None
    if moment is None or moment.tzinfo is None or len(value) > 40:
        raise InvalidInput(
            _l(
                "%(field)s: give the time as ISO 8601 with its offset, e.g. "
                "2026-12-07T10:15:00+02:00.",
                field=field_name(field),
            ),
            field,
        )
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def check_nonce(value) -> str:
    if not isinstance(value, str) or not _NONCE.fullmatch(value):
        raise InvalidInput(
            _l("nonce must be 8-64 letters, digits or - _ . : (a UUID works)."), "nonce"
        )
    return value


def check_slug(value) -> str:
    if not isinstance(value, str) or not _SLUG.fullmatch(value):
        raise InvalidInput(
            _l("Short name in addresses: 2–63 lower-case letters, digits or dashes."), "slug"
        )
    return value


def check_email(value) -> str:
    if not isinstance(value, str) or not _EMAIL.fullmatch(value.strip()) or len(value) > 254:
        raise InvalidInput(_l("E-mail: this is not an e-mail address."), "email")
    return value.strip().lower()


def check_password(value) -> str:
    if not isinstance(value, str) or len(value) < 10:
        raise InvalidInput(_l("Password: at least 10 characters."), "password")
    return value
