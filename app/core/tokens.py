"""Signed card codes: what the QR carries.

A token is ``<number>-<generation>.<signature>``: the card number (Kaiku's nine
symbols, or an imported card's ID as matched: 3 to 20 letters and digits) and the
generation of its code, nothing else. Signing uses itsdangerous with a salt of
its own and every key in SIGNING_KEYS (newest first): the newest signs, all
verify, so keys can be rotated without reprinting cards.
"""

import functools
import hashlib
import re

from flask import current_app
from itsdangerous import BadData, BadSignature, Signer
from itsdangerous.encoding import base64_decode, base64_encode

SALT = "kaiku.card-code.v1"
_PAYLOAD = re.compile(r"^([0-9A-Z]{3,20})-([1-9][0-9]{0,5})$")


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
    token = token.strip()
    try:
        payload = _signer(keys or _keys()).unsign(token).decode()
    except (BadSignature, UnicodeError) as error:
        raise BadToken(str(error)) from None
    if not _canonical(token.rpartition(".")[2]):
        raise BadToken("not the signature's own spelling")
    match = _PAYLOAD.match(payload)
    if not match:
        raise BadToken("unexpected payload")
    return match.group(1), int(match.group(2))


def _canonical(signature: str) -> bool:
    """The signature as we write it: its last base64 character has bits to spare, and
    three other spellings decode to the same bytes. Only one may count, or a code used
    once could be shown again as "another" code."""
    try:
        return base64_encode(base64_decode(signature)).decode() == signature
    except BadData:
        return False


def card_url(number: str, generation: int) -> str:
    """The URL printed as the card's QR code and sent to the holder's phone."""
    return f"{current_app.config['BASE_URL'].rstrip('/')}/k/{make_token(number, generation)}"


def every_token(number: str, generation: int) -> list[str]:
    """The code of this generation as each key in SIGNING_KEYS signs it (one a card
    carries, the others it may carry during a rotation), for the desks' offline copy."""
    return [sign(f"{number}-{generation}".encode()) for sign in _quick_signers(tuple(_keys()))]


@functools.lru_cache(maxsize=4)
def _quick_signers(keys: tuple[str, ...]):
    """make_token's signature, with each key derived once instead of for every token: a
    snapshot signs every card in the registry."""

    def signer(key: str):
        itsdangerous_signer = _signer([key])
        derived = itsdangerous_signer.derive_key()
        algorithm = itsdangerous_signer.algorithm

        def sign(payload: bytes) -> str:
            return (
                payload + b"." + base64_encode(algorithm.get_signature(derived, payload))
            ).decode()

        return sign

    return [signer(key) for key in keys]
