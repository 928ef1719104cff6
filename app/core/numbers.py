"""Card numbers: 8 random Crockford base32 symbols and one check symbol.

The check symbol is a weighted sum over GF(32) with the distinct weights
alpha^8 .. alpha^1 for the data symbols and 1 for the check symbol itself, so
every single-symbol typo and every swap of two adjacent different symbols
changes the sum and is caught.
"""

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
DATA_LENGTH = 8
LENGTH = DATA_LENGTH + 1
_VALUE = {symbol: value for value, symbol in enumerate(ALPHABET)}
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s_.\-]")  # any whitespace, including no-break spaces
_MODULUS = 0b100101  # x^5 + x^2 + 1, primitive over GF(2)


def _gf_mul(a: int, b: int) -> int:
    product = 0
    while b:
        if b & 1:
            product ^= a
        b >>= 1
        a <<= 1
        if a & 0b100000:
            a ^= _MODULUS
    return product


def _weights() -> list[int]:
    weights, w = [], 1
    for _ in range(LENGTH):
        weights.append(w)
        w = _gf_mul(w, 2)
    return weights[::-1]  # check symbol (last) gets weight 1


_WEIGHTS = _weights()


def check_symbol(data: str) -> str:
    """The check symbol that makes ``data + symbol`` a valid number."""
    total = 0
    for weight, symbol in zip(_WEIGHTS, data):
        total ^= _gf_mul(weight, _VALUE[symbol])
    return ALPHABET[total]


def generate() -> str:
    """A new random card number, normalised (no separators)."""
    data = "".join(secrets.choice(ALPHABET) for _ in range(DATA_LENGTH))
    return data + check_symbol(data)


def normalise(text: str) -> str:
    """Upper case, separators dropped, look-alike letters mapped to digits."""
    return _SEPARATORS.sub("", text.upper()).translate(_LOOKALIKES)


def looks_like_number(text: str) -> bool:
    """True when the text has the shape of a card number (check not yet verified)."""
    value = normalise(text)
    return len(value) == LENGTH and all(symbol in _VALUE for symbol in value)


def is_valid(text: str) -> bool:
    value = normalise(text)
    return looks_like_number(value) and check_symbol(value[:DATA_LENGTH]) == value[-1]


def one_typo_away(number: str) -> set[str]:
    """Every text a single typo makes of a number: one symbol changed, or two neighbours
    swapped. The check symbol tells each of them from a valid number; an imported card's
    ID must not be one of them (see legacy.py), or a typo would find that card instead."""
    found = set()
    for i, symbol in enumerate(number):
        found.update(number[:i] + other + number[i + 1 :] for other in ALPHABET if other != symbol)
    for i in range(len(number) - 1):
        found.add(number[:i] + number[i + 1] + number[i] + number[i + 2 :])
    found.discard(number)
    return found


def display(number: str) -> str:
    """``K7Q4MZR2C`` -> ``K7Q-4MZ-R2C``: groups of three are easier to read aloud."""
    return "-".join(number[i : i + 3] for i in range(0, len(number), 3))
