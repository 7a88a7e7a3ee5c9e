"""Branches and staff (agents, supervisors, admins) — DOMAIN §1."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.core.clock import now
from crm.extensions import db
from crm.models.types import UTCDateTime, enum_check

ROLES = ("agent", "supervisor", "admin")


class Branch(db.Model):
    __tablename__ = "branches"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    hotline: Mapped[str | None] = mapped_column(String(32))
    # Escalation target one working day past a deadline (DOMAIN §5).
    head_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", use_alter=True))
    # When the branch turned on the welcome SMS to new customers and prospects; None: off.
    welcome_sms_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    @property
    def welcome_sms(self):
        return self.welcome_sms_since is not None


class Staff(db.Model):
    __tablename__ = "staff"
    __table_args__ = (
        CheckConstraint(enum_check("role", ROLES), name="role"),
        CheckConstraint("role = 'admin' OR branch_id IS NOT NULL", name="branch_unless_admin"),
        CheckConstraint("presence IN ('offline', 'ready', 'busy', 'wrap_up')", name="presence"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_no: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16))
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.id"), index=True)
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    # The supervisor told when this person's case goes overdue (else the branch's duty supervisor).
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    # The supervisor paged for new complaints (one or more per branch).
    on_duty: Mapped[bool] = mapped_column(default=False)
    # Softphone presence used by call routing: offline / ready / busy / wrap_up.
    presence: Mapped[str] = mapped_column(String(8), default="offline", server_default="offline")
    presence_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The language texts to this person are written in (SMS, notices): their choice in the console.
    language: Mapped[str] = mapped_column(String(8), default="zh", server_default="zh")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    branch: Mapped[Branch | None] = relationship(lazy="joined", foreign_keys=[branch_id])

    @property
    def softphone_identity(self):
        return f"agent-{self.job_no}"
