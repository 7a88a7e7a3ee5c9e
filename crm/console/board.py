"""The supervisor board: overdue and escalated cases with hand-off, presence and calls, the duty roster.

The two panels refresh themselves (htmx polls their partials every 15 s). Reassigning a case goes to
``reassign`` below: the cases service's hand-off with the reason the board requires, its errors in the
API's JSON shape so ``console.js`` shows them next to the fields.
"""

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from crm.console import board_labels
from crm.console.nav import menu_entry
from crm.console.supervisors import branches_for, chosen_branch_id, supervisors_only
from crm.console.views import console
from crm.errors import InvalidInput, NotFound
from crm.extensions import db
from crm.services.calls.on_call import calls_in_progress
from crm.services.calls.presence import ANSWERING_ROLES, presence_board
from crm.services.cases import watch, workflow
from crm.services.org.duty import Roster
from crm.services.org.organisation import staff_query

REFRESH = "every 15s"


@console.get("/board")
@menu_entry(_l("Supervisor board"), roles=("supervisor", "admin"), order=20)
@supervisors_only
def board(staff):
    branch_id = chosen_branch_id(staff)
    return render_template(
        "board/board.html",
        staff=staff,
        branches=branches_for(staff),
        **_frame(branch_id),
        **_cases(staff, branch_id),
        **_people(staff, branch_id),
    )


@console.get("/board/cases")
@supervisors_only
def board_cases(staff):
    branch_id = chosen_branch_id(staff)
    return render_template("board/cases_panel.html", **_frame(branch_id), **_cases(staff, branch_id))


@console.get("/board/people")
@supervisors_only
def board_people(staff):
    branch_id = chosen_branch_id(staff)
    return render_template("board/people_panel.html", **_frame(branch_id), **_people(staff, branch_id))


@console.post("/board/cases/<int:case_id>/reassign")
@supervisors_only
def reassign(staff, case_id):
    """Hand the case to another owner; the board asks why (the reason goes into the case's history)."""
    data = request.get_json(silent=True) or {}
    note = str(data.get("note") or "").strip()
    new_owner_id = data.get("new_owner_id")
    errors = {}
    if not isinstance(new_owner_id, int):
        errors["new_owner_id"] = [_("Choose the new owner.")]
    if not note:
        errors["note"] = [_("Say why the case is reassigned.")]
    if errors:
        raise InvalidInput(_("The case was not reassigned."), errors)
    case = workflow.get_case(db.session, staff, case_id)
    workflow.hand_off(db.session, staff, case, new_owner_id, note=note)
    db.session.commit()
    return jsonify({"id": case.id, "owner_id": case.owner_id})


def _frame(branch_id):
    return {"branch_id": branch_id, "refresh": REFRESH, "labels": board_labels}


def _cases(staff, branch_id):
    rows = watch.needing_attention(db.session, staff, branch_id=branch_id)
    return {"rows": rows, "owners": _owners(staff, {row.case.branch_id for row in rows})}


def _owners(staff, branch_ids):
    """Who may take over a case, per branch of the cases shown: active answering staff, by job number."""
    groups = []
    for branch_id in sorted(branch_ids):
        people = db.session.scalars(staff_query(staff, branch_id=branch_id, active=True))
        groups.append((branch_id, [person for person in people if person.role in ANSWERING_ROLES]))
    return groups


def _people(staff, branch_id):
    if branch_id is None:
        return {"people": None, "calls": calls_in_progress(db.session, staff), "roster": None}
    roster = Roster(db.session)
    return {
        "people": presence_board(db.session, branch_id),
        "calls": calls_in_progress(db.session, staff, branch_id),
        "roster": {"on_duty": roster.on_duty(branch_id), "new_work": _new_work_owner(roster, branch_id)},
    }


def _new_work_owner(roster, branch_id):
    try:
        return roster.responsible_for(branch_id)
    except NotFound:  # nobody can own new work there: the page says so
        return None
