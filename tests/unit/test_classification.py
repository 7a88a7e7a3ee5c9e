"""Customer class from assets and turnover (DOMAIN §2), at every tier edge and the turnover threshold."""

from datetime import date
from decimal import Decimal

import pytest

from crm.services.customers.classification import classify
from crm.services.customers.records import classify_customer

TODAY = date(2026, 11, 23)
HIGH, LOW = Decimal("3"), Decimal("2.9999")


@pytest.mark.parametrize(
    ("assets", "high_class", "low_class"),
    [
        ("0.01", "F", "F"),
        ("9999.99", "F", "F"),
        ("10000", "E", "E"),
        ("99999.99", "E", "E"),
        ("100000", "C-", "D-"),
        ("499999.99", "C-", "D-"),
        ("500000", "C", "D"),
        ("999999.99", "C", "D"),
        ("1000000", "A", "B"),
        ("4999999.99", "A", "B"),
        ("5000000", "A+", "B+"),
    ],
)
def test_class_follows_asset_tier_and_turnover(assets, high_class, low_class):
    assert classify(Decimal(assets), HIGH, date(2026, 11, 1), TODAY) == high_class
    assert classify(Decimal(assets), LOW, date(2026, 11, 1), TODAY) == low_class


def test_turnover_exactly_at_threshold_counts_as_high():
    assert classify(Decimal("2000000"), Decimal("3.0000"), None, TODAY) == "A"
    assert classify(Decimal("2000000"), Decimal("2.9999"), None, TODAY) == "B"


def test_no_assets_is_class_g():
    assert classify(Decimal("0"), HIGH, date(2026, 11, 1), TODAY) == "G"


def test_no_trade_for_twelve_months_is_class_g_even_when_rich():
    assert classify(Decimal("9000000"), HIGH, date(2025, 11, 23), TODAY) == "G"
    assert classify(Decimal("9000000"), HIGH, date(2025, 11, 24), TODAY) == "A+"


def test_a_customer_who_never_traded_is_judged_by_assets():
    assert classify(Decimal("600000"), LOW, None, TODAY) == "D"


def test_classify_customer_uses_the_clock_and_reports_a_change(make, clock):
    customer = make.customer(assets=Decimal("200000"), turnover_rate=Decimal("1"), last_trade_on=date(2026, 1, 5))
    assert customer.customer_class == "D-"
    customer.assets = Decimal("5000000")
    assert classify_customer(customer) is True
    assert customer.customer_class == "B+"
    assert classify_customer(customer) is False
