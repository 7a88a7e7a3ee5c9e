"""``kefu generate-work-logs``: the logs of a day by hand, idempotent."""

from sqlalchemy import func, select

from crm.models import WorkLog


def test_generate_work_logs_on_a_day(kefu_lines, db, agent):
    assert kefu_lines("generate-work-logs", "--on", "2026-11-23") == (0, ["1 work logs written for 2026-11-23."])
    assert kefu_lines("generate-work-logs", "--on", "2026-11-23")[0] == 0
    assert kefu_lines("generate-work-logs", "--on", "2026-11-28") == (0, ["0 work logs written for 2026-11-28."])
    assert db.session.scalar(select(func.count()).select_from(WorkLog)) == 1
