"""Care touches (亲情服务) and the contact cadence by class — DOMAIN §4, S2 §56, issue 11 item 4."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.core.clock import now
from crm.extensions import db
from crm.models.customers import CLASSES
from crm.models.types import UTCDateTime, enum_check

DATE_KINDS = ("account_anniversary", "wedding_anniversary", "family_birthday", "other")


class CustomerDate(db.Model):
    """A date kept on a customer besides the birthday: yearly on its month and day, or once on ``day``."""

    __tablename__ = "customer_dates"
    __table_args__ = (CheckConstraint(enum_check("kind", DATE_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    label: Mapped[str | None] = mapped_column(String(80))
    day: Mapped[date] = mapped_column(Date)
    yearly: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class ContactCadence(db.Model):
    """How many days a customer of ``customer_class`` may go without a contact (S2 §56)."""

    __tablename__ = "contact_cadences"
    __table_args__ = (
        CheckConstraint(enum_check("customer_class", CLASSES), name="customer_class"),
        CheckConstraint("days BETWEEN 1 AND 3660", name="days_range"),
    )

    customer_class: Mapped[str] = mapped_column(String(2), primary_key=True)
    days: Mapped[int]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)

    updated_by = relationship("Staff", lazy="joined")
