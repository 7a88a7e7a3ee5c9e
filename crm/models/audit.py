"""The audit trail (留痕) of changes to customer data, their visits, and reads of their documents — DOMAIN §1."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.core.clock import now
from crm.extensions import db
from crm.models.types import UTCDateTime


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_customer_at", "customer_id", "at"),
        Index("ix_audit_entries_visit_at", "visit_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    # A change to one of the customer's visits (its fields are ``visit.<name>``), else None.
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"))
    # None: the system itself (an import, a nightly reclassification).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    field: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    # What the change rests on: a call SID, a document reference, a note.
    evidence: Mapped[str | None] = mapped_column(Text)

    actor = relationship("Staff", lazy="joined")
