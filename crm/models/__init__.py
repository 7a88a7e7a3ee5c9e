"""SQLAlchemy models, one module per aggregate; all imported here so Alembic sees every table.

Models may import only ``crm.extensions`` (for ``db``), ``crm.core`` and each other: never services,
the API, telephony or workers (``tests/test_layers.py`` checks it). Invariants a bad row would break
are database constraints here, not just checks in the services.
"""

# Staff first: importing ``customers`` (its column property) configures the mappers known so far, and
# several of them point at Staff.
from crm.models.staff import Branch, Staff  # isort: split

from crm.models.audit import AuditEntry
from crm.models.care import ContactCadence, CustomerDate
from crm.models.cases import CalendarOverride, Case, CaseDeadline, CaseEvent, CaseReply, DeadlinePolicy
from crm.models.complaints import ComplaintRecord, ComplaintRegisterSignoff, ComplaintSerial
from crm.models.credentials import Credential
from crm.models.customers import Customer, CustomerPhone, RiskAssessment
from crm.models.documents import Document
from crm.models.heartbeats import Heartbeat
from crm.models.messages import CustomerMessage, MarketingWord, SmsTemplate
from crm.models.notifications import Notification
from crm.models.products import Product, Recommendation
from crm.models.quality import CallUtterance, QaFlag, QaPhrase, QaResult
from crm.models.quotas import QuotaTarget
from crm.models.reference import ReferenceVersion
from crm.models.reports import ReportRun
from crm.models.spot_checks import SpotCheck, SpotCheckVisit
from crm.models.surveys import Survey, SurveyAnswer, SurveyQuestion, SurveyRun
from crm.models.telephony import Call, CallEvent, ComplaintCallout, PhoneLine, Script, WebhookReceipt
from crm.models.visits import Visit
from crm.models.work_logs import WorkLog

__all__ = [
    "AuditEntry",
    "Call",
    "CallEvent",
    "CallUtterance",
    "ComplaintCallout",
    "ComplaintRecord",
    "ComplaintRegisterSignoff",
    "ComplaintSerial",
    "Heartbeat",
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
    "Credential",
    "Document",
    "DeadlinePolicy",
    "Notification",
    "Branch",
    "Customer",
    "CustomerMessage",
    "MarketingWord",
    "SmsTemplate",
    "CustomerPhone",
    "Product",
    "QaFlag",
    "QaPhrase",
    "QaResult",
    "QuotaTarget",
    "ReferenceVersion",
    "Recommendation",
    "ReportRun",
    "RiskAssessment",
    "Staff",
    "Visit",
    "ContactCadence",
    "CustomerDate",
    "SpotCheck",
    "SpotCheckVisit",
    "WorkLog",
]
