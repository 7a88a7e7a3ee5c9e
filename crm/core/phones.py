"""Phone numbers to E.164 (DOMAIN: caller-ID lookup finds a customer whatever the format)."""

import re

import phonenumbers

from crm.errors import InvalidInput

_DEFAULT_REGION = "CN"
# A mainland mobile number is by far the most common input, plain or written with spaces, hyphens or
# brackets and +86, 0086 or 86 in front (a caller ID, an agent's typing): one whose 11 ASCII digits
# phonenumbers' own pattern for CN mobiles matches skips the full parser, which matters for million-row
# imports and every screen pop. The parser would give "+86" and the same digits (no national or carrier
# prefix starts such a number; tests/unit/test_phones.py checks every prefix); anything else, such as
# the 140… data-only numbers it refuses, goes through the parser.
_CN_MOBILE = re.compile(
    r"(?:\+86|0086|86)?(?=1\d{10}$)"
    rf"({phonenumbers.PhoneMetadata.metadata_for_region('CN').mobile.national_number_pattern})",
    re.ASCII,
)
_SEPARATORS = str.maketrans("", "", " -()")


def set_default_region(region):
    global _DEFAULT_REGION
    _DEFAULT_REGION = region


def default_region():
    return _DEFAULT_REGION


def normalise_phone(raw, region=None):
    """E.164 string for ``raw`` in any common format; ``InvalidInput`` if it is not a phone number."""
    text = (raw or "").strip()
    region = region or _DEFAULT_REGION
    if region == "CN" and (mobile := _CN_MOBILE.fullmatch(text.translate(_SEPARATORS))):
        return "+86" + mobile.group(1)
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise InvalidInput(f"{raw!r} is not a valid phone number.", {"phone": ["Not a valid phone number."]})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def try_normalise_phone(raw, region=None):
    """Like ``normalise_phone`` but None instead of an error (lookups: a bad number finds nobody)."""
    try:
        return normalise_phone(raw, region)
    except InvalidInput:
        return None


# phonenumbers' types a person's own phone has: anything else (premium rate, shared cost, toll free,
# pager, VoIP, …) is a service number.
_PERSONAL_TYPES = (
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
)


def optional_phone(raw, field="phone"):
    """A phone field that may be left empty (a staff phone, a branch hotline): None for empty or blank, else
    E.164; an invalid number is ``InvalidInput`` naming ``field``. Creation and change apply the same rule."""
    if raw is None or not raw.strip():
        return None
    try:
        return normalise_phone(raw)
    except InvalidInput as error:
        raise InvalidInput(error.message, {field: ["Not a valid phone number."]}) from error


def number_kind(e164):
    """``"personal"`` (a mobile or landline), ``"premium_rate"`` or ``"service"`` for an E.164 number."""
    number_type = phonenumbers.number_type(phonenumbers.parse(e164))
    if number_type == phonenumbers.PhoneNumberType.PREMIUM_RATE:
        return "premium_rate"
    return "personal" if number_type in _PERSONAL_TYPES else "service"
