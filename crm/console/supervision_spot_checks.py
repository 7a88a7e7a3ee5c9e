"""The spot-check register (抽查): draw a manager's visits for verification calls, see what customers said.

Draws go to ``POST /api/v1/spot-checks`` (its rules: supervisors their branch's managers, a period of at
most a year); the register is read with the service behind ``GET /api/v1/spot-checks``.
"""

from datetime import timedelta

from flask import render_template
from flask_babel import lazy_gettext as _l

from crm.console import board_labels
from crm.console.nav import menu_entry
from crm.console.supervisors import branches_for, chosen_branch_id, supervisors_only
from crm.console.views import console
from crm.core.clock import local, now
from crm.extensions import db
from crm.models import SpotCheck
from crm.services.activity import spot_checks
from crm.services.activity.counts import managers

SHOWN = 50
DEFAULT_DAYS = 30


@console.get("/supervision/spot-checks")
@menu_entry(_l("Spot checks"), roles=("supervisor", "admin"), order=45)
@supervisors_only
def spot_check_register(staff):
    branch_id = chosen_branch_id(staff)
    stmt = spot_checks.register_query(staff)
    if branch_id is not None:
        stmt = stmt.where(SpotCheck.branch_id == branch_id)
    checks = [_shown(check) for check in db.session.scalars(stmt.limit(SHOWN))]
    today = local(now()).date()
    return render_template(
        "board/spot_checks.html",
        checks=checks,
        people=managers(db.session, branch_id=branch_id) if branch_id is not None else [],
        default_start=today - timedelta(days=DEFAULT_DAYS - 1),
        today=today,
        states=spot_checks.STATES,
        branch_id=branch_id,
        branches=branches_for(staff),
        labels=board_labels,
    )


def _shown(check):
    """The register's summary of ``check`` with each drawn visit's state (no customer data)."""
    visits = [
        {"visit_id": drawn.visit_id, "started_at": drawn.visit.started_at, "state": spot_checks.visit_state(drawn.run)}
        for drawn in check.visits
    ]
    return {**spot_checks.check_summary(check), "visits": visits}
