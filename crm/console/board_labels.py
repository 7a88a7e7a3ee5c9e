"""Words the supervision pages show for the codes the services use (case kinds, clocks, presence…)."""

from flask_babel import lazy_gettext as _l

CASE_KINDS = {
    "inquiry": _l("Inquiry"),
    "email_inquiry": _l("E-mail inquiry"),
    "opinion": _l("Opinion"),
    "complaint": _l("Complaint"),
    "retention": _l("Retention"),
    "report_delivery": _l("Report delivery"),
}
CLOCKS = {
    "dispatch": _l("Dispatch"),
    "first_response": _l("First response"),
    "resolution": _l("Resolution"),
}
LEVELS = {
    0: _l("Not escalated"),
    1: _l("Owner reminded"),
    2: _l("Supervisor told"),
    3: _l("Branch head told"),
}
PRESENCE = {
    "offline": _l("Offline"),
    "ready": _l("Ready"),
    "busy": _l("On a call"),
    "wrap_up": _l("Wrap-up"),
}
CALL_STATUSES = {"ringing": _l("Ringing"), "in-progress": _l("Talking"), "answered": _l("Talking")}
QA_DECISIONS = {"confirmed": _l("Confirmed"), "dismissed": _l("Dismissed")}


def label(labels, code):
    """The label of ``code``, or the code itself when it has none (a value added later)."""
    return labels.get(code, code)


QA_RULES = {
    "greeting_missing": _l("No greeting"),
    "greeting_without_job_no": _l("Greeting without the job number"),
    "greeting_wrong_job_no": _l("Greeting with a wrong job number"),
    "closing_missing": _l("No closing"),
    "readback_missing": _l("No read-back"),
    "forbidden_phrase": _l("Forbidden phrase"),
}

ACTIVITY_KINDS = {
    "contact_calls": _l("Contact calls"),
    "appointments": _l("Appointments"),
    "on_site_visits": _l("On-site visits"),
    "home_visits": _l("Home visits"),
    "new_prospects": _l("New prospects"),
    "surveys_completed": _l("Surveys completed"),
    "cases_resolved": _l("Cases resolved"),
}
PERIODS = {"day": _l("Day"), "week": _l("Week"), "month": _l("Month"), "quarter": _l("Quarter")}
LOG_KINDS = {"daily": _l("Daily log"), "weekly": _l("Weekly summary")}


def percent(ratio):
    """0.4444 → "44.4 %"; None (no target, no calls) → "—"."""
    return "—" if ratio is None else f"{ratio * 100:.1f} %"


SPOT_STATES = {
    "pending": _l("Pending"),
    "confirmed": _l("Confirmed by the customer"),
    "denied": _l("Denied by the customer"),
    "unreachable": _l("Unreachable"),
}

SURVEY_QUESTIONS = {
    "solved": _l("Solved"),
    "attitude": _l("Attitude"),
    "charged": _l("Charged a fee"),
    "score": _l("Score"),
    "suggestions": _l("Suggestions"),
    "visited": _l("Visited"),
    "satisfied": _l("Satisfied"),
}
ANSWER_MEANINGS = {
    "yes": _l("Yes"),
    "no": _l("No"),
    "satisfied": _l("Satisfied"),
    "average": _l("Average"),
    "dissatisfied": _l("Dissatisfied"),
}
