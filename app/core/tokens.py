"""Signed card codes: what the QR carries.

A token is ``<number>-<generation>.<signature>``: the card number and the
generation of its code, nothing else. Signing uses itsdangerous with a salt of
its own and every key in SIGNING_KEYS (newest first): the newest signs, all
verify, so keys can be rotated without reprinting cards.
"""

import hashlib
import re

from flask import current_app
from itsdangerous import BadSignature, Signer

SALT = "kaiku.card-code.v1"
_PAYLOAD = re.compile(r"^([0-9A-Z]{9})-([1-9][0-9]{0,5})$")


class BadToken(ValueError):
    """The token is not one we signed, or not in our shape."""


def _signer(keys: list[str]) -> Signer:
    # itsdangerous wants keys oldest to newest and signs with the last one.
    return Signer(list(reversed(keys)), salt=SALT, digest_method=hashlib.sha256)


def _keys() -> list[str]:
    return current_app.config["SIGNING_KEYS"]


def make_token(number: str, generation: int, keys: list[str] | None = None) -> str:
    return _signer(keys or _keys()).sign(f"{number}-{generation}").decode()


def read_token(token: str, keys: list[str] | None = None) -> tuple[str, int]:
    """The (number, generation) a genuine token carries; BadToken otherwise."""
    try:
        payload = _signer(keys or _keys()).unsign(token.strip()).decode()
    except (BadSignature, UnicodeError) as error:
        raise BadToken(str(error)) from None
    match = _PAYLOAD.match(payload)
    if not match:
        raise BadToken("unexpected payload")
    return match.group(1), int(match.group(2))


def card_url(number: str, generation: int) -> str:
    """The URL printed as the card's QR code and sent to the holder's phone."""
    return f"{current_app.config['BASE_URL'].rstrip('/')}/k/{make_token(number, generation)}"
