"""Spot checks (抽查) as a programme — DOMAIN §4, issue 11 item 3.

A supervisor of the manager's branch (an admin anywhere) draws ``k`` of the manager's visits in a period
of local dates, at random with a seed: given, or generated and kept. The draw is reproducible: the
candidates are sorted by id and ``random.Random(seed).sample`` picks ``min(k, candidates)`` of them; the
candidate ids are kept with the check, so an auditor replays it with ``draw``.

A visit qualifies when its customer has a phone (the survey must ring someone) and it has never been
surveyed: no verification survey run of it exists, whether from an earlier spot check or one asked for
by hand (``POST /visits/<id>/verification-survey``). Each drawn visit gets the visit-verification survey
(``schedule_visit_survey``); the survey dialer rings it, and a flagged answer tells the branch's
supervisors and the one who drew the check (``crm.services.surveys.runs``).

The register shows per drawn visit: ``pending`` (the survey is still to ring or under way), ``confirmed``
/ ``denied`` (the customer's answer to "did the manager visit or call?"), ``unreachable`` (the survey
ended without that answer: never picked up, hung up, declined) — and the visit's audit trail when it was
changed after it was logged.
"""

import random
import secrets
from collections import defaultdict
from datetime import timedelta

from sqlalchemy import exists, select

from crm.errors import Forbidden, InvalidInput, NotFound
from crm.models import AuditEntry, CustomerPhone, SpotCheck, SpotCheckVisit, Staff, SurveyRun, Visit
from crm.services.customers.visits import visits_query
from crm.services.org import access
from crm.services.surveys.runs import OPEN_STATES, is_flagged, schedule_visit_survey

STATES = ("pending", "confirmed", "denied", "unreachable")
# The verification survey's question whose flagged answer ("no") is a denial (crm.services.surveys.default_surveys).
VISITED_QUESTION = "visited"
MAX_PERIOD = timedelta(days=366)
SEED_BOUND = 2**31  # seeds fit an integer column and the API's integer fields
DRAWERS = ("supervisor", "admin")


def draw(candidate_ids, k, seed):
    """The visit ids a draw picks: ``k`` of the candidates (all of them when fewer), in the order drawn."""
    ordered = sorted(candidate_ids)
    return random.Random(seed).sample(ordered, min(k, len(ordered)))


def new_seed():
    return secrets.randbelow(SEED_BOUND)


def draw_spot_check(session, actor, manager_id, start, end, k, seed=None):
    """Draw ``k`` of ``manager_id``'s qualifying visits from ``start`` to ``end`` (local dates, inclusive),
    schedule their verification surveys and keep the check. Draws of one manager wait for each other
    (the manager's row is locked on PostgreSQL), so two never pick the same visit."""
    manager = _manager(session, actor, manager_id)
    if end < start or end - start > MAX_PERIOD:
        raise InvalidInput("The period must end on or after its start, within a year.", {"end": ["Out of range."]})
    session.execute(select(Staff.id).where(Staff.id == manager.id).with_for_update())
    seed = new_seed() if seed is None else seed
    candidates = session.scalars(candidates_query(actor, manager.id, start, end)).all()
    check = SpotCheck(
        branch_id=manager.branch_id,
        manager_id=manager.id,
        drawn_by_id=actor.id,
        period_start=start,
        period_end=end,
        k=k,
        seed=seed,
        candidate_ids=list(candidates),
    )
    session.add(check)
    session.flush()
    for visit_id in draw(candidates, k, seed):
        run = schedule_visit_survey(session, session.get(Visit, visit_id), requested_by=actor)
        session.add(SpotCheckVisit(spot_check_id=check.id, visit_id=visit_id, survey_run_id=run.id))
    session.flush()
    session.refresh(check)
    return check


