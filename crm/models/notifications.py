"""Per-user inbox notices, optionally also sent by SMS — DOMAIN §5 escalation."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crm.core.clock import now
from crm.extensions import db
from crm.models.types import UTCDateTime, enum_check

SMS_STATES = ("none", "pending", "sent", "failed")


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        CheckConstraint(enum_check("sms_state", SMS_STATES), name="sms_state"),
        Index("ix_notifications_recipient_read", "recipient_id", "read_at"),
        Index("ix_notifications_sms_pending", "sms_state", "sms_not_before"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    # The customer a notice is about (care reminders): notice texts name no customer, they link one.
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    # One notice per (case, clock, step, recipient): a second sweep cannot write it again.
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sms_state: Mapped[str] = mapped_column(String(8), default="none")
    sms_not_before: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sms_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sms_sid: Mapped[str | None] = mapped_column(String(64))
