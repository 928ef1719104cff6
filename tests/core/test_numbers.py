"""Card numbers: typo-proof, normalised input, random."""

from hypothesis import given
from hypothesis import strategies as st

from app.core import numbers

data_part = st.text(alphabet=numbers.ALPHABET, min_size=8, max_size=8)
symbol = st.sampled_from(numbers.ALPHABET)


def with_check(data: str) -> str:
    return data + numbers.check_symbol(data)


@given(data_part)
def test_every_number_with_its_check_symbol_is_valid(data):
    assert numbers.is_valid(with_check(data))


@given(data_part, st.integers(0, 8), symbol)
def test_every_single_character_typo_is_caught(data, position, replacement):
    number = with_check(data)
    typo = number[:position] + replacement + number[position + 1 :]
    assert numbers.is_valid(typo) == (typo == number)


@given(data_part, st.integers(0, 7))
def test_every_swap_of_two_adjacent_characters_is_caught(data, position):
    number = with_check(data)
    swapped = number[:position] + number[position + 1] + number[position] + number[position + 2 :]
    assert numbers.is_valid(swapped) == (swapped == number)


@given(data_part)
def test_typed_forms_normalise_to_the_number(data):
    number = with_check(data)
    assert numbers.normalise(numbers.display(number).lower()) == number
    assert numbers.normalise(" " + " ".join(number) + " ") == number
    assert numbers.is_valid(numbers.display(number).lower())


def test_look_alike_letters_read_as_digits():
    number = with_check("10000000")
    assert numbers.normalise("lO0-00o-00" + number[-1].lower()) == "100000000"[:8] + number[-1]
    assert numbers.is_valid("I0000000" + number[-1])


def test_display_groups_in_threes():
    assert numbers.display("K7Q4MZR23") == "K7Q-4MZ-R23"


def test_wrong_length_or_letters_are_not_numbers():
    assert not numbers.looks_like_number("K7Q-4MZ-R2")
    assert not numbers.looks_like_number("K7Q-4MZ-R2U")  # U is not in the alphabet
    assert not numbers.is_valid("")


def test_generated_numbers_are_valid_and_random():
    batch = {numbers.generate() for _ in range(2000)}
    assert len(batch) == 2000
    assert all(numbers.is_valid(number) for number in batch)
    first_symbols = {number[0] for number in batch}
    assert len(first_symbols) == 32  # not sequential: every leading symbol appears
