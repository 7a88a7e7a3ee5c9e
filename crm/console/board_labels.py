"""Words the supervision pages show for the codes the services use (case kinds, clocks, presence…)."""

from flask_babel import gettext as _
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
QA_DECISIONS = {"confirmed": _l("Confirmed"), "dismissed": _l("Dismissed")}


def label(labels, code):
    """The label of ``code``, or the code itself when it has none (a value added later)."""
    return labels.get(code, code)


def duration(delta):
    """A lateness like "2 d 3 h" or "45 min"."""
    minutes = int(delta.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return _("%(d)s d %(h)s h", d=days, h=hours)
    if hours:
        return _("%(h)s h %(m)s min", h=hours, m=minutes)
    return _("%(m)s min", m=minutes)
