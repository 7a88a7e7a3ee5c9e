"""Masks for personal data shown to staff who may not see a customer in full (DOMAIN §1, issue 9 item 3).

One rule set, used wherever these fields are shown (customer views, the screen pop, calls, cases,
the console). A mask cannot be undone by combining fields: the ID number keeps no more than its
last four characters (its first digits are the region and, with the birthday, the date of birth),
the birthday hides its year and the e-mail its local part.
"""

import re
from datetime import date

HIDDEN = "*"
# Seven or more digits in free text: a phone, ID, account or card number said aloud or typed, with the spaces
# or hyphens speech-to-text puts between groups, an ID number's final X included.
LONG_NUMBER = re.compile(r"\d(?:[ -]?\d){6,}(?:[ -]?[Xx])?")


def mask_phone(e164):
    """``+8613800138000`` → ``138****8000`` (national digits, middle four hidden)."""
    if not e164:
        return e164
    digits = e164[3:] if e164.startswith("+86") else e164.lstrip("+")
    if len(digits) <= 7:
        return digits[:2] + HIDDEN * max(len(digits) - 4, 0) + digits[-2:]
    return digits[:3] + HIDDEN * 4 + digits[-4:]


def mask_id_number(value):
    """Only the last four characters, and never more than half of a short number."""
    if not value:
        return value
    shown = min(4, len(value) // 2)
    return HIDDEN * (len(value) - shown) + value[len(value) - shown :]


def mask_birthday(value):
    """``1990-05-12`` → ``****-05-12``: the care reminder's day stays, the year goes."""
    if value is None:
        return None
    day = value if isinstance(value, date) else date.fromisoformat(value)
    return f"{HIDDEN * 4}-{day.month:02d}-{day.day:02d}"


def mask_email(value):
    """``wang.xiaoming@example.com`` → ``***@example.com``."""
    if not value:
        return value
    _, at, domain = value.rpartition("@")
    return HIDDEN * 3 + at + domain if at else HIDDEN * 3


def mask_long_numbers(text):
    """Free text with each long number (``LONG_NUMBER``) masked like an ID number (its last four kept at most):
    "我的电话是138 0013 8000" → "我的电话是*******8000". Shorter numbers (a job number, an amount) stay."""
    return LONG_NUMBER.sub(lambda match: mask_id_number(re.sub("[ -]", "", match.group())), text) if text else text
