"""Customer field rules, written once: the CSV import and the API check a customer's fields with the same rules.

A rule takes a value already of its type (text, ``Decimal``) and returns it — in capitals for an ID number,
rounded to the column's places for an amount — or raises a ``ValueError`` whose short message names the bad
value, except for personal data (ID numbers, e-mails, phones), which import reports and logs never repeat.
Limits come from the columns of ``Customer`` (``String(120)`` → at most 120 characters, ``Numeric(18, 2)`` →
below 1e16), so a value a rule accepts always fits its column.

The API's schema (``crm.api.schemas.customers``) calls the rules through a marshmallow field that turns the
``ValueError`` into a 422 naming the field. The import reads text: ``cell_parsers(lookups)`` maps each CSV
column to the customer column it fills and its parser (the text read, then the field's rule); the importer
prefixes the messages with the line number and column (``line 7: phones: number 2 is not a valid phone number``).
"""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from stdnum.cn import ric

from crm.core.phones import try_normalise_phone
from crm.models.customers import BANDS, CHANNELS, DECISION_STYLES, STATUSES, TRADING_HABITS, VALUE_SEGMENTS, Customer

_COLUMNS = Customer.__table__.c
_ACCOUNT_NO_LENGTH = _COLUMNS.account_no.type.length
_ACCOUNT_NO = re.compile(rf"\S{{1,{_ACCOUNT_NO_LENGTH}}}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})|(\d{4})(\d{2})(\d{2})")
_PHONE_SEPARATORS = re.compile(r"[;/；]")
_MAINLAND_ID = re.compile(r"\d{17}[\dX]")
# Passports, Hong Kong / Macau / Taiwan permits.
_OTHER_ID = re.compile(rf"[A-Z0-9()\-]{{5,{_COLUMNS.id_number.type.length}}}")
_TRUE = {"1", "true", "t", "yes", "y", "是"}
_FALSE = {"0", "false", "f", "no", "n", "否"}


def text(column):
    """Non-empty text that fits the customer column named ``column``."""
    limit = _COLUMNS[column].type.length

    def check(value):
        if not value:
            raise ValueError("empty")
        if len(value) > limit:
            raise ValueError(f"longer than {limit} characters")
        return value

    return check


def amount(column):
    """A non-negative amount the ``Numeric(precision, scale)`` column holds, rounded to its places
    (so a re-import compares equal): ``Numeric(18, 2)`` takes 0 up to, not including, 1e16.

    The rounded amount is checked too: 9999999999999999.995 rounds to 1e16, which the column refuses.
    """
    numeric = _COLUMNS[column].type
    maximum = Decimal(10) ** (numeric.precision - numeric.scale)
    quantum = Decimal(1).scaleb(-numeric.scale)

    def check(number):
        if number.is_finite() and 0 <= number < maximum:
            rounded = number.quantize(quantum)
            if rounded < maximum:
                return rounded
        raise ValueError(f"{str(number)!r} is out of range")

    return check


def account_no(value):
    if not _ACCOUNT_NO.fullmatch(value):
        raise ValueError(f"{value!r} is not an account number (at most {_ACCOUNT_NO_LENGTH} characters, no spaces)")
    return value


def id_number(value):
    """A mainland resident ID number with the right check digit, or another document's number; in capitals.

    Only the check digit is verified (``stdnum.cn.ric``): its full ``validate`` also checks the birthplace
    against stdnum's table of county codes by year, which refuses numbers real customers hold (Pudong's
    310115 before 1993, as in ``scripts/sample_customers.csv``).
    """
    value = value.upper()
    if _MAINLAND_ID.fullmatch(value):
        if ric.calc_check_digit(value) != value[-1]:
            raise ValueError("the ID number has a wrong check digit")
        return value
    if not _OTHER_ID.fullmatch(value):
        raise ValueError("not an ID number")
    return value


def email(value):
    if len(value) > _COLUMNS.email.type.length or not _EMAIL.fullmatch(value):
        raise ValueError("not an e-mail address")
    return value


name = text("name")
assets = amount("assets")
turnover_rate = amount("turnover_rate")


# --- the import's cell parsers: CSV text → column value ---------------------------------------


def phones(value):
    """One or several numbers separated by ``;`` or ``/`` → a tuple of distinct E.164 numbers."""
    numbers = []
    for part in _PHONE_SEPARATORS.split(value):
        raw = part.strip()
        if not raw:
            continue
        e164 = try_normalise_phone(raw)
        if e164 is None:
            raise ValueError(f"number {len(numbers) + 1} is not a valid phone number")
        if e164 not in numbers:
            numbers.append(e164)
    return tuple(numbers)


def choice(values):
    def parse(value):
        value = value.lower()
        if value not in values:
            raise ValueError(f"{value!r} is not one of {', '.join(values)}")
        return value

    return parse


def number(rule):
    """A decimal as spreadsheets write it (``1,200,000.00``, ``¥300``), then checked by ``rule``."""

    def parse(value):
        try:
            figure = Decimal(value.replace(",", "").replace("¥", ""))
        except InvalidOperation:
            raise ValueError(f"{value!r} is not a number") from None
        return rule(figure)

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
        "name": ("name", name),
        "id_number": ("id_number", id_number),
        "phones": ("phones", phones),
        "email": ("email", email),
        "branch": ("branch_id", branch_id),
        "manager": ("manager_id", manager_id),
        "status": ("status", choice(STATUSES)),
        "assets": ("assets", number(assets)),
        "turnover_rate": ("turnover_rate", number(turnover_rate)),
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
