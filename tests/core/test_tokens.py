"""Signed card codes: published vectors and every way a token must fail."""

import pytest

from app.core import tokens
from app.core.qr import MAX_VERSION, qr_matrix
from app.core.tokens import BadToken, make_token, read_token

KEY = "test-signing-key"
NUMBER = "K7Q4MZR23"

# Vectors: anyone re-implementing the signer must produce exactly these.
VECTORS = [
    ([KEY], NUMBER, 1, "K7Q4MZR23-1.qQF-NSZqpNXIr-Z64jhUUeaGDQ646-9TLEzZsL2yygk"),
    ([KEY], NUMBER, 2, "K7Q4MZR23-2.UiydTQK3KISBz0EjYnjJoR3QSe10VbuQAU5cdF67HOA"),
    (["new-key", KEY], NUMBER, 1, "K7Q4MZR23-1.NoshrEXDS0lNfmQJARUaD4x9x-xngNVq9ggtDMFFftE"),
]


@pytest.mark.parametrize("keys, number, generation, token", VECTORS)
def test_published_vectors(keys, number, generation, token):
    assert make_token(number, generation, keys) == token
    assert read_token(token, keys) == (number, generation)


def test_the_token_carries_only_number_and_generation():
    token = make_token(NUMBER, 1, [KEY])
    assert token.split(".")[0] == f"{NUMBER}-1"


def test_every_key_verifies_and_the_newest_signs():
    old = make_token(NUMBER, 1, [KEY])
    assert read_token(old, ["new-key", KEY]) == (NUMBER, 1)
    assert make_token(NUMBER, 1, ["new-key", KEY]) == make_token(NUMBER, 1, ["new-key"])


def test_token_of_a_retired_key_is_rejected():
    with pytest.raises(BadToken):
        read_token(make_token(NUMBER, 1, ["retired-key"]), [KEY])


@pytest.mark.parametrize("position", [0, 5, 10, 12, 30, -1])
def test_token_altered_in_one_character_is_rejected(position):
    token = make_token(NUMBER, 1, [KEY])
    index = position % len(token)
    altered = token[:index] + ("A" if token[index] != "A" else "B") + token[index + 1 :]
    with pytest.raises(BadToken):
        read_token(altered, [KEY])


@pytest.mark.parametrize("cut", [1, 10, 43, 50])
def test_truncated_token_is_rejected(cut):
    with pytest.raises(BadToken):
        read_token(make_token(NUMBER, 1, [KEY])[:-cut], [KEY])


def test_token_from_another_salt_is_rejected(monkeypatch):
    monkeypatch.setattr(tokens, "SALT", "some.other.purpose")
    foreign = make_token(NUMBER, 1, [KEY])
    monkeypatch.undo()
    with pytest.raises(BadToken):
        read_token(foreign, [KEY])


def test_signed_payload_of_another_shape_is_rejected():
    signer = tokens._signer([KEY])
    with pytest.raises(BadToken):
        read_token(signer.sign("name=Matti Meikäläinen").decode(), [KEY])


@pytest.mark.parametrize("number", [NUMBER, "KK0001234", "Z" * 20])  # the longest old ID too
def test_qr_of_a_card_url_fits_version_6_at_level_m(number):
    url = "https://kaikukortti.kaiku.example.fi/k/" + make_token(number, 999_999, [KEY])
    assert len(qr_matrix(url)) <= 17 + 4 * MAX_VERSION + 2 * 4


def test_an_imported_cards_token_carries_its_id():
    token = make_token("KK0001234", 2, [KEY])
    assert read_token(token, [KEY]) == ("KK0001234", 2)
    with pytest.raises(BadToken):  # matched IDs only: never lower case, spaces or dashes
        read_token(tokens._signer([KEY]).sign("KK-0001234-2").decode(), [KEY])


def test_an_overlong_url_is_refused_rather_than_printed_unreadably():
    with pytest.raises(ValueError):
        qr_matrix("https://example.fi/" + "x" * 200)


@pytest.mark.parametrize("keys, number, generation, token", VECTORS)
def test_only_the_signatures_own_spelling_counts(keys, number, generation, token):
    """The last base64 character has two bits to spare: its three other spellings decode
    to the same signature, and each is refused."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(token[-1])
    twins = [
        alphabet[(last & ~3) | spare]
        for spare in range(4)
        if alphabet[(last & ~3) | spare] != token[-1]
    ]
    assert len(twins) == 3
    for twin in twins:
        with pytest.raises(BadToken):
            read_token(token[:-1] + twin, keys)
