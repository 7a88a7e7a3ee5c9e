"""Products with a risk level and the recommendations made of them — DOMAIN §3 suitability."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.core.clock import now
from crm.extensions import db
from crm.models.types import UTCDateTime, enum_check

RISK_LEVELS = ("low", "medium", "high")


class Product(db.Model):
    __tablename__ = "products"
    __table_args__ = (CheckConstraint(enum_check("risk_level", RISK_LEVELS), name="risk_level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    category: Mapped[str] = mapped_column(String(40))
    risk_level: Mapped[str] = mapped_column(String(8))
    is_active: Mapped[bool] = mapped_column(default=True)
    # High-risk business (S2 §49): never recommended without a signed risk disclosure on the dossier.
    needs_disclosure: Mapped[bool] = mapped_column(default=False)


class Recommendation(db.Model):
    __tablename__ = "recommendations"
    __table_args__ = (
        # An acknowledgement is either absent or names its signed document.
        CheckConstraint(
            "acknowledgement_signed = false OR acknowledgement_ref IS NOT NULL",
            name="acknowledgement_has_ref",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    manager_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    recommended_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    note: Mapped[str | None] = mapped_column(Text)
    # The customer's tolerance when the recommendation was made (None: never assessed).
    customer_tolerance: Mapped[str | None] = mapped_column(String(16))
    suitable: Mapped[bool]
    acknowledgement_signed: Mapped[bool] = mapped_column(default=False)
    acknowledgement_ref: Mapped[str | None] = mapped_column(String(120))

    product = relationship("Product", lazy="joined")
    manager = relationship("Staff", lazy="joined")
