"""Callback surveys (回访) — DOMAIN §7: who is owed one, and what the customer answers.

A resolved case owes its customer a ``SurveyRun`` of the callback survey, opened by the dialer's
sweep (``owe_callback_surveys``); a supervisor's spot check owes one of the visit check.
``crm.services.surveys.dialer`` rings the runs; the survey call flow (``telephony/webhooks/surveys.py``)
goes through the functions below, one answer per request, each committed as it is given — a
hang-up keeps what was answered so far.

A flagged answer ("not solved", "dissatisfied", a score at or below the question's limit)
reopens the case and tells the owner's supervisor, once per run: the case is reopened only
while it is still in the resolution this run is about (``case_resolution`` = the case's
``reopened_count`` when the run was owed), and the reopen itself is the cases service's
conditional update. A flagged visit check tells the manager's supervisors and whoever asked for it.
"""

from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, exists, or_, select, update
from sqlalchemy.orm import joinedload, lazyload

from crm.core.bulk import insert_or_skip
from crm.core.clock import as_utc, now
from crm.errors import Conflict, InvalidInput, NotFound
from crm.i18n import in_language
from crm.models import (
    Case,
    CaseEvent,
    Customer,
    CustomerPhone,
    Notification,
    Staff,
    Survey,
    SurveyAnswer,
    SurveyRun,
    Visit,
)
from crm.services.calls import greetings
from crm.services.cases import workflow
from crm.services.cases.calendar.installation import installation_calendar
from crm.services.cases.notifications import notify
from crm.services.org.duty import Roster
from crm.services.surveys.default_surveys import CASE_SURVEY, VISIT_SURVEY

OPEN_STATES = ("scheduled", "calling", "in_progress")
SCORE_RANGE = range(1, 11)
# A resolution older than this is owed no callback survey any more (see ``owe_callback_surveys``).
LOOK_BACK = timedelta(days=7)
# Opening keys: 1 go ahead, 2 not now (book another time).
OPENING_CHOICES = {"1": "go", "2": "rebook"}
# Hearings per prompt (the first + repeats after silence or a wrong key) before the call moves on.
TRIES = 2
# Notice texts are English msgids written in each recipient's language (crm/translations/texts).
CASE_NOTICE = _l(
    "Case #{case_id} “{subject}”: the callback survey found the customer dissatisfied ({question}: {answer}); "
    "the case is reopened, please follow up."
)
# Notices name customers by number (#id), never by name: notice texts are not masked.
VISIT_NOTICE = _l(
    "The check call on the visit by account manager {manager} on {date} found a problem ({question}: {answer}); "
    "customer #{customer_id}."
)


# Who is owed a survey ---------------------------------------------------------------------------


def owe_callback_surveys(session, at):
    """Open the callback survey run owed to each case resolved since ``at - LOOK_BACK`` that has none
    for its current resolution; how many were opened. The survey dialer's sweep calls it first.

    Cases never call into surveys: the resolved case in the database is the hand-over, found by one
    query and written by one insert. A case resolved and closed before the sweep ran is owed its
    survey as well; a case reopened and resolved again is owed a second one. The first call is the
    resolution instant inside business hours, else the next opening, whenever the sweep runs. Nobody
    to ring (no phone) or no callback survey installed: no run. Two sweeps at once insert the same
    rows; the unique (case, resolution) constraint keeps one, the other's insert skips it.

    ``LOOK_BACK`` is a week: the sweep runs every minute, so the window only matters when no worker
    ran (an outage over a weekend or a week-long holiday is caught up), and a customer is not rung
    about a case resolved weeks ago. It also keeps the query on the recent rows of ``ix_cases_resolved_at``.
    """
    survey_id = session.scalar(select(Survey.id).where(Survey.code == CASE_SURVEY))
    if survey_id is None:
        return 0
    number = number_to_ring(Case.customer_id).scalar_subquery()
    owed = session.execute(
        select(Case.id, Case.customer_id, Case.reopened_count, Case.resolved_at, number.label("to_number"))
        .where(
            Case.status.in_(("resolved", "closed")),
            Case.resolved_at >= as_utc(at) - LOOK_BACK,
            number.is_not(None),
            ~exists().where(SurveyRun.case_id == Case.id, SurveyRun.case_resolution == Case.reopened_count),
        )
        .order_by(Case.id)  # one insert order for every sweep: concurrent sweeps wait, never deadlock
    ).all()
    if not owed:
        return 0
    rows = [
        {
            "survey_id": survey_id,
            "customer_id": case.customer_id,
            "case_id": case.id,
            "case_resolution": case.reopened_count,
            "to_number": case.to_number,
            "next_attempt_at": first_attempt_at(session, case.resolved_at),
            "created_at": case.resolved_at,  # owed since the resolution, as the API shows it
        }
        for case in owed
    ]
    stmt = insert_or_skip(session, SurveyRun, ["case_id", "case_resolution"], SurveyRun.id)
    return len(session.execute(stmt, rows).all())


