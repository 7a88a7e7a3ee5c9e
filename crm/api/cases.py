"""Cases: intake, the list, one case with its clocks and history, and the actions on it (DOMAIN §5).

Agents see and act on the cases they own or handle, supervisors their branch's, admins all. Cases
follow the branch: opened in one's own branch, owned and handled by its staff, moved by admins.
"""

from flask_smorest import Blueprint

from crm.api.common import PageArgs, page_schema, paginate
from crm.api.schemas.cases import (
    AccusedIn,
    AssignIn,
    CaseDetail,
    CaseIn,
    CaseOut,
    CaseQuery,
    ComplaintRecordIn,
    HandOffIn,
    MoveIn,
    NoteIn,
    ReopenIn,
    ReplyIn,
)
from crm.auth import current_staff, roles
from crm.extensions import db
from crm.services.cases import complaints, workflow
from crm.services.org import access

URL = "cases"
blp = Blueprint("cases", __name__, description="Cases under first-responder ownership, with deadlines")

ANYONE = ("agent", "supervisor", "admin")


class CaseListArgs(CaseQuery, PageArgs):
    pass


class _Seen:
    """A case as the signed-in staff member sees it: the caller's number masked unless they may see it
    in full; with ``detail``, its replies, full history and complaint record (``CaseDetail``)."""

    def __init__(self, case, detail=True):
        self._case = case
        self.caller_number = access.shown_phone(current_staff(), case.caller_number, case.customer, case)
        if detail:
            self.replies = list(workflow.replies(db.session, case))
            self.history = list(workflow.history(db.session, case))
            record = case.complaint_record
            self.complaint = _Record(record, complaints.decisions(db.session, case)) if record else None

    def __getattr__(self, name):
        return getattr(self._case, name)


@blp.post("")
@roles(*ANYONE)
@blp.arguments(CaseIn)
@blp.response(201, CaseDetail)
def open_case(data):
    """A new case, owned by whoever takes it (a supervisor may name another owner); due times set now."""
    case = workflow.open_case(db.session, current_staff(), data)
    db.session.commit()
    return _Seen(case)


@blp.get("")
@roles(*ANYONE)
@blp.arguments(CaseListArgs, location="query")
@blp.response(200, page_schema(CaseOut, "CasePage"))
def list_cases(args):
    """Cases in the caller's scope, newest first; ``overdue`` and ``due_before`` look at running clocks."""
    filters = {name: args.get(name) for name in ("kind", "status", "owner_id", "branch_id", "overdue", "due_before")}
    page = paginate(workflow.cases_query(current_staff(), **filters), args)
    return {**page, "items": [_Seen(case, detail=False) for case in page["items"]]}


@blp.get("/<int:case_id>")
@roles(*ANYONE)
@blp.response(200, CaseDetail)
def get_case(case_id):
    """One case with each clock (due, met, overdue, escalation level), its replies and full history."""
    return _Seen(workflow.get_case(db.session, current_staff(), case_id))


class _Record:
    """A complaint record with what is still missing and who decided what (``ComplaintRecordOut``)."""

    def __init__(self, record, decisions):
        self._record = record
        self.missing = complaints.missing_fields(record)
        self.decisions = decisions

    def __getattr__(self, name):
        return getattr(self._record, name)


def _act(case_id, action, **kwargs):
    """Load the case in the caller's scope, apply one service action, commit, show the case."""
    staff = current_staff()
    case = workflow.get_case(db.session, staff, case_id)
    action(db.session, staff, case, **kwargs)
    db.session.commit()
    return _Seen(case)


@blp.post("/<int:case_id>/assign")
@roles(*ANYONE)
@blp.arguments(AssignIn)
@blp.response(200, CaseDetail)
def assign(data, case_id):
    """Name the handler (the handling decision); stops the dispatch clock. Never the person complained about;
    on a complaint, a supervisor's decision (an admin's anywhere)."""
    return _act(case_id, workflow.assign, **data)


@blp.post("/<int:case_id>/hand-off")
@roles(*ANYONE)
@blp.arguments(HandOffIn)
@blp.response(200, CaseDetail)
def hand_off(data, case_id):
    """Pass ownership to someone else, in one step: the case always has a named owner."""
    return _act(case_id, workflow.hand_off, **data)


@blp.post("/<int:case_id>/move")
@roles("admin")
@blp.arguments(MoveIn)
@blp.response(200, CaseDetail)
def move(data, case_id):
    """Move the case to another branch (admins): its owner and handler must be staff of that branch."""
    return _act(case_id, workflow.move, **data)


@blp.post("/<int:case_id>/investigate")
@roles(*ANYONE)
@blp.response(200, CaseDetail)
def investigate(case_id):
    """Investigation started (a complaint's first response)."""
    return _act(case_id, workflow.start_investigation)


@blp.post("/<int:case_id>/reply")
@roles(*ANYONE)
@blp.arguments(ReplyIn)
@blp.response(200, CaseDetail)
def reply(data, case_id):
    """An answer to the customer; stops the clocks it answers."""
    return _act(case_id, workflow.reply, **data)


@blp.post("/<int:case_id>/resolve")
@roles(*ANYONE)
@blp.arguments(NoteIn)
@blp.response(200, CaseDetail)
def resolve(data, case_id):
    """The customer has their answer: every running clock stops. On a complaint, a supervisor's decision."""
    return _act(case_id, workflow.resolve, **data)


@blp.post("/<int:case_id>/reopen")
@roles(*ANYONE)
@blp.arguments(ReopenIn)
@blp.response(200, CaseDetail)
def reopen(data, case_id):
    """Back to work; the response and resolution clocks restart now."""
    return _act(case_id, workflow.reopen, **data)


@blp.post("/<int:case_id>/close")
@roles(*ANYONE)
@blp.arguments(NoteIn)
@blp.response(200, CaseDetail)
def close(data, case_id):
    """Close a resolved case; a complaint by a supervisor, with its whole record (422 names what is missing)."""
    return _act(case_id, workflow.close, **data)


@blp.patch("/<int:case_id>/complaint")
@roles(*ANYONE)
@blp.arguments(ComplaintRecordIn)
@blp.response(200, CaseDetail)
def update_complaint_record(data, case_id):
    """Fill in the complaint record (the customer's demand, the finding and what came of it). Never by the
    person complained about; the complaint closes only once every field is filled in."""
    return _act(case_id, complaints.update_record, changes=data)


@blp.post("/<int:case_id>/accused")
@roles("supervisor", "admin")
@blp.arguments(AccusedIn)
@blp.response(200, CaseDetail)
def name_accused(data, case_id):
    """Name the person complained about (once), e.g. on a complaint the IVR took: they recuse themselves. An
    accused owner gives the complaint up to the supervisor on duty, who is told; an accused handler is 409."""
    return _act(case_id, workflow.name_accused, **data)
