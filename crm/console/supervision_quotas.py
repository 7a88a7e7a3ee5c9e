"""Quotas: the targets in force, a form to set one (a person's, the team's, or an admin's installation
default) and the attainment per person over a day, week, month or quarter.

Targets are set through ``POST /api/v1/quotas`` (its rules: supervisors their own branch, never in the
past); attainment is read with the service the attainment API uses, under the same access rule.
"""

from flask import render_template, request
from flask_babel import lazy_gettext as _l

from crm.console import board_labels
from crm.console.nav import menu_entry
from crm.console.supervisors import branches_for, chosen_branch_id, supervisors_only
from crm.console.views import console
from crm.extensions import db
from crm.models.quotas import ACTIVITY_KINDS, PERIODS
from crm.services.activity import attainment, quotas
from crm.services.activity.counts import managers

DEFAULT_PERIOD = "week"


@console.get("/supervision/quotas")
@menu_entry(_l("Quotas"), roles=("supervisor", "admin"), order=42)
@supervisors_only
def quotas_page(staff):
    branch_id = chosen_branch_id(staff)
    period = request.args.get("period") if request.args.get("period") in PERIODS else DEFAULT_PERIOD
    start, end = attainment.resolve_range(period)
    rows = attainment.attainment_for(db.session, staff, start, end, "manager", branch_id)
    in_force = db.session.scalars(quotas.quotas_query(staff, branch_id=branch_id, in_force=True)).all()
    return render_template(
        "board/quotas.html",
        staff=staff,
        period=period,
        start=start,
        end=end,
        rows=rows,
        in_force=in_force,
        people=managers(db.session, branch_id=branch_id) if branch_id is not None else [],
        kinds=ACTIVITY_KINDS,
        periods=PERIODS,
        branch_id=branch_id,
        branches=branches_for(staff),
        labels=board_labels,
    )
