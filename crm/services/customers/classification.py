"""Customer class (A+ … G) from assets and turnover — DOMAIN §2.

The mapping is data: asset-tier lower bounds, the turnover threshold, and per tier the
class for high and low turnover. ``configure`` installs the installation's values
(from ``crm.config``) at start-up; the defaults are DOMAIN §2's table.
"""

import bisect
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

# Tier index → (class when turnover ≥ threshold, class when below). Tier 0 is T1.
DEFAULT_CLASS_BY_TIER = {
    5: ("A+", "B+"),  # T6 ≥ 5M
    4: ("A", "B"),  # T5 1M–5M
    3: ("C", "D"),  # T4 500k–1M
    2: ("C-", "D-"),  # T3 100k–500k
    1: ("E", "E"),  # T2 10k–100k
    0: ("F", "F"),  # T1 < 10k, assets > 0
}
DORMANT_CLASS = "G"


@dataclass(frozen=True)
class ClassRules:
    tier_bounds: tuple = (10_000, 100_000, 500_000, 1_000_000, 5_000_000)
    turnover_threshold: Decimal = Decimal("3")
    dormant_months: int = 12
    class_by_tier: dict = field(default_factory=lambda: dict(DEFAULT_CLASS_BY_TIER))


_rules = ClassRules()


def configure(tier_bounds, turnover_threshold, dormant_months):
    global _rules
    _rules = ClassRules(
        tier_bounds=tuple(sorted(Decimal(str(b)) for b in tier_bounds)),
        turnover_threshold=Decimal(str(turnover_threshold)),
        dormant_months=int(dormant_months),
    )


def rules():
    return _rules


def asset_tier(assets, rules=None):
    """0 for T1 … 5 for T6: how many tier bounds ``assets`` reaches (the bounds are in ascending order)."""
    rules = rules or _rules
    return bisect.bisect_right(rules.tier_bounds, Decimal(assets))


def is_dormant(last_trade_on, today, rules=None):
    """No trade for ``dormant_months`` months (a customer who never traded is judged by assets alone)."""
    rules = rules or _rules
    if last_trade_on is None:
        return False
    months = (today.year - last_trade_on.year) * 12 + (today.month - last_trade_on.month)
    if today.day < last_trade_on.day:
        months -= 1
    return months >= rules.dormant_months


def classify(assets, turnover_rate, last_trade_on=None, today=None, rules=None):
    rules = rules or _rules
    assets = Decimal(assets or 0)
    if assets <= 0 or is_dormant(last_trade_on, today or date.today(), rules):
        return DORMANT_CLASS
    high, low = rules.class_by_tier[asset_tier(assets, rules)]
    return high if Decimal(turnover_rate or 0) >= rules.turnover_threshold else low
