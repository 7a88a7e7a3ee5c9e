"""Spot checks (抽查) of a manager's visits — DOMAIN §4, issue 11 item 3.

A supervisor draws ``k`` of a manager's visits in a period at random with a ``seed``; the candidates
(their ids, sorted) are kept with the draw, so anyone can replay it: ``random.Random(seed).sample``
of the candidates gives the same visits. Each drawn visit gets the visit-verification survey.
"""

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.core.clock import now
from crm.extensions import db
from crm.models.types import UTCDateTime


class SpotCheck(db.Model):
    __tablename__ = "spot_checks"
    __table_args__ = (
        CheckConstraint("k >= 1", name="k_positive"),
        CheckConstraint("seed >= 0", name="seed_not_negative"),
        CheckConstraint("period_end >= period_start", name="period_order"),
        Index("ix_spot_checks_branch_drawn", "branch_id", "drawn_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"))
    manager_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    drawn_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    # Local dates, both inclusive.
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    k: Mapped[int]
    seed: Mapped[int]
    # The visits the draw was made from, ids ascending: what a replay samples.
    candidate_ids: Mapped[list] = mapped_column(JSON)
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    manager = relationship("Staff", foreign_keys=[manager_id], lazy="joined")
    drawn_by = relationship("Staff", foreign_keys=[drawn_by_id], lazy="joined")
    visits: Mapped[list["SpotCheckVisit"]] = relationship(order_by="SpotCheckVisit.id", lazy="selectin")


class SpotCheckVisit(db.Model):
    """One drawn visit and the verification survey run it got. A visit is spot-checked at most once."""

    __tablename__ = "spot_check_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    spot_check_id: Mapped[int] = mapped_column(ForeignKey("spot_checks.id", ondelete="CASCADE"), index=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), unique=True)
    survey_run_id: Mapped[int] = mapped_column(ForeignKey("survey_runs.id"))

    visit = relationship("Visit", lazy="joined")
    run = relationship("SurveyRun", lazy="joined")