def candidates_query(viewer, manager_id, start, end):
    """``SELECT visits.id`` of the visits a draw may pick, ids ascending."""
    has_phone = exists().where(CustomerPhone.customer_id == Visit.customer_id)
    surveyed = exists().where(SurveyRun.visit_id == Visit.id)
    stmt = visits_query(viewer, manager_id=manager_id, date_from=start, date_to=end).where(has_phone, ~surveyed)
    return stmt.with_only_columns(Visit.id).order_by(None).order_by(Visit.id)


def _manager(session, actor, manager_id):
    if actor.role not in DRAWERS:
        raise Forbidden("Spot checks are drawn by supervisors and admins.")
    manager = session.get(Staff, manager_id)
    if manager is None:
        raise InvalidInput(f"No staff member {manager_id}.", {"manager_id": ["Unknown staff member."]})
    access.require_visible(actor, manager)
    return manager


# The register ----------------------------------------------------------------------------------------


def register_query(viewer, manager_id=None):
    """``select(SpotCheck)`` of the checks ``viewer`` may read (supervisors: their branch; admins: all),
    newest first."""
    stmt = select(SpotCheck).order_by(SpotCheck.drawn_at.desc(), SpotCheck.id.desc())
    if viewer.role == "supervisor":
        stmt = stmt.where(SpotCheck.branch_id == viewer.branch_id)
    elif viewer.role != "admin":
        raise Forbidden("The spot-check register is kept by supervisors.")
    return stmt if manager_id is None else stmt.where(SpotCheck.manager_id == manager_id)


def get_check(session, viewer, check_id):
    check = session.get(SpotCheck, check_id)
    if check is None:
        raise NotFound(f"No spot check {check_id}.")
    if viewer.role != "admin" and not (viewer.role == "supervisor" and viewer.branch_id == check.branch_id):
        raise Forbidden("This spot check belongs to another branch.")
    return check


def visit_state(run):
    """``pending`` / ``confirmed`` / ``denied`` / ``unreachable`` of one drawn visit, from its survey run."""
    question = next((q for q in run.survey.questions if q.code == VISITED_QUESTION), None)
    answer = next((a for a in run.answers if question and a.question_id == question.id and a.value), None)
    if answer is not None:
        return "denied" if is_flagged(question, answer.value) else "confirmed"
    return "pending" if run.state in OPEN_STATES else "unreachable"


def check_summary(check):
    """A check as the register lists it: who drew whose visits, the seed, and the states counted."""
    counts = dict.fromkeys(STATES, 0)
    for drawn in check.visits:
        counts[visit_state(drawn.run)] += 1
    return {
        "id": check.id,
        "branch_id": check.branch_id,
        "manager": check.manager,
        "drawn_by": check.drawn_by,
        "start": check.period_start,
        "end": check.period_end,
        "k": check.k,
        "seed": check.seed,
        "candidate_count": len(check.candidate_ids),
        "drawn_count": len(check.visits),
        "drawn_at": check.drawn_at,
        "counts": counts,
    }


def check_detail(session, check):
    """The summary with the candidates (for a replay) and each drawn visit: state, answers, audit trail."""
    trails = _audit_trails(session, [drawn.visit_id for drawn in check.visits])
    visits = [
        {
            "visit_id": drawn.visit_id,
            "customer_id": drawn.visit.customer_id,
            "channel": drawn.visit.channel,
            "started_at": drawn.visit.started_at,
            "survey_run_id": drawn.survey_run_id,
            "run_state": drawn.run.state,
            "state": visit_state(drawn.run),
            "edited": bool(trails[drawn.visit_id]),
            "audit": trails[drawn.visit_id],
        }
        for drawn in check.visits
    ]
    return {**check_summary(check), "candidate_ids": check.candidate_ids, "visits": visits}


def _audit_trails(session, visit_ids):
    """Each visit's changes after it was logged, newest first, in one query."""
    trails = defaultdict(list)
    stmt = select(AuditEntry).where(AuditEntry.visit_id.in_(visit_ids))
    for entry in session.scalars(stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())):
        trails[entry.visit_id].append(entry)
    return trails
