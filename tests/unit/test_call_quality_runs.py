"""The call-quality report run's params: the quarter's days, and the params refused before any query."""

from datetime import date

import pytest

from crm.errors import InvalidInput
from crm.services.quality.call_quality_runs import quarter_days, scope

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("quarter", "days"),
    [("2026Q1", (date(2026, 1, 1), date(2026, 3, 31))), ("2026Q4", (date(2026, 10, 1), date(2026, 12, 31)))],
)
def test_a_quarter_is_its_days(quarter, days):
    assert quarter_days(quarter) == days


@pytest.mark.parametrize(
    "params",
    [
        {},  # no period
        {"quarter": "2026Q5"},
        {"quarter": "2026Q4", "start": "2026-10-01"},  # both ways of naming the period
        {"start": "2026-10-01", "end": "1 Dec"},
        {"start": "2026-10-02", "end": "2026-10-01"},  # ends before it starts
        {"start": "2025-01-01", "end": "2026-01-02"},  # 367 days: 366 is the most
        {"quarter": "2026Q4", "group_by": "desk"},
        {"quarter": "2026Q4", "branch_id": "1"},
        {"quarter": "2026Q4", "format": "xlsx"},  # not a param
    ],
)
def test_bad_params_are_refused(params):
    with pytest.raises(InvalidInput) as refused:
        scope(None, None, params, TODAY)
    assert "params" in refused.value.fields
