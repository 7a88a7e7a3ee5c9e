"""Domain logic as plain functions over a session and the one clock, one package per business area.

The areas, each allowed to import only those before it (and ``crm.core``, ``crm.models``,
``crm.errors``); never Flask's request state, ``crm.api``, ``telephony`` or ``workers``:

=========== ==================================================================================
org         staff, branches, phone lines, the audit trail, who sees what (access), who is told (duty)
customers   records, classification, import, risk questionnaire, suitability, visits
cases       first-responder cases, working-day deadlines, escalation, notices; ``calendar/``
calls       the IVR's decisions, call log, complaint line, greetings and scripts, presence
surveys     callback and visit-check surveys, and the dialer that rings them
messages    SMS to customers: templates, the outbox and its sender, delivery status, opt-out (退订)
activity    quotas and attainment, work logs, spot checks, care reminders and the contact cadence
quality     QA checks of calls against the scripts, the call-quality report
demo        demo data (uses every area)
=========== ==================================================================================

When a later area must act on an earlier one's change (a resolved case owes a survey), the
database carries the hand-over and a periodic sweep of the later area picks it up.
"""
