"""Work logs and weekly summaries (工作日志 · 周工作总结) — DOMAIN §4.

Generated from the manager's recorded activity (``figures``: counts against targets; ``items``: the
calls, visits, cases and surveys by id with short non-personal facts), with the manager's own
``remarks``; the branch's supervisor marks each reviewed once, with a comment. Regeneration refreshes
the figures of a log not yet reviewed and never touches the remarks.
"""

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.core.clock import now
from crm.extensions import db
from crm.models.types import UTCDateTime, enum_check

LOG_KINDS = ("daily", "weekly")


class WorkLog(db.Model):
    __tablename__ = "work_logs"
    __table_args__ = (
        CheckConstraint(enum_check("kind", LOG_KINDS), name="kind"),
        CheckConstraint("period_end >= period_start", name="period_ordered"),
        UniqueConstraint("staff_id", "kind", "period_start", name="uq_work_logs_staff_kind_start"),
        Index("ix_work_logs_branch_start", "branch_id", "period_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"))
    kind: Mapped[str] = mapped_column(String(8))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    figures: Mapped[list] = mapped_column(JSON)
    items: Mapped[dict] = mapped_column(JSON)
    remarks: Mapped[str | None] = mapped_column(Text)
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    review_comment: Mapped[str | None] = mapped_column(Text)

    staff = relationship("Staff", foreign_keys=[staff_id], lazy="joined")
