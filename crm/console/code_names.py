"""What the console shows for the codes stored on customers, visits and cases (``phone``, ``short_term``,
``very_low`` …): one translated name per code, ``code_name(code)`` or ``| code_name`` in templates (the code
itself when it has none). Forms still send the codes."""

from flask_babel import lazy_gettext as _l

from crm.console.views import console

CODE_NAMES = {
    # Channels (customers' preferred channel, visits)
    "phone": _l("Phone"),
    "on_site": _l("On site"),
    "home_visit": _l("Home visit"),
    "online": _l("Online"),
    "sms": _l("SMS"),
    "email": _l("E-mail"),
    # Calls: direction, outcome, status
    "inbound": _l("Inbound"),
    "outbound": _l("Outbound"),
    "answered": _l("Picked up"),
    "abandoned": _l("Abandoned"),
    "busy": _l("Line busy"),
    "no_answer": _l("No answer"),
    "no-answer": _l("No answer"),
    "failed": _l("Failed"),
    "voicemail": _l("Voicemail"),
    "completed": _l("Ended"),
    "in-progress": _l("In progress"),
    "ringing": _l("Ringing"),
    # Visit purposes
    "service": _l("Service"),
    "product": _l("Product"),
    "risk_reminder": _l("Risk reminder"),
    "care": _l("Care"),
    "retention": _l("Retention"),
    "account_opening": _l("Account opening"),
    "other": _l("Other"),
    # Risk bands and product risk levels
    "very_low": _l("Very low"),
    "low": _l("Low"),
    "medium": _l("Medium"),
    "high": _l("High"),
    # Hand labels
    "short_term": _l("Short-term"),
    "swing": _l("Swing"),
    "value": _l("Value"),
    "gold": _l("Gold"),
    "rising_star": _l("Rising star"),
    "maintenance": _l("Maintenance"),
    "free": _l("Free"),
    "risk_averse": _l("Risk-averse"),
    "dependent": _l("Dependent"),
    "independent": _l("Independent"),
    "autonomous": _l("Autonomous"),
    # Customer and case statuses
    "prospect": _l("Prospect"),
    "active": _l("Active customer"),
    "closed": _l("Closed"),
    "new": _l("New"),
    "dispatched": _l("Dispatched"),
    "investigating": _l("Investigating"),
    "replied": _l("Replied"),
    "resolved": _l("Resolved"),
    "reopened": _l("Reopened"),
    # Phone labels (free text; the usual ones)
    "mobile": _l("Mobile"),
    "home": _l("Home"),
    "office": _l("Office"),
    # Fields named in the audit trail
    "status": _l("Status"),
    "is_vip": _l("VIP"),
    "vip_since": _l("VIP since"),
    "trading_habit": _l("Trading habit"),
    "value_segment": _l("Value segment"),
    "decision_style": _l("Decision style"),
    "phones": _l("Phones"),
    "manager": _l("Manager"),
    "customer_class": _l("Class"),
    "risk_tolerance": _l("Risk tolerance"),
    "sms_opt_out": _l("SMS opt-out"),
    "document_read": _l("Document read"),
    "document_read_refused": _l("Document read refused"),
    "document_tampered": _l("Document tampered with"),
}


@console.app_template_global()
@console.app_template_filter()
def code_name(code):
    return CODE_NAMES.get(code, code) if code else code
