"""The complaint record (《客户投诉记录表》), its numbering and the daily register — issue 10 items 3–4."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.core.clock import now
from crm.extensions import db
from crm.models.types import UTCDateTime, enum_check

FINDINGS = ("founded", "partly_founded", "unfounded")
RESULT_CHANNELS = ("phone", "on_site", "email", "letter", "sms")


class ComplaintRecord(db.Model):
    """What an auditor reads of one complaint: the customer's demand, the finding and what came of it."""

    __tablename__ = "complaint_records"
    __table_args__ = (
        CheckConstraint(f"finding IS NULL OR {enum_check('finding', FINDINGS)}", name="finding"),
        CheckConstraint(f"result_channel IS NULL OR {enum_check('result_channel', RESULT_CHANNELS)}", name="channel"),
    )

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    # <branch code>-<yyyymm>-<serial>, serial per branch and month of intake (installation time zone).
    number: Mapped[str] = mapped_column(String(48), unique=True)
    demand: Mapped[str | None] = mapped_column(Text)  # 诉求, as taken at intake
    finding: Mapped[str | None] = mapped_column(String(16))
    finding_reason: Mapped[str | None] = mapped_column(Text)
    responsible: Mapped[str | None] = mapped_column(Text)  # who or what was responsible
    corrective_action: Mapped[str | None] = mapped_column(Text)
    result: Mapped[str | None] = mapped_column(Text)  # the final result told to the customer
    result_channel: Mapped[str | None] = mapped_column(String(16))  # … and how
    customer_reaction: Mapped[str | None] = mapped_column(Text)
    evaluation: Mapped[str | None] = mapped_column(Text)  # the closing evaluation (总结与综合评价)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))


class ComplaintSerial(db.Model):
    """The last complaint serial given per branch and month: numbers are taken by one upsert, never reused."""

    __tablename__ = "complaint_serials"

    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), primary_key=True)
    month: Mapped[str] = mapped_column(String(6), primary_key=True)  # yyyymm
    last: Mapped[int]


class ComplaintRegisterSignoff(db.Model):
    """A supervisor's sign-off of a branch's daily complaint register (投诉登记台帐)."""

    __tablename__ = "complaint_register_signoffs"
    __table_args__ = (UniqueConstraint("branch_id", "day", name="uq_complaint_register_signoffs_branch_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"))
    day: Mapped[date] = mapped_column(Date)
    signed_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    remark: Mapped[str | None] = mapped_column(Text)

    signed_by = relationship("Staff", lazy="joined")
