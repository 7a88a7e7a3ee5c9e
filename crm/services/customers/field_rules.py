"""Cell parsers for the customer import: one CSV cell → one column value, or a ``ValueError`` saying why not.

The table ``cell_parsers(lookups)`` maps each CSV column to the customer column it fills and
its parser. Messages are short and name the bad value; the importer prefixes them with the
line number and column (``line 7: phones: '123' is not a valid phone number``).
"""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from crm.core.phones import try_normalise_phone
from crm.models.customers import BANDS, CHANNELS, DECISION_STYLES, STATUSES, TRADING_HABITS, VALUE_SEGMENTS

_ACCOUNT_NO = re.compile(r"\S{1,32}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})|(\d{4})(\d{2})(\d{2})")
_PHONE_SEPARATORS = re.compile(r"[;/；]")
_MAINLAND_ID = re.compile(r"\d{17}[\dX]")
_OTHER_ID = re.compile(r"[A-Z0-9()\-]{5,32}")  # passports, Hong Kong / Macau / Taiwan permits
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_DIGITS = "10X98765432"
_TRUE = {"1", "true", "t", "yes", "y", "是"}
_FALSE = {"0", "false", "f", "no", "n", "否"}
_MAX_ASSETS = Decimal("1e16")  # Numeric(18, 2)
_MAX_TURNOVER = Decimal("1e6")  # Numeric(10, 4)


def mainland_id_check_digit(first17):
    """The 18th character of a mainland resident ID number (GB 11643) for its first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_DIGITS[total % 11]


def text(limit):
    def parse(value):
        if len(value) > limit:
            raise ValueError(f"longer than {limit} characters")
        return value

    return parse


def account_no(value):
    if not _ACCOUNT_NO.fullmatch(value):
        raise ValueError(f"{value!r} is not an account number (at most 32 characters, no spaces)")
    return value


def id_number(value):
    value = value.upper()
    if _MAINLAND_ID.fullmatch(value):
        if mainland_id_check_digit(value[:17]) != value[17]:
            raise ValueError(f"{value!r} has a wrong check digit")
        return value
    if not _OTHER_ID.fullmatch(value):
        raise ValueError(f"{value!r} is not an ID number")
    return value


def phones(value):
    """One or several numbers separated by ``;`` or ``/`` → a tuple of distinct E.164 numbers."""
    numbers = []
    for part in _PHONE_SEPARATORS.split(value):
        raw = part.strip()
        if not raw:
            continue
        e164 = try_normalise_phone(raw)
        if e164 is None:
            raise ValueError(f"{raw!r} is not a valid phone number")
        if e164 not in numbers:
            numbers.append(e164)
    return tuple(numbers)


def email(value):
    if len(value) > 254 or not _EMAIL.fullmatch(value):
        raise ValueError(f"{value!r} is not an e-mail address")
    return value


def choice(values):
    def parse(value):
        value = value.lower()
        if value not in values:
            raise ValueError(f"{value!r} is not one of {', '.join(values)}")
        return value

    return parse


def amount(places, maximum):
    """A non-negative decimal rounded to the column's ``places`` (so a re-import compares equal)."""
    quantum = Decimal(1).scaleb(-places)

    def parse(value):
        try:
            number = Decimal(value.replace(",", "").replace("¥", ""))
        except InvalidOperation:
            raise ValueError(f"{value!r} is not a number") from None
        if not number.is_finite() or number < 0 or number >= maximum:
            raise ValueError(f"{value!r} is out of range")
        return number.quantize(quantum)

    return parse


def day(value):
    try:
        return date.fromisoformat(value)  # YYYY-MM-DD, the usual case, parsed in C
    except ValueError:
        pass
    match = _DATE.fullmatch(value)
    try:
        if match is None:
            raise ValueError
        year, month, dom = (int(g) for g in match.groups() if g is not None)
        return date(year, month, dom)
    except ValueError:
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def flag(value):
    value = value.lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{value!r} is not yes/no (1/0)")


def cell_parsers(branch_id=None, manager_id=None):
    """CSV column → (customer column, parser). ``branch_id(code)`` and ``manager_id(job_no)`` resolve references."""
    return {
        "account_no": ("account_no", account_no),
        "name": ("name", text(120)),
        "id_number": ("id_number", id_number),
        "phones": ("phones", phones),
        "email": ("email", email),
        "branch": ("branch_id", branch_id),
        "manager": ("manager_id", manager_id),
        "status": ("status", choice(STATUSES)),
        "assets": ("assets", amount(2, _MAX_ASSETS)),
        "turnover_rate": ("turnover_rate", amount(4, _MAX_TURNOVER)),
        "last_trade_on": ("last_trade_on", day),
        "birthday": ("birthday", day),
        "is_vip": ("is_vip", flag),
        "vip_since": ("vip_since", day),
        "preferred_channel": ("preferred_channel", choice(CHANNELS)),
        "risk_tolerance": ("risk_tolerance", choice(BANDS)),
        "trading_habit": ("trading_habit", choice(TRADING_HABITS)),
        "value_segment": ("value_segment", choice(VALUE_SEGMENTS)),
        "decision_style": ("decision_style", choice(DECISION_STYLES)),
    }
