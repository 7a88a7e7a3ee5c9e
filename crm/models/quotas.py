"""Activity-volume quota targets (活动量指标) — DOMAIN §4.

A target belongs to one manager (``staff_id``), to a team (``branch_id`` alone) or to the whole
installation (neither). It is never edited: a new target closes the row in force (``valid_to``) and
adds a row, so the attainment of a past period is computed against the targets of that period.
``valid_to`` is the first day the target no longer applies (exclusive); None: still in force.
A personal target keeps its manager's branch in ``branch_id``, for the access rule.
"""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.core.clock import now
from crm.extensions import db
from crm.models.types import UTCDateTime, enum_check

ACTIVITY_KINDS = (
    "contact_calls",
    "appointments",
    "on_site_visits",
    "home_visits",
    "new_prospects",
    "surveys_completed",
    "cases_resolved",
)
PERIODS = ("day", "week", "month", "quarter")


class QuotaTarget(db.Model):
    __tablename__ = "quota_targets"
    __table_args__ = (
        CheckConstraint(enum_check("kind", ACTIVITY_KINDS), name="kind"),
        CheckConstraint(enum_check("period", PERIODS), name="period"),
        CheckConstraint("target > 0", name="target_positive"),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="validity_ordered"),
        CheckConstraint("staff_id IS NULL OR branch_id IS NOT NULL", name="personal_has_branch"),
        Index("ix_quota_targets_scope", "kind", "period", "staff_id", "branch_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    period: Mapped[str] = mapped_column(String(8))
    target: Mapped[int]
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    staff = relationship("Staff", foreign_keys=[staff_id], lazy="joined")

    @property
    def scope(self):
        """``personal``, ``team`` or ``default`` — the precedence order, strongest first."""
        if self.staff_id is not None:
            return "personal"
        return "team" if self.branch_id is not None else "default"
