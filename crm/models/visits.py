"""Visit log entries (拜访记录) — DOMAIN §4."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.extensions import db
from crm.models.customers import CHANNELS
from crm.models.types import UTCDateTime, enum_check

PURPOSES = ("service", "product", "risk_reminder", "care", "retention", "account_opening", "other")


class Visit(db.Model):
    __tablename__ = "visits"
    __table_args__ = (
        CheckConstraint(enum_check("channel", CHANNELS), name="channel"),
        CheckConstraint(enum_check("purpose", PURPOSES), name="purpose"),
        CheckConstraint("duration_minutes >= 0", name="duration_not_negative"),
        CheckConstraint("self_score IS NULL OR self_score BETWEEN 1 AND 5", name="self_score_range"),
        Index("ix_visits_manager_started", "manager_id", "started_at"),
        Index("ix_visits_customer_started", "customer_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    manager_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_minutes: Mapped[int] = mapped_column(default=0)
    purpose: Mapped[str] = mapped_column(String(16))
    summary: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(Text)
    next_step: Mapped[str | None] = mapped_column(Text)
    next_step_on: Mapped[date | None] = mapped_column(Date)
    # 登门拜访客户自我评估: the manager's own rating of the visit, 1 (poor) to 5 (excellent).
    self_score: Mapped[int | None]
    call_sid: Mapped[str | None] = mapped_column(String(64))

    manager = relationship("Staff", lazy="joined")
    customer = relationship("Customer", lazy="joined")
