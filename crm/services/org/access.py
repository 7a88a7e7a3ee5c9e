"""Who may see which rows (DOMAIN §1): one table, one rule.

Admins see everything, supervisors their branch, agents the rows they own; anyone else nothing. Nobody
sees a complaint about themselves (被投诉人应当回避; the seeds: the complaint is told to no unrelated person).
``REACH`` says, per model, where a row's branch is and who owns it; ``visible`` narrows a
``select`` by that rule and ``may_see`` / ``require_visible`` / ``visible_row`` ask it of one row.
``can_see_sensitive`` says who sees a customer's personal data unmasked (``crm.core.masks`` otherwise),
``shown_phone`` shows a call's or a case's caller number by the same rule.
The caller-ID screen pop (wider: the whole branch, masked) is a rule of customer records, not of
this table.
"""

from dataclasses import dataclass
from operator import attrgetter

from sqlalchemy import false, or_, select

from crm.core.masks import mask_phone
from crm.errors import Forbidden, NotFound
from crm.models import Call, Case, Customer, QaResult, QuotaTarget, ReportRun, Staff, Visit, WorkLog


@dataclass(frozen=True)
class Reach:
    """Where a model's rows belong and who owns them.

    ``branch`` is the attribute holding the row's branch id, or ``"<relationship>.branch_id"``
    when the branch is reached through one relationship (a visit's customer's branch).
    ``owners`` are the columns naming the staff who own the row; ``recused`` the one naming who may
    never see it, whatever their role (the person a complaint is about).
    """

    noun: str
    branch: str
    owners: tuple[str, ...]
    forbidden: str
    recused: str | None = None


REACH = {
    Customer: Reach("customer", "branch_id", ("manager_id",), "This customer belongs to another manager or branch."),
    Case: Reach(
        "case",
        "branch_id",
        ("owner_id", "handler_id"),
        "This case belongs to another agent or branch, or is a complaint about you.",
        recused="complained_staff_id",
    ),
    Call: Reach("call", "branch_id", ("agent_id",), "This call belongs to another agent or branch."),
    Visit: Reach("visit", "customer.branch_id", ("manager_id",), "This visit belongs to another manager or branch."),
    QaResult: Reach("QA result", "branch_id", ("agent_id",), "This QA result belongs to another agent or branch."),
    Staff: Reach("staff member", "branch_id", ("id",), "That staff member is outside your branch."),
    # A report run covers one branch, or all of them (branch None: admins only); agents ask for none.
    ReportRun: Reach("report run", "branch_id", ("requested_by_id",), "This report covers another branch."),
    # An installation default (no branch) is the admins' alone.
    QuotaTarget: Reach("quota target", "branch_id", ("staff_id",), "This target is another manager's or branch's."),
    WorkLog: Reach("work log", "branch_id", ("staff_id",), "This work log is another manager's or branch's."),
}


def visible(stmt, viewer):
    """Narrow ``stmt``, a ``select(Model)`` of a model in ``REACH``, to the rows ``viewer`` may list."""
    model = stmt.column_descriptions[0]["entity"]
    reach = REACH[model]
    if reach.recused:
        recused = getattr(model, reach.recused)
        stmt = stmt.where(or_(recused.is_(None), recused != viewer.id))
    if viewer.role == "admin":
        return stmt
    if viewer.role == "supervisor":
        return stmt.where(_in_branch(model, reach.branch, viewer.branch_id))
    if viewer.role == "agent":
        return stmt.where(or_(*(getattr(model, owner) == viewer.id for owner in reach.owners)))
    return stmt.where(false())


def may_see(viewer, row):
    """May ``viewer`` open ``row``? The rule of ``visible``, for one row."""
    reach = REACH[type(row)]
    if reach.recused and getattr(row, reach.recused) == viewer.id:
        return False
    if viewer.role == "admin":
        return True
    if viewer.role == "supervisor":
        return attrgetter(reach.branch)(row) == viewer.branch_id
    return viewer.role == "agent" and viewer.id in (getattr(row, owner) for owner in reach.owners)


def require_visible(viewer, row):
    if not may_see(viewer, row):
        raise Forbidden(REACH[type(row)].forbidden)


def visible_row(session, viewer, model, row_id):
    """The ``model`` row ``row_id``: ``NotFound`` when there is none, ``Forbidden`` when ``viewer`` may not see it."""
    row = session.get(model, row_id)
    if row is None:
        raise NotFound(f"No {REACH[model].noun} {row_id}.")
    require_visible(viewer, row)
    return row


def can_see_sensitive(viewer, customer):
    """Unmasked ID number, phones, birthday and e-mail: the customer's own manager, a supervisor of the
    branch, admins."""
    return may_see(viewer, customer)


def sees_in_full(viewer, customer, row):
    """May ``viewer`` see in full the caller's number on ``row`` (a call or a case about ``customer``)?

    About a known customer: whoever may see that customer in full. About a caller nobody knows:
    whoever may open the row, since they are the ones to call back.
    """
    return can_see_sensitive(viewer, customer) if customer is not None else may_see(viewer, row)


def shown_phone(viewer, number, customer, row):
    """``number`` as ``viewer`` may see it on ``row``: in full (``sees_in_full``) or masked."""
    return number if not number or sees_in_full(viewer, customer, row) else mask_phone(number)


def report_branch(viewer, branch_id=None):
    """The branch a branch-wide report (call quality) of ``viewer`` covers; None means every branch.

    Admins name one branch or none (all); supervisors get their own branch, naming another is 403;
    agents and anyone else pull no report (403).
    """
    if viewer.role == "admin":
        return branch_id
    if viewer.role == "supervisor":
        if branch_id not in (None, viewer.branch_id):
            raise Forbidden("Supervisors report on their own branch only.")
        return viewer.branch_id
    raise Forbidden("Reports are for supervisors and admins.")


def _in_branch(model, branch, branch_id):
    """``model``'s rows of branch ``branch_id``; through a relationship, as ``fk IN (SELECT id … WHERE branch)``."""
    if "." not in branch:
        return getattr(model, branch) == branch_id
    relationship, column = branch.split(".")
    via = getattr(model, relationship).property
    (foreign_key,) = via.local_columns
    target = via.mapper.class_
    return foreign_key.in_(select(target.id).where(getattr(target, column) == branch_id))
