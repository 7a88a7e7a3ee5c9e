"""Phone numbers to E.164 and masking (DOMAIN §1)."""

from datetime import date

import phonenumbers
import pytest
from phonenumbers import PhoneNumberFormat

from crm.core.masks import mask_birthday, mask_email, mask_id_number, mask_phone
from crm.core.phones import normalise_phone, try_normalise_phone
from crm.errors import InvalidInput


@pytest.mark.parametrize(
    "raw",
    [
        "13800138000",
        "+86 138 0013 8000",
        "0086-138-0013-8000",
        "+8613800138000",
        " 138-0013-8000 ",
        "(+86) 13800138000",
    ],
)
def test_common_formats_of_a_mobile_number_normalise_to_one_e164(raw):
    assert normalise_phone(raw) == "+8613800138000"


def _written_out(digits):
    spaced = f"{digits[:3]} {digits[3:7]}-{digits[7:]}"
    return (f"+86 {spaced}", f"0086-{spaced}", f"86{digits}", f"({digits[:3]}) {digits[3:]}", f"(+86) {spaced}")


@pytest.mark.parametrize("digits", ["13800138000", "19912345678"])
def test_a_written_out_mobile_number_normalises_as_its_plain_digits_do(digits):
    """The fast path for mainland mobiles takes them with separators and a country prefix too."""
    for raw in _written_out(digits):
        assert normalise_phone(raw) == normalise_phone(digits) == f"+86{digits}"


@pytest.mark.parametrize("digits", ["14681676447", "14012345678"])
def test_a_mobile_number_in_a_block_the_parser_refuses_is_refused_however_written(digits):
    for raw in (digits, *_written_out(digits)):
        assert try_normalise_phone(raw) is None


@pytest.mark.parametrize("raw", ["+86 138 0013 80001", "+1 138 0013 8000", "+44 1380 013800"])
def test_what_is_not_a_mainland_mobile_goes_to_the_full_parser(raw):
    assert try_normalise_phone(raw) != "+8613800138000"


def test_a_landline_with_area_code_normalises():
    assert normalise_phone("021-6888 1234") == "+862168881234"


def test_a_foreign_number_keeps_its_country():
    assert normalise_phone("+1 415 555 2671") == "+14155552671"


@pytest.mark.parametrize("raw", ["", "abc", "12345", "138001380001234", None])
def test_not_a_number_is_invalid_input_naming_the_phone(raw):
    with pytest.raises(InvalidInput) as error:
        normalise_phone(raw)
    assert "phone" in error.value.fields
    assert try_normalise_phone(raw) is None


def test_masked_mobile_shows_first_three_and_last_four():
    assert mask_phone("+8613800138000") == "138****8000"


def test_masked_id_number_shows_only_its_last_four_characters():
    assert mask_id_number("310101199001011234") == "**************1234"
    assert mask_id_number("G1234567") == "****4567"
    assert mask_id_number("A123") == "**23"
    assert mask_id_number(None) is None


def test_a_masked_birthday_keeps_the_day_and_hides_the_year():
    assert mask_birthday(date(1990, 5, 12)) == "****-05-12"
    assert mask_birthday(None) is None


def test_a_masked_email_hides_its_local_part():
    assert mask_email("wang.xiaoming@example.com") == "***@example.com"
    assert mask_email("no-at-sign") == "***"
    assert mask_email(None) is None


def parsed_by_phonenumbers(text):
    """What the full parser makes of ``text`` as a CN number: E.164, or None when it is not valid."""
    number = phonenumbers.parse(text, "CN")
    return phonenumbers.format_number(number, PhoneNumberFormat.E164) if phonenumbers.is_valid_number(number) else None


def test_the_shortcut_for_plain_mobile_numbers_answers_as_the_full_parser_for_every_prefix():
    # phonenumbers' CN patterns read at most the first five digits of an 11-digit number starting
    # with 1; every such prefix, with three different tails, through the shortcut and the parser.
    for prefix in range(10_000, 20_000):
        for tail in ("000000", "382917", "999999"):
            text = f"{prefix}{tail}"
            assert try_normalise_phone(text) == parsed_by_phonenumbers(text), text


@pytest.mark.parametrize("raw", ["14012345678", "17912345678", "138\uff10\uff10\uff11\uff13\uff18\uff10\uff10\uff10"])
def test_numbers_the_full_parser_refuses_or_rewrites_are_never_taken_by_the_shortcut(raw):
    assert try_normalise_phone(raw) == parsed_by_phonenumbers(raw)