def schedule_visit_survey(session, visit, at=None, any_time_consent=False, requested_by=None):
    """A spot check of ``visit``: its customer is asked whether the manager really visited or called.

    ``requested_by`` (the supervisor or admin who asked) is told of a flagged answer with the branch's
    supervisors. 409 while another check of the visit is still open; 422 when the customer has no phone.
    """
    number = session.scalar(number_to_ring(visit.customer_id))
    if number is None:
        raise InvalidInput("The customer has no phone number to call.", {"visit_id": ["Customer has no phone."]})
    open_run = session.scalar(
        select(SurveyRun.id).where(SurveyRun.visit_id == visit.id, SurveyRun.state.in_(OPEN_STATES))
    )
    if open_run is not None:
        raise Conflict(f"Verification survey {open_run} of this visit is still open.", {"visit_id": [str(open_run)]})
    run = SurveyRun(
        survey_id=_survey(session, VISIT_SURVEY).id,
        customer_id=visit.customer_id,
        visit_id=visit.id,
        to_number=number,
        any_time_consent=any_time_consent,
        requested_by_id=requested_by.id if requested_by is not None else None,
        next_attempt_at=first_attempt_at(session, at or now(), any_time_consent),
    )
    session.add(run)
    session.flush()
    return run


def first_attempt_at(session, at, any_time_consent=False):
    """No calls outside business hours without the customer's consent (DOMAIN §7: no night calls)."""
    return as_utc(at) if any_time_consent else installation_calendar(session).next_opening(at)


def number_to_ring(customer_id):
    """``SELECT`` the number a survey rings: the customer's first mobile, else their first phone; no row without one."""
    return (
        select(CustomerPhone.e164)
        .where(CustomerPhone.customer_id == customer_id)
        .order_by(CustomerPhone.label != "mobile", CustomerPhone.id)
        .limit(1)
    )


def _survey(session, code):
    survey = session.scalar(select(Survey).where(Survey.code == code))
    if survey is None:
        raise NotFound(f"No survey {code!r}; run ensure_default_surveys.")
    return survey


def all_surveys(session):
    return session.scalars(select(Survey).order_by(Survey.id)).all()


def get_survey(session, survey_id):
    survey = session.get(Survey, survey_id)
    if survey is None:
        raise NotFound(f"No survey {survey_id}.")
    return survey


def runs_for_case(session, case):
    return session.scalars(select(SurveyRun).where(SurveyRun.case_id == case.id).order_by(SurveyRun.id)).all()


# The survey call ---------------------------------------------------------------------------------


# What a webhook step loads with its run: the survey, its questions and the branch, in one query, and no
# earlier answers. Built once: building loader options costs more than the look-up that uses them.
_STEP_OPTIONS = (
    lazyload(SurveyRun.answers),
    joinedload(SurveyRun.survey).joinedload(Survey.questions),
    joinedload(SurveyRun.branch),
)


