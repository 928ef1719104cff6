"""The old registry's card IDs, which imported cards keep (printed, in a Code 39 barcode
or a QR code): how desks match them, and why one never reads as a Kaiku number.

An ID is matched ignoring case, spaces and dashes only: Kaiku's look-alike mapping
(O→0, I and L→1, in numbers.py) is for Kaiku's own alphabet, where those letters never
occur, and would merge distinct old IDs. The import refuses an ID that reads as a valid
Kaiku number (numbers.is_valid, look-alikes and all), and Kaiku issues only valid
numbers, so a text finds at most one card: a valid Kaiku number is Kaiku's, anything
else can only be an imported ID (see checkin.identify). Nor may one typo turn a Kaiku
number into an imported ID: the import refuses an ID one typo away from a Kaiku number,
and new stock skips numbers one typo away from an imported ID (``confusable``).
"""

import re

from flask_babel import lazy_gettext as _l

from . import numbers
from .exceptions import InvalidInput

MAX_PRINTED = 40  # as the old registry wrote it
_IGNORED = re.compile(r"[\s\-\u2010-\u2015\u2212]")  # whitespace, hyphens and dashes
_KEY = re.compile(r"[0-9A-Z]{3,20}")
# A Finnish personal identity code (ddmmyy, century sign, number, check character): never
# a card's ID, whatever a file's column says.
_IDENTITY_CODE = re.compile(r"\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]")


def key(text: str) -> str | None:
    """How an ID is stored and matched (upper case, no spaces or dashes), or None when
    the text can't be one: 3 to 20 letters A-Z and digits."""
    value = _IGNORED.sub("", text.upper())
    return value if _KEY.fullmatch(value) else None


def check_id(value) -> tuple[str, str]:
    """An imported card's ID: (key, as printed). Refuses one a desk could read as a
    valid Kaiku number."""
    printed = value.strip() if isinstance(value, str) else ""
    if not printed:
        raise InvalidInput(_l("The card's ID is missing."), "id")
    matched = key(printed)
    if matched is None or len(printed) > MAX_PRINTED:
        raise InvalidInput(
            _l("An ID is 3 to 20 letters A-Z and digits (spaces and dashes are ignored)."),
            "id",
        )
    if _IDENTITY_CODE.fullmatch(printed.upper()):
        raise InvalidInput(
            _l("This is shaped like a personal identity code, which Kaiku never stores."), "id"
        )
    if numbers.is_valid(printed) or numbers.is_valid(matched):
        raise InvalidInput(
            _l("This ID reads as a Kaiku card number, so desks could not tell the two apart."),
            "id",
        )
    return matched, printed


def confusable(key: str, kaiku_numbers: set[str]) -> bool:
    """Whether one typo of one of these Kaiku numbers would read as this ID."""
    if not numbers.looks_like_number(key):
        return False
    return not numbers.one_typo_away(numbers.normalise(key)).isdisjoint(kaiku_numbers)
