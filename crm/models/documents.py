"""The customer's dossier (一户一档): documents kept on a customer and, optionally, one of their cases.

The bytes live in the document folder under their sha256 (content-addressed, never overwritten);
a row says what the file is, who added it and when. A recording reference has no file: it names
the call (``reference``, a CallSid) the recording belongs to.
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.core.clock import now
from crm.extensions import db
from crm.models.types import UTCDateTime, enum_check

KINDS = ("signed_questionnaire", "risk_disclosure", "id_copy", "complaint_papers", "recording_reference")


class Document(db.Model):
    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint(enum_check("kind", KINDS), name="kind"),
        # A file (hash, type, size) or a reference, never both nor neither.
        CheckConstraint(
            "(sha256 IS NOT NULL AND content_type IS NOT NULL AND size_bytes IS NOT NULL AND reference IS NULL)"
            " OR (sha256 IS NULL AND content_type IS NULL AND size_bytes IS NULL AND reference IS NOT NULL)",
            name="file_or_reference",
        ),
        Index("ix_documents_customer_kind_added", "customer_id", "kind", "added_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    filename: Mapped[str | None] = mapped_column(String(200))
    sha256: Mapped[str | None] = mapped_column(String(64))
    content_type: Mapped[str | None] = mapped_column(String(80))
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    reference: Mapped[str | None] = mapped_column(String(64))
    added_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    added_by = relationship("Staff", lazy="joined")
    customer = relationship("Customer", lazy="joined")
    case = relationship("Case")