# The step's look-up as one statement built once: ``Session.get`` would build it (and work out its cache
# key) again on every call.
_STEP_RUN = select(SurveyRun).options(*_STEP_OPTIONS).where(SurveyRun.id == bindparam("run_id"))


def get_run(session, run_id):
    """The run with its survey, questions and branch in one query (``_STEP_OPTIONS``)."""
    run = session.scalars(_STEP_RUN, {"run_id": run_id}).unique().one_or_none()
    if run is None:
        raise NotFound(f"No survey run {run_id}.")
    return run


def text_for(session, run, text):
    """A survey phrase with the branch, hotline and (visit checks) manager and visit date filled in."""
    filled = greetings.fill(text, branch=run.branch)
    if run.visit_id is None:
        return filled
    visit = session.get(Visit, run.visit_id)
    manager = session.get(Staff, visit.manager_id)
    day = as_utc(visit.started_at).astimezone(installation_calendar(session).zone)
    return filled.replace("{manager}", manager.name).replace("{date}", f"{day.month}月{day.day}日")


def spoken_time(session, at):
    """``11月24日10点00分`` (``11/24 at 10:00``) in the installation's time zone."""
    local = as_utc(at).astimezone(installation_calendar(session).zone)
    return _(
        "%(month)s/%(day)s at %(hour)s:%(minute)s",
        month=local.month,
        day=local.day,
        hour=local.hour,
        minute=f"{local.minute:02d}",
    )


def opening_choice(digits):
    """``go``, ``rebook`` or None (nothing or another key: ask again)."""
    return OPENING_CHOICES.get((digits or "").strip())


def ask_again(tries, digits):
    """After hearing ``tries`` of a prompt brought no valid answer: ``"wrong_key"`` (keys were pressed: say
    so, then ask again), ``"silence"`` (ask again) or None (the tries are used up: move on)."""
    if tries >= TRIES:
        return None
    return "wrong_key" if digits else "silence"


def question_at(run, position):
    return next((q for q in run.survey.questions if q.position == position), None)


def next_question(run, question=None):
    """The question after ``question`` (the first one when None); None after the last."""
    after = question.position if question is not None else 0
    return next((q for q in run.survey.questions if q.position > after), None)


def valid_answer(question, digits):
    """The keyed answer as given (``"2"``, ``"10"``), or None when it is not one of the question's answers."""
    value = (digits or "").strip().rstrip("#")
    if question.kind == "score":
        return value if value.isdigit() and int(value) in SCORE_RANGE else None
    return value if question.keys and value in question.keys else None


def is_flagged(question, value):
    """Whether this answer reopens the case (or flags the visit)."""
    if question.kind == "score":
        return question.reopen_at_or_below is not None and int(value) <= question.reopen_at_or_below
    return value in (question.reopen_on or ())


# Answers are written through the table (Core): one per webhook, no ORM bulk machinery to go through.
_ANSWERS = SurveyAnswer.__table__


def record_answer(session, run, question, value=None, recording_url=None, call_sid=None):
    """Store one answer as given, in one ``INSERT … ON CONFLICT DO NOTHING``; whether it was stored now.

    A question answered before keeps its first answer (a retried or repeated delivery changes
    nothing), except that a voice answer whose transcription came first gets its recording.
    A flagged answer reopens and escalates the case.
    """
    values = {"run_id": run.id, "question_id": question.id, "value": value, "recording_url": recording_url}
    stmt = insert_or_skip(session, _ANSWERS, ["run_id", "question_id"], _ANSWERS.c.id)
    if session.execute(stmt, {**values, "call_sid": call_sid, "at": now()}).first() is None:
        if recording_url:
            _fill(session, run, question, recording_url=recording_url)
        return False
    if value is not None and question.kind != "voice" and is_flagged(question, value):
        _act_on_flagged_answer(session, run, question, value)
    return True


def record_transcription(session, run, question, text):
    """What Twilio heard in a voice answer (it may arrive before or after the recording's own request)."""
    record_answer(session, run, question)
    _fill(session, run, question, transcription=text)


