"""check_* helpers: each returns the clean value or raises InvalidInput naming the field."""

import re
from datetime import date

from flask_babel import lazy_gettext as _l

from .exceptions import InvalidInput

_POSTCODE = re.compile(r"[0-9]{5}")
_NONCE = re.compile(r"[A-Za-z0-9_.:-]{8,64}")
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{1,62}")
_EMAIL = re.compile(r"[^@\s\x00]+@[^@\s\x00]+\.[^@\s\x00]+")


def check_int(field: str, value, low: int, high: int) -> int:
    if isinstance(value, bool) or value is None:
        raise InvalidInput(_l("%(field)s must be a whole number.", field=field), field)
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,12}\s*", value):
        value = int(value)
    if not isinstance(value, int):
        raise InvalidInput(_l("%(field)s must be a whole number.", field=field), field)
    if not low <= value <= high:
        raise InvalidInput(
            _l("%(field)s must be between %(low)d and %(high)d.", field=field, low=low, high=high),
            field,
        )
    return value


def check_flag(field: str, value) -> bool:
    """A yes/no value: JSON true/false, 0/1, or a form's "0"/"1"."""
    if value in ("0", "1"):
        return value == "1"
    if value in (True, False, 0, 1) and not isinstance(value, float):
        return bool(value)
    raise InvalidInput(_l("%(field)s must be true or false.", field=field), field)


def check_choice(field: str, value, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise InvalidInput(
            _l("%(field)s must be one of: %(choices)s.", field=field, choices=", ".join(choices)),
            field,
        )
    return value


def check_text(field: str, value, max_length: int) -> str:
    if not isinstance(value, str) or not value.strip() or "\x00" in value:
        raise InvalidInput(_l("%(field)s is required.", field=field), field)
    value = value.strip()
    if len(value) > max_length:
        raise InvalidInput(
            _l("%(field)s is too long (at most %(max)d characters).", field=field, max=max_length),
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
    raise InvalidInput(_l("Give the date as YYYY-MM-DD."), field)


def check_birth_year(value) -> int:
    return check_int("birth_year", value, 1900, date.today().year)


def check_postcode(value) -> str:
    if not isinstance(value, str) or not _POSTCODE.fullmatch(value.strip()):
        raise InvalidInput(_l("postcode must be five digits."), "postcode")
    return value.strip()


def check_nonce(value) -> str:
    if not isinstance(value, str) or not _NONCE.fullmatch(value):
        raise InvalidInput(
            _l("nonce must be 8-64 letters, digits or - _ . : (a UUID works)."), "nonce"
        )
    return value


def check_slug(value) -> str:
    if not isinstance(value, str) or not _SLUG.fullmatch(value):
        raise InvalidInput(_l("slug must be 2-63 lower-case letters, digits or dashes."), "slug")
    return value


def check_email(value) -> str:
    if not isinstance(value, str) or not _EMAIL.fullmatch(value.strip()) or len(value) > 254:
        raise InvalidInput(_l("email is not a valid e-mail address."), "email")
    return value.strip().lower()


def check_password(value) -> str:
    if not isinstance(value, str) or len(value) < 10:
        raise InvalidInput(_l("password must be at least 10 characters."), "password")
    return value
