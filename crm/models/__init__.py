"""All models, imported here so Alembic and ``db.create_all`` see every table."""

from crm.models.audit import AuditEntry
from crm.models.cases import CalendarOverride, Case, CaseDeadline, CaseEvent, CaseReply, DeadlinePolicy
from crm.models.customers import Customer, CustomerPhone, RiskAssessment
from crm.models.notifications import Notification
from crm.models.products import Product, Recommendation
from crm.models.staff import Branch, Staff
from crm.models.surveys import Survey, SurveyAnswer, SurveyQuestion, SurveyRun
from crm.models.telephony import Call, CallEvent, PhoneLine, Script, WebhookReceipt
from crm.models.visits import Visit

__all__ = [
    "AuditEntry",
    "Call",
    "CallEvent",
    "PhoneLine",
    "Script",
    "Survey",
    "SurveyAnswer",
    "SurveyQuestion",
    "SurveyRun",
    "WebhookReceipt",
    "CalendarOverride",
    "Case",
    "CaseDeadline",
    "CaseEvent",
    "CaseReply",
    "DeadlinePolicy",
    "Notification",
    "Branch",
    "Customer",
    "CustomerPhone",
    "Product",
    "Recommendation",
    "RiskAssessment",
    "Staff",
    "Visit",
]