def _fill(session, run, question, **columns):
    """Set the answer's ``columns`` that are still empty."""
    for name, value in columns.items():
        column = getattr(SurveyAnswer, name)
        session.execute(
            update(SurveyAnswer)
            .where(SurveyAnswer.run_id == run.id, SurveyAnswer.question_id == question.id, column.is_(None))
            .values({name: value})
        )


def _act_on_flagged_answer(session, run, question, value):
    if run.case_id is not None:
        reopen_and_escalate(session, run, question, value)
    elif run.visit_id is not None:
        _flag_visit(session, run, question, value)


def reopen_and_escalate(session, run, question, value):
    """Reopen the run's case and tell the owner's supervisor — unless this run already did."""
    case = session.get(Case, run.case_id)
    if case.status not in ("resolved", "closed") or case.reopened_count != run.case_resolution:
        return None
    label = f"{question.code}={value}"
    workflow.reopen(session, None, case, reason=f"survey:{label}")
    at = now()
    facts = {"case_id": case.id, "subject": case.subject, "question": question.code, "answer": value}
    people = Roster(session).supervisors_of(case.owner, case.branch_id)
    for person in people:
        text = in_their_language(CASE_NOTICE, person, facts)
        notify(session, person, case, "survey_dissatisfied", text, f"survey:{run.id}:{person.id}", at=at)
    session.add(
        CaseEvent(
            case_id=case.id,
            at=at,
            action="survey.escalated",
            detail={"run_id": run.id, "answer": label, "notified": [person.id for person in people]},
        )
    )
    session.flush()
    return case


def _flag_visit(session, run, question, value):
    visit = session.get(Visit, run.visit_id)
    manager = session.get(Staff, visit.manager_id)
    day = as_utc(visit.started_at).astimezone(installation_calendar(session).zone).date()
    facts = {
        "manager": manager.name,
        "date": day.isoformat(),
        "question": question.code,
        "answer": value,
        "customer_id": run.customer_id,
    }
    customer = session.get(Customer, run.customer_id)
    for person in _told_of_flagged_visit(session, run, manager):
        key = f"survey:{run.id}:{person.id}"
        if session.scalar(select(Notification.id).where(Notification.dedupe_key == key)) is None:
            text = in_their_language(VISIT_NOTICE, person, facts)
            notify(session, person, None, "visit_check_flagged", text, key, customer=customer)
    session.flush()


def in_their_language(template, person, facts):
    """``template`` (a lazy msgid with ``{fields}``) filled with ``facts`` in ``person``'s language."""
    with in_language(person.language):
        return str(template).format(**facts)


def _told_of_flagged_visit(session, run, manager):
    """The manager's supervisors and whoever asked for the check, each once. A second flagged answer of the
    same run (not visited, then dissatisfied) finds them told already: one notice per person and run."""
    people = {person.id: person for person in Roster(session).supervisors_of(manager, manager.branch_id)}
    if run.requested_by_id is not None and run.requested_by_id not in people:
        people[run.requested_by_id] = session.get(Staff, run.requested_by_id)
    return list(people.values())


def begin(session, run, call_sid):
    """The customer agreed to answer (opening key 1); whether the run now waits for the answers. Only a run
    ringing on this call begins: a key 1 replayed after the run ended (its receipt pruned) changes nothing."""
    began = session.execute(
        update(SurveyRun)
        .where(
            SurveyRun.id == run.id,
            SurveyRun.state == "calling",
            or_(SurveyRun.call_sid.is_(None), SurveyRun.call_sid == call_sid),
        )
        .values(state="in_progress", call_sid=call_sid)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(run)
    return bool(began)


def complete(session, run):
    """Every question was asked: the run is done (the closing phrase is next)."""
    if run.state in OPEN_STATES:
        run.state = "completed"
        run.completed_at = now()
        run.last_result = "completed"
        session.flush()
    return run
