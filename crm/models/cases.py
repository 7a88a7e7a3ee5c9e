"""Cases under first-responder ownership, their deadlines and history — DOMAIN §5."""

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.core.clock import now
from crm.extensions import db
from crm.models.types import UTCDateTime, enum_check

KINDS = ("inquiry", "email_inquiry", "opinion", "complaint", "retention", "report_delivery")
CASE_CHANNELS = ("phone", "on_site", "email", "online", "ivr", "sms")
STATUSES = ("new", "dispatched", "investigating", "replied", "resolved", "closed", "reopened")
PRIORITIES = ("low", "normal", "high", "urgent")
COMPLAINT_CATEGORIES = ("attitude", "competence", "efficiency", "other")
QUALITY_TYPES = ("service", "product")
# The clocks a case runs; which ones a kind has comes from its DeadlinePolicy.
CLOCKS = ("dispatch", "first_response", "resolution")
DEADLINE_UNITS = ("minutes", "working_days")
RECUSAL = (
    "complained_staff_id IS NULL OR (owner_id <> complained_staff_id"
    " AND (handler_id IS NULL OR handler_id <> complained_staff_id))"
)


class Case(db.Model):
    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint(enum_check("kind", KINDS), name="kind"),
        CheckConstraint(enum_check("channel", CASE_CHANNELS), name="channel"),
        CheckConstraint(enum_check("status", STATUSES), name="status"),
        CheckConstraint(enum_check("priority", PRIORITIES), name="priority"),
        CheckConstraint(f"category IS NULL OR {enum_check('category', COMPLAINT_CATEGORIES)}", name="category"),
        CheckConstraint(f"quality_type IS NULL OR {enum_check('quality_type', QUALITY_TYPES)}", name="quality_type"),
        # 被投诉人应当回避: the person complained about neither owns nor handles the complaint.
        CheckConstraint(RECUSAL, name="recusal_owner_handler"),
        Index("ix_cases_branch_status", "branch_id", "status"),
        Index("ix_cases_owner_status", "owner_id", "status"),
        # The call-quality report's complaints: those of one kind opened in a period.
        Index("ix_cases_kind_opened", "kind", "opened_at"),
        # The survey dialer's sweep looks for recent resolutions still owed their callback survey. Partial:
        # open cases (most rows, often updated by the escalation sweep) are not in it and do not maintain it.
        Index(
            "ix_cases_resolved_at",
            "resolved_at",
            postgresql_where=text("resolved_at IS NOT NULL"),
            sqlite_where=text("resolved_at IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"))
    channel: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str | None] = mapped_column(Text)
    # The caller's number (E.164) of a case opened from a call: a field of its own, masked like a customer's
    # phones, never in the subject or body (issue 9 item 2).
    caller_number: Mapped[str | None] = mapped_column(String(32))
    priority: Mapped[str] = mapped_column(String(8), default="normal")
    category: Mapped[str | None] = mapped_column(String(16))
    quality_type: Mapped[str | None] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default="new")
    is_vip: Mapped[bool] = mapped_column(default=False)
    # 首问负责制: the first responder owns the case until the customer has an answer.
    owner_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    complained_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopened_count: Mapped[int] = mapped_column(default=0)
    overdue: Mapped[bool] = mapped_column(default=False)
    # Twilio CallSid, recording, or message that opened the case; unique so a retried webhook opens one case.
    source_ref: Mapped[str | None] = mapped_column(String(120), unique=True)

    owner = relationship("Staff", foreign_keys=[owner_id], lazy="joined")
    handler = relationship("Staff", foreign_keys=[handler_id], lazy="joined")
    complained_staff = relationship("Staff", foreign_keys=[complained_staff_id])
    customer = relationship("Customer", lazy="joined")
    complaint_record = relationship("ComplaintRecord", uselist=False, lazy="joined")
    deadlines: Mapped[list["CaseDeadline"]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseDeadline.due_at", lazy="selectin"
    )


class CaseDeadline(db.Model):
    """One clock of a case. ``level`` is the escalation step taken: 0 none, 1 reminded,
    2 overdue (supervisor told), 3 branch head told. ``next_action_at`` is when the
    next step falls due; the sweep reads only rows whose time has come."""

    __tablename__ = "case_deadlines"
    __table_args__ = (
        UniqueConstraint("case_id", "clock", name="uq_case_deadlines_case_clock"),
        CheckConstraint(enum_check("clock", CLOCKS), name="clock"),
        CheckConstraint("level BETWEEN 0 AND 3", name="level_range"),
        # The sweep's queue: pending rows in (next_action_at, id) order, paged by that key (escalation.due_selection).
        Index(
            "ix_case_deadlines_pending",
            "next_action_at",
            "id",
            postgresql_where=text("met_at IS NULL AND next_action_at IS NOT NULL"),
            sqlite_where=text("met_at IS NULL AND next_action_at IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    clock: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    remind_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    head_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    met_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    level: Mapped[int] = mapped_column(default=0)
    next_action_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship(back_populates="deadlines")

    @property
    def met(self):
        return self.met_at is not None and self.met_at <= self.due_at


class CaseEvent(db.Model):
    """The case history (留痕): who, when, what, by which channel."""

    __tablename__ = "case_events"
    __table_args__ = (Index("ix_case_events_case_at", "case_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    action: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str | None] = mapped_column(String(16))
    detail: Mapped[dict | None] = mapped_column(JSON)

    actor = relationship("Staff", lazy="joined")


class CaseReply(db.Model):
    __tablename__ = "case_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    author_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    channel: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)

    author = relationship("Staff", lazy="joined")


class DeadlinePolicy(db.Model):
    """Kind × customer tier → limits for each clock. Data, editable by admins."""

    __tablename__ = "deadline_policies"
    __table_args__ = (
        UniqueConstraint("kind", "vip", "clock", name="uq_deadline_policies_kind_vip_clock"),
        CheckConstraint(enum_check("kind", KINDS), name="kind"),
        CheckConstraint(enum_check("clock", CLOCKS), name="clock"),
        CheckConstraint(enum_check("unit", DEADLINE_UNITS), name="unit"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    vip: Mapped[bool] = mapped_column(default=False)
    clock: Mapped[str] = mapped_column(String(16))
    amount: Mapped[int]
    unit: Mapped[str] = mapped_column(String(16))


class CalendarOverride(db.Model):
    """An installation's own holiday or extra working day on top of the holiday library."""

    __tablename__ = "calendar_overrides"
    __table_args__ = (CheckConstraint("kind IN ('holiday', 'workday')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    kind: Mapped[str] = mapped_column(String(8))
    note: Mapped[str | None] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
