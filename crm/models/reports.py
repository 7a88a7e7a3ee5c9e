"""Report runs: a report asked for (or scheduled), worked out on the ``reports`` queue, its file kept.

The row is the source of truth; the queued job only executes it. ``heartbeat_at`` is refreshed when the
run is (re)enqueued, started and each time it reports progress: a queued or running run whose heartbeat
is older than the lease lost its job, and the periodic sweep enqueues it again (``attempts`` counts how
often it was handed to the queue). A scheduled run carries a ``dedupe_key`` (kind, day, scope, format), so
a repeated schedule never makes a second one.
"""

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.core.clock import now
from crm.extensions import db
from crm.models.types import UTCDateTime, enum_check

STATES = ("queued", "running", "done", "failed")
FORMATS = ("csv", "xlsx")


class ReportRun(db.Model):
    __tablename__ = "report_runs"
    __table_args__ = (
        CheckConstraint(enum_check("state", STATES), name="state"),
        CheckConstraint(enum_check("format", FORMATS), name="format"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress_range"),
        # A finished run has its file; no other run has one.
        CheckConstraint("(state = 'done') = (file_path IS NOT NULL)", name="file_when_done"),
        Index("ix_report_runs_state_heartbeat", "state", "heartbeat_at"),
        Index("ix_report_runs_kind_day", "kind", "for_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    format: Mapped[str] = mapped_column(String(4))
    # None: scheduled by the system.
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    # The branch the report covers; None: all branches (admins only).
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.id"), index=True)
    # The day a scheduled daily table is for (installation time zone).
    for_day: Mapped[date | None] = mapped_column(Date)
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    state: Mapped[str] = mapped_column(String(8), default="queued")
    progress: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(300))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    file_path: Mapped[str | None] = mapped_column(String(300))
    file_size: Mapped[int | None] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(String(120))
    filename: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    requested_by = relationship("Staff", lazy="joined")
