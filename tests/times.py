"""Instants for tests, written as a supervisor in Shanghai reads them.

The installation's time zone is Shanghai and the tests' usual "today" is Monday 23 November 2026
(the ``clock`` fixture stands at 10:00 that day), so ``sh(11, 23, 10)`` is that moment.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def sh(month, day, hour, minute=0, year=2026):
    """An aware instant in Shanghai: ``sh(11, 20, 16)`` is Friday 20 November 2026, 16:00."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)
