"""What every supervision page shares: who may open it, which branch it shows, the branches to choose from.

Supervisors see their own branch only (asking for another is 403, as the API refuses their rows);
admins see every branch or the one they choose with ``?branch_id=``.
"""

from functools import wraps

from flask import abort, redirect, request, url_for
from sqlalchemy import select

from crm.auth import current_staff
from crm.extensions import db
from crm.models import Branch

ROLES = ("supervisor", "admin")


def supervisors_only(view):
    """Sign-in page for strangers, 403 for agents; the view gets the signed-in staff member first."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        staff = current_staff()
        if staff is None:
            return redirect(url_for("console.login"))
        if staff.role not in ROLES:
            abort(403)
        return view(staff, *args, **kwargs)

    return wrapper


def chosen_branch_id(staff):
    """The branch the page shows: a supervisor's own; an admin's choice (None: all branches)."""
    asked = request.args.get("branch_id", type=int)
    if staff.role == "admin":
        return asked
    if asked is not None and asked != staff.branch_id:
        abort(403)
    return staff.branch_id


def branches_for(staff):
    """The branches an admin may pick from (a supervisor has no choice: empty)."""
    if staff.role != "admin":
        return []
    return db.session.scalars(select(Branch).order_by(Branch.code)).all()
