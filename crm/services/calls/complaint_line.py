"""The complaint line (menu 2) — issue 5 §5: a recorded complaint becomes a case at once.

The caller picks a category, records the complaint, and a ``complaint`` case is opened with
its deadlines from the policies (dispatch within 5 minutes, DOMAIN §5). It is owned by the
branch's supervisor on duty (``Roster.responsible_for``): the person who must dispatch it. The duty
supervisors are paged at once (urgent: SMS at any hour); the escalation sweep pages again when
the dispatch deadline passes, and ``dispatch_calls`` has a worker *phone* the supervisors about
the complaints still not dispatched after their deadline — once per case and supervisor.
"""

from flask_babel import gettext as _

from crm.i18n import in_language
from crm.models import Case
from crm.services.calls import call_log, ivr
from crm.services.cases.notifications import notify
from crm.services.org.duty import Roster

# Complaint menu key → Case.category (DOMAIN §8 counts complaints by these).
CATEGORIES = {"1": "attitude", "2": "competence", "3": "efficiency", "4": "other"}
CATEGORY_LABELS = {"attitude": "服务态度", "competence": "业务能力", "efficiency": "办事效率", "other": "其他"}
# Complaints in these states still wait for their handling decision.
UNDISPATCHED = ("new", "reopened")
PAGE_KIND = "complaint_dispatch"


def choose_category(session, route, digits, attempt):
    """The category for ``digits`` (logged on the call); "retry" once for a wrong key, then "other"."""
    category = CATEGORIES.get(digits or "")
    if category is None:
        category = "retry" if attempt < ivr.MENU_RETRIES else "other"
    call_log.record_event(
        session, route.call, f"complaint_category:{attempt}", kind="complaint_category", digits=digits
    )
    return category


def take_complaint(session, route, category, recording_url, recording_sid=None):
    """Open the complaint case from the recording and page the supervisors on duty."""
    label = CATEGORY_LABELS[category]
    case = ivr.open_ivr_case(
        session,
        route,
        "complaint",
        Roster(session).responsible_for(route.case_branch_id),
        kind="complaint",
        category=category,
        quality_type="service",
        priority="high",
        subject=f"电话投诉：{label}",
        body=f"投诉录音：{recording_url}",
        demand=f"电话投诉（{label}），诉求见投诉录音。",
    )
    if call_log.record_event(session, route.call, "complaint_recorded", case_id=case.id, category=category):
        page_duty_supervisors(session, case)
    if recording_sid:
        call_log.record_recording(session, route.call.sid, recording_sid, recording_url)
    return case


def page_duty_supervisors(session, case):
    """The urgent page at intake: inbox notice + SMS at any hour, once per supervisor."""
    for supervisor in Roster(session).on_duty(case.branch_id):
        with in_language(supervisor.language):
            text = _(
                "New complaint case #%(id)s “%(subject)s”: dispatch it within 5 minutes.",
                id=case.id,
                subject=case.subject,
            )
        notify(
            session, supervisor, case, PAGE_KIND, text, f"case:{case.id}:complaint_intake:{supervisor.id}", urgent=True
        )
    session.flush()


def page_text(session, case_id):
    """What the supervisor hears when the dispatch call is answered (in the request's language: the caller's
    webhook names it)."""
    case = session.get(Case, case_id)
    if case is None:
        return _("The complaint case no longer exists.")
    if case.status not in UNDISPATCHED:
        return _("Complaint case number %(id)s has been dispatched; nothing to do.", id=case.id)
    return _(
        "Hello, this is the customer service system. Complaint case number %(id)s “%(subject)s” has waited more "
        "than five minutes for dispatch; please sign in and dispatch it now.",
        id=case.id,
        subject=case.subject,
    )
