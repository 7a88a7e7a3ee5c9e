"""Revision 0006 carries each active staff member's one API token over as an expiring credential."""

from datetime import timedelta

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from crm.core import clock
from crm.extensions import db as _db
from crm.services.org.credentials import hash_secret, staff_for


def test_an_existing_token_keeps_working_after_0006_and_expires_in_30_days(app, db, branch):
    branch_id = branch.id  # read before going down: a later revision's branch column is gone meanwhile
    _db.session.commit()  # no transaction left open: its locks would stall the ALTER TABLEs going down
    downgrade(revision="0006-1")
    with _db.engine.begin() as conn:
        for job_no, active in (("7001", True), ("7002", False)):
            conn.execute(
                sa.text(
                    "INSERT INTO staff (job_no, name, role, branch_id, api_token_hash, is_active, on_duty, presence,"
                    " created_at) VALUES (:job_no, 'x', 'agent', :branch, :hash, :active, false, 'offline',"
                    " CURRENT_TIMESTAMP)"
                ),
                {"job_no": job_no, "branch": branch_id, "hash": hash_secret(f"token-{job_no}"), "active": active},
            )
    upgrade()

    kept = staff_for(_db.session, "token-7001", "api")
    assert kept is not None and kept.job_no == "7001"
    assert staff_for(_db.session, "token-7002", "api") is None
    with clock.frozen(clock.now() + timedelta(days=30, minutes=1)):
        assert staff_for(_db.session, "token-7001", "api") is None
