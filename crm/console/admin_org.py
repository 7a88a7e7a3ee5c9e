"""Admin pages for the organisation: branches, and staff with their roles, sign-in locks and API tokens."""

from flask import abort, request
from sqlalchemy import select

from crm.auth import current_staff
from crm.console.admin import admin_page, render_admin
from crm.console.views import console
from crm.extensions import db
from crm.models import Branch, Staff
from crm.models.staff import ROLES
from crm.services.org import credentials, organisation

STAFF_SHOWN = 300


def _branches():
    return db.session.scalars(select(Branch).order_by(Branch.code)).all()


@console.get("/admin/branches")
@admin_page
def admin_branches():
    supervisors = db.session.scalars(organisation.staff_query(current_staff(), role="supervisor", active=True)).all()
    heads = {}
    for supervisor in supervisors:
        heads.setdefault(supervisor.branch_id, []).append(supervisor)
    return render_admin("admin/branches.html", branches=_branches(), heads=heads)


@console.get("/admin/staff")
@admin_page
def admin_staff():
    role = request.args.get("role") if request.args.get("role") in ROLES else None
    branch_id = request.args.get("branch_id", type=int)
    stmt = organisation.staff_query(current_staff(), role=role, branch_id=branch_id).limit(STAFF_SHOWN)
    return render_admin(
        "admin/staff.html",
        members=db.session.scalars(stmt).all(),
        branches=_branches(),
        roles=ROLES,
        role=role,
        branch_id=branch_id,
        limit=STAFF_SHOWN,
    )


@console.get("/admin/staff/<int:staff_id>")
@admin_page
def admin_staff_member(staff_id):
    member = db.session.get(Staff, staff_id)
    if member is None:
        abort(404)
    supervisors = db.session.scalars(
        organisation.staff_query(current_staff(), role="supervisor", branch_id=member.branch_id, active=True)
    ).all()
    return render_admin(
        "admin/staff_member.html",
        member=member,
        tokens=credentials.api_tokens(db.session, current_staff(), member),
        branches=_branches(),
        roles=ROLES,
        supervisors=[s for s in supervisors if s.id != member.id],
    )
