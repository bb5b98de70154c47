"""Case references: Crockford base32, 40 random bits, a check character that catches every single typo."""

from __future__ import annotations

import pytest

from app.cases.references import (
    ALPHABET,
    PATTERN,
    InvalidReference,
    check_symbol,
    format_reference,
    generate_reference,
    is_reference,
    parse_reference,
)


def _body(reference: str) -> str:
    return reference[3:7] + reference[8:12]


def test_generated_references_have_the_canonical_shape_and_parse_back():
    references = {generate_reference() for _ in range(2000)}
    assert len(references) == 2000
    for reference in references:
        assert PATTERN.match(reference), reference
        assert parse_reference(reference) == reference
    assert not set("ILOU") & set("".join(references).replace("PW-", ""))


def test_every_single_mistyped_symbol_is_detected():
    for _ in range(200):
        reference = generate_reference()
        symbols = _body(reference) + reference[-1]
        for position in range(len(symbols)):
            for wrong in ALPHABET:
                if wrong == symbols[position]:
                    continue
                typo = symbols[:position] + wrong + symbols[position + 1 :]
                assert check_symbol(typo[:8]) != typo[8], (reference, typo)


def test_most_swaps_of_neighbours_are_detected():
    caught = total = 0
    for _ in range(500):
        symbols = _body(generate_reference())
        symbols += check_symbol(symbols)
        for i in range(len(symbols) - 1):
            if symbols[i] == symbols[i + 1]:
                continue
            swapped = symbols[:i] + symbols[i + 1] + symbols[i] + symbols[i + 2 :]
            total += 1
            caught += check_symbol(swapped[:8]) != swapped[8]
    assert caught / total > 0.99


@pytest.mark.parametrize("typed", ["pw-7k4m-q9xr-{c}", "PW 7K4M Q9XR {c}", "7K4MQ9XR{c}", " pw7k4mq9xr{c} "])
def test_references_are_read_however_they_are_typed(typed):
    canonical = format_reference("7K4MQ9XR")
    assert parse_reference(typed.format(c=canonical[-1].lower())) == canonical


def test_look_alike_letters_read_as_digits():
    canonical = format_reference("10000001")
    assert parse_reference(canonical.replace("1", "I").replace("0", "O").replace("PW-", "pw-", 1)) == canonical
    assert parse_reference(canonical.replace("1", "l")) == canonical


@pytest.mark.parametrize("typed", ["", "PW-", "PW-7K4M-Q9XR", "PW-7K4M-Q9XR-55", "PW-7K4U-Q9XR-5", "hello world"])
def test_malformed_references_are_refused_with_a_pointer(typed):
    with pytest.raises(InvalidReference) as error:
        parse_reference(typed)
    assert error.value.status == 422
    assert error.value.extra["errors"] == [{"pointer": "#/reference", "detail": "not a case reference"}]
    assert not is_reference(typed)


def test_a_wrong_check_character_is_reported_as_a_typo():
    canonical = format_reference("7K4MQ9XR")
    wrong = canonical[:-1] + ("0" if canonical[-1] != "0" else "1")
    with pytest.raises(InvalidReference) as error:
        parse_reference(wrong, parameter="reference")
    assert "typo" in error.value.detail
    assert error.value.extra["errors"][0]["parameter"] == "reference"
