"""Customer SMS (S2 §34–35: every SMS to a customer goes through the CRM), their templates, and the
marketing words no text to a customer may carry (issue 10 items 8–9)."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.core.clock import now
from crm.extensions import db
from crm.models.types import UTCDateTime, enum_check

# queued: waits for business hours or a sender; sent: Twilio took it; then Twilio's status callback
# says delivered / undelivered / failed. blocked: the customer opted out before it went.
MESSAGE_STATES = ("queued", "sent", "delivered", "undelivered", "failed", "blocked")
MESSAGE_KINDS = ("staff", "welcome")


class CustomerMessage(db.Model):
    """One SMS to a customer, its body and its delivery status: the outbox and the log in one row.

    The sender claims a queued row for a lease (``attempts``, ``claimed_until``); only the
    ``message_sid`` written after Twilio took the message confirms it.
    """

    __tablename__ = "customer_messages"
    __table_args__ = (
        CheckConstraint(enum_check("state", MESSAGE_STATES), name="state"),
        CheckConstraint(enum_check("kind", MESSAGE_KINDS), name="kind"),
        Index("ix_customer_messages_customer_created", "customer_id", "created_at"),
        Index(
            "ix_customer_messages_queued",
            "not_before",
            postgresql_where="state = 'queued'",
            sqlite_where="state = 'queued'",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))  # None: the system (welcome)
    kind: Mapped[str] = mapped_column(String(16), default="staff")
    template_key: Mapped[str | None] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)
    urgent: Mapped[bool] = mapped_column(default=False)
    # One welcome per customer: ``welcome:<customer id>``; None for staff messages.
    dedupe_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    state: Mapped[str] = mapped_column(String(16), default="queued")
    not_before: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    message_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    error_code: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    author = relationship("Staff", lazy="joined")


class SmsTemplate(db.Model):
    """A message text with ``{variables}``, admin-editable; ``key`` names it (``welcome`` is the welcome)."""

    __tablename__ = "sms_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    body: Mapped[str] = mapped_column(String(500))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)


class MarketingWord(db.Model):
    """A word no recommendation, case reply or customer SMS may contain (the seeds' 违规用语)."""

    __tablename__ = "marketing_words"

    id: Mapped[int] = mapped_column(primary_key=True)
    word: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
